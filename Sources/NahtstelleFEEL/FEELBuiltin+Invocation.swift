import Foundation

extension FEELBuiltin {
    /// Applies the function to evaluated arguments; wrong types give `.null`. The argument count
    /// was checked by the parser, and `arg(_:)` keeps an unexpected count harmless anyway.
    func invoke(_ args: [Value], now: Date) -> Value {
        func arg(_ i: Int) -> Value { i < args.count ? args[i] : .null }
        func text(_ i: Int) -> String? { arg(i).stringValue }
        func int(_ i: Int) -> Int? { arg(i).numberValue.flatMap(FEELDecimal.integer) }

        switch self {
        case .date:
            if args.count == 3 {
                guard let y = int(0), let m = int(1), let d = int(2), Swift.abs(y) <= 9999, (1...12).contains(m),
                    d >= 1, d <= LocalDate.daysIn(month: m, year: y)
                else { return .null }
                return .date(LocalDate(year: y, month: m, day: d))
            }
            switch arg(0) {
            case .string(let s):
                if let d = LocalDate(iso: s) { return .date(d) }
                // The date part of a date-time text, as written (not converted to another zone).
                if let t = s.firstIndex(where: { $0 == "T" || $0 == "t" }), ISODateTime.parse(s) != nil,
                    let d = LocalDate(iso: s[..<t])
                {
                    return .date(d)
                }
                return .null
            case .date(let d): return .date(d)
            case .dateTime(let t): return .date(ISODateTime.localDate(of: t))
            default: return .null
            }

        case .dateAndTime:
            if args.count == 2 {
                guard let d = FEELTemporal.localDate(arg(0)), let time = text(1),
                    let t = ISODateTime.parse("\(d)T\(time)")
                else { return .null }
                return .dateTime(t)
            }
            switch arg(0) {
            case .string(let s): return ISODateTime.parse(s).map(Value.dateTime) ?? .null
            case .dateTime: return arg(0)
            case .date(let d): return .dateTime(ISODateTime.startOfDay(d))
            default: return .null
            }

        case .duration:
            switch arg(0) {
            case .string(let s): return ISODuration.parse(s) ?? .null
            case .yearMonthDuration, .dayTimeDuration: return arg(0)
            default: return .null
            }

        case .yearsAndMonthsDuration:
            guard let from = FEELTemporal.localDate(arg(0)), let to = FEELTemporal.localDate(arg(1)) else { return .null }
            return .yearMonthDuration(months: FEELTemporal.months(from: from, to: to))

        case .today:
            return .date(ISODateTime.localDate(of: now))

        case .now:
            return .dateTime(now)

        case .dayOfWeek:
            guard let d = FEELTemporal.localDate(arg(0)) else { return .null }
            return .string(FEELTemporal.weekdayNames[d.isoWeekday - 1])

        case .string:
            return arg(0).isNull ? .null : .string(FEELText.string(arg(0)))

        case .number:
            switch arg(0) {
            case .number: return arg(0)
            case .string(let s):
                var grouping: Unicode.Scalar? = nil
                var separator: Unicode.Scalar = "."
                if args.count == 3 {
                    if let g = text(1) {
                        guard g.unicodeScalars.count == 1, let scalar = g.unicodeScalars.first else { return .null }
                        grouping = scalar
                    }
                    if let sep = text(2) {
                        guard sep.unicodeScalars.count == 1, let scalar = sep.unicodeScalars.first, scalar != grouping else { return .null }
                        separator = scalar
                    }
                }
                return FEELNumberText.parse(s, grouping: grouping, decimalSeparator: separator).map(Value.number) ?? .null
            default: return .null
            }

        case .stringLength:
            guard let s = text(0) else { return .null }
            return .number(Decimal(s.unicodeScalars.count))

        case .substring:
            guard let s = text(0), let start = int(1), start != 0 else { return .null }
            let scalars = Array(s.unicodeScalars)
            let from = Swift.max(0, start > 0 ? start - 1 : scalars.count + start)
            var to = scalars.count
            if args.count == 3 {
                guard let length = int(2), length >= 0 else { return .null }
                to = Swift.min(scalars.count, from + Swift.min(length, scalars.count))
            }
            guard from < to else { return .string("") }
            return .string(String(String.UnicodeScalarView(scalars[from..<to])))

        case .upperCase:
            return text(0).map { .string($0.uppercased()) } ?? .null

        case .lowerCase:
            return text(0).map { .string($0.lowercased()) } ?? .null

        case .contains:
            guard let s = text(0), let t = text(1) else { return .null }
            return .bool(t.isEmpty || s.contains(t))

        case .startsWith:
            guard let s = text(0), let t = text(1) else { return .null }
            return .bool(s.hasPrefix(t))

        case .endsWith:
            guard let s = text(0), let t = text(1) else { return .null }
            return .bool(s.hasSuffix(t))

        case .stringJoin:
            guard case .list(let items) = arg(0) else { return .null }
            let separator: String
            switch arg(1) {
            case .string(let s): separator = s
            case .null: separator = ""
            default: return .null
            }
            var parts: [String] = []
            for item in items {
                switch item {
                case .string(let s): parts.append(s)
                case .null: continue
                default: return .null
                }
            }
            return .string(parts.joined(separator: separator))

        case .count:
            guard case .list(let items) = arg(0) else { return .null }
            return .number(Decimal(items.count))

        case .sum:
            let items = FEELBuiltin.listOrArguments(args)
            guard !items.isEmpty else { return .null }
            var total = Decimal(0)
            for item in items {
                guard case .number(let n) = item else { return .null }
                total += n
            }
            return FEELOperators.number(total)

        case .min, .max:
            let items = FEELBuiltin.listOrArguments(args)
            guard var best = items.first, !best.isNull else { return .null }
            for item in items.dropFirst() {
                guard let o = FEELOperators.order(item, best) else { return .null }
                if self == .min ? o < 0 : o > 0 { best = item }
            }
            return FEELOperators.order(best, best) == nil ? .null : best

        case .listContains:
            guard case .list(let items) = arg(0) else { return .null }
            let needle = arg(1)
            return .bool(items.contains { FEELOperators.equal($0, needle) == true })

        case .append:
            guard case .list(let items) = arg(0) else { return .null }
            return .list(items + args.dropFirst())

        case .abs:
            switch arg(0) {
            case .number(let n): return .number(n < 0 ? -n : n)
            case .yearMonthDuration(let m): return .yearMonthDuration(months: Swift.abs(m))
            case .dayTimeDuration(let s): return .dayTimeDuration(seconds: s < 0 ? -s : s)
            default: return .null
            }

        case .floor, .ceiling:
            guard case .number(let n) = arg(0) else { return .null }
            var scale = 0
            if args.count == 2 {
                guard let s = int(1), (-100...100).contains(s) else { return .null }
                scale = s
            }
            return FEELOperators.number(FEELDecimal.rounded(n, scale: scale, self == .floor ? .down : .up))

        case .decimal:
            guard case .number(let n) = arg(0), let scale = int(1), (-100...100).contains(scale) else { return .null }
            return FEELOperators.number(FEELDecimal.rounded(n, scale: scale, .bankers))

        case .modulo:
            guard case .number(let a) = arg(0), case .number(let b) = arg(1), !FEELDecimal.isZero(b) else { return .null }
            let quotient = a / b
            guard !quotient.isNaN else { return .null }
            return FEELOperators.number(a - FEELDecimal.multiply(b, FEELDecimal.rounded(quotient, scale: 0, .down)))

        case .not:
            guard case .bool(let b) = arg(0) else { return .null }
            return .bool(!b)

        case .isDefined:
            return .bool(!arg(0).isNull)
        }
    }

    /// `sum([1, 2])` and `sum(1, 2)` alike.
    private static func listOrArguments(_ args: [Value]) -> [Value] {
        if args.count == 1, case .list(let items) = args[0] { return items }
        return args
    }
}
