import Foundation
import NahtstelleFEEL

extension FormDefinition {
    /// Validates submitted data: every error for every field, and the normalised values.
    /// - Parameters:
    ///   - data: field id → submitted value (strings from HTML forms or typed JSON values).
    ///   - references: when given, `office` and `user` ids must exist.
    public func validate(_ data: [String: Value], references: FormReferences? = nil) -> FormValidation {
        var errors: [FormValidation.FieldError] = []
        var values: [String: Value] = [:]
        let all = fields
        // Normalise first, so conditions (`requiredWhen`) see ids and booleans, not raw input.
        for field in all {
            guard let raw = data[field.id], !Self.isEmpty(raw) else { continue }
            switch Self.normalise(raw, field, path: field.id, references: references) {
            case .success(let value): values[field.id] = value
            case .failure(let fieldErrors): errors += fieldErrors.list
            }
        }
        let invalid = Set(errors.map { $0.field.split(separator: "[").first.map(String.init) ?? $0.field })
        for field in all where values[field.id] == nil && !invalid.contains(field.id) && field.isRequired(given: values) {
            errors.append(.init(field: field.id, code: .required, message: FormText.labelled(field.label, FormText.required)))
        }
        for field in all {
            guard let other = field.constraints.notBefore, let mine = values[field.id], let theirs = values[other],
                let label = all.first(where: { $0.id == other })?.label
            else { continue }
            if Self.compareDates(mine, theirs) == .orderedAscending {
                errors.append(.init(field: field.id, code: .outOfRange, message: FormText.labelled(field.label, FormText.beforeField(label))))
            }
        }
        let order = Dictionary(all.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        errors.sort { (order[Self.baseId($0.field)] ?? .max) < (order[Self.baseId($1.field)] ?? .max) }
        let unknown = data.keys.filter { key in !all.contains { $0.id == key } }.sorted()
        return FormValidation(errors: errors, values: values, unknownFields: unknown)
    }

    static func baseId(_ path: String) -> String { path.split(separator: "[").first.map(String.init) ?? path }

    static func isEmpty(_ value: Value) -> Bool {
        switch value {
        case .null: true
        case .string(let s): s.allSatisfy { $0.isWhitespace }
        case .list(let l): l.isEmpty
        default: false
        }
    }

    struct Errors: Error { var list: [FormValidation.FieldError] }

    static func normalise(_ raw: Value, _ field: FormField, path: String, references: FormReferences?) -> Result<Value, Errors> {
        func fail(_ code: FormValidation.FieldError.Code, _ reason: String) -> Result<Value, Errors> {
            .failure(Errors(list: [.init(field: path, code: code, message: FormText.labelled(field.label, reason))]))
        }
        let c = field.constraints
        switch field.type {
        case .text, .multiline:
            guard case .string(var s) = raw else { return fail(.invalidType, FormText.notText) }
            s = cleanText(s, multiline: field.type == .multiline)
            if field.type == .text, s.contains("\n") { return fail(.invalidType, FormText.singleLine) }
            let length = s.count
            let max = c.maxLength ?? (field.type == .text ? 200 : 10_000)
            if length > max { return fail(.tooLong, FormText.tooLong(max, length)) }
            if let min = c.minLength, length < min { return fail(.tooShort, FormText.tooShort(min)) }
            return .success(.string(s))

        case .date:
            guard let d = parseDate(raw) else { return fail(.invalidType, FormText.notDate) }
            if let min = c.min.flatMap(parseDate), d < min { return fail(.outOfRange, FormText.dateTooEarly(min.swissFormatted)) }
            if let max = c.max.flatMap(parseDate), max < d { return fail(.outOfRange, FormText.dateTooLate(max.swissFormatted)) }
            return .success(.date(d))

        case .dateTime:
            guard let t = parseDateTime(raw) else { return fail(.invalidType, FormText.notDateTime) }
            return .success(.dateTime(t))

        case .yesNo:
            switch raw {
            case .bool(let b): return .success(.bool(b))
            case .string(let s):
                switch s.trimmingCharacters(in: .whitespaces).lowercased() {
                case "ja", "yes", "true", "1", "on": return .success(.bool(true))
                case "nein", "no", "false", "0", "off": return .success(.bool(false))
                default: return fail(.invalidType, FormText.notYesNo)
                }
            default: return fail(.invalidType, FormText.notYesNo)
            }

        case .choice:
            var picked: [Value] = []
            if case .list(let items) = raw { picked = items } else { picked = [raw] }
            if !field.multiple, picked.count > 1 { return fail(.notAllowed, FormText.oneChoice) }
            var ids: [Value] = []
            for item in picked {
                let text: String
                switch item {
                case .string(let s): text = s.trimmingCharacters(in: .whitespaces)
                case .number(let n): text = Value.canonical(n)
                case .bool(let b): text = b ? "true" : "false"
                default: return fail(.invalidType, FormText.notAllowed(item.jsonString(tagged: false), allowedLabels(field)))
                }
                // Ids are what the engine stores; the German label is accepted too (pasted text).
                guard let choice = field.choices.first(where: { $0.id == text })
                    ?? field.choices.first(where: { $0.label.caseInsensitiveCompare(text) == .orderedSame })
                else { return fail(.notAllowed, FormText.notAllowed(text, allowedLabels(field))) }
                if !ids.contains(.string(choice.id)) { ids.append(.string(choice.id)) }
            }
            return .success(field.multiple ? .list(ids) : ids[0])

        case .amount, .percentage, .number:
            guard let n = parseNumber(raw) else { return fail(.invalidType, field.type == .amount ? FormText.notAmount : FormText.notNumber) }
            if field.type == .amount, decimals(n) > 2 { return fail(.invalidType, FormText.amountDecimals) }
            if c.integer, decimals(n) > 0 { return fail(.invalidType, FormText.notInteger) }
            let min = c.min.flatMap(parseNumber) ?? (field.type == .number ? nil : 0)
            let max = c.max.flatMap(parseNumber) ?? (field.type == .percentage ? 100 : nil)
            let show: (Decimal) -> String = { field.type == .amount ? "CHF " + amountText($0) : (field.type == .percentage ? "\(Value.canonical($0)) %" : Value.canonical($0)) }
            if let min, n < min { return fail(.outOfRange, FormText.tooSmall(show(min))) }
            if let max, n > max { return fail(.outOfRange, FormText.tooLarge(show(max))) }
            if let allowed = c.allowedValues?.compactMap(parseNumber), !allowed.isEmpty, !allowed.contains(n) {
                return fail(.notAllowed, FormText.notOneOf(allowed.map { Value.canonical($0) }.joined(separator: ", ")))
            }
            return .success(.number(n))

        case .ahvNumber:
            guard case .string(let s) = raw else { return fail(.invalidType, FormText.ahvCharacters) }
            do {
                return .success(.string(try AHVNumber(s).formatted))
            } catch {
                return fail(.invalidAHVNumber, error.message)
            }

        case .office, .user:
            guard case .string(let s0) = raw else { return fail(.invalidType, FormText.notReference) }
            let s = s0.trimmingCharacters(in: .whitespaces)
            guard s.count <= 100, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) }) else {
                return fail(.invalidType, FormText.notReference)
            }
            if let references {
                if field.type == .office, !references.officeExists(s) { return fail(.unknownReference, FormText.unknownOffice) }
                if field.type == .user, !references.userExists(s) { return fail(.unknownReference, FormText.unknownUser) }
            }
            return .success(.string(s))

        case .table:
            guard case .list(let rows) = raw else { return fail(.invalidType, FormText.notTable) }
            if let min = c.minRows, rows.count < min { return fail(.invalidRows, FormText.tooFewRows(min)) }
            if let max = c.maxRows, rows.count > max { return fail(.invalidRows, FormText.tooManyRows(max)) }
            var out: [Value] = []
            var errors: [FormValidation.FieldError] = []
            for (i, row) in rows.enumerated() {
                guard case .context(let cells) = row else {
                    errors.append(.init(field: "\(path)[\(i + 1)]", code: .invalidType, message: FormText.labelled(FormText.row(field.label, i + 1), FormText.notTable)))
                    continue
                }
                var normalised: [String: Value] = [:]
                for column in field.columns {
                    let cellPath = "\(path)[\(i + 1)].\(column.id)"
                    var labelled = column
                    labelled.label = FormText.row(field.label, i + 1) + ", " + column.label
                    guard let value = cells[column.id], !isEmpty(value) else {
                        if column.isRequired(given: normalised) {
                            errors.append(.init(field: cellPath, code: .required, message: FormText.labelled(labelled.label, FormText.required)))
                        }
                        continue
                    }
                    switch normalise(value, labelled, path: cellPath, references: references) {
                    case .success(let v): normalised[column.id] = v
                    case .failure(let e): errors += e.list
                    }
                }
                out.append(.context(normalised))
            }
            return errors.isEmpty ? .success(.list(out)) : .failure(Errors(list: errors))
        }
    }

    static func allowedLabels(_ field: FormField) -> String { field.choices.map(\.label).joined(separator: ", ") }

    /// Trims, unifies line ends and drops control characters (keeping line breaks and tabs in multi-line text).
    static func cleanText(_ s: String, multiline: Bool) -> String {
        var out = String.UnicodeScalarView()
        let unified = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for scalar in unified.unicodeScalars {
            switch scalar.value {
            case 0x0A: out.append(scalar)
            case 0x09: out.append(multiline ? scalar : " ")
            case 0x00..<0x20, 0x7F..<0xA0, 0xFFFE, 0xFFFF: continue
            default: out.append(scalar)
            }
        }
        return String(out).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A date as forms accept it: ISO (`2026-03-01`) or Swiss (`1.3.2026`, `01.03.2026`), checked.
    public static func parseDate(_ value: Value) -> LocalDate? {
        switch value {
        case .date(let d): return d
        case .string(let raw): return SwissFormat.parseDate(raw)
        default: return nil
        }
    }

    /// A date and time as forms accept it: ISO, or Swiss (`24.11.2026 09:30`, office time).
    public static func parseDateTime(_ value: Value) -> Date? {
        switch value {
        case .dateTime(let t): return t
        case .string(let raw):
            let s = raw.trimmingCharacters(in: .whitespaces)
            guard s.count > 10 else { return nil }  // a plain date has no time
            if let t = ISODateTime.parse(s) { return t }
            // Swiss: "24.11.2026 09:30"
            let pieces = s.split(separator: " ", omittingEmptySubsequences: true)
            guard pieces.count == 2, let d = parseDate(.string(String(pieces[0]))) else { return nil }
            return ISODateTime.parse("\(d)T\(pieces[1])")
        default: return nil
        }
    }

    /// A number as typed in a form: CHF prefix, Swiss thousands separators, decimal comma allowed.
    public static func parseNumber(_ value: Value) -> Decimal? {
        switch value {
        case .number(let n): return n
        case .string(let raw):
            var s = raw.trimmingCharacters(in: .whitespaces)
            if s.uppercased().hasPrefix("CHF") { s = String(s.dropFirst(3)) }
            if s.hasSuffix("%") { s = String(s.dropLast()) }
            s = s.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "’", with: "")
                .replacingOccurrences(of: "\u{00A0}", with: "").replacingOccurrences(of: " ", with: "")
            if s.hasSuffix(".-") || s.hasSuffix(".–") { s = String(s.dropLast(2)) }
            // A decimal comma is common in German input ("1250,50").
            if !s.contains("."), s.filter({ $0 == "," }).count == 1 { s = s.replacingOccurrences(of: ",", with: ".") }
            guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
                s.filter({ $0 == "." }).count <= 1, !s.dropFirst().contains("-")
            else { return nil }
            return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))
        default: return nil
        }
    }

    static func decimals(_ n: Decimal) -> Int {
        let text = Value.canonical(n)
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: dot, to: text.endIndex) - 1
    }

    static func amountText(_ n: Decimal) -> String {
        var value = n, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let text = Value.canonical(rounded)
        let parts = text.split(separator: ".")
        var integer = String(parts[0]), out = ""
        let negative = integer.hasPrefix("-")
        if negative { integer.removeFirst() }
        for (i, ch) in integer.enumerated() {
            if i > 0, (integer.count - i) % 3 == 0 { out.append("'") }
            out.append(ch)
        }
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < 2 { fraction += "0" }
        return (negative ? "-" : "") + out + "." + fraction
    }

    static func compareDates(_ a: Value, _ b: Value) -> ComparisonResult {
        func key(_ v: Value) -> Double? {
            switch v {
            case .date(let d): Double(d.daysSinceEpoch) * 86400
            case .dateTime(let t): t.timeIntervalSince1970
            default: nil
            }
        }
        guard let x = key(a), let y = key(b) else { return .orderedSame }
        return x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame)
    }
}
