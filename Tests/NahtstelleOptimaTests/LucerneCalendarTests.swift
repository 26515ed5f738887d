import Foundation
import NahtstelleFEEL
import Testing

@testable import NahtstelleOptima

@Suite struct LucerneCalendarTests {
    let calendar = LucerneCalendar.standard

    @Test func easterByComputus() {
        let known: [(Int, String)] = [
            (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"), (2024, "2024-03-31"),
            (2019, "2019-04-21"), (2000, "2000-04-23"), (2038, "2038-04-25"), (1818, "1818-03-22"),
            (2285, "2285-03-22"), (1943, "1943-04-25"),
        ]
        for (year, date) in known { #expect(LucerneCalendar.easterSunday(year: year) == d(date)) }
    }

    func holidayList(_ year: Int) -> [String] {
        calendar.holidays(year: year).map { $0.date.description + " " + $0.name }
    }

    @Test func holidays2025() {
        #expect(holidayList(2025) == [
            "2025-01-01 Neujahr", "2025-01-02 Berchtoldstag", "2025-04-18 Karfreitag", "2025-04-21 Ostermontag",
            "2025-05-29 Auffahrt", "2025-06-09 Pfingstmontag", "2025-06-19 Fronleichnam", "2025-08-01 Bundesfeier",
            "2025-08-15 Mariä Himmelfahrt", "2025-11-01 Allerheiligen", "2025-12-08 Mariä Empfängnis",
            "2025-12-25 Weihnachten", "2025-12-26 Stephanstag",
        ])
    }

    @Test func holidays2026() {
        #expect(holidayList(2026) == [
            "2026-01-01 Neujahr", "2026-01-02 Berchtoldstag", "2026-04-03 Karfreitag", "2026-04-06 Ostermontag",
            "2026-05-14 Auffahrt", "2026-05-25 Pfingstmontag", "2026-06-04 Fronleichnam", "2026-08-01 Bundesfeier",
            "2026-08-15 Mariä Himmelfahrt", "2026-11-01 Allerheiligen", "2026-12-08 Mariä Empfängnis",
            "2026-12-25 Weihnachten", "2026-12-26 Stephanstag",
        ])
    }

    @Test func holidays2027() {
        #expect(holidayList(2027) == [
            "2027-01-01 Neujahr", "2027-01-02 Berchtoldstag", "2027-03-26 Karfreitag", "2027-03-29 Ostermontag",
            "2027-05-06 Auffahrt", "2027-05-17 Pfingstmontag", "2027-05-27 Fronleichnam", "2027-08-01 Bundesfeier",
            "2027-08-15 Mariä Himmelfahrt", "2027-11-01 Allerheiligen", "2027-12-08 Mariä Empfängnis",
            "2027-12-25 Weihnachten", "2027-12-26 Stephanstag",
        ])
    }

    @Test func workingDays() {
        #expect(calendar.isWorkingDay(d("2025-04-17")))  // Thursday before Easter
        #expect(!calendar.isWorkingDay(d("2025-04-18")))  // Karfreitag
        #expect(!calendar.isWorkingDay(d("2025-04-19")))  // Saturday
        #expect(!calendar.isWorkingDay(d("2025-04-20")))  // Sunday
        #expect(!calendar.isWorkingDay(d("2025-04-21")))  // Ostermontag
        #expect(calendar.isWorkingDay(d("2025-05-01")))  // 1 May is no holiday in Luzern
        #expect(calendar.isWorkingDay(d("2025-03-19")))  // St. Josef: only local
        #expect(calendar.holiday(on: d("2025-06-19"))?.id == .corpusChristi)
        #expect(calendar.holiday(on: d("2025-06-20")) == nil)
        let leodegar = LucerneCalendar(additionalClosedDays: [d("2025-10-02")])
        #expect(calendar.isWorkingDay(d("2025-10-02")))
        #expect(!leodegar.isWorkingDay(d("2025-10-02")))
        #expect(leodegar.addWorkingDays(d("2025-10-01"), 1) == d("2025-10-03"))
    }

    @Test func addWorkingDaysAcrossEaster() {
        #expect(calendar.addWorkingDays(d("2025-04-17"), 1) == d("2025-04-22"))
        #expect(calendar.addWorkingDays(d("2025-04-14"), 10) == d("2025-04-30"))
        #expect(calendar.addWorkingDays(d("2025-04-22"), -1) == d("2025-04-17"))
        #expect(calendar.addWorkingDays(d("2026-04-02"), 1) == d("2026-04-07"))
        #expect(calendar.addWorkingDays(d("2027-03-25"), 1) == d("2027-03-30"))
    }

    @Test func addWorkingDaysAcrossChristmasAndNewYear() {
        #expect(calendar.addWorkingDays(d("2025-12-23"), 1) == d("2025-12-24"))
        #expect(calendar.addWorkingDays(d("2025-12-23"), 2) == d("2025-12-29"))
        #expect(calendar.addWorkingDays(d("2025-12-31"), 1) == d("2026-01-05"))
        #expect(calendar.addWorkingDays(d("2025-12-19"), 10) == d("2026-01-08"))
        #expect(calendar.addWorkingDays(d("2026-01-05"), -1) == d("2025-12-31"))
        #expect(calendar.addWorkingDays(d("2026-01-05"), -5) == d("2025-12-23"))
    }

    @Test func zeroAndNonWorkingStart() {
        #expect(calendar.addWorkingDays(d("2025-04-17"), 0) == d("2025-04-17"))
        #expect(calendar.addWorkingDays(d("2025-04-19"), 0) == d("2025-04-22"))
        #expect(calendar.nextWorkingDay(onOrAfter: d("2025-12-25")) == d("2025-12-29"))
        // From a Saturday, one working day is the Monday.
        #expect(calendar.addWorkingDays(d("2025-03-08"), 1) == d("2025-03-10"))
        #expect(calendar.addWorkingDays(d("2025-03-08"), -1) == d("2025-03-07"))
    }

    @Test func workingDaysBetween() {
        #expect(calendar.workingDays(from: d("2025-04-17"), to: d("2025-04-22")) == 1)
        #expect(calendar.workingDays(from: d("2025-04-22"), to: d("2025-04-17")) == -1)
        #expect(calendar.workingDays(from: d("2025-12-19"), to: d("2026-01-08")) == 10)
        #expect(calendar.workingDays(from: d("2025-06-02"), to: d("2025-06-02")) == 0)
        // 2025: 261 weekdays; 12 of the 13 holidays fall on weekdays (01.11. is a Saturday).
        #expect(calendar.workingDays(from: d("2024-12-31"), to: d("2025-12-31")) == 249)
        for n in [-23, -1, 1, 7, 40] {
            let start = d("2025-11-28")
            #expect(calendar.workingDays(from: start, to: calendar.addWorkingDays(start, n)) == n)
        }
    }

    @Test func hugeOffsetsAreClampedNotCrashing() {
        let far = calendar.addWorkingDays(d("2025-01-01"), Int.max)
        #expect(far.year > 2300)
        #expect(calendar.holidays(year: 1200).isEmpty)
    }

    @Test func feelFunction() {
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-17")), 1]) == .date(d("2025-04-22")))
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-22")), -1]) == .date(d("2025-04-17")))
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-19")), 0]) == .date(d("2025-04-22")))
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-12-19")), .number(Decimal(string: "10.0")!)])
            == .date(d("2026-01-08")))
        // A date-time counts by its day in Lucerne: 23:30 UTC on 17.04. is already Karfreitag there.
        let lateEvening = ISODateTime.parse("2025-04-17T23:30:00Z").map(Value.dateTime) ?? .null
        #expect(LucerneCalendar.addWorkingDaysFEEL([lateEvening, 1]) == .date(d("2025-04-22")))
        let morning = ISODateTime.parse("2025-04-16T09:00:00+02:00").map(Value.dateTime) ?? .null
        #expect(LucerneCalendar.addWorkingDaysFEEL([morning, 1]) == .date(d("2025-04-17")))
        // Bad arguments give null.
        #expect(LucerneCalendar.addWorkingDaysFEEL([]) == .null)
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-17"))]) == .null)
        #expect(LucerneCalendar.addWorkingDaysFEEL(["2025-04-17", 1]) == .null)
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-17")), "1"]) == .null)
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-17")), 1.5]) == .null)
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-17")), .null]) == .null)
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-17")), .number(Decimal(string: "1e30")!)]) == .null)
        #expect(LucerneCalendar.addWorkingDaysFEEL([.date(d("2025-04-17")), 1, 2]) == .null)
    }
}
