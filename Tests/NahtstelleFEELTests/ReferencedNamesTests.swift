import Testing

@testable import NahtstelleFEEL

@Suite("Referenced names")
struct ReferencedNamesTests {
    @Test("Top-level names an expression reads", arguments: [
        ("amount > 1000", ["amount"]),
        ("person.address.city = \"Luzern\"", ["person"]),
        ("a + b * c", ["a", "b", "c"]),
        ("not(approved)", ["approved"]),
        ("date(receivedOn) + duration(deadline)", ["receivedOn", "deadline"]),
        ("today() > x", ["x"]),
        ("1 + 2", []),
        (#""amount" = 1"#, []),
        ("xs[item > limit]", ["xs"]),
        ("xs[1] + ys[-1]", ["xs", "ys"]),
        ("some r in risks satisfies r = level", ["risks", "level"]),
        ("for x in xs return x * factor", ["xs", "factor"]),
        ("{a: 1, b: a + c}.b", ["c"]),
        ("Vacation Approval = \"Approved\"", ["Vacation Approval"]),
        ("`Kunden Nr` in [1, 2]", ["Kunden Nr"]),
        ("x in [lo..hi]", ["x", "lo", "hi"]),
        ("if c then t else e", ["c", "t", "e"]),
        ("is defined(optionalField)", ["optionalField"]),
        ("string length(s) between min and max", ["s", "min", "max"]),
    ])
    func names(_ text: String, _ expected: [String]) throws {
        #expect(try FEELExpression.parse(text).referencedNames == Set(expected))
    }

    @Test func sourceIsKeptAndIdentifiesTheExpression() throws {
        let a = try FEELExpression.parse("= x > 1")
        let b = try FEELExpression.parse("= x > 1")
        #expect(a.source == "= x > 1")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(a != (try FEELExpression.parse("x > 2")))
        #expect("\(a)" == "= x > 1")
    }
}
