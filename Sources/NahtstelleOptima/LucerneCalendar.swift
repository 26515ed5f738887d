import NahtstelleFEEL

/// A public holiday on which the offices in Kanton Luzern are closed.
public struct PublicHoliday: Sendable, Hashable {
    public enum ID: String, Sendable, Hashable, CaseIterable {
        case newYear = "new-year"
        case berchtoldsDay = "berchtolds-day"
        case goodFriday = "good-friday"
        case easterMonday = "easter-monday"
        case ascension
        case whitMonday = "whit-monday"
        case corpusChristi = "corpus-christi"
        case nationalDay = "national-day"
        case assumption
        case allSaints = "all-saints"
        case immaculateConception = "immaculate-conception"
        case christmas
        case stStephensDay = "st-stephens-day"
    }

    public var id: ID
    public var date: LocalDate
    /// German name, e.g. "Auffahrt".
    public var name: String { Glossary.label(id) }
}

/// The working-day calendar of the OPTIMA offices in Kanton Luzern.
///
/// Non-working days are Saturdays, Sundays and these 13 holidays, on which the cantonal
/// administration, the RAV, the IV-Stelle and the social services are closed:
/// Neujahr, Berchtoldstag, Karfreitag, Ostermontag, Auffahrt, Pfingstmontag, Fronleichnam,
/// Bundesfeier (1.8.), Mariä Himmelfahrt (15.8.), Allerheiligen (1.11.), Mariä Empfängnis (8.12.),
/// Weihnachten, Stephanstag.
///
/// Source and decision: Kanton Luzern's law on public days of rest (Gesetz über die öffentlichen
/// Ruhetage, SRL Nr. 855) makes the Christian holidays days of rest; the public holiday tables for
/// LU list Neujahr, Karfreitag, Auffahrt, Fronleichnam, Mariä Himmelfahrt, Allerheiligen,
/// Weihnachten and Stephanstag as "den Sonntagen gleichgestellt", Mariä Empfängnis as legally
/// recognised, and the 1st of August is the federal holiday (Art. 110 BV). Berchtoldstag,
/// Ostermontag and Pfingstmontag are not Sunday-equivalent everywhere, but the public offices are
/// closed on them and the usual holiday data sets for LU (e.g. the `holidays` library's
/// subdivision LU) list them. For OPTIMA deadlines what counts is whether the offices work, so all
/// 13 are non-working days. Not included: St. Josef (19.3.) and the communal patron days (e.g.
/// St. Leodegar, 2.10., city of Luzern), which hold only locally, and the half days (24.12. and
/// 31.12. afternoon); an office adds its own closures with `additionalClosedDays`.
public struct LucerneCalendar: Sendable, Hashable {
    /// Extra days an office is closed (communal holidays, bridge days).
    public var additionalClosedDays: Set<LocalDate>

    /// Offsets beyond this many working days (about 400 years) are clamped.
    public static let maxWorkingDayOffset = 100_000

    public static let standard = LucerneCalendar()

    public init(additionalClosedDays: Set<LocalDate> = []) {
        self.additionalClosedDays = additionalClosedDays
    }

    /// Easter Sunday of a Gregorian year (anonymous Gregorian computus, Meeus/Jones/Butcher).
    public static func easterSunday(year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)
    }

    /// The 13 holidays of a year, in date order. Years before 1583 (pre-Gregorian) and after
    /// 9999 give an empty list.
    public func holidays(year: Int) -> [PublicHoliday] {
        guard (1583...9999).contains(year) else { return [] }
        let easter = LucerneCalendar.easterSunday(year: year)
        let list: [PublicHoliday] = [
            PublicHoliday(id: .newYear, date: LocalDate(year: year, month: 1, day: 1)),
            PublicHoliday(id: .berchtoldsDay, date: LocalDate(year: year, month: 1, day: 2)),
            PublicHoliday(id: .goodFriday, date: easter.adding(days: -2)),
            PublicHoliday(id: .easterMonday, date: easter.adding(days: 1)),
            PublicHoliday(id: .ascension, date: easter.adding(days: 39)),
            PublicHoliday(id: .whitMonday, date: easter.adding(days: 50)),
            PublicHoliday(id: .corpusChristi, date: easter.adding(days: 60)),
            PublicHoliday(id: .nationalDay, date: LocalDate(year: year, month: 8, day: 1)),
            PublicHoliday(id: .assumption, date: LocalDate(year: year, month: 8, day: 15)),
            PublicHoliday(id: .allSaints, date: LocalDate(year: year, month: 11, day: 1)),
            PublicHoliday(id: .immaculateConception, date: LocalDate(year: year, month: 12, day: 8)),
            PublicHoliday(id: .christmas, date: LocalDate(year: year, month: 12, day: 25)),
            PublicHoliday(id: .stStephensDay, date: LocalDate(year: year, month: 12, day: 26)),
        ]
        return list.sorted { $0.date < $1.date }
    }

    /// The holiday on `date`, if any.
    public func holiday(on date: LocalDate) -> PublicHoliday? {
        holidays(year: date.year).first { $0.date == date }
    }

    /// Monday to Friday, not a holiday, not an additional closed day.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        var cache = HolidayCache()
        return isWorkingDay(date, cache: &cache)
    }

    /// Moves `n` working days from `date`: forward for n > 0, backward for n < 0; the result is
    /// always a working day. n = 0 returns `date` itself when it is a working day, otherwise the
    /// next working day (a due date never falls on a closed day).
    /// Offsets beyond ±`maxWorkingDayOffset` are clamped.
    public func addWorkingDays(_ date: LocalDate, _ n: Int) -> LocalDate {
        var cache = HolidayCache()
        var remaining = min(max(n, -LucerneCalendar.maxWorkingDayOffset), LucerneCalendar.maxWorkingDayOffset)
        var current = date
        if remaining == 0 {
            while !isWorkingDay(current, cache: &cache) { current = current.adding(days: 1) }
            return current
        }
        let step = remaining > 0 ? 1 : -1
        while remaining != 0 {
            current = current.adding(days: step)
            if isWorkingDay(current, cache: &cache) { remaining -= step }
        }
        return current
    }

    /// The first working day on or after `date`.
    public func nextWorkingDay(onOrAfter date: LocalDate) -> LocalDate { addWorkingDays(date, 0) }

    /// Working days from `start` to `end`: the count of working days d with start < d ≤ end, or
    /// minus the count with end ≤ d < start when `end` lies before `start`. So
    /// `addWorkingDays(start, workingDays(from: start, to: end)) == end` for a working day `end`.
    public func workingDays(from start: LocalDate, to end: LocalDate) -> Int {
        var cache = HolidayCache()
        if end == start { return 0 }
        let (lower, upper, sign) = end > start ? (start.adding(days: 1), end, 1) : (end, start.adding(days: -1), -1)
        var count = 0
        var day = lower
        // Bounded like addWorkingDays: about 560 years of calendar days at most.
        var guardDays = LucerneCalendar.maxWorkingDayOffset * 2
        while day <= upper && guardDays > 0 {
            if isWorkingDay(day, cache: &cache) { count += 1 }
            day = day.adding(days: 1)
            guardDays -= 1
        }
        return sign * count
    }

    // MARK: - Internals

    /// Holiday dates per year, computed once per call.
    struct HolidayCache {
        var byYear: [Int: Set<LocalDate>] = [:]
    }

    func isWorkingDay(_ date: LocalDate, cache: inout HolidayCache) -> Bool {
        if date.isoWeekday >= 6 || additionalClosedDays.contains(date) { return false }
        if let known = cache.byYear[date.year] { return !known.contains(date) }
        let dates = Set(holidays(year: date.year).map(\.date))
        cache.byYear[date.year] = dates
        return !dates.contains(date)
    }
}
