import Foundation

/// Splits FEEL text into tokens. Characters that start no token become `.invalid` tokens so that
/// the parser can say what it expected instead; only malformed texts and comments throw here.
struct FEELLexer {
    private let scalars: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var lineStart = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    static func tokenize(_ scalars: [Unicode.Scalar]) throws(FEELError) -> [FEELToken] {
        var lexer = FEELLexer(scalars)
        return try lexer.run()
    }

    private var column: Int { i - lineStart + 1 }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        i + offset < scalars.count ? scalars[i + offset] : nil
    }

    private func fail(_ text: String, line: Int, column: Int) -> FEELError {
        FEELError(code: .syntax, message: text, line: line, column: column)
    }

    private func fail(_ code: FEELError.Code, _ text: String, line: Int, column: Int) -> FEELError {
        FEELError(code: code, message: text, line: line, column: column)
    }

    private mutating func newLine(at index: Int) {
        line += 1
        lineStart = index + 1
    }

    private mutating func run() throws(FEELError) -> [FEELToken] {
        var tokens: [FEELToken] = []
        tokens.reserveCapacity(scalars.count / 3 + 2)
        while true {
            try skipSpaceAndComments()
            let startLine = line, startColumn = column
            guard let c = peek() else {
                tokens.append(FEELToken(kind: .end, line: startLine, column: startColumn))
                return tokens
            }
            let kind: FEELToken.Kind
            if FEELLexer.isNameStart(c) {
                kind = readName()
            } else if FEELLexer.isDigit(c) || (c == "." && peek(1).map(FEELLexer.isDigit) == true && !FEELLexer.endsOperand(tokens.last)) {
                kind = try readNumber()
            } else if c == "\"" {
                kind = .string(try readString())
            } else if c == "@", peek(1) == "\"" {
                i += 1
                kind = .temporal(try readString())
            } else if c == "`" {
                kind = try readBacktickName()
            } else if let symbol = readSymbol() {
                kind = .symbol(symbol)
            } else {
                i += 1
                kind = .invalid(c)
            }
            tokens.append(FEELToken(kind: kind, line: startLine, column: startColumn))
        }
    }

    /// Whether a `.` after this token is a path step rather than the start of `.5`.
    private static func endsOperand(_ token: FEELToken?) -> Bool {
        guard let token else { return false }
        switch token.kind {
        case .name, .number, .string, .temporal: return true
        case .keyword(let k): return k == .true || k == .false || k == .null
        case .symbol(let s): return s == .rightParen || s == .rightBracket || s == .rightBrace
        case .invalid, .end: return false
        }
    }

    private mutating func skipSpaceAndComments() throws(FEELError) {
        while let c = peek() {
            if c == "\n" {
                newLine(at: i)
                i += 1
            } else if c == " " || c == "\t" || c == "\r" || (c.value >= 0x80 && c.properties.isWhitespace) {
                i += 1
            } else if c == "/", peek(1) == "/" {
                while let d = peek(), d != "\n" { i += 1 }
            } else if c == "/", peek(1) == "*" {
                let startLine = line, startColumn = column
                i += 2
                while true {
                    guard let d = peek() else {
                        throw fail("Kommentar ohne Ende: der mit '/*' in \(FEELError.position(line: startLine, column: startColumn)) begonnene Kommentar wird nicht mit '*/' geschlossen.", line: startLine, column: startColumn)
                    }
                    if d == "*", peek(1) == "/" { i += 2; break }
                    if d == "\n" { newLine(at: i) }
                    i += 1
                }
            } else {
                return
            }
        }
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 {
            return (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) || c == "_" || c == "$"
        }
        return c.properties.isAlphabetic
    }

    static func isNamePart(_ c: Unicode.Scalar) -> Bool {
        if isNameStart(c) || isDigit(c) { return true }
        guard c.value >= 0x80 else { return false }
        // Combining marks keep decomposed umlauts (u + U+0308) inside the name.
        switch c.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    private mutating func readName() -> FEELToken.Kind {
        let start = i
        while let c = peek(), FEELLexer.isNamePart(c) { i += 1 }
        var word = ""
        word.unicodeScalars.append(contentsOf: scalars[start..<i])
        if let keyword = FEELToken.Keyword(rawValue: word) { return .keyword(keyword) }
        return .name(word)
    }

    /// `` `name with spaces` `` (Camunda) for variables whose names are not plain identifiers.
    private mutating func readBacktickName() throws(FEELError) -> FEELToken.Kind {
        let startLine = line, startColumn = column
        i += 1
        var word = ""
        while let c = peek(), c != "`" {
            if c == "\n" || c.value < 0x20 { break }
            word.unicodeScalars.append(c)
            i += 1
        }
        guard peek() == "`" else {
            throw fail("Name ohne schliessendes '`': der Name beginnt in \(FEELError.position(line: startLine, column: startColumn)).", line: startLine, column: startColumn)
        }
        i += 1
        guard !word.isEmpty else {
            throw fail("Leerer Name `` in \(FEELError.position(line: startLine, column: startColumn)).", line: startLine, column: startColumn)
        }
        return .name(word)
    }

    private mutating func readNumber() throws(FEELError) -> FEELToken.Kind {
        let startLine = line, startColumn = column
        var digits: [UInt8] = []
        var fractionCount = 0
        while let c = peek(), FEELLexer.isDigit(c) { digits.append(UInt8(c.value)); i += 1 }
        if peek() == ".", let next = peek(1), FEELLexer.isDigit(next) {
            i += 1
            while let c = peek(), FEELLexer.isDigit(c) { digits.append(UInt8(c.value)); fractionCount += 1; i += 1 }
        }
        if let c = peek(), FEELLexer.isNameStart(c) {
            throw fail(.invalidLiteral, "Ungültige Zahl in \(FEELError.position(line: startLine, column: startColumn)): auf die Ziffern folgt direkt '\(Character(c))'. Namen beginnen mit einem Buchstaben; zwischen Zahl und Wort gehört ein Leerzeichen oder ein Operator.", line: startLine, column: startColumn)
        }
        guard let value = FEELNumberText.decimal(digits: digits, fractionCount: fractionCount, negative: false) else {
            throw fail(.invalidLiteral, "Zahl in \(FEELError.position(line: startLine, column: startColumn)) hat zu viele Stellen (höchstens 60).", line: startLine, column: startColumn)
        }
        return .number(value)
    }

    /// Reads `"…"` (the opening quote at `i`) with FEEL escapes.
    private mutating func readString() throws(FEELError) -> String {
        let startLine = line, startColumn = column
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                throw fail("Text ohne schliessendes Anführungszeichen: der Text beginnt in \(FEELError.position(line: startLine, column: startColumn)).", line: startLine, column: startColumn)
            }
            if c == "\"" { i += 1; return String(out) }
            if c == "\\" {
                out.append(try readEscape())
                continue
            }
            if c == "\n" {
                newLine(at: i)
            } else if (c.value < 0x20 && c != "\t" && c != "\r") || c.value == 0x7F {
                throw fail("Steuerzeichen \(FEELToken.codePoint(c)) im Text in \(FEELError.position(line: line, column: column)): schreiben Sie es maskiert, z. B. \\n für einen Zeilenumbruch.", line: line, column: column)
            }
            out.append(c)
            i += 1
        }
    }

    private mutating func readEscape() throws(FEELError) -> Unicode.Scalar {
        let escLine = line, escColumn = column
        i += 1
        guard let e = peek() else {
            throw fail("Text endet mitten in einer Maskierung in \(FEELError.position(line: escLine, column: escColumn)).", line: escLine, column: escColumn)
        }
        i += 1
        switch e {
        case "\"": return "\""
        case "'": return "'"
        case "\\": return "\\"
        case "/": return "/"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "b": return "\u{8}"
        case "f": return "\u{C}"
        case "u", "U":
            let count = e == "u" ? 4 : 6
            var value = try readHex(count, line: escLine, column: escColumn)
            if e == "u", (0xD800..<0xDC00).contains(value), peek() == "\\", peek(1) == "u" {
                i += 2
                let low = try readHex(4, line: escLine, column: escColumn)
                if (0xDC00..<0xE000).contains(low) { value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00) }
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw fail(.invalidLiteral, "Ungültiges Unicode-Zeichen in der Maskierung in \(FEELError.position(line: escLine, column: escColumn)).", line: escLine, column: escColumn)
            }
            return scalar
        default:
            throw fail(.invalidLiteral, "Unbekannte Maskierung '\\\(Character(e))' in \(FEELError.position(line: escLine, column: escColumn)): erlaubt sind \\\", \\\\, \\n, \\r, \\t und \\u00e4.", line: escLine, column: escColumn)
        }
    }

    private mutating func readHex(_ count: Int, line escLine: Int, column escColumn: Int) throws(FEELError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let c = peek(), let d = FEELLexer.hexValue(c) else {
                throw fail(.invalidLiteral, "Maskierung in \(FEELError.position(line: escLine, column: escColumn)) braucht \(count) Hexadezimalziffern, z. B. \\u00e4.", line: escLine, column: escColumn)
            }
            value = value * 16 + d
            i += 1
        }
        return value
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 48...57: c.value - 48
        case 65...70: c.value - 55
        case 97...102: c.value - 87
        default: nil
        }
    }

    private mutating func readSymbol() -> FEELToken.Symbol? {
        guard let c = peek() else { return nil }
        let next = peek(1)
        let symbol: FEELToken.Symbol
        var length = 1
        switch c {
        case "(": symbol = .leftParen
        case ")": symbol = .rightParen
        case "[": symbol = .leftBracket
        case "]": symbol = .rightBracket
        case "{": symbol = .leftBrace
        case "}": symbol = .rightBrace
        case ",": symbol = .comma
        case ":": symbol = .colon
        case ".":
            if next == "." { symbol = .range; length = 2 } else { symbol = .dot }
        case "+": symbol = .plus
        case "-": symbol = .minus
        case "*":
            if next == "*" { symbol = .power; length = 2 } else { symbol = .star }
        case "/": symbol = .slash
        case "=": symbol = .equal
        case "!":
            guard next == "=" else { return nil }
            symbol = .notEqual
            length = 2
        case "<":
            if next == "=" { symbol = .lessEqual; length = 2 } else { symbol = .less }
        case ">":
            if next == "=" { symbol = .greaterEqual; length = 2 } else { symbol = .greater }
        default: return nil
        }
        i += length
        return symbol
    }
}

/// Decimal numbers from digits without `Decimal(string:)` on the common path, because `number()`
/// runs during evaluation.
enum FEELNumberText {
    /// - Parameters:
    ///   - digits: ASCII digits without the decimal point.
    ///   - fractionCount: how many of the digits stand after the decimal point.
    static func decimal(digits: [UInt8], fractionCount: Int, negative: Bool) -> Decimal? {
        guard !digits.isEmpty else { return nil }
        var start = 0
        while start < digits.count - 1, digits[start] == 48 { start += 1 }
        let significant = digits.count - start
        if significant <= 19 {
            var v: UInt64 = 0
            for d in digits[start...] { v = v &* 10 &+ UInt64(d - 48) }
            return Decimal(sign: negative ? .minus : .plus, exponent: -fractionCount, significand: Decimal(v))
        }
        // Longer numbers are rare; Decimal keeps 38 significant digits and rounds the rest.
        guard significant <= 60 else { return nil }
        var text = negative ? "-" : ""
        let intCount = digits.count - fractionCount
        text += String(decoding: digits[..<intCount], as: UTF8.self)
        if fractionCount > 0 { text += "." + String(decoding: digits[intCount...], as: UTF8.self) }
        guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !d.isNaN else { return nil }
        return d
    }

    /// Parses FEEL number text: optional sign, digits, optional `.` and digits. `nil` otherwise.
    static func parse(_ text: String, grouping: Unicode.Scalar? = nil, decimalSeparator: Unicode.Scalar = ".") -> Decimal? {
        var digits: [UInt8] = []
        var fractionCount = 0
        var negative = false
        var seenPoint = false
        var first = true
        for c in text.unicodeScalars {
            defer { first = false }
            if first, c == "-" || c == "+" { negative = c == "-"; continue }
            if FEELLexer.isDigit(c) {
                digits.append(UInt8(c.value))
                if seenPoint { fractionCount += 1 }
            } else if c == decimalSeparator, !seenPoint {
                seenPoint = true
            } else if let grouping, c == grouping, !seenPoint {
                continue
            } else {
                return nil
            }
        }
        if seenPoint, fractionCount == 0 { return nil }
        return decimal(digits: digits, fractionCount: fractionCount, negative: negative)
    }
}
