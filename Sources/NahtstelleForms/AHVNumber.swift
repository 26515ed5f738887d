import NahtstelleFEEL

/// A Swiss social security number (AHV-/SV-Nummer): 13 digits, prefix 756, EAN-13 check digit.
///
/// Accepted with or without dots (and spaces); stored and shown as `756.1234.5678.97`.
public struct AHVNumber: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 13 digits without separators.
    public let digits: String

    /// Why a text is not a valid AHV number.
    public enum Problem: Error, Sendable, Hashable {
        case empty
        case invalidCharacters
        case wrongLength(Int)
        case wrongPrefix
        case wrongCheckDigit

        /// The reason in plain German, without the field label ("Prüfziffer stimmt nicht").
        public var message: String {
            switch self {
            case .empty: FormText.ahvEmpty
            case .invalidCharacters: FormText.ahvCharacters
            case .wrongLength(let n): FormText.ahvLength(n)
            case .wrongPrefix: FormText.ahvPrefix
            case .wrongCheckDigit: FormText.ahvCheckDigit
            }
        }
    }

    /// Parses and checks a number (`7561234567897`, `756.1234.5678.97`, `756 1234 5678 97`).
    public init(_ text: String) throws(Problem) {
        var digits = ""
        for ch in text where ch != "." && ch != " " && ch != "\u{00A0}" {
            guard ch.isASCII, ch.isNumber else { throw Problem.invalidCharacters }
            digits.append(ch)
        }
        guard !digits.isEmpty else { throw Problem.empty }
        guard digits.count == 13 else { throw Problem.wrongLength(digits.count) }
        guard digits.hasPrefix("756") else { throw Problem.wrongPrefix }
        guard Self.checkDigit(of: digits.prefix(12)) == digits.last?.wholeNumberValue else { throw Problem.wrongCheckDigit }
        self.digits = digits
    }

    /// The problem with a text, or `nil` when it is a valid AHV number.
    public static func problem(in text: String) -> Problem? {
        do { _ = try AHVNumber(text); return nil } catch { return error }
    }

    public static func isValid(_ text: String) -> Bool { problem(in: text) == nil }

    /// EAN-13 check digit: weights 1, 3, 1, 3 … from the left over the first 12 digits.
    public static func checkDigit(of twelve: some StringProtocol) -> Int {
        var sum = 0
        for (i, ch) in twelve.enumerated() { sum += (ch.wholeNumberValue ?? 0) * (i % 2 == 0 ? 1 : 3) }
        return (10 - sum % 10) % 10
    }

    /// `756.1234.5678.97`.
    public var formatted: String { SwissFormat.ahv(digits) ?? digits }

    public var description: String { formatted }

    public static func < (a: AHVNumber, b: AHVNumber) -> Bool { a.digits < b.digits }
}
