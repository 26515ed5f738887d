import Foundation
import Testing

@testable import NahtstelleFEEL

/// Tuesday, 24 November 2026, 10:30 in Lucerne (09:30 UTC): the clock of every test.
let fixedNow = Date(timeIntervalSince1970: 1_795_512_600)

/// Parses and evaluates in one step.
func feel(_ text: String, _ variables: [String: Value] = [:], now: Date = fixedNow) throws -> Value {
    try FEELExpression.parse(text).evaluate(FEELContext(variables: variables, now: now))
}

/// The error `parse` throws, or nil when the text parses.
func parseError(_ text: String) -> FEELError? {
    do {
        _ = try FEELExpression.parse(text)
        return nil
    } catch {
        return error
    }
}

func number(_ text: String) -> Value {
    FEELNumberText.parse(text).map(Value.number) ?? .string("bad number in test: \(text)")
}

func date(_ year: Int, _ month: Int, _ day: Int) -> Value {
    .date(LocalDate(year: year, month: month, day: day))
}

func dateTime(_ text: String) -> Value {
    ISODateTime.parse(text).map(Value.dateTime) ?? .string("bad date-time in test: \(text)")
}

func days(_ n: Int) -> Value {
    .dayTimeDuration(seconds: Decimal(n * 86400))
}

/// A row of a table-driven test: the expression and what it must give.
struct Case: Sendable, CustomTestStringConvertible {
    var expression: String
    var expected: Value
    init(_ expression: String, _ expected: Value) {
        self.expression = expression
        self.expected = expected
    }
    var testDescription: String { expression }
}
