import Foundation
import NahtstelleDefinition
import NahtstelleFEEL

/// BPMN timer semantics: `timeDate`, `timeDuration`, `timeCycle` — ISO 8601 literals or FEEL.
enum Timers {
    struct Schedule {
        var due: Date
        /// Repetitions after the first firing: 0 none, -1 unbounded.
        var repeatsLeft: Int
        var interval: String?
    }

    static func schedule(_ timer: TimerDefinition, process: CompiledProcess, context: FEELContext, now: Date,
                         elementID: String) throws -> Schedule {
        func fail(_ what: String, _ e: Expression) -> EngineError {
            EngineError(.incident, "Der Timer ergibt \(what) (»\(FEELExpression.excerpt(e.text))«). Erwartet: \(expectation(timer)).", element: elementID)
        }
        switch timer {
        case .date(let e):
            let value = e.isFEEL ? process.evaluate(e, context) : .string(e.text)
            guard let due = instant(value) else { throw fail("kein Datum", e) }
            return Schedule(due: due, repeatsLeft: 0, interval: nil)
        case .duration(let e):
            let value = e.isFEEL ? process.evaluate(e, context) : .string(e.text)
            guard let due = add(value, to: now) else { throw fail("keine Dauer", e) }
            return Schedule(due: due, repeatsLeft: 0, interval: nil)
        case .cycle(let e):
            let value = e.isFEEL ? process.evaluate(e, context) : .string(e.text)
            if case .string(let text) = value {
                switch ISOTimerText.cycle(text) {
                case .success:
                    if let cycle = parseCycle(text, now: now) { return cycle }
                case .failure(let problem) where text.hasPrefix("R"):
                    throw EngineError(.incident, "Der Timer ergibt keinen gültigen Zyklus: \(problem.message).", element: elementID)
                case .failure:
                    break
                }
                // A plain duration repeats without end; it must not be shorter than the minimum.
                if case .success(let d) = ISOTimerText.duration(text), d.months > 0 || d.seconds >= ISOTimerText.minimumCycleSeconds,
                    let due = add(value, to: now)
                {
                    return Schedule(due: due, repeatsLeft: -1, interval: text)
                }
            }
            throw fail("keinen Zyklus", e)
        }
    }

    private static func expectation(_ timer: TimerDefinition) -> String {
        switch timer {
        case .date: "ein Datum oder Zeitpunkt, z. B. 2026-12-01T09:00:00Z"
        case .duration: "eine Dauer, z. B. P10D oder PT2H"
        case .cycle: "ein Zyklus, z. B. R3/PT1H"
        }
    }

    /// `R3/PT1H`, `R/P1D`, `R5/2026-01-01T08:00:00Z/P1D`: the parser `validate` uses too.
    static func parseCycle(_ text: String, now: Date) -> Schedule? {
        guard case .success(let cycle) = ISOTimerText.cycle(text) else { return nil }
        guard let first = cycle.start ?? ISOTimerText.add(cycle.interval, to: now) else { return nil }
        let total = cycle.repetitions ?? -1
        return Schedule(due: first, repeatsLeft: total == -1 ? -1 : total - 1, interval: String(text.split(separator: "/").last ?? ""))
    }

    static func add(_ interval: String, to date: Date) -> Date? { add(.string(interval), to: date) }

    /// Adds a duration value (or an ISO duration string) to an instant: months and whole days
    /// are calendar steps in Lucerne that keep the wall-clock time. `nil` beyond the limits
    /// (100 years) or for anything else.
    static func add(_ value: Value, to date: Date) -> Date? {
        let duration: ISOTimerText.Duration
        switch value {
        case .dayTimeDuration(let seconds): duration = .init(months: 0, seconds: seconds)
        case .yearMonthDuration(let months): duration = .init(months: months, seconds: 0)
        case .string(let text):
            guard case .success(let parsed) = ISOTimerText.duration(text) else { return nil }
            duration = parsed
        default:
            return nil
        }
        guard let result = ISOTimerText.add(duration, to: date), withinLimits(result, from: date) else { return nil }
        return result
    }

    /// Deadlines and timers beyond 100 years from now (either way) are typing errors.
    static func withinLimits(_ t: Date, from now: Date) -> Bool {
        abs(t.timeIntervalSince(now)) <= Double(ISOTimerText.maximumYears) * 366 * 86400
    }

    static func instant(_ value: Value) -> Date? {
        let t: Date?
        switch value {
        case .dateTime(let d): t = d
        case .date(let d): t = ISODateTime.startOfDay(d)
        case .string(let s): t = try? ISOTimerText.instant(s).get()
        default: t = nil
        }
        guard let t, ISOTimerText.years.contains(ISODateTime.localDate(of: t).year) else { return nil }
        return t
    }

    /// A task's due moment: a date means the end of that day; a duration counts from `from`.
    /// `nil` when the value is none of these or lies outside the years 1900–2199.
    static func dueDate(_ value: Value, literal: String?, from: Date) -> Date? {
        switch value {
        case .date(let d):
            guard ISOTimerText.years.contains(d.year) else { return nil }
            return ISODateTime.startOfDay(d.adding(days: 1)).addingTimeInterval(-1)
        case .dateTime: return instant(value)
        case .dayTimeDuration, .yearMonthDuration: return add(value, to: from)
        case .string(let s):
            if let d = LocalDate(iso: s) { return dueDate(.date(d), literal: nil, from: from) }
            if let t = instant(.string(s)) { return t }
            return add(.string(s), to: from)
        default: return nil
        }
    }
}
