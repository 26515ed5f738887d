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
            EngineError(.incident, "Der Timer ergibt \(what) (»\(e.text)«). Erwartet: \(expectation(timer)).", element: elementID)
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
            if case .string(let text) = value, let cycle = parseCycle(text, now: now) { return cycle }
            if let due = add(value, to: now), case .string(let text) = value {
                return Schedule(due: due, repeatsLeft: -1, interval: text)
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

    /// `R3/PT1H`, `R/P1D`, `R5/2026-01-01T08:00:00Z/P1D`.
    static func parseCycle(_ text: String, now: Date) -> Schedule? {
        let parts = text.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0].first == "R" else { return nil }
        let countText = parts[0].dropFirst()
        let total = countText.isEmpty ? -1 : Int(countText) ?? -2
        guard total >= -1, total != 0 else { return nil }
        let interval = parts[parts.count - 1]
        guard ISODuration.parse(interval) != nil else { return nil }
        var first: Date
        if parts.count == 3 {
            guard let start = ISODateTime.parse(parts[1]) else { return nil }
            first = start
        } else {
            guard let d = add(.string(interval), to: now) else { return nil }
            first = d
        }
        return Schedule(due: first, repeatsLeft: total == -1 ? -1 : total - 1, interval: interval)
    }

    static func add(_ interval: String, to date: Date) -> Date? { add(.string(interval), to: date) }

    /// Adds a duration value (or an ISO duration string) to an instant. Months are calendar
    /// months in the office time zone.
    static func add(_ value: Value, to date: Date) -> Date? {
        switch value {
        case .dayTimeDuration(let seconds):
            return date.addingTimeInterval(NSDecimalNumber(decimal: seconds).doubleValue)
        case .yearMonthDuration(let months):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = ISODateTime.officeTimeZone
            return calendar.date(byAdding: .month, value: months, to: date)
        case .string(let text):
            guard let parsed = ISODuration.parse(text) else { return nil }
            return add(parsed, to: date)
        default:
            return nil
        }
    }

    static func instant(_ value: Value) -> Date? {
        switch value {
        case .dateTime(let d): d
        case .date(let d): ISODateTime.startOfDay(d)
        case .string(let s): ISODateTime.parse(s)
        default: nil
        }
    }

    /// A task's due moment: a date means the end of that day; a duration counts from `from`.
    static func dueDate(_ value: Value, literal: String?, from: Date) -> Date? {
        switch value {
        case .date(let d): return ISODateTime.startOfDay(d.adding(days: 1)).addingTimeInterval(-1)
        case .dateTime(let t): return t
        case .dayTimeDuration, .yearMonthDuration: return add(value, to: from)
        case .string(let s):
            if let d = LocalDate(iso: s) { return dueDate(.date(d), literal: nil, from: from) }
            if let t = ISODateTime.parse(s) { return t }
            return add(.string(s), to: from)
        default: return nil
        }
    }
}
