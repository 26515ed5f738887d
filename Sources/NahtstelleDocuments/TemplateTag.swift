/// The placeholder syntax, as a coordinator types it in Word:
///
/// - `{{person.lastName}}` — a field; `{{person.birthDate | datum}}` with filters
///   (`datum`, `datumlang`, `datumzeit`, `zeit`, `chf`, `betrag`, `prozent`, `ahv`, `janein`,
///   `zeilen`, `bezeichnung`, `roh`, `optional`, `sonst "–"`).
/// - `{{#measures}} … {{/measures}}` — a section: repeated for each entry of a list, shown once
///   for a yes/text/object value, left out when the value is missing, empty, `false` or `0`.
/// - `{{#meeting.decision == "close"}} … {{/meeting.decision}}` (and `!=`) — shown when the value
///   equals (or not) the given one.
/// - `{{^measures}} … {{/measures}}` — inverted: shown only when the section above would not be.
/// - `{{?measures}} … {{/measures}}` — shown once when the value is there (a non-empty list, yes,
///   a text), without repeating: e.g. a whole table with its header row only when there are entries.
/// - `{{! Bemerkung}}` — a comment for template authors, removed from the output.
/// - `{{@nr}}` — inside a list section, the entry's number (1, 2, 3, …).
struct TemplateTag: Equatable {
    enum Kind: Equatable {
        case field(path: FieldPath, filters: [Filter])
        case open(path: FieldPath, condition: SectionCondition)
        case close(path: FieldPath)
        case comment
    }
    var kind: Kind
}

/// How an opening section tag decides whether (and how often) its content appears.
enum SectionCondition: Equatable, Sendable {
    case truthy
    case inverted
    case present
    case equals(String)
    case notEquals(String)
}

/// A dotted path (`referrer.office.name`), or `.` for the current list entry.
struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    var segments: [String]
    var isCurrentItem: Bool { segments.isEmpty }
    var description: String { segments.isEmpty ? "." : segments.joined(separator: ".") }
}

/// A formatting filter after `|`.
enum Filter: Equatable, Sendable {
    case date, longDate, dateTime, time, chf, amount, percent, ahv, yesNo, lines, label, raw, optional
    case fallback(String)

    /// German names first (they are what coordinators read in the README), English aliases.
    static let names: [String: Filter] = [
        "datum": .date, "date": .date,
        "datumlang": .longDate, "longdate": .longDate,
        "datumzeit": .dateTime, "datetime": .dateTime,
        "zeit": .time, "time": .time,
        "chf": .chf,
        "betrag": .amount, "amount": .amount,
        "prozent": .percent, "percent": .percent,
        "ahv": .ahv,
        "janein": .yesNo, "yesno": .yesNo,
        "zeilen": .lines, "lines": .lines,
        "bezeichnung": .label, "label": .label,
        "roh": .raw, "raw": .raw,
        "optional": .optional,
    ]
    static let fallbackNames: Set<String> = ["sonst", "default"]
    static let documentedNames = "datum, datumlang, datumzeit, zeit, chf, betrag, prozent, ahv, janein, zeilen, bezeichnung, roh, optional, sonst \"…\""

    /// The schema types a filter makes sense for; `nil` = any.
    var acceptedTypes: Set<FieldKind>? {
        switch self {
        case .date, .longDate: [.date, .dateTime]
        case .dateTime, .time: [.dateTime, .date]
        case .chf, .amount: [.amount, .number, .percentage]
        case .percent: [.percentage, .number]
        case .ahv: [.ahv, .text]
        case .yesNo: [.bool]
        case .label: [.choice]
        case .lines, .raw, .optional, .fallback: nil
        }
    }

    var name: String {
        switch self {
        case .date: "datum"
        case .longDate: "datumlang"
        case .dateTime: "datumzeit"
        case .time: "zeit"
        case .chf: "chf"
        case .amount: "betrag"
        case .percent: "prozent"
        case .ahv: "ahv"
        case .yesNo: "janein"
        case .lines: "zeilen"
        case .label: "bezeichnung"
        case .raw: "roh"
        case .optional: "optional"
        case .fallback: "sonst"
        }
    }
}

struct TagSyntaxError: Error {
    var message: String
    var fix: String
    var code: TemplateProblem.Code = .invalidPlaceholder
}

extension TemplateTag {
    static let quoteOpeners: Set<Character> = ["\"", "„", "“", "”", "«", "»", "'", "‘", "’", "‚"]

    /// Parses the text between `{{` and `}}`.
    static func parse(_ raw: String) throws(TagSyntaxError) -> TemplateTag {
        let text = trim(raw)
        guard let first = text.first else {
            throw TagSyntaxError(message: "Leerer Platzhalter {{}}", fix: "Feldnamen zwischen die Klammern schreiben, z. B. {{person.lastName}}, oder die Klammern löschen.")
        }
        switch first {
        case "!":
            return TemplateTag(kind: .comment)
        case "#", "^", "?":
            let rest = trim(String(text.dropFirst()))
            if first == "^" {
                return TemplateTag(kind: .open(path: try parsePath(rest), condition: .inverted))
            }
            if first == "?" {
                return TemplateTag(kind: .open(path: try parsePath(rest), condition: .present))
            }
            for (op, isEqual) in [("==", true), ("!=", false), ("=", true)] {
                if let r = rest.range(of: op) {
                    let path = try parsePath(trim(String(rest[..<r.lowerBound])))
                    let value = try parseLiteral(trim(String(rest[r.upperBound...])))
                    return TemplateTag(kind: .open(path: path, condition: isEqual ? .equals(value) : .notEquals(value)))
                }
            }
            return TemplateTag(kind: .open(path: try parsePath(rest), condition: .truthy))
        case "/":
            return TemplateTag(kind: .close(path: try parsePath(trim(String(text.dropFirst())))))
        default:
            let pieces = splitFilters(text)
            let path = try parsePath(trim(pieces[0]))
            var filters: [Filter] = []
            for piece in pieces.dropFirst() {
                filters.append(try parseFilter(trim(piece)))
            }
            return TemplateTag(kind: .field(path: path, filters: filters))
        }
    }

    static func trim(_ s: String) -> String {
        let isBlank: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{00A0}" || $0 == "\u{202F}" }
        guard let start = s.firstIndex(where: { !isBlank($0) }), let end = s.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(s[start...end])
    }

    /// Splits on `|` outside quotes.
    static func splitFilters(_ text: String) -> [String] {
        var pieces: [String] = [""]
        var inQuote = false
        for ch in text {
            if quoteOpeners.contains(ch) { inQuote.toggle() }
            if ch == "|", !inQuote { pieces.append(""); continue }
            pieces[pieces.count - 1].append(ch)
        }
        return pieces
    }

    static func parsePath(_ text: String) throws(TagSyntaxError) -> FieldPath {
        if text == "." { return FieldPath(segments: []) }
        guard !text.isEmpty else {
            throw TagSyntaxError(message: "Feldname fehlt", fix: "Den Feldnamen nach dem Zeichen schreiben, z. B. {{#measures}} … {{/measures}}.")
        }
        var segments: [String] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            let ok = !part.isEmpty && part.enumerated().allSatisfy { index, ch in
                ch.isASCII && (ch.isLetter || ch == "_" || (index == 0 ? ch == "@" : (ch.isNumber || ch == "-")))
            }
            guard ok else {
                throw TagSyntaxError(message: "Ungültiger Feldname «\(text)»",
                    fix: "Feldnamen bestehen aus Buchstaben, Ziffern und Punkten ohne Leerzeichen, z. B. person.lastName; Filter nach einem senkrechten Strich: {{person.birthDate | datum}}.")
            }
            segments.append(String(part))
        }
        return FieldPath(segments: segments)
    }

    static func parseLiteral(_ text: String) throws(TagSyntaxError) -> String {
        guard !text.isEmpty else {
            throw TagSyntaxError(message: "Vergleichswert fehlt", fix: "Den Wert nach == angeben, z. B. {{#meeting.decision == \"close\"}}.")
        }
        if let f = text.first, quoteOpeners.contains(f) {
            guard text.count >= 2, let l = text.last, quoteOpeners.contains(l) else {
                throw TagSyntaxError(message: "Anführungszeichen nicht geschlossen in «\(text)»", fix: "Den Wert in Anführungszeichen einschliessen: \"close\".")
            }
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    static func parseFilter(_ text: String) throws(TagSyntaxError) -> Filter {
        var name = text
        var argument: String?
        if let split = text.firstIndex(where: { $0 == " " || $0 == ":" || quoteOpeners.contains($0) }) {
            name = String(text[..<split])
            let rest = trim(String(text[split...]).drop(while: { $0 == ":" || $0 == " " }).description)
            argument = try parseLiteral(rest)
        }
        let key = name.lowercased()
        if Filter.fallbackNames.contains(key) {
            guard let argument else {
                throw TagSyntaxError(message: "Filter «\(name)» braucht einen Text", fix: "Den Ersatztext in Anführungszeichen angeben: {{person.phone | sonst \"–\"}}.")
            }
            return .fallback(argument)
        }
        guard let filter = Filter.names[key] else {
            let suggestion = Spelling.closest(to: key, among: Array(Filter.names.keys) + Array(Filter.fallbackNames))
            throw TagSyntaxError(message: "Unbekannter Filter «\(name)»" + (suggestion.map { " — meinten Sie «\($0)»?" } ?? ""),
                fix: "Erlaubte Filter: \(Filter.documentedNames).", code: .unknownFilter)
        }
        if argument != nil {
            throw TagSyntaxError(message: "Filter «\(name)» nimmt keinen Text", fix: "Den Text nach dem Filternamen entfernen.")
        }
        return filter
    }
}

/// Suggestions for misspelt names.
enum Spelling {
    static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        let limit = max(2, word.count / 4)
        let a = Array(word.lowercased())
        for candidate in candidates {
            let b = Array(candidate.lowercased())
            // The distance is at least the difference in length: most candidates end here,
            // which keeps a template full of unknown fields quick to check (the docx fuzz
            // harness spent most of its time in this loop).
            guard abs(a.count - b.count) <= limit else { continue }
            let d = distance(a, b)
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
