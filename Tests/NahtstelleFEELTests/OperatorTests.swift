import Foundation
import Testing

@testable import NahtstelleFEEL

@Suite("Operators and precedence")
struct OperatorTests {
    @Test("Comparisons", arguments: [
        Case("1 = 1", true), Case("1 = 2", false), Case("1 != 2", true), Case("2 != 2", false),
        Case("1 < 2", true), Case("2 < 2", false), Case("2 <= 2", true), Case("3 <= 2", false),
        Case("3 > 2", true), Case("2 > 3", false), Case("2 >= 2", true), Case("1 >= 2", false),
        Case("-1.5 < -1", true), Case("1000.00 = 1000", true), Case("0.000001 > 0", true),
        Case(#""abc" = "abc""#, true), Case(#""abc" < "abd""#, true), Case(#""B" > "A""#, true),
        Case(#""a" != "A""#, true),
        Case("true = true", true), Case("true != false", true), Case("true < false", .null),
        Case(#"@"2026-01-31" < @"2026-02-01""#, true),
        Case(#"@"2026-01-31" = @"2026-01-31""#, true),
        Case(#"@"2026-01-31T10:00:00Z" > @"2026-01-31T09:59:59Z""#, true),
        Case(#"@"P1D" < @"PT25H""#, true), Case(#"@"P1D" = @"PT24H""#, true),
        Case(#"@"P1Y" = @"P12M""#, true), Case(#"@"P1Y" > @"P11M""#, true),
        Case(#"@"P1Y" > @"P1D""#, .null),
        Case("[1, 2] = [1, 2]", true), Case("[1, 2] = [2, 1]", false), Case("[1] = [1, 2]", false),
        Case("{a: 1} = {a: 1}", true), Case("{a: 1} = {a: 2}", false),
        Case(#"1 = "1""#, .null), Case(#"1 < "2""#, .null),
    ])
    func comparisons(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test("Arithmetic", arguments: [
        Case("1 + 2", 3), Case("5 - 7", -2), Case("6 * 7", 42), Case("7 / 2", number("3.5")),
        Case("1 / 4 * 4", 1), Case("decimal(1 / 3 * 3, 20)", 1), Case("2 ** 10", 1024), Case("2 ** -2", number("0.25")),
        Case("10 ** 0", 1), Case("-(3)", -3), Case("- -3", 3), Case("-x", -4),
        Case("1 / 0", .null), Case("0 / 0", .null), Case("5 / (2 - 2)", .null),
        Case(#""Fall " + "Nr. " + "12""#, "Fall Nr. 12"),
        Case(#""a" + 1"#, .null), Case("true + 1", .null),
        Case("10 ** 400", .null),
        Case("1234.5 * 100", 123450),
    ])
    func arithmetic(_ c: Case) throws {
        #expect(try feel(c.expression, ["x": 4]) == c.expected)
    }

    @Test("Precedence", arguments: [
        Case("1 + 2 * 3", 7), Case("(1 + 2) * 3", 9), Case("10 - 2 - 3", 5), Case("12 / 2 / 3", 2),
        Case("2 * 3 ** 2", 18), Case("2 ** 3 ** 2", 64), Case("-2 ** 2", -4), Case("(-2) ** 2", 4),
        Case("1 + 2 > 2 * 1", true), Case("(1 < 2) = true", true),
        Case("true or false and false", true), Case("(true or false) and false", false),
        Case("1 + 1 = 2 and 2 * 2 = 4", true),
        Case("if 1 > 2 then 1 else 2 + 3", 5),
    ])
    func precedence(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test func notOrAndPrecedence() throws {
        // not(a) or (b and c)
        let expression = try FEELExpression.parse("not(a) or b and c")
        func run(_ a: Bool, _ b: Bool, _ c: Bool) -> Value {
            expression.evaluate(FEELContext(variables: ["a": .bool(a), "b": .bool(b), "c": .bool(c)]))
        }
        #expect(run(true, true, true) == true)
        #expect(run(true, true, false) == false)
        #expect(run(true, false, true) == false)
        #expect(run(false, false, false) == true)
    }

    @Test func chainedComparisonsAreRejected() throws {
        let error = try #require(parseError("1 < x < 3"))
        #expect(error.column == 7)
        #expect(error.message.contains("'and'"))
    }

    @Test("between", arguments: [
        Case("5 between 1 and 10", true), Case("1 between 1 and 10", true), Case("10 between 1 and 10", true),
        Case("11 between 1 and 10", false), Case(#""m" between "a" and "z""#, true),
        Case(#"@"2026-06-01" between @"2026-01-01" and @"2026-12-31""#, true),
        Case("x between 1 and 10 and true", true), Case("null between 1 and 10", .null),
    ])
    func between(_ c: Case) throws {
        #expect(try feel(c.expression, ["x": 4]) == c.expected)
    }

    @Test("in", arguments: [
        Case("2 in [1, 2, 3]", true), Case("4 in [1, 2, 3]", false),
        Case(#""b" in ["a", "b"]"#, true), Case(#""c" in ["a", "b"]"#, false),
        Case("5 in [1..10]", true), Case("1 in (1..10]", false), Case("10 in [1..10)", false),
        Case("10 in [1..10]", true), Case("1 in ]1..10]", false), Case("10 in [1..10[", false),
        Case("x in [y..y + 10]", true), Case("x in ]1..xs[1][", false), Case("x in [1..xs[-1][ and true", true),
        Case("5 in < 10", true), Case("5 in >= 6", false), Case("5 in (< 3, > 4)", true),
        Case("5 in (1, 5, 9)", true), Case("5 in (1, 9)", false), Case("5 in 5", true),
        Case(#""a" in "a""#, true), Case("x in xs", true), Case("7 in xs", false),
        Case("x in [y, 4]", true), Case("x in []", false),
        Case(#"@"2026-03-01" in [@"2026-01-01"..@"2026-12-31"]"#, true),
        Case("x in [1, 2] and true", false), Case("null in [1..10]", .null), Case("null in [1, null]", true),
    ])
    func membership(_ c: Case) throws {
        #expect(try feel(c.expression, ["x": 4, "y": 3, "xs": [3, 4, 5]]) == c.expected)
    }

    @Test func ifThenElse() throws {
        #expect(try feel(#"if amount > 1000 then "gross" else "klein""#, ["amount": 5000]) == "gross")
        #expect(try feel(#"if amount > 1000 then "gross" else "klein""#, ["amount": 5]) == "klein")
        // A condition that is not true (null, or not a boolean) takes the else branch.
        #expect(try feel(#"if missing then "ja" else "nein""#) == "nein")
        #expect(try feel(#"if 1 then "ja" else "nein""#) == "nein")
        #expect(try feel("if true then if false then 1 else 2 else 3") == 2)
    }

    @Test func quantifiersAndFor() throws {
        // From the Camunda Web Modeler exports in the BPMN MIWG C.9 set.
        let vars: [String: Value] = ["riskLevels": ["green", "yellow", "red"]]
        #expect(try feel(#"some risk in riskLevels satisfies risk = "red""#, vars) == true)
        #expect(try feel(#"every risk in riskLevels satisfies risk = "yellow""#, vars) == false)
        #expect(try feel(#"every risk in ["yellow"] satisfies risk = "yellow""#) == true)
        #expect(try feel("some x in [] satisfies x > 1") == false)
        #expect(try feel("every x in [] satisfies x > 1") == true)
        #expect(try feel("some x in missing satisfies x > 1") == .null)
        #expect(try feel("for x in [1, 2, 3] return x * 2") == [2, 4, 6])
        #expect(try feel("some x in [1, 2], y in [2, 3] satisfies x + y = 5") == true)
    }

    @Test func unaryMinusOnDurations() throws {
        #expect(try feel(#"-@"P2D""#) == days(-2))
        #expect(try feel(#"-"a""#) == .null)
    }
}
