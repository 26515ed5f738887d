import Testing
@testable import NahtstelleDefinition

@Suite struct ISO8601LiteralTests {
    @Test(arguments: ["P10D", "PT1H", "PT1H30M", "P1Y2M3W4DT5H6M7.5S", "P3M", "PT0.5S"])
    func validDurations(_ text: String) { #expect(ISO8601Literal.isDuration(Substring(text))) }

    @Test(arguments: ["", "P", "PT", "10D", "P1H", "PT1D", "P1DT", "P1M1Y", "P1.5D", "p10d", "P-1D"])
    func invalidDurations(_ text: String) { #expect(!ISO8601Literal.isDuration(Substring(text))) }

    @Test(arguments: ["2026-12-01", "2026-12-01T09:00", "2026-12-01T09:00:00Z", "2026-12-01T09:00:00+01:00", "2028-02-29T00:00:00.250-0130"])
    func validDates(_ text: String) { #expect(ISO8601Literal.isDateOrDateTime(Substring(text))) }

    @Test(arguments: ["2026-13-01", "2026-02-29", "2026-12-01T24:00", "2026-12-1", "01.12.2026", "2026-12-01T09", "2026-12-01T09:00+25:00"])
    func invalidDates(_ text: String) { #expect(!ISO8601Literal.isDateOrDateTime(Substring(text))) }

    @Test(arguments: ["R3/PT1H", "R/P1D", "R3/2026-01-01T00:00:00Z/P1D", "R/P1D/2026-12-31T00:00:00Z", "R6/P1D"])
    func validCycles(_ text: String) { #expect(ISO8601Literal.isCycle(Substring(text))) }

    @Test(arguments: ["R3", "3/PT1H", "R3/PT1H/PT1H", "Rx/PT1H", "0 0 9 * * ?", "R3/2026-01-01/2026-02-01"])
    func invalidCycles(_ text: String) { #expect(!ISO8601Literal.isCycle(Substring(text))) }
}
