import Foundation
import NahtstelleFEEL

/// Checks the ISO 8601 literals BPMN timers and due dates are written in, with the parser the
/// engine runs them with (`ISOTimerText`): what `validate` passes, `simulate` and the engine
/// accept, and the other way round. Each check returns the problem in German, or `nil`.
enum ISO8601Literal {
    /// `P10D`, `PT1H30M`, `P1Y2M3W4DT5H6M7.5S`, at most 100 years.
    static func durationProblem(_ text: String) -> String? {
        if case .failure(let e) = ISOTimerText.duration(text) { return e.message }
        return nil
    }

    /// `2026-12-01`, `2026-12-01T09:00`, `2026-12-01T09:00:00Z`, `…+01:00`, in 1900–2199.
    static func instantProblem(_ text: String) -> String? {
        if case .failure(let e) = ISOTimerText.instant(text) { return e.message }
        return nil
    }

    /// `R3/PT1H`, `R/P1D`, `R3/2026-01-01T00:00:00Z/P1D`: at least one repetition, at least a minute apart.
    static func cycleProblem(_ text: String) -> String? {
        if case .failure(let e) = ISOTimerText.cycle(text) { return e.message }
        return nil
    }

    /// A due date: a duration from the task's creation, or a date / date-time.
    static func dueProblem(_ text: String) -> String? {
        text.hasPrefix("P") ? durationProblem(text) : instantProblem(text)
    }

    /// A due-date FEEL expression that reads no variable gives the same value on every run:
    /// it is evaluated here, so `=1/0` or `="abc"` is a problem before deployment, not a task
    /// without deadline. `nil` when it gives a usable date or duration, or depends on data.
    static func constantDueProblem(_ text: String) -> String? {
        guard let expression = try? FEELExpression.parse(text), expression.referencedNames.isEmpty else { return nil }
        let value = expression.evaluate(FEELContext(variables: [:]))
        switch value {
        case .date(let d):
            return ISOTimerText.years.contains(d.year) ? nil : "der Ausdruck ergibt das Datum \(d), ausserhalb der Jahre \(ISOTimerText.years.lowerBound)–\(ISOTimerText.years.upperBound)"
        case .dateTime(let t):
            return ISOTimerText.years.contains(ISODateTime.localDate(of: t).year) ? nil : "der Ausdruck ergibt einen Zeitpunkt ausserhalb der Jahre \(ISOTimerText.years.lowerBound)–\(ISOTimerText.years.upperBound)"
        case .dayTimeDuration(let seconds):
            return durationLimitProblem(months: 0, seconds: seconds)
        case .yearMonthDuration(let months):
            return durationLimitProblem(months: months, seconds: 0)
        case .string(let s):
            return dueProblem(s).map { "der Ausdruck ergibt den Text «\(s.prefix(40))», der keine Frist ist: \($0)" }
        case .null:
            return "der Ausdruck ergibt null (z. B. Division durch 0 oder ein unpassender Typ), die Aufgabe hätte keine Frist"
        default:
            return "der Ausdruck ergibt \(value.typeName) statt eines Datums oder einer Dauer"
        }
    }

    private static func durationLimitProblem(months: Int, seconds: Decimal) -> String? {
        let years = Decimal(months) / 12 + seconds / Decimal(365 * 86400)
        if years > Decimal(ISOTimerText.maximumYears) || years < -Decimal(ISOTimerText.maximumYears) {
            return "der Ausdruck ergibt eine Dauer von mehr als \(ISOTimerText.maximumYears) Jahren"
        }
        return nil
    }
}
