import Foundation
@testable import NahtstelleFEEL
import Testing

@Suite("Value ⇄ JSON")
struct ValueJSONTests {
    @Test func roundTripsEveryTypeTagged() throws {
        let value: Value = .context([
            "name": "Müller-Lüthi \"Anna\" \\ <&>",
            "n": 1250.5, "i": 42, "neg": -3, "t": true, "f": false, "nil": nil,
            "date": .date(LocalDate(year: 2026, month: 2, day: 28)),
            "at": .dateTime(ISODateTime.parse("2026-11-24T09:30:00Z")!),
            "months": .yearMonthDuration(months: 6), "days": .dayTimeDuration(seconds: 864000),
            "list": [1, "zwei", ["drei": 3]], "control": "a\u{01}b\nc\td",
            "emoji": "👩‍💼 مرحبا",
        ])
        let text = value.jsonString()
        #expect(try Value.parseJSON(text) == value)
        #expect(text.contains(#""date":{"@date":"2026-02-28"}"#))
        #expect(text.contains(#""control":"a\u0001b\nc\td""#))
    }

    @Test func plainOutputWritesISOStrings() {
        let value: Value = ["d": .date(LocalDate(year: 2026, month: 1, day: 5)), "p": .yearMonthDuration(months: 15)]
        #expect(value.jsonString(tagged: false) == #"{"d":"2026-01-05","p":"P1Y3M"}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "01x", "{\"a\":1} trailing", "\"\u{01}\"", "1.", "-"])
    func rejectsMalformedJSONWithAPosition(_ text: String) {
        #expect(throws: Value.JSONError.self) { try Value.parseJSON(text) }
    }

    @Test func refusesDeepNestingInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: Value.JSONError.self) { try Value.parseJSON(deep) }
        #expect(error?.message.contains("tief") == true)
    }

    @Test func readsEscapesAndSurrogatePairs() throws {
        #expect(try Value.parseJSON(#""\u00e4\ud83d\ude00\/""#) == "ä😀/")
        #expect(try Value.parseJSON("1e3") == .number(1000))
        #expect(try Value.parseJSON("-0.25") == .number(Decimal(string: "-0.25")!))
    }

    @Test func localDateArithmetic() {
        let d = LocalDate(year: 2026, month: 1, day: 31)
        #expect(d.adding(months: 1) == LocalDate(year: 2026, month: 2, day: 28))
        #expect(LocalDate(year: 2024, month: 1, day: 31).adding(months: 1) == LocalDate(year: 2024, month: 2, day: 29))
        #expect(d.adding(days: 1) == LocalDate(year: 2026, month: 2, day: 1))
        #expect(LocalDate(year: 2026, month: 11, day: 24).isoWeekday == 2)
        #expect(LocalDate(daysSinceEpoch: LocalDate(year: 1999, month: 12, day: 31).daysSinceEpoch) == LocalDate(year: 1999, month: 12, day: 31))
        #expect(LocalDate(year: 2026, month: 3, day: 5).swissFormatted == "05.03.2026")
        #expect(LocalDate(iso: "2026-02-30") == nil)
    }

    @Test func isoDateTimesInTheOfficeTimeZone() {
        // Lucerne is UTC+1 in winter, UTC+2 in summer.
        #expect(ISODateTime.parse("2026-01-15T10:00") == ISODateTime.parse("2026-01-15T09:00:00Z"))
        #expect(ISODateTime.parse("2026-07-15T10:00") == ISODateTime.parse("2026-07-15T08:00:00Z"))
        #expect(ISODateTime.parse("2026-07-15T10:00:00+02:00") == ISODateTime.parse("2026-07-15T08:00:00Z"))
        #expect(ISODateTime.parse("2026-13-01T00:00Z") == nil)
        #expect(ISODuration.parse("P1Y2M") == .yearMonthDuration(months: 14))
        #expect(ISODuration.parse("P10DT2H") == .dayTimeDuration(seconds: 871200))
        #expect(ISODuration.parse("P1M2D") == nil)
        #expect(ISODuration.parse("PT") == nil)
    }

    /// The byte-by-byte path for the form Nahtstelle writes gives the very same instant as the
    /// general one, and leaves everything else (impossible dates, other forms) to it.
    @Test func theCanonicalFormReadsAsTheGeneralPathReadsIt() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Whole seconds and milliseconds, 1900 to 2200.
            let millis = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = Value.isoDateTime(date)
            let canonical = ISODateTime.parseCanonical(text)
            #expect(canonical != nil, "\(text)")
            #expect(canonical == ISODateTime.parseGeneral(text), "\(text)")
            #expect(canonical.map(Value.isoDateTime) == text)
        }
        for text in ["2026-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T09:60:00Z",
                     "2026-11-24T09:30:60Z", "2026-00-10T09:30:00Z", "2026-11-24T09:30:00.5Z", "2026-11-24T09:30:00.25xZ",
                     "2026-11-24 09:30:00Z", "2026-11-24T09:30:00+01:00", "+026-11-24T09:30:00Z", " 2026-11-24T09:30:00Z"] {
            #expect(ISODateTime.parseCanonical(text) == nil, "\(text)")
            #expect(ISODateTime.parse(text) == ISODateTime.parseGeneral(text), "\(text)")
        }
        #expect(ISODateTime.parseCanonical("2028-02-29T23:59:59.999Z") == ISODateTime.parseGeneral("2028-02-29T23:59:59.999Z"))
    }
}

@Suite("Canonical numbers")
struct CanonicalNumberTests {
    @Test(arguments: [("0", "0"), ("1250", "1250"), ("-3", "-3"), ("0.5", "0.5"), ("-0.25", "-0.25"), ("1250.50", "1250.5"),
                      ("100", "100"), ("0.000001", "0.000001"), ("123456789012345678", "123456789012345678"), ("1e3", "1000"),
                      ("12.3400", "12.34")])
    func writesShortestExactForm(_ input: String, _ expected: String) throws {
        #expect(Value.canonical(Decimal(string: input)!) == expected)
        #expect(try Value.parseJSON(Value.number(Decimal(string: input)!).jsonString()) == .number(Decimal(string: input)!))
    }
}
