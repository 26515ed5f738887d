import Foundation
import NahtstelleFEEL

/// Reading template values for `SwissFormat` (the formats themselves live in NahtstelleFEEL).
extension SwissFormat {
    /// Reads a date from a typed value or an ISO / Swiss string.
    static func localDate(_ value: Value) -> LocalDate? {
        switch value {
        case .date(let d): return d
        case .dateTime(let t): return ISODateTime.localDate(of: t)
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if let d = SwissFormat.parseDate(t) { return d }
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
    static func months(_ n: Int) -> String { n == 1 ? "1 Monat" : "\(n) Monate" }
    static let mainPart = "Haupttext"
    static let headerPart = "Kopfzeile"
    static let footerPart = "Fusszeile"
}
