import Foundation
import Testing

@testable import NahtstelleFEEL

/// Conditions as workflow authors write them on gateways, timers and computed dates.
@Suite("Workflow conditions")
struct WorkflowConditionTests {
    @Test func decisionGateway() throws {
        let accepted = try FEELExpression.parse(#"decision = "accepted""#)
        let rejected = try FEELExpression.parse(#"decision = "rejected""#)
        let context = FEELContext(variables: ["decision": "accepted"])
        #expect(accepted.isSatisfied(in: context))
        #expect(!rejected.isSatisfied(in: context))
        // Before anyone decided, neither flow is taken (the default flow is).
        let undecided = FEELContext(variables: [:])
        #expect(!accepted.isSatisfied(in: undecided))
        #expect(!rejected.isSatisfied(in: undecided))
    }

    @Test func costApprovalNeedsTheHeadAboveAThreshold() throws {
        let condition = try FEELExpression.parse(#"amount > 1000 and costType in ["Gutachten", "Dolmetscher"]"#)
        func taken(_ amount: Value, _ type: Value) -> Bool {
            condition.isSatisfied(in: FEELContext(variables: ["amount": amount, "costType": type]))
        }
        #expect(taken(1500, "Gutachten"))
        #expect(taken(number("1000.05"), "Dolmetscher"))
        #expect(!taken(1000, "Gutachten"))
        #expect(!taken(5000, "Reise"))
        #expect(!taken(.null, "Gutachten"))
        #expect(!taken("1500", "Gutachten"))
    }

    @Test func variablesFromJSONWorkAsTheyAreStored() throws {
        let variables = try Value.parseJSON(#"{"case": {"age": 17, "canton": "LU", "referredOn": {"@date": "2026-11-02"}}}"#)
        let condition = try FEELExpression.parse(
            #"case.age < 18 and case.canton in ("LU", "NW", "OW") and today() - case.referredOn <= @"P30D""#)
        #expect(condition.referencedNames == ["case"])
        #expect(condition.evaluate(FEELContext(variables: variables.contextValue ?? [:], now: fixedNow)) == true)
    }

    @Test func timerDateComputedFromAVariable() throws {
        // Timer "Erinnerung": 10 days before the hearing, at 08:00 office time.
        let expression = try FEELExpression.parse(#"date and time(hearingOn - @"P10D", "08:00:00")"#)
        let value = expression.evaluate(FEELContext(variables: ["hearingOn": date(2026, 12, 7)]))
        #expect(value == dateTime("2026-11-27T07:00:00Z"))
    }

    @Test func defaultsForMissingValues() throws {
        let expression = try FEELExpression.parse("if is defined(priority) and priority != null then priority else \"normal\"")
        #expect(expression.evaluate(FEELContext(variables: [:])) == "normal")
        #expect(expression.evaluate(FEELContext(variables: ["priority": nil])) == "normal")
        #expect(expression.evaluate(FEELContext(variables: ["priority": "hoch"])) == "hoch")
    }

    @Test func expressionsAreSendableAndSharedAcrossTasks() async throws {
        let shared = try FEELExpression.parse("modulo(n, 2) = 0")
        let evenCount = await withTaskGroup(of: Bool.self) { group in
            for n in 1...100 {
                group.addTask { shared.isSatisfied(in: FEELContext(variables: ["n": .number(Decimal(n))])) }
            }
            var count = 0
            for await even in group where even { count += 1 }
            return count
        }
        #expect(evenCount == 50)
    }

    @Test func sameInputSameResult() throws {
        // Simulations replay a run with the same clock: the result must not depend on wall time.
        let expression = try FEELExpression.parse(#"now() + @"PT1H" > today()"#)
        let context = FEELContext(variables: [:], now: fixedNow)
        #expect(expression.evaluate(context) == expression.evaluate(context))
        #expect(expression.evaluate(context) == true)
    }
}
