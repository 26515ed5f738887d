import Testing
@testable import NahtstelleDefinition

/// `validate` checks timer and due-date literals with the parser the engine runs them with.
@Suite struct ISO8601LiteralTests {
    @Test(arguments: ["P10D", "PT1H", "PT1H30M", "P1Y2M3W4DT5H6M7.5S", "P3M", "PT0.5S", "P1Y2M3W4DT5H", "P100Y"])
    func validDurations(_ text: String) { #expect(ISO8601Literal.durationProblem(text) == nil) }

    @Test(arguments: ["", "P", "PT", "10D", "P1H", "PT1D", "P1DT", "P1M1Y", "P1.5D", "p10d", "P-1D",
                      "P999999Y", "P101Y", "PT99999999999999999999S", "P40000D"])
    func invalidDurations(_ text: String) { #expect(ISO8601Literal.durationProblem(text) != nil) }

    @Test(arguments: ["2026-12-01", "2026-12-01T09:00", "2026-12-01T09:00:00Z", "2026-12-01T09:00:00+01:00", "2028-02-29T00:00:00.250-0130"])
    func validDates(_ text: String) { #expect(ISO8601Literal.instantProblem(text) == nil) }

    @Test(arguments: ["2026-13-01", "2026-02-29", "2026-12-01T24:00", "01.12.2026", "2026-12-01T09", "2026-12-01T09:00+25:00",
                      "1002025-01-01", "-2026-01-01", "1800-01-01"])
    func invalidDates(_ text: String) { #expect(ISO8601Literal.instantProblem(text) != nil) }

    @Test(arguments: ["R3/PT1H", "R/P1D", "R3/2026-01-01T00:00:00Z/P1D", "R6/P1D", "R/PT1M", "R4/2026-03-27T09:00/P1D"])
    func validCycles(_ text: String) { #expect(ISO8601Literal.cycleProblem(text) == nil) }

    @Test(arguments: ["R3", "3/PT1H", "R3/PT1H/PT1H", "Rx/PT1H", "0 0 9 * * ?", "R3/2026-01-01/2026-02-01",
                      "R0/P1D", "R/PT0S", "R/PT59S", "R/P1D/2026-12-31T00:00:00Z", "R/P999999Y"])
    func invalidCycles(_ text: String) { #expect(ISO8601Literal.cycleProblem(text) != nil) }

    @Test(arguments: ["1/0", "\"abc\"", "null", "duration(\"P999999Y\")", "date(\"3000-01-01\")", "true"])
    func constantDueExpressionsThatGiveNoDeadline(_ text: String) { #expect(ISO8601Literal.constantDueProblem(text) != nil) }

    @Test(arguments: ["today() + duration(\"P10D\")", "duration(\"P10D\")", "\"P10D\"", "date(\"2026-12-01\")", "decision + 1"])
    func constantDueExpressionsThatGiveADeadlineOrDependOnData(_ text: String) { #expect(ISO8601Literal.constantDueProblem(text) == nil) }
}
