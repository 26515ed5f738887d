import Foundation

/// FEEL semantics of comparison, arithmetic and member access. Every function is total: a type
/// mismatch or an impossible result gives `.null`, never a crash.
enum FEELOperators {
    // MARK: Comparison

    /// FEEL equality: `nil` when the types cannot be compared (which makes `=` null).
    /// `null = null` is true and `x = null` false for any other x.
    static func equal(_ a: Value, _ b: Value) -> Bool? {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return FEELDecimal.compare(x, y).map { $0 == 0 }
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.date(let x), .date(let y)): return x == y
        case (.dateTime(let x), .dateTime(let y)): return x == y
        case (.date(let x), .dateTime(let y)): return ISODateTime.startOfDay(x) == y
        case (.dateTime(let x), .date(let y)): return x == ISODateTime.startOfDay(y)
        case (.yearMonthDuration(let x), .yearMonthDuration(let y)): return x == y
        case (.dayTimeDuration(let x), .dayTimeDuration(let y)): return FEELDecimal.compare(x, y).map { $0 == 0 }
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (u, v) in zip(x, y) {
                guard let same = equal(u, v) else { return nil }
                if !same { return false }
            }
            return true
        case (.context(let x), .context(let y)):
            guard x.count == y.count else { return false }
            for (key, u) in x {
                guard let v = y[key] else { return false }
                guard let same = equal(u, v) else { return nil }
                if !same { return false }
            }
            return true
        default:
            return nil
        }
    }

    /// -1, 0, 1 for ordered types of the same kind; `nil` otherwise (booleans have no order).
    /// A date compared with a date-time counts as midnight in the office time zone.
    static func order(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return FEELDecimal.compare(x, y)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.dateTime(let x), .dateTime(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .dateTime(let y)): return order(.dateTime(ISODateTime.startOfDay(x)), .dateTime(y))
        case (.dateTime(let x), .date(let y)): return order(.dateTime(x), .dateTime(ISODateTime.startOfDay(y)))
        case (.yearMonthDuration(let x), .yearMonthDuration(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.dayTimeDuration(let x), .dayTimeDuration(let y)): return FEELDecimal.compare(x, y)
        default: return nil
        }
    }

    static func compare(_ a: Value, _ op: FEELComparison, _ b: Value) -> Value {
        switch op {
        case .equal:
            guard let same = equal(a, b) else { return .null }
            return .bool(same)
        case .notEqual:
            guard let same = equal(a, b) else { return .null }
            return .bool(!same)
        case .less, .lessEqual, .greater, .greaterEqual:
            guard let o = order(a, b) else { return .null }
            switch op {
            case .less: return .bool(o < 0)
            case .lessEqual: return .bool(o <= 0)
            case .greater: return .bool(o > 0)
            default: return .bool(o >= 0)
            }
        }
    }

    /// Three-valued `and` of two already evaluated operands.
    static func and(_ a: Value, _ b: Value) -> Value {
        if case .bool(false) = a { return a }
        if case .bool(false) = b { return b }
        if case .bool(true) = a, case .bool(true) = b { return a }
        return .null
    }

    // MARK: Arithmetic

    static func number(_ d: Decimal) -> Value {
        d.isNaN ? .null : .number(d)
    }

    static func months(_ m: Int) -> Value {
        abs(m) <= FEELTemporal.monthLimit * 100 ? .yearMonthDuration(months: m) : .null
    }

    static func seconds(_ s: Decimal) -> Value {
        s.isNaN ? .null : .dayTimeDuration(seconds: s)
    }

    static func apply(_ a: Value, _ op: FEELArithmeticOperator, _ b: Value) -> Value {
        switch op {
        case .add: add(a, b)
        case .subtract: subtract(a, b)
        case .multiply: multiply(a, b)
        case .divide: divide(a, b)
        case .power: power(a, b)
        }
    }

    static func add(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return number(FEELDecimal.add(x, y))
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.date(let d), .dayTimeDuration(let s)), (.dayTimeDuration(let s), .date(let d)):
            return FEELTemporal.date(d, plusSeconds: s)
        case (.date(let d), .yearMonthDuration(let m)), (.yearMonthDuration(let m), .date(let d)):
            return FEELTemporal.date(d, plusMonths: m)
        case (.dateTime(let t), .dayTimeDuration(let s)), (.dayTimeDuration(let s), .dateTime(let t)):
            return FEELTemporal.dateTime(t, plusSeconds: s)
        case (.dateTime(let t), .yearMonthDuration(let m)), (.yearMonthDuration(let m), .dateTime(let t)):
            return FEELTemporal.dateTime(t, plusMonths: m)
        case (.yearMonthDuration(let x), .yearMonthDuration(let y)):
            let (sum, overflow) = x.addingReportingOverflow(y)
            return overflow ? .null : months(sum)
        case (.dayTimeDuration(let x), .dayTimeDuration(let y)): return seconds(FEELDecimal.add(x, y))
        default: return .null
        }
    }

    static func subtract(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return number(FEELDecimal.subtract(x, y))
        case (.date(let d), .dayTimeDuration(let s)): return FEELTemporal.date(d, plusSeconds: -s)
        case (.date(let d), .yearMonthDuration(let m)): return FEELTemporal.date(d, plusMonths: -m)
        case (.dateTime(let t), .dayTimeDuration(let s)): return FEELTemporal.dateTime(t, plusSeconds: -s)
        case (.dateTime(let t), .yearMonthDuration(let m)): return FEELTemporal.dateTime(t, plusMonths: -m)
        case (.date(let x), .date(let y)): return FEELTemporal.difference(x, y)
        case (.dateTime(let x), .dateTime(let y)): return FEELTemporal.difference(x, y)
        case (.date(let x), .dateTime(let y)): return FEELTemporal.difference(ISODateTime.startOfDay(x), y)
        case (.dateTime(let x), .date(let y)): return FEELTemporal.difference(x, ISODateTime.startOfDay(y))
        case (.yearMonthDuration(let x), .yearMonthDuration(let y)):
            let (difference, overflow) = x.subtractingReportingOverflow(y)
            return overflow ? .null : months(difference)
        case (.dayTimeDuration(let x), .dayTimeDuration(let y)): return seconds(FEELDecimal.subtract(x, y))
        default: return .null
        }
    }

    static func multiply(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return number(FEELDecimal.multiply(x, y))
        case (.yearMonthDuration(let m), .number(let n)), (.number(let n), .yearMonthDuration(let m)):
            return wholeMonths(FEELDecimal.multiply(Decimal(m), n))
        case (.dayTimeDuration(let s), .number(let n)), (.number(let n), .dayTimeDuration(let s)):
            return seconds(FEELDecimal.multiply(s, n))
        default: return .null
        }
    }

    static func divide(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return FEELDecimal.isZero(y) ? .null : number(x / y)
        case (.yearMonthDuration(let m), .number(let n)):
            return FEELDecimal.isZero(n) ? .null : wholeMonths(Decimal(m) / n)
        case (.dayTimeDuration(let s), .number(let n)):
            return FEELDecimal.isZero(n) ? .null : seconds(s / n)
        case (.yearMonthDuration(let x), .yearMonthDuration(let y)):
            return y == 0 ? .null : number(Decimal(x) / Decimal(y))
        case (.dayTimeDuration(let x), .dayTimeDuration(let y)):
            return FEELDecimal.isZero(y) ? .null : number(x / y)
        default: return .null
        }
    }

    /// Months are whole; a fractional result is truncated toward zero.
    private static func wholeMonths(_ d: Decimal) -> Value {
        guard !d.isNaN else { return .null }
        let truncated = FEELDecimal.rounded(d, scale: 0, d < 0 ? .up : .down)
        guard let m = FEELDecimal.integer(truncated) else { return .null }
        return months(m)
    }

    static func power(_ a: Value, _ b: Value) -> Value {
        guard case .number(let x) = a, case .number(let y) = b else { return .null }
        if let n = FEELDecimal.integer(y), abs(n) <= 10_000 {
            return number(FEELDecimal.power(x, n))
        }
        return number(FEELDecimal.fromDouble(Foundation.pow(FEELDecimal.double(x), FEELDecimal.double(y))))
    }

    static func negate(_ v: Value) -> Value {
        switch v {
        case .number(let n): .number(-n)
        case .yearMonthDuration(let m): .yearMonthDuration(months: -m)
        case .dayTimeDuration(let s): .dayTimeDuration(seconds: -s)
        default: .null
        }
    }

    // MARK: Members

    static func member(_ v: Value, _ names: [String]) -> Value {
        var current = v
        for name in names {
            current = member(current, name)
        }
        return current
    }

    /// Context entries, a projection over lists (`persons.name`), and the FEEL properties of
    /// temporal values (`deadline.year`, `duration.days`).
    static func member(_ v: Value, _ name: String) -> Value {
        switch v {
        case .context(let members):
            return members[name] ?? .null
        case .list(let items):
            return .list(items.map { member($0, name) })
        case .date(let d):
            return dateProperty(d, name) ?? .null
        case .dateTime(let t):
            guard let fields = FEELTemporal.officeFields(t) else { return .null }
            if let value = dateProperty(fields.date, name) { return value }
            let s = Int(fields.secondOfDay.rounded(.down))
            switch name {
            case "hour": return .number(Decimal(s / 3600))
            case "minute": return .number(Decimal(s / 60 % 60))
            case "second": return .number(Decimal(s % 60))
            default: return .null
            }
        case .yearMonthDuration(let m):
            switch name {
            case "years": return .number(Decimal(m / 12))
            case "months": return .number(Decimal(m % 12))
            default: return .null
            }
        case .dayTimeDuration(let seconds):
            let whole = FEELDecimal.rounded(seconds, scale: 0, seconds < 0 ? .up : .down)
            guard let s = FEELDecimal.integer(whole) else { return .null }
            switch name {
            case "days": return .number(Decimal(s / 86400))
            case "hours": return .number(Decimal(s / 3600 % 24))
            case "minutes": return .number(Decimal(s / 60 % 60))
            case "seconds": return number(seconds - Decimal(s - s % 60))
            default: return .null
            }
        default:
            return .null
        }
    }

    private static func dateProperty(_ d: LocalDate, _ name: String) -> Value? {
        switch name {
        case "year": .number(Decimal(d.year))
        case "month": .number(Decimal(d.month))
        case "day": .number(Decimal(d.day))
        case "weekday": .number(Decimal(d.isoWeekday))
        default: nil
        }
    }
}
