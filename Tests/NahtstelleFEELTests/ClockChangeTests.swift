import Foundation
import Testing

@testable import NahtstelleFEEL

/// Issue 15, item 12: zone-less date-times are Lucerne time, and a calendar duration keeps the
/// wall-clock time across the clock changes (spring and autumn of 2026 and 2027).
@Suite("Clock changes in Europe/Zurich")
struct ClockChangeTests {
    /// Local (Lucerne) hour of an instant.
    static func localHour(_ t: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ISODateTime.officeTimeZone
        return calendar.component(.hour, from: t)
    }

    @Test("date and time + P1D keeps 12:00", arguments: ["2026-03-28", "2026-10-24", "2027-03-27", "2027-10-30"])
    func feelDayKeepsWallClock(_ day: String) throws {
        let value = try feel(#"date and time("\#(day)T12:00:00") + duration("P1D")"#)
        guard case .dateTime(let t) = value else { Issue.record("no date-time: \(value)"); return }
        #expect(Self.localHour(t) == 12)
        #expect(ISODateTime.localDate(of: t) == LocalDate(iso: day)!.adding(days: 1))
    }

    @Test("date and time - P1D and + P7D keep the time", arguments: ["2026-03-30", "2026-10-26", "2027-03-29", "2027-11-01"])
    func feelSubtractKeepsWallClock(_ day: String) throws {
        guard case .dateTime(let back) = try feel(#"date and time("\#(day)T09:00:00") - duration("P1D")"#),
            case .dateTime(let week) = try feel(#"date and time("\#(day)T09:00:00") - duration("P7D")"#)
        else { Issue.record("no date-time"); return }
        #expect(Self.localHour(back) == 9)
        #expect(Self.localHour(week) == 9)
    }

    @Test func hoursAreElapsedTime() throws {
        // 28.03.2026 23:00 + PT4H: the night has an hour less, so it is 04:00 local.
        guard case .dateTime(let t) = try feel(#"date and time("2026-03-28T23:00:00") + duration("PT4H")"#) else { Issue.record("no date-time"); return }
        #expect(Self.localHour(t) == 4)
    }

    @Test("Daily timers fire at the same local time across the change", arguments: [
        ("R4/2026-03-27T09:00/P1D", 2026), ("R4/2026-10-23T09:00/P1D", 2026), ("R4/2027-03-26T09:00/P1D", 2027), ("R4/2027-10-29T09:00/P1D", 2027),
    ])
    func dailyCycle(_ text: String, _ year: Int) throws {
        let cycle = try ISOTimerText.cycle(text).get()
        var t = try #require(cycle.start)
        for _ in 0..<(cycle.repetitions ?? 1) {
            #expect(Self.localHour(t) == 9, "\(t)")
            t = try #require(ISOTimerText.add(cycle.interval, to: t))
        }
    }

    @Test func monthsKeepTheTimeToo() throws {
        let start = try ISOTimerText.instant("2026-03-15T09:00").get()
        let moved = try #require(ISOTimerText.add(try ISOTimerText.duration("P1M").get(), to: start))
        #expect(Self.localHour(moved) == 9)
        #expect(ISODateTime.localDate(of: moved) == LocalDate(year: 2026, month: 4, day: 15))
    }
}
