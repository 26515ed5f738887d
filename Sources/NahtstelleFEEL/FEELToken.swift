import Foundation

/// One token of a FEEL expression, with its 1-based position.
struct FEELToken: Sendable {
    enum Keyword: String, Sendable {
        case `true`, `false`, null, and, or, `if`, then, `else`, between, `in`
        case `for`, `return`, some, every, satisfies
    }

    enum Symbol: String, Sendable {
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case leftBrace = "{", rightBrace = "}", comma = ",", colon = ":", dot = ".", range = ".."
        case plus = "+", minus = "-", star = "*", slash = "/", power = "**"
        case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    }

    enum Kind: Sendable {
        case name(String)
        case keyword(Keyword)
        case number(Decimal)
        case string(String)
        /// The text of `@"…"`, interpreted by the parser.
        case temporal(String)
        case symbol(Symbol)
        /// A character that starts no token; reported by the parser, which knows what it expected.
        case invalid(Unicode.Scalar)
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int

    var position: String { FEELError.position(line: line, column: column) }

    func isSymbol(_ s: Symbol) -> Bool {
        if case .symbol(let t) = kind { t == s } else { false }
    }

    func isKeyword(_ k: Keyword) -> Bool {
        if case .keyword(let t) = kind { t == k } else { false }
    }

    /// The word a name or keyword token spells, for matching multi-word built-ins (`date and time`).
    var word: String? {
        switch kind {
        case .name(let n): n
        case .keyword(let k): k.rawValue
        default: nil
        }
    }

    /// "Unerwartetes Zeichen '&'", "Unerwarteter Name 'x'", … (the adjective agrees with the noun).
    var unexpectedDescription: String {
        switch kind {
        case .end: return "Unerwartetes Ende des Ausdrucks"
        case .name(let n): return "Unerwarteter Name '\(FEELToken.shortened(n))'"
        case .keyword(let k): return "Unerwartetes Schlüsselwort '\(k.rawValue)'"
        case .number(let n): return "Unerwartete Zahl \(Value.canonical(n))"
        case .string(let s): return "Unerwarteter Text \"\(FEELToken.shortened(s))\""
        case .temporal(let s): return "Unerwartete Zeitangabe @\"\(FEELToken.shortened(s))\""
        case .symbol(let s): return s.rawValue.count == 1 ? "Unerwartetes Zeichen '\(s.rawValue)'" : "Unerwartetes Symbol '\(s.rawValue)'"
        case .invalid(let c):
            if c.value < 0x20 || c.value == 0x7F || (0x80..<0xA0).contains(c.value) {
                return "Unerwartetes Steuerzeichen \(FEELToken.codePoint(c))"
            }
            return "Unerwartetes Zeichen '\(Character(c))'"
        }
    }

    static func codePoint(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static func shortened(_ s: String) -> String {
        s.unicodeScalars.count <= 30 ? s : String(String.UnicodeScalarView(s.unicodeScalars.prefix(30))) + "…"
    }
}
