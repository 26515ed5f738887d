import Foundation

/// A FEEL value: the type of process variables, form data and template data alike.
///
/// JSON maps onto it directly (null, bool, number, string, list, context). Dates, date-times and
/// durations are FEEL-only types; `Value+JSON.swift` writes them tagged (`{"@date": "2026-01-31"}`)
/// so that a stored variable reads back with the same type.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case date(LocalDate)
    case dateTime(Date)
    /// FEEL `years and months duration`, in months.
    case yearMonthDuration(months: Int)
    /// FEEL `days and time duration`, in seconds.
    case dayTimeDuration(seconds: Decimal)
    case list([Value])
    case context([String: Value])

    /// The FEEL type name, used in error messages ("erwartet date, erhalten string").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .date: "date"
        case .dateTime: "date and time"
        case .yearMonthDuration: "years and months duration"
        case .dayTimeDuration: "days and time duration"
        case .list: "list"
        case .context: "context"
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var numberValue: Decimal? { if case .number(let n) = self { n } else { nil } }
    public var listValue: [Value]? { if case .list(let l) = self { l } else { nil } }
    public var contextValue: [String: Value]? { if case .context(let c) = self { c } else { nil } }

    /// Member access by a dotted path (`person.address.city`); `nil` when a step is missing.
    public func value(atPath path: some StringProtocol) -> Value? {
        var current = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .context(let members) = current, let next = members[String(part)] else { return nil }
            current = next
        }
        return current
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    public init(floatLiteral value: Double) { self = .number(Decimal(value)) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .context(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// A calendar date without time or zone (FEEL `date`).
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `yyyy-MM-dd`; `nil` when the text is not a real calendar date.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),  // `Int` would take `+1`
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), d >= 1, d <= LocalDate.daysIn(month: m, year: y)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for arithmetic without Calendar.
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let w = (daysSinceEpoch + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Adds months, clamping the day to the target month's length (31.01. + 1 month = 28./29.02.).
    public func adding(months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// ISO form `yyyy-MM-dd`.
    public var description: String {
        paddedYear + "-" + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
    }

    /// Swiss form `dd.MM.yyyy`.
    public var swissFormatted: String {
        (day < 10 ? "0" : "") + String(day) + "." + (month < 10 ? "0" : "") + String(month) + "." + paddedYear
    }

    /// At least four digits (`0001`): both forms read back only with four (fuzz finding
    /// `Fuzz/report-date/regressions/year-below-1000`: `0001-01-01` was shown as `01.01.1`).
    private var paddedYear: String {
        let y = String(year)
        return year >= 0 && y.count < 4 ? String(repeating: "0", count: 4 - y.count) + y : y
    }
}
