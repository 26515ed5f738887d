import Foundation
import Testing

@testable import NahtstelleFEEL

@Suite("Dates, date-times and durations")
struct TemporalTests {
    @Test("Date arithmetic", arguments: [
        Case(#"@"2026-01-31" + @"P10D""#, date(2026, 2, 10)),
        Case(#"@"2026-01-01" - @"P1D""#, date(2025, 12, 31)),
        Case(#"@"P10D" + @"2026-01-31""#, date(2026, 2, 10)),
        Case(#"@"2026-01-31" + @"PT25H""#, date(2026, 2, 1)),
        Case(#"@"2026-01-31" - @"PT1H""#, date(2026, 1, 30)),
        Case(#"@"2026-01-31" + @"P1M""#, date(2026, 2, 28)),
        Case(#"@"2028-01-31" + @"P1M""#, date(2028, 2, 29)),
        Case(#"@"2024-02-29" + @"P1Y""#, date(2025, 2, 28)),
        Case(#"@"2024-02-29" + @"P4Y""#, date(2028, 2, 29)),
        Case(#"@"2026-03-31" - @"P1M""#, date(2026, 2, 28)),
        Case(#"@"2026-05-15" + @"P1Y7M""#, date(2027, 12, 15)),
        Case(#"@"2026-12-31" + @"P1D""#, date(2027, 1, 1)),
        Case(#"@"2100-02-28" + @"P1D""#, date(2100, 3, 1)),
        Case(#"@"2000-02-28" + @"P1D""#, date(2000, 2, 29)),
        // Daylight saving time does not touch calendar dates.
        Case(#"@"2026-03-28" + @"P1D""#, date(2026, 3, 29)),
        Case(#"@"2026-03-29" + @"P1D""#, date(2026, 3, 30)),
        Case(#"@"2026-10-25" - @"P1D""#, date(2026, 10, 24)),
        Case(#"@"2026-03-01" - @"2026-02-01""#, days(28)),
        Case(#"@"2028-03-01" - @"2028-02-01""#, days(29)),
        Case(#"@"2026-01-01" - @"2026-12-31""#, days(-364)),
        Case(#"@"2026-03-30" - @"2026-03-29""#, days(1)),
    ])
    func dates(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test("Date-time arithmetic", arguments: [
        Case(#"@"2026-01-31T10:00:00Z" + @"PT2H30M""#, dateTime("2026-01-31T12:30:00Z")),
        Case(#"@"2026-01-31T10:00:00Z" - @"P1D""#, dateTime("2026-01-30T10:00:00Z")),
        Case(#"@"2026-01-31T10:00:00Z" - @"2026-01-30T09:00:00Z""#, .dayTimeDuration(seconds: 90000)),
        Case(#"@"2026-01-31T10:00:00.250Z" - @"2026-01-31T10:00:00Z""#, .dayTimeDuration(seconds: Decimal(sign: .plus, exponent: -3, significand: 250))),
        // 09:00 local in March (UTC+1) plus one month is 09:00 local in April (UTC+2).
        Case(#"@"2026-03-15T09:00:00" + @"P1M""#, dateTime("2026-04-15T07:00:00Z")),
        Case(#"@"2026-01-31T09:00:00" + @"P1M""#, dateTime("2026-02-28T08:00:00Z")),
        // Across the spring change the day has 23 hours: P1D is 24 hours of elapsed time.
        // Zone-less is Lucerne time: a day later at the same wall-clock time (12:00 CEST), though the day has 23 hours.
        Case(#"@"2026-03-28T12:00:00" + @"P1D""#, dateTime("2026-03-29T10:00:00Z")),
    ])
    func dateTimes(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test("Duration arithmetic", arguments: [
        Case(#"@"P1D" + @"PT12H""#, .dayTimeDuration(seconds: 129_600)),
        Case(#"@"P1Y" - @"P2M""#, .yearMonthDuration(months: 10)),
        Case(#"@"P1D" * 3"#, days(3)),
        Case(#"2 * @"P1M""#, .yearMonthDuration(months: 2)),
        Case(#"@"P1Y" * 1.5"#, .yearMonthDuration(months: 18)),
        Case(#"@"P10D" / 2"#, days(5)),
        Case(#"@"P10D" / 0"#, .null),
        Case(#"@"P10D" / @"P2D""#, 5),
        Case(#"@"P1Y" / @"P1M""#, 12),
        Case(#"@"P1D" - @"P3D""#, days(-2)),
        Case(#"@"P1Y" + @"P1D""#, .null),
    ])
    func durations(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test func todayAndNowUseTheContextClock() throws {
        #expect(try feel("today()") == date(2026, 11, 24))
        #expect(try feel("now()") == .dateTime(fixedNow))
        // 23:30 UTC on 24 November is already 25 November in Lucerne.
        let lateEvening = fixedNow.addingTimeInterval(14 * 3600)
        #expect(try feel("today()", now: lateEvening) == date(2026, 11, 25))
        #expect(try feel(#"today() + @"P30D""#) == date(2026, 12, 24))
    }

    @Test func nextMeetingInThePast() throws {
        // The condition a coordinator writes on the gateway "Termin verpasst?".
        let condition = try FEELExpression.parse("nextMeetingAt < today()")
        func taken(_ meeting: Value) -> Bool {
            condition.isSatisfied(in: FEELContext(variables: ["nextMeetingAt": meeting], now: fixedNow))
        }
        #expect(taken(date(2026, 11, 23)))
        #expect(!taken(date(2026, 11, 24)))
        #expect(!taken(date(2026, 12, 1)))
        #expect(!taken(.null))
        // A date-time counts against midnight of today in Lucerne.
        #expect(taken(dateTime("2026-11-23T22:59:00Z")))
        #expect(!taken(dateTime("2026-11-23T23:00:00Z")))
    }

    @Test func dateAndDateTimeCompareAtOfficeMidnight() throws {
        #expect(try feel(#"@"2026-01-31" = @"2026-01-30T23:00:00Z""#) == true)
        #expect(try feel(#"@"2026-01-31" < @"2026-01-31T08:00:00""#) == true)
        #expect(try feel(#"@"2026-01-31T12:00:00" - @"2026-01-31""#) == .dayTimeDuration(seconds: 43200))
    }

    @Test func deadlineFromAReferralDate() throws {
        // Frist: 30 Tage nach Eingang, Erinnerung 3 Monate nach Abschluss.
        let vars: [String: Value] = ["receivedOn": date(2026, 1, 31), "closedOn": date(2026, 11, 30)]
        #expect(try feel(#"receivedOn + duration("P30D")"#, vars) == date(2026, 3, 2))
        #expect(try feel(#"closedOn + duration("P3M")"#, vars) == date(2027, 2, 28))
        #expect(try feel("closedOn - receivedOn > duration(\"P300D\")", vars) == true)
    }

    @Test("Properties", arguments: [
        Case(#"@"2026-01-31".year"#, 2026), Case(#"@"2026-01-31".month"#, 1), Case(#"@"2026-01-31".day"#, 31),
        Case(#"@"2026-01-31".weekday"#, 6),
        Case(#"@"2026-07-01T10:15:30".hour"#, 10), Case(#"@"2026-07-01T10:15:30".minute"#, 15),
        Case(#"@"2026-07-01T10:15:30".second"#, 30), Case(#"@"2026-07-01T23:30:00Z".day"#, 2),
        Case(#"@"P1Y3M".years"#, 1), Case(#"@"P1Y3M".months"#, 3),
        Case(#"@"P2DT3H4M5S".days"#, 2), Case(#"@"P2DT3H4M5S".hours"#, 3),
        Case(#"@"P2DT3H4M5S".minutes"#, 4), Case(#"@"P2DT3H4M5S".seconds"#, 5),
    ])
    func properties(_ c: Case) throws {
        #expect(try feel(c.expression) == c.expected)
    }

    @Test func hugeOffsetsGiveNullInsteadOfCrashing() throws {
        #expect(try feel(#"@"2026-01-01" + @"P999999999D""#) == .null)
        #expect(try feel(#"@"2026-01-01" + @"P999999Y" * 1000"#) == .null)
        #expect(try feel(#"@"2026-01-01T00:00:00Z" + @"P99999999999D""#) == .null)
        #expect(parseError(#"@"P99999999999999999999Y""#)?.code == .invalidLiteral)
    }
}
