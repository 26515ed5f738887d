import Foundation
import NahtstelleFEEL

extension LucerneCalendar {
    /// The FEEL function `add working days(date, n)` on the standard Lucerne calendar.
    ///
    /// Arguments: a `date` or `date and time` (its office-local day is used) and an integer
    /// number. Returns a `date`. Anything else — wrong count or types, a fractional or absurdly
    /// large n (beyond ±`maxWorkingDayOffset`) — returns `null`, as FEEL does for bad arguments.
    public static func addWorkingDaysFEEL(_ args: [Value]) -> Value {
        guard args.count == 2 else { return .null }
        let start: LocalDate
        switch args[0] {
        case .date(let d): start = d
        case .dateTime(let t): start = ISODateTime.localDate(of: t)
        default: return .null
        }
        guard case .number(let number) = args[1], let n = wholeNumber(number),
            abs(n) <= LucerneCalendar.maxWorkingDayOffset
        else { return .null }
        return .date(LucerneCalendar.standard.addWorkingDays(start, n))
    }

    private static func wholeNumber(_ d: Decimal) -> Int? {
        guard d.isFinite, abs(d) <= Decimal(maxWorkingDayOffset * 10) else { return nil }
        var value = d
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        guard rounded == d else { return nil }
        return NSDecimalNumber(decimal: rounded).intValue
    }
}

extension LucerneCalendar {
    /// The FEEL functions OPTIMA definitions use, to register with the engine:
    /// `add working days(date, n)` skips weekends and Lucerne public holidays.
    public static let feelFunctions: [String: FEELFunction] = [
        "add working days": FEELFunction(name: "add working days", arity: 2...2, body: addWorkingDaysFEEL),
    ]
}
