import Foundation
import Testing

@testable import NahtstelleFEEL

@Suite("Parse errors")
struct ParseErrorTests {
    @Test func ampersandInsteadOfAnd() throws {
        let error = try #require(parseError("a > 1 && b"))
        #expect(error.column == 7)
        #expect(error.line == 1)
        #expect(error.code == .syntax)
        #expect(error.message.hasPrefix("Unerwartetes Zeichen '&' in Spalte 7: erwartet wird 'and', 'or' oder das Ende des Ausdrucks."))
        #expect(error.message.contains("schreiben Sie 'and'"))
        #expect(error.description == error.message)
    }

    @Test("Column of the problem", arguments: [
        ("1 +", 4), ("(1 + 2", 7), ("[1, 2", 6), ("x = = 1", 5), ("a b ! c", 5), ("'text'", 1),
        ("1 2", 3), ("if a then b", 12), ("x between 1 or 2", 13), ("foo(1)", 1), ("substring(\"a\")", 1),
        ("\"offen", 1), ("\"a\\qb\"", 3), ("x.", 3), ("{a 1}", 4), ("xs[1", 5), ("1 + )", 5),
        ("@\"2026-02-30\"", 1), ("date(\"2026-02-30\")", 1), ("not x", 1), ("12abc", 1), ("a ==  b", 4),
        ("x in (1..", 10), ("{a: 1, a: 2}", 8), ("  /* nie zu", 3),
    ])
    func columns(_ text: String, _ column: Int) throws {
        let error = try #require(parseError(text))
        #expect(error.column == column, "\(error.message)")
    }

    @Test func messagesSayWhatWasExpected() throws {
        #expect(parseError("")?.message == "Unerwartetes Ende des Ausdrucks in Spalte 1: der Ausdruck ist leer; \(FEELParser.valueExpected).")
        #expect(parseError("1 +")?.message.contains("erwartet wird ein Wert") == true)
        #expect(parseError("(1 + 2")?.message.contains("')' zur Klammer '(' in Spalte 1") == true)
        #expect(parseError("if a then b")?.message.contains("'else'") == true)
        #expect(parseError("x between 1 or 2")?.message.contains("x between 1 and 10") == true)
        #expect(parseError("\"offen")?.message.contains("schliessendes Anführungszeichen") == true)
        #expect(parseError("a ==  b")?.message.contains("einfaches '='") == true)
        #expect(parseError("'nein'")?.message.contains("doppelten Anführungszeichen") == true)
        #expect(parseError("status = \u{201C}offen\u{201D}")?.message.contains("Typografische") == true)
        #expect(parseError("not x")?.message.contains("not(bedingung)") == true)
    }

    @Test func unknownFunctionAndArgumentCount() throws {
        let unknown = try #require(parseError("x + foo bar(1)"))
        #expect(unknown.code == .unknownFunction)
        #expect(unknown.column == 5)
        #expect(unknown.message.contains("'foo bar'"))
        #expect(unknown.message.contains("string length"))

        let count = try #require(parseError("substring(\"abc\")"))
        #expect(count.code == .wrongArgumentCount)
        #expect(count.message == "Die Funktion 'substring' in Spalte 1 erwartet 2 oder 3 Argumente, angegeben ist 1.")
        #expect(parseError("today(1)")?.message.contains("keine Argumente") == true)
        #expect(parseError("date(2026, 1)")?.message.contains("1 oder 3 Argumente") == true)
        #expect(parseError(#"substring(string: "abc", start position: 2)"#)?.code == .unsupported)
    }

    @Test func invalidConstantsAreReportedAtParseTime() throws {
        #expect(parseError(#"@"2026-02-30""#)?.code == .invalidLiteral)
        #expect(parseError(#"@"P1Y1D""#)?.code == .invalidLiteral)
        #expect(parseError(#"@"10:00:00""#)?.code == .unsupported)
        #expect(parseError(#"date("31.01.2026")"#)?.message.contains("date(\"2026-01-31\")") == true)
        #expect(parseError(#"duration("10 Tage")"#)?.code == .invalidLiteral)
    }

    @Test func multiLineExpressionsReportLineAndColumn() throws {
        let error = try #require(parseError("amount > 1000\nand status = = 1"))
        #expect(error.line == 2)
        #expect(error.column == 14)
        #expect(error.message.contains("Zeile 2, Spalte 14"))
    }

    @Test func juelIsRecognised() throws {
        let error = try #require(parseError("${approved}"))
        #expect(error.code == .unsupported)
        #expect(error.message.contains("JUEL"))
    }
}

@Suite("Hostile input")
struct HostileInputTests {
    @Test func thousandsOfNestedParenthesesAreRejected() throws {
        let text = String(repeating: "(", count: 4999) + "1" + String(repeating: ")", count: 4999)
        let error = try #require(parseError(text))
        #expect(error.code == .tooDeep)
        #expect(error.column == 101)
        #expect(error.message.hasPrefix("Der Ausdruck ist zu tief verschachtelt (mehr als 100 Ebenen) in Spalte 101"))
        let tenThousand = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(parseError(tenThousand)?.code == .tooLong)
    }

    @Test("Other deep nestings", arguments: [
        String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
        String(repeating: "not(", count: 200) + "true" + String(repeating: ")", count: 200),
        String(repeating: "-", count: 5000) + "1",
        String(repeating: "{a: ", count: 200) + "1" + String(repeating: "}", count: 200),
        "x" + String(repeating: "[1]", count: 200),
        String(repeating: "if true then ", count: 200) + "1" + String(repeating: " else 2", count: 200),
        "2 ** " + String(repeating: "-", count: 200) + "1",
    ])
    func deepNesting(_ text: String) throws {
        #expect(parseError(text)?.code == .tooDeep)
    }

    @Test func nestingUpToTheLimitIsFine() throws {
        let text = String(repeating: "(", count: 99) + "1" + String(repeating: ")", count: 99)
        #expect(try feel(text) == 1)
    }

    @Test func longFlatChainsParseAndEvaluate() throws {
        // 4 999 additions: flat in the tree, so neither parser nor evaluator recurses deeply.
        let sum = "1" + String(repeating: " + 1", count: 2499)
        #expect(try feel(sum) == 2500)
        let ors = (1...800).map { "x = \($0)" }.joined(separator: " or ")
        #expect(try feel(ors, ["x": 800]) == true)
        let path = "a" + String(repeating: ".b", count: 3000)
        #expect(try feel(path) == .null)
    }

    @Test func oneMegabyteIsRejectedQuickly() throws {
        let clock = ContinuousClock()
        let text = "\"" + String(repeating: "a", count: 1_000_000) + "\""
        var error: FEELError?
        let elapsed = clock.measure { error = parseError(text) }
        #expect(error?.code == .tooLong)
        #expect(error?.message.contains("10'000") == true)
        #expect(elapsed < .seconds(1))
    }

    @Test func justOverTheLimitIsRejected() throws {
        #expect(parseError(String(repeating: "1", count: 10_001))?.code == .tooLong)
        #expect(parseError(String(repeating: " ", count: 9_999) + "1") == nil)
    }

    @Test("Control and odd characters", arguments: [
        "1 +\u{0} 2", "\u{7}", "x = \"a\u{1}b\"", "\u{1B}[31m", "1\u{7F}", "x\u{200B}y = 1", "#", "?", "^", "~", "@x", "\\",
    ])
    func controlCharacters(_ text: String) throws {
        let error = try #require(parseError(text))
        #expect(error.column >= 1)
        #expect(!error.message.isEmpty)
    }

    @Test func controlCharacterIsNamedByCodePoint() throws {
        #expect(parseError("1 +\u{0} 2")?.message.hasPrefix("Unerwartetes Steuerzeichen U+0000 in Spalte 4") == true)
    }

    @Test func unicodeWhitespaceIsAccepted() throws {
        #expect(try feel("1\u{00A0}+\u{2003}2\r\n") == 3)
    }

    @Test func hugeNumbersAndExponentsStayNull() throws {
        #expect(parseError(String(repeating: "9", count: 70))?.code == .invalidLiteral)
        #expect(try feel("9999999999 ** 9999") == .null)
        #expect(try feel("2 ** 0.5") != .null)
        #expect(try feel(String(repeating: "9", count: 38) + " * 1000").numberValue != nil)
    }

    @Test func deepestExpressionEvaluatesInATask() async throws {
        // The worst case for recursion: every level of the precedence ladder inside each of the
        // 99 parentheses (or, and, =, +, *, ** per level: about 600 nodes deep). The engine
        // evaluates on the cooperative pool, so that is where it must not overflow.
        var text = "1"
        for _ in 0..<(FEELExpression.maximumDepth - 1) {
            text = "x or y and 1 = 1 + 2 * 3 ** (\(text))"
        }
        let expression = try FEELExpression.parse(text)
        let result = await Task.detached { expression.evaluate(FEELContext(variables: [:])) }.value
        #expect(result == .null)
    }
}
