import Foundation

/// Swiss number formats for user-visible text: `CHF 1'250.00`, `12.5 Tage`.
public enum SwissFormat {
    /// `1'250.00`: apostrophe as thousands separator, two decimals, commercial rounding.
    public static func amount(_ value: Decimal) -> String {
        let cents = roundedCents(value)
        let negative = cents < 0
        let magnitude = cents.magnitude
        let whole = String(magnitude / 100)
        let fraction = magnitude % 100
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { grouped.append("'") }
            grouped.append(character)
        }
        return (negative ? "-" : "") + grouped + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// `CHF 1'250.00`.
    public static func chf(_ value: Decimal) -> String { "CHF " + amount(value) }

    /// `1250.00`: machine form with two decimals, for JSON and CSV.
    public static func plainAmount(_ value: Decimal) -> String {
        let cents = roundedCents(value)
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + String(magnitude / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// A number of days: `1 Tag`, `7 Tage`, `7.5 Tage`.
    public static func days(_ value: Double) -> String {
        let text = number(value)
        return text + (text == "1" ? " Tag" : " Tage")
    }

    /// A day count as a number without unit: `7`, `7.5` (at most one decimal).
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return String(Int(tenths / 10)) }
        return String(format: "%.1f", tenths / 10)
    }

    static func roundedCents(_ value: Decimal) -> Int64 {
        var input = value * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .plain)
        return NSDecimalNumber(decimal: rounded).int64Value
    }
}
