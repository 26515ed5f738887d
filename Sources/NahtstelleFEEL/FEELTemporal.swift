import Foundation

/// Date and duration arithmetic. Dates are calendar dates of the office; date-times are instants
/// whose calendar fields are read in the office time zone (Europe/Zurich).
enum FEELTemporal {
    /// ±10 000 years in days: far beyond any deadline, small enough that nothing overflows.
    static let dayLimit = 3_660_000
    static let monthLimit = 120_000

    static func localDate(_ v: Value) -> LocalDate? {
        switch v {
        case .date(let d): d
        case .dateTime(let t): ISODateTime.localDate(of: t)
        default: nil
        }
    }

    /// A date plus a days-and-time duration: the date of (midnight + duration), i.e. whole days
    /// rounded down, as FEEL defines it.
    static func date(_ d: LocalDate, plusSeconds seconds: Decimal) -> Value {
        let s = FEELDecimal.double(seconds)
        guard s.isFinite, abs(s) < Double(dayLimit) * 86400 else { return .null }
        return .date(d.adding(days: Int((s / 86400).rounded(.down))))
    }

    /// A date plus months; the day is clamped to the target month (31.01. + 1 month = 28./29.02.).
    static func date(_ d: LocalDate, plusMonths months: Int) -> Value {
        guard abs(months) <= monthLimit, abs(d.year) <= 100_000 else { return .null }
        return .date(d.adding(months: months))
    }

    /// Whole days keep the Lucerne wall-clock time across clock changes (see `ISODateTime.adding`).
    static func dateTime(_ t: Date, plusSeconds seconds: Decimal) -> Value {
        guard let moved = ISODateTime.adding(seconds: seconds, to: t) else { return .null }
        return .dateTime(moved)
    }

    /// Months are added to the office-local calendar date, keeping the local time of day.
    static func dateTime(_ t: Date, plusMonths months: Int) -> Value {
        guard abs(months) <= monthLimit else { return .null }
        let local = t.timeIntervalSince1970 + Double(ISODateTime.officeTimeZone.secondsFromGMT(for: t))
        let dayIndex = (local / 86400).rounded(.down)
        guard dayIndex.isFinite, abs(dayIndex) < Double(dayLimit) * 10 else { return .null }
        let secondOfDay = local - dayIndex * 86400
        let shifted = LocalDate(daysSinceEpoch: Int(dayIndex)).adding(months: months)
        return .dateTime(ISODateTime.fromOfficeLocal(Double(shifted.daysSinceEpoch) * 86400 + secondOfDay))
    }

    static func difference(_ a: LocalDate, _ b: LocalDate) -> Value {
        .dayTimeDuration(seconds: Decimal((a.daysSinceEpoch - b.daysSinceEpoch) * 86400))
    }

    /// Difference of two instants, to the millisecond (no binary-floating-point noise).
    static func difference(_ a: Date, _ b: Date) -> Value {
        let ms = ((a.timeIntervalSince1970 - b.timeIntervalSince1970) * 1000).rounded()
        guard ms.isFinite, abs(ms) < 9e15 else { return .null }
        return .dayTimeDuration(seconds: Decimal(sign: ms < 0 ? .minus : .plus, exponent: -3, significand: Decimal(UInt64(abs(ms)))))
    }

    /// Whole months from `from` to `to`, truncated toward zero (FEEL `years and months duration`).
    static func months(from: LocalDate, to: LocalDate) -> Int {
        var months = (to.year * 12 + to.month) - (from.year * 12 + from.month)
        if months > 0, to.day < from.day { months -= 1 }
        if months < 0, to.day > from.day { months += 1 }
        return months
    }

    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Office-local calendar fields of an instant: date and seconds since local midnight.
    static func officeFields(_ t: Date) -> (date: LocalDate, secondOfDay: Double)? {
        let local = t.timeIntervalSince1970 + Double(ISODateTime.officeTimeZone.secondsFromGMT(for: t))
        let dayIndex = (local / 86400).rounded(.down)
        guard dayIndex.isFinite, abs(dayIndex) < Double(dayLimit) * 10 else { return nil }
        return (LocalDate(daysSinceEpoch: Int(dayIndex)), local - dayIndex * 86400)
    }
}
