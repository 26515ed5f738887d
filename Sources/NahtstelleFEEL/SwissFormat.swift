import Foundation

/// Swiss Standard German formats for user-visible text — in documents, reports, exports and
/// messages alike: `CHF 1'250.00`, `12'500`, `7.5 Tage`, `24.11.2026`, `756.1234.5678.97`.
/// The one place these formats are written.
public enum SwissFormat {
    // MARK: Amounts and numbers

    /// `1'250.00`: apostrophe as thousands separator, two decimals, commercial rounding.
    public static func amount(_ value: Decimal) -> String {
        let (negative, integer, fraction) = cents(value)
        return (negative ? "-" : "") + grouped(integer) + "." + fraction
    }

    /// `CHF 1'250.00`.
    public static func chf(_ value: Decimal) -> String { "CHF " + amount(value) }

    /// `1250.00`: machine form with two decimals, for JSON and CSV.
    public static func plainAmount(_ value: Decimal) -> String {
        let (negative, integer, fraction) = cents(value)
        return (negative ? "-" : "") + integer + "." + fraction
    }

    /// A plain number with thousands separators from five digits on (`12'500`, `1250`, `0.5`).
    public static func number(_ value: Decimal) -> String {
        let text = Value.canonical(value)
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts[0].count > 4 ? grouped(String(parts[0])) : String(parts[0])
        return (negative ? "-" : "") + integer + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// `80 %` (with a no-break space).
    public static func percent(_ value: Decimal) -> String { number(value) + "\u{00A0}%" }

    /// A number of days: `1 Tag`, `7 Tage`, `7.5 Tage`.
    public static func days(_ value: Double) -> String {
        let text = dayCount(value)
        return text + (text == "1" ? " Tag" : " Tage")
    }

    /// A day count without unit: `7`, `7.5` (at most one decimal).
    public static func dayCount(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return String(Int(tenths / 10)) }
        return String(format: "%.1f", tenths / 10)
    }

    /// Rounded to cents (half away from zero): sign, integer digits, two fraction digits.
    /// Through the decimal's text, so amounts of any size keep every digit.
    private static func cents(_ value: Decimal) -> (negative: Bool, integer: String, fraction: String) {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 2, .plain)
        let negative = rounded < 0
        let text = Value.canonical(negative ? -rounded : rounded)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        while fraction.count < 2 { fraction += "0" }
        return (negative, String(parts[0]), fraction)
    }

    static func grouped(_ digits: String) -> String {
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append("'") }
            out.append(ch)
        }
        return out
    }

    // MARK: Dates and times

    public static let monthNames = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                                    "September", "Oktober", "November", "Dezember"]

    /// `24.11.2026`.
    public static func date(_ d: LocalDate) -> String { d.swissFormatted }

    /// A day as users type it: ISO (`2026-03-01`) or Swiss (`1.3.2026`, `01.03.2026`; day and
    /// month one or two digits, the year four), surrounding spaces ignored, the day checked
    /// against its month. The one reader of typed dates: forms, the report's period, documents.
    public static func parseDate(_ text: String) -> LocalDate? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if let d = LocalDate(iso: s) { return d }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        // Digits only: `Int` would also take a sign (fuzz finding `Fuzz/report-date/regressions/
        // negative-year`: `1.3.-026` was the 1 March of the year -26).
        guard parts.count == 3, parts[2].count == 4, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]),
            (1...12).contains(m), d >= 1, d <= LocalDate.daysIn(month: m, year: y)
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    /// `24. November 2026`.
    public static func longDate(_ d: LocalDate) -> String {
        guard (1...12).contains(d.month) else { return d.swissFormatted }
        return "\(d.day). \(monthNames[d.month - 1]) \(d.year)"
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

    // MARK: AHV number

    /// `756.1234.5678.97` from 13 digits with or without dots and spaces; `nil` when it is not
    /// 13 digits. Only the layout: whether the number is valid (prefix, check digit) is
    /// `AHVNumber`'s concern.
    public static func ahv(_ text: String) -> String? {
        let digits = text.filter { $0 != "." && $0 != " " && $0 != "\u{00A0}" }
        guard digits.count == 13, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let d = Array(digits)
        return String(d[0..<3]) + "." + String(d[3..<7]) + "." + String(d[7..<11]) + "." + String(d[11..<13])
    }
}
