import Foundation
import Testing

@testable import NahtstelleFEEL

/// FEEL's three-valued logic and null propagation (DMN 1.3, 10.3.2.5).
@Suite("Null semantics")
struct NullSemanticsTests {
    static let vars: [String: Value] = ["t": true, "f": false, "n": nil, "s": "x"]

    @Test("and", arguments: [
        Case("t and t", true), Case("t and f", false), Case("t and n", .null),
        Case("f and t", false), Case("f and f", false), Case("f and n", false),
        Case("n and t", .null), Case("n and f", false), Case("n and n", .null),
        Case("s and t", .null), Case("1 and f", false),
    ])
    func and(_ c: Case) throws {
        #expect(try feel(c.expression, Self.vars) == c.expected)
    }

    @Test("or", arguments: [
        Case("t or t", true), Case("t or f", true), Case("t or n", true),
        Case("f or t", true), Case("f or f", false), Case("f or n", .null),
        Case("n or t", true), Case("n or f", .null), Case("n or n", .null),
        Case("s or f", .null), Case("1 or t", true),
    ])
    func or(_ c: Case) throws {
        #expect(try feel(c.expression, Self.vars) == c.expected)
    }

    @Test("Comparisons with null", arguments: [
        Case("n = null", true), Case("null = null", true), Case("t = null", false), Case("t != null", true),
        Case("n != null", false), Case("missing = null", true), Case("0 = null", false), Case(#""" = null"#, false),
        Case("n < 1", .null), Case("n > 1", .null), Case("1 <= n", .null), Case("n = 1", false),
        Case("n != 1", true),
    ])
    func comparisons(_ c: Case) throws {
        #expect(try feel(c.expression, Self.vars) == c.expected)
    }

    @Test("Operations on null or mismatched types give null", arguments: [
        Case("n + 1", .null), Case("1 - n", .null), Case("n * 2", .null), Case("n / 2", .null), Case("-n", .null),
        Case("n ** 2", .null), Case(#"s + 1"#, .null), Case("t + t", .null), Case("[1] + [2]", .null),
        Case("n.a", .null), Case("s.length", .null), Case("n[1]", .null),
        Case("not(n)", .null), Case(#"not("true")"#, .null), Case("not(t)", false), Case("not(f)", true),
        Case("string length(n)", .null), Case("upper case(1)", .null), Case("abs(n)", .null),
        Case("date(n)", .null), Case("count(n)", .null), Case("sum([1, n])", .null),
        Case(#"@"2026-01-01" + 1"#, .null), Case(#"@"P1D" + @"P1M""#, .null),
    ])
    func propagation(_ c: Case) throws {
        #expect(try feel(c.expression, Self.vars) == c.expected)
    }

    @Test func conditionIsTakenOnlyWhenExactlyTrue() throws {
        let condition = try FEELExpression.parse("approved")
        #expect(condition.isSatisfied(in: FEELContext(variables: ["approved": true])))
        #expect(!condition.isSatisfied(in: FEELContext(variables: ["approved": false])))
        #expect(!condition.isSatisfied(in: FEELContext(variables: [:])))
        #expect(!condition.isSatisfied(in: FEELContext(variables: ["approved": "true"])))
        #expect(!condition.isSatisfied(in: FEELContext(variables: ["approved": 1])))
    }
}
