import Foundation
import Testing

@testable import NahtstelleFEEL

@Suite("Built-in functions")
struct BuiltinTests {
    @Test("Temporal functions", arguments: [
        Case(#"date("2026-01-31")"#, date(2026, 1, 31)),
        Case("date(2026, 2, 28)", date(2026, 2, 28)),
        Case("date(2026, 2, 29)", .null),
        Case("date(2028, 2, 29)", date(2028, 2, 29)),
        Case("date(2026, 13, 1)", .null),
        Case(#"date("2026-01-31T23:30:00Z")"#, date(2026, 1, 31)),
        Case(#"date(@"2026-01-31T23:30:00Z")"#, date(2026, 2, 1)),
        Case("date(x)", .null),
        Case(#"date and time("2026-01-31T10:00:00Z")"#, dateTime("2026-01-31T10:00:00Z")),
        Case(#"date and time(date("2026-01-31"), "10:00:00")"#, dateTime("2026-01-31T09:00:00Z")),
        Case(#"date and time(@"2026-07-01", "10:00:00Z")"#, dateTime("2026-07-01T10:00:00Z")),
        Case(#"date and time(x)"#, .null),
        Case(#"duration("P10D")"#, days(10)),
        Case(#"duration("P1Y6M")"#, .yearMonthDuration(months: 18)),
        Case(#"duration("PT90M")"#, .dayTimeDuration(seconds: 5400)),
        Case(#"duration(mixed)"#, .null),
        Case(#"duration(x)"#, .null),
        Case(#"years and months duration(@"2026-01-31", @"2027-03-01")"#, .yearMonthDuration(months: 13)),
        Case(#"years and months duration(@"2026-01-31", @"2026-02-28")"#, .yearMonthDuration(months: 0)),
        Case(#"years and months duration(@"2027-03-01", @"2026-01-31")"#, .yearMonthDuration(months: -13)),
        Case(#"years and months duration(@"2016-11-24", today())"#, .yearMonthDuration(months: 120)),
        Case(#"day of week(@"2026-11-24")"#, "Tuesday"),
        Case(#"day of week(@"2026-01-31")"#, "Saturday"),
        Case(#"day of week(@"2026-02-01")"#, "Sunday"),
        Case(#"day of week(@"2026-11-23T23:30:00Z")"#, "Tuesday"),
    ])
    func temporal(_ c: Case) throws {
        #expect(try feel(c.expression, ["x": "nonsense", "mixed": "P1Y1D"]) == c.expected)
    }

    @Test("String functions", arguments: [
        Case("string(1.50)", "1.5"), Case("string(-3)", "-3"), Case("string(true)", "true"),
        Case(#"string("x")"#, "x"), Case("string(null)", .null),
        Case(#"string(@"2026-01-31")"#, "2026-01-31"), Case(#"string(@"P10D")"#, "P10D"),
        Case(#"string(@"P14M")"#, "P1Y2M"), Case(#"string(@"2026-01-31T10:00:00Z")"#, "2026-01-31T10:00:00Z"),
        Case(#"string([1, "a"])"#, #"[1, "a"]"#), Case("string({b: 2, a: 1})", "{a: 1, b: 2}"),
        Case(#"number("1250.50")"#, number("1250.5")), Case(#"number("-3")"#, -3), Case(#"number("+3")"#, 3),
        Case(#"number("12a")"#, .null), Case(#"number("")"#, .null), Case(#"number("1.")"#, .null),
        Case(#"number("1'250.50", "'", ".")"#, number("1250.5")), Case(#"number("1.250,5", ".", ",")"#, number("1250.5")),
        Case(#"number("12345678901234567890123")"#, number("12345678901234567890123")),
        Case(#"string length("Zürich")"#, 6), Case(#"string length("")"#, 0), Case(#"string length("😀")"#, 1),
        Case(#"substring("foobar", 3)"#, "obar"), Case(#"substring("foobar", 3, 3)"#, "oba"),
        Case(#"substring("foobar", -2, 1)"#, "a"), Case(#"substring("foobar", -10)"#, "foobar"),
        Case(#"substring("foobar", 10)"#, ""), Case(#"substring("foobar", 0)"#, .null),
        Case(#"substring("foobar", 2, -1)"#, .null), Case(#"substring("Lüzern", 2, 1)"#, "ü"),
        Case(#"upper case("Grüezi")"#, "GRÜEZI"), Case(#"lower case("LUZERN")"#, "luzern"),
        Case(#"contains("foobar", "ob")"#, true), Case(#"contains("foobar", "x")"#, false),
        Case(#"contains("foobar", "")"#, true),
        Case(#"starts with("foobar", "foo")"#, true), Case(#"starts with("foobar", "bar")"#, false),
        Case(#"ends with("foobar", "bar")"#, true), Case(#"ends with("foobar", "foo")"#, false),
        Case(#"string join(["a", "b", null, "c"], ", ")"#, "a, b, c"), Case(#"string join(["a", "b"])"#, "ab"),
        Case(#"string join(["a", 1], ", ")"#, .null),
    ])
    func strings(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test("List functions", arguments: [
        Case("count([1, 2, 3])", 3), Case("count([])", 0), Case("count(5)", .null),
        Case("sum([1, 2, 3.5])", number("6.5")), Case("sum(1, 2)", 3), Case("sum([])", .null),
        Case(#"sum([1, "2"])"#, .null),
        Case("min([3, 1, 2])", 1), Case("max(3, 1, 2)", 3), Case("min([])", .null),
        Case(#"max(["b", "c", "a"])"#, "c"), Case(#"min([1, "a"])"#, .null),
        Case(#"max([@"2026-01-01", @"2026-03-01"])"#, date(2026, 3, 1)),
        Case(#"min([@"P2D", @"P1D"])"#, days(1)), Case("max([true, false])", .null),
        Case("list contains([1, 2, 3], 2)", true), Case("list contains([1, 2, 3], 4)", false),
        Case("list contains([1, null], null)", true), Case(#"list contains("abc", "a")"#, .null),
        Case("append([1], 2, 3)", [1, 2, 3]), Case("append([], [1])", [[1]]), Case("append(1, 2)", .null),
    ])
    func lists(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test("Number functions", arguments: [
        Case("abs(-5)", 5), Case("abs(5)", 5), Case(#"abs(@"-P1D")"#, days(1)),
        Case("floor(1.5)", 1), Case("floor(-1.5)", -2), Case("floor(1.567, 2)", number("1.56")),
        Case("ceiling(1.2)", 2), Case("ceiling(-1.5)", -1), Case("ceiling(1.561, 2)", number("1.57")),
        Case("decimal(1.125, 2)", number("1.12")), Case("decimal(1.135, 2)", number("1.14")),
        Case("decimal(2.5, 0)", 2), Case("decimal(1/3, 4)", number("0.3333")),
        Case("modulo(10, 3)", 1), Case("modulo(-10, 3)", 2), Case("modulo(10, 0)", .null),
        Case(#"floor("1")"#, .null),
    ])
    func numbers(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test func isDefined() throws {
        let vars: [String: Value] = ["a": 1, "n": nil, "person": ["name": "Anna"]]
        #expect(try feel("is defined(a)", vars) == true)
        #expect(try feel("is defined(n)", vars) == true)
        #expect(try feel("is defined(b)", vars) == false)
        #expect(try feel("is defined(person.name)", vars) == true)
        #expect(try feel("is defined(person.phone)", vars) == false)
        #expect(try feel("is defined(missing.phone)", vars) == false)
        #expect(try feel("is defined(1 + 1)", vars) == true)
    }

    @Test func notWorksAsAFunction() throws {
        #expect(try feel("not(approved)", ["approved": false]) == true)
        #expect(try feel("not(1 > 2)") == true)
    }

    @Test func namesOfBuiltinsStayUsableAsVariables() throws {
        let vars: [String: Value] = ["count": 3, "date": date(2026, 1, 1), "string": "s"]
        #expect(try feel("count + 1", vars) == 4)
        #expect(try feel(#"date < @"2027-01-01""#, vars) == true)
        #expect(try feel("string", vars) == "s")
    }

    @Test func everyBuiltinIsCallable() throws {
        for builtin in FEELBuiltin.allCases {
            let args = Array(repeating: "null", count: builtin.arity.lowerBound)
            let text = "\(builtin.rawValue)(\(args.joined(separator: ", ")))"
            #expect(parseError(text) == nil, "\(text)")
        }
    }
}
