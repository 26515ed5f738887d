import Foundation
import NahtstelleFEEL

/// Swiss Standard German formatting of values in documents: `dd.MM.yyyy`, `CHF 1'250.00`,
/// `756.1234.5678.97`. All user-visible words of this target live in `DocumentText`.
public enum SwissFormat {
    /// `1'250.00` — two decimals, apostrophe as thousands separator.
    public static func amount(_ n: Decimal) -> String {
        var value = n
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let negative = rounded < 0
        let text = Value.canonical(negative ? -rounded : rounded)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < 2 { fraction += "0" }
        return (negative ? "-" : "") + grouped(integer) + "." + fraction
    }

    /// `CHF 1'250.00`.
    public static func chf(_ n: Decimal) -> String { "CHF " + amount(n) }

    /// A plain number with thousands separators (`12'500`, `0.5`).
    public static func number(_ n: Decimal) -> String {
        let text = Value.canonical(n)
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts[0].count > 4 ? grouped(String(parts[0])) : String(parts[0])
        return (negative ? "-" : "") + integer + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func grouped(_ digits: String) -> String {
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append("'") }
            out.append(ch)
        }
        return out
    }

    /// `80 %`.
    public static func percent(_ n: Decimal) -> String { number(n) + "\u{00A0}%" }

    /// `24.11.2026`.
    public static func date(_ d: LocalDate) -> String { d.swissFormatted }

    /// `24. November 2026`.
    public static func longDate(_ d: LocalDate) -> String {
        let months = DocumentText.monthNames
        guard (1...12).contains(d.month) else { return d.swissFormatted }
        return "\(d.day). \(months[d.month - 1]) \(d.year)"
    }

    /// Office-local wall time `09:30` of an instant.
    public static func time(_ t: Date) -> String {
        let offset = ISODateTime.officeTimeZone.secondsFromGMT(for: t)
        let local = Int((t.timeIntervalSince1970 + Double(offset)).rounded(.down))
        let secondsOfDay = ((local % 86400) + 86400) % 86400
        let h = secondsOfDay / 3600, m = secondsOfDay / 60 % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    /// `24.11.2026 09:30` in office time.
    public static func dateTime(_ t: Date) -> String { ISODateTime.localDate(of: t).swissFormatted + " " + time(t) }

    /// `756.1234.5678.97` from 13 digits with or without dots; `nil` when it is not 13 digits.
    public static func ahv(_ text: String) -> String? {
        let digits = text.filter { $0 != "." && $0 != " " }
        guard digits.count == 13, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let d = Array(digits)
        return String(d[0..<3]) + "." + String(d[3..<7]) + "." + String(d[7..<11]) + "." + String(d[11..<13])
    }

    /// Reads a date from a typed value or an ISO / Swiss string.
    static func localDate(_ value: Value) -> LocalDate? {
        switch value {
        case .date(let d): return d
        case .dateTime(let t): return ISODateTime.localDate(of: t)
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if let d = LocalDate(iso: t) { return d }
            if let d = swissDate(t) { return d }
            if let instant = ISODateTime.parse(t) { return ISODateTime.localDate(of: instant) }
            return nil
        default: return nil
        }
    }

    static func instant(_ value: Value) -> Date? {
        switch value {
        case .dateTime(let t): return t
        case .date(let d): return ISODateTime.startOfDay(d)
        case .string(let s): return ISODateTime.parse(s)
        default: return nil
        }
    }

    static func swissDate(_ text: String) -> LocalDate? {
        let parts = text.split(separator: ".")
        guard parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4,
            (1...12).contains(m), d >= 1, d <= LocalDate.daysIn(month: m, year: y)
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    static func decimal(_ value: Value) -> Decimal? {
        switch value {
        case .number(let n): return n
        case .string(let s):
            let cleaned = s.replacingOccurrences(of: "CHF", with: "").replacingOccurrences(of: "'", with: "")
                .replacingOccurrences(of: "’", with: "").trimmingCharacters(in: .whitespaces)
            return Decimal(string: cleaned, locale: Locale(identifier: "en_US_POSIX"))
        default: return nil
        }
    }
}

/// The German words documents print (Ja/Nein, month names): one place to adjust wording.
public enum DocumentText {
    public static let yes = "Ja"
    public static let no = "Nein"
    public static let monthNames = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                                    "September", "Oktober", "November", "Dezember"]
    static func months(_ n: Int) -> String { n == 1 ? "1 Monat" : "\(n) Monate" }
    static let mainPart = "Haupttext"
    static let headerPart = "Kopfzeile"
    static let footerPart = "Fusszeile"
}
