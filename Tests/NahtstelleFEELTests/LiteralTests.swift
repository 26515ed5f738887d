import Foundation
import Testing

@testable import NahtstelleFEEL

@Suite("Literals and names")
struct LiteralTests {
    @Test("Numbers are exact decimals", arguments: [
        Case("42", 42),
        Case("3.14", number("3.14")),
        Case(".5", number("0.5")),
        Case("-7", -7),
        Case("0.1 + 0.2", number("0.3")),
        Case("0.1 + 0.2 = 0.3", true),
        Case("1.50 = 1.5", true),
        Case("007", 7),
        Case("12345678901234567890.5", number("12345678901234567890.5")),
    ])
    func numbers(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test("Strings with escapes", arguments: [
        Case(#""Hallo""#, "Hallo"),
        Case(#""sagt \"ja\"""#, "sagt \"ja\""),
        Case(#""C:\\Akten""#, "C:\\Akten"),
        Case(#""Zeile 1\nZeile 2""#, "Zeile 1\nZeile 2"),
        Case(#""Gr\u00fcezi""#, "Grüezi"),
        Case(#""\ud83d\ude00""#, "😀"),
        Case(#""\U01F600""#, "😀"),
        Case(#""Zürich""#, "Zürich"),
        Case(#""""#, ""),
    ])
    func strings(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test func booleansAndNull() throws {
        #expect(try feel("true") == true)
        #expect(try feel("false") == false)
        #expect(try feel("null") == .null)
    }

    @Test("Temporal literals", arguments: [
        Case(#"@"2026-01-31""#, date(2026, 1, 31)),
        Case(#"@"2026-01-31T10:00:00Z""#, dateTime("2026-01-31T10:00:00Z")),
        Case(#"@"2026-01-31T10:00:00+01:00""#, dateTime("2026-01-31T09:00:00Z")),
        Case(#"@"P10D""#, days(10)),
        Case(#"@"PT2H30M""#, .dayTimeDuration(seconds: 9000)),
        Case(#"@"P1Y2M""#, .yearMonthDuration(months: 14)),
        Case(#"@"-P1D""#, days(-1)),
    ])
    func temporal(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test func localDateTimeLiteralIsReadInTheOfficeTimeZone() throws {
        // 10:00 in Lucerne in winter is 09:00 UTC.
        #expect(try feel(#"@"2026-01-31T10:00:00""#) == dateTime("2026-01-31T09:00:00Z"))
    }

    @Test func listsAndContexts() throws {
        #expect(try feel("[1, 2, 3]") == [1, 2, 3])
        #expect(try feel("[]") == [])
        #expect(try feel(#"[1, "a", [true, null]]"#) == [1, "a", [true, nil]])
        #expect(try feel(#"{a: 1, "b c": 2}"#) == ["a": 1, "b c": 2])
        #expect(try feel("{}") == .context([:]))
        #expect(try feel(#"{first name: "Anna", age: 30}"#) == ["first name": "Anna", "age": 30])
        #expect(try feel("{a: x, b: [x, x + 1]}", ["x": 5]) == ["a": 5, "b": [5, 6]])
    }

    @Test func contextEntriesSeeEarlierEntries() throws {
        #expect(try feel("{a: 2, b: a * 10}.b") == 20)
    }

    @Test func leadingEqualsSignIsIgnored() throws {
        #expect(try feel("= 1 + 1") == 2)
        #expect(try feel("=approved", ["approved": true]) == true)
        #expect(parseError("= = 1") != nil)
    }

    @Test func commentsAndLineBreaks() throws {
        #expect(try feel("1 + // eins\n 2 /* zwei */ * 3") == 7)
        #expect(try feel("amount\n  > 1000", ["amount": 1500]) == true)
    }

    @Test func namesWithUmlautsDollarUnderscoreAndBackticks() throws {
        let vars: [String: Value] = ["größe": 3, "$total": 4, "_x1": 5, "Kunden Nr": 6, "a-b": 7]
        #expect(try feel("größe + $total + _x1", vars) == 12)
        #expect(try feel("`Kunden Nr`", vars) == 6)
        #expect(try feel("`a-b`", vars) == 7)
    }

    @Test func namesWithSpacesAsInTheStandard() throws {
        // From the BPMN MIWG C.8.1 vacation request.
        #expect(try feel(#"Vacation Approval = "Approved""#, ["Vacation Approval": "Approved"]) == true)
    }

    @Test func unknownVariableIsNull() throws {
        #expect(try feel("missing") == .null)
        #expect(try feel("missing.deeper.still") == .null)
    }

    @Test func pathsAndIndexes() throws {
        let person: Value = ["name": "Anna", "address": ["city": "Luzern", "zip": "6003"]]
        let vars: [String: Value] = ["person": person, "xs": [10, 20, 30, 40]]
        #expect(try feel("person.address.city", vars) == "Luzern")
        #expect(try feel("person.phone", vars) == .null)
        #expect(try feel("xs[1]", vars) == 10)
        #expect(try feel("xs[-1]", vars) == 40)
        #expect(try feel("xs[4]", vars) == 40)
        #expect(try feel("xs[5]", vars) == .null)
        #expect(try feel("xs[0]", vars) == .null)
        #expect(try feel("xs[1 + 1]", vars) == 20)
        #expect(try feel("xs[i]", vars.merging(["i": 3]) { a, _ in a }) == 30)
    }

    @Test func filters() throws {
        let people: Value = [["name": "Anna", "age": 30], ["name": "Beat", "age": 17], ["name": "Chris", "age": 45]]
        let vars: [String: Value] = ["xs": [1, 5, 2, 8], "people": people, "limit": 18]
        #expect(try feel("xs[item > 3]", vars) == [5, 8])
        #expect(try feel("people[age >= limit].name", vars) == ["Anna", "Chris"])
        #expect(try feel("people[item.age < 18][1].name", vars) == "Beat")
        #expect(try feel("count(xs[item > 100])", vars) == 0)
        #expect(try feel("people.age", vars) == [30, 17, 45])
    }
}
