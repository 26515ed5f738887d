import NahtstelleFEEL

/// The period of a report as a coordinator types it (`nahtstelle report --from … --to … --as-of …`):
/// first and last day, both counting, and the day on which deadlines are judged overdue.
///
/// Dates are read by `SwissFormat.parseDate` (ISO or Swiss), like every typed date. Errors are
/// `OptimaError`s with `code == .invalidInput`, the option as `field`, and a German message that
/// names the option and says how to fix it.
public struct ReportPeriod: Sendable, Hashable {
    public var from: LocalDate
    public var to: LocalDate
    /// Deadlines due before this day count as overdue: `--as-of`, else `to` but at most today.
    public var asOf: LocalDate

    /// Reads the whole period at once (what the fuzz harness `Fuzz/report-date` feeds).
    /// - Parameter today: the office's current day; `asOf` may not lie after it.
    public init(from: String, to: String, asOf: String?, today: LocalDate) throws(OptimaError) {
        let days = try Self.days(from: from, to: to)
        try self.init(from: days.from, to: days.to, asOf: asOf, today: today)
    }

    /// Completes a period whose first and last day are read already (`days(from:to:)`) with
    /// the typed `asOf`, checked against `today` and the period.
    public init(from: LocalDate, to: LocalDate, asOf: String?, today: LocalDate) throws(OptimaError) {
        self.from = from
        self.to = to
        guard let asOf else {
            self.asOf = min(to, today)
            return
        }
        let day = try Self.day(asOf, option: "--as-of")
        // Overdue is a fact about the past: a deadline in December is not overdue "as of 2099".
        guard day <= today else {
            throw Self.invalid("--as-of", "--as-of: \(day.swissFormatted) liegt in der Zukunft. Der Stichtag ist höchstens heute (\(today.swissFormatted)).")
        }
        guard day >= from else {
            throw Self.invalid("--as-of", "--as-of: \(day.swissFormatted) liegt vor dem Zeitraum (--from \(from.swissFormatted)). "
                               + "Bitte einen Stichtag im Zeitraum oder danach angeben.")
        }
        self.asOf = day
    }

    /// The first and last day, checked to form a period that is not empty.
    public static func days(from: String, to: String) throws(OptimaError) -> (from: LocalDate, to: LocalDate) {
        let first = try day(from, option: "--from")
        let last = try day(to, option: "--to")
        guard first <= last else {
            throw invalid("--from", "Der Zeitraum ist leer: --from (\(first.swissFormatted)) liegt nach --to (\(last.swissFormatted)). Bitte die Daten tauschen.")
        }
        return (first, last)
    }

    /// One typed day of the period.
    /// - Parameter option: the option it came from (`--from`), named in the message.
    public static func day(_ text: String, option: String) throws(OptimaError) -> LocalDate {
        guard let day = SwissFormat.parseDate(text) else {
            throw invalid(option, "\(option): «\(text)» ist kein gültiges Datum. Bitte TT.MM.JJJJ (z. B. 31.03.2026) oder JJJJ-MM-TT angeben.")
        }
        return day
    }

    private static func invalid(_ option: String, _ message: String) -> OptimaError {
        OptimaError(code: .invalidInput, message: message, field: option)
    }
}
