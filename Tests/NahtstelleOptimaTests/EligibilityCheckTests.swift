import NahtstelleFEEL
import Testing

@testable import NahtstelleOptima

@Suite struct EligibilityCheckTests {
    let today = d("2025-06-15")

    func result(
        _ id: ConditionID, _ process: ProcessKind, _ status: PersonStatus, referrer: InstitutionType? = nil,
        integral: Bool? = nil
    ) -> ConditionResult? {
        EligibilityCheck.evaluate(
            process: process, status: status, today: today, referrerType: referrer,
            receiverOffersIntegralCaseManagement: integral
        ).first { $0.id == id }
    }

    func expectOutcome(
        _ id: ConditionID, _ process: ProcessKind, _ status: PersonStatus, _ expected: ConditionOutcome,
        facts: [PersonStatus.Field]? = nil, referrer: InstitutionType? = nil, integral: Bool? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let r = result(id, process, status, referrer: referrer, integral: integral) else {
            Issue.record("condition \(id.rawValue) missing", sourceLocation: sourceLocation)
            return
        }
        #expect(r.outcome == expected, sourceLocation: sourceLocation)
        if expected == .met {
            #expect(r.explanation == nil && r.decidingFacts.isEmpty, sourceLocation: sourceLocation)
        } else {
            #expect(r.explanation != nil, sourceLocation: sourceLocation)
        }
        if let facts { #expect(r.decidingFacts == facts, sourceLocation: sourceLocation) }
        #expect(!r.wording.isEmpty && !r.wording.contains("ß"), sourceLocation: sourceLocation)
    }

    @Test func conditionSetsPerProcess() {
        let empty = PersonStatus()
        let alv = EligibilityCheck.evaluate(process: .optimaALV, status: empty, today: today).map(\.id)
        #expect(alv == [
            .intactLabourOffer, .workCapacityLossAtMost80, .noRunningIVClarification, .noRunningIVMeasures,
            .ivPensionQuestionSettled, .noIVLegalProceedings, .registeredAtRAV, .consentHandover, .consentDataExchange,
        ])
        let alvFromSD = EligibilityCheck.evaluate(process: .optimaALV, status: empty, today: today, referrerType: .sd)
        #expect(alvFromSD.contains { $0.id == .notRegisteredAtRAVWithinLast6Months })
        let alvFromIV = EligibilityCheck.evaluate(process: .optimaALV, status: empty, today: today, referrerType: .iv)
        #expect(!alvFromIV.contains { $0.id == .notRegisteredAtRAVWithinLast6Months })
        let iv = EligibilityCheck.evaluate(process: .optimaIV, status: empty, today: today).map(\.id)
        #expect(iv == [
            .intactLabourOffer, .canAndWantsToWork, .supportNeed, .noIVRelevantHealthDamage, .ivRejectionOver1Year,
            .noRunningIVProcedure, .consentHandover, .consentDataExchange,
        ])
        let sh = EligibilityCheck.evaluate(
            process: .optimaSH, status: empty, today: today, receiverOffersIntegralCaseManagement: true
        ).map(\.id)
        #expect(sh == [
            .socialDifficulties, .entitledToPersonalSocialHelp, .receiverOffersIntegralCaseManagement,
            .consentHandover, .consentDataExchange,
        ])
        // Everything unknown: nothing is guessed.
        for process in ProcessKind.allCases {
            let results = EligibilityCheck.evaluate(process: process, status: empty, today: today)
            #expect(results.allSatisfy { $0.outcome == .unknown })
            #expect(EligibilityCheck.trafficLight(results) == .yellow)
        }
    }

    @Test func intactLabourOffer() {
        for process in [ProcessKind.optimaALV, .optimaIV] {
            expectOutcome(.intactLabourOffer, process, PersonStatus(intactLabourOffer: true), .met)
            expectOutcome(.intactLabourOffer, process, PersonStatus(intactLabourOffer: false), .notMet, facts: [.intactLabourOffer])
            expectOutcome(.intactLabourOffer, process, PersonStatus(), .unknown, facts: [.intactLabourOffer])
        }
        let r = result(.intactLabourOffer, .optimaALV, PersonStatus(intactLabourOffer: false))
        #expect(r?.explanation == "Intaktes Arbeitsangebot: nein")
        let u = result(.intactLabourOffer, .optimaALV, PersonStatus())
        #expect(u?.explanation == "Nicht erfasst: Intaktes Arbeitsangebot")
    }

    @Test func workCapacityLossAtMost80() {
        expectOutcome(.workCapacityLossAtMost80, .optimaALV, PersonStatus(workCapacityLossPercent: 80), .met)
        expectOutcome(.workCapacityLossAtMost80, .optimaALV, PersonStatus(workCapacityLossPercent: 0), .met)
        expectOutcome(.workCapacityLossAtMost80, .optimaALV, PersonStatus(workCapacityLossPercent: 81), .notMet,
            facts: [.workCapacityLossPercent])
        expectOutcome(.workCapacityLossAtMost80, .optimaALV, PersonStatus(), .unknown, facts: [.workCapacityLossPercent])
        // Out-of-range input is reported, not trusted.
        expectOutcome(.workCapacityLossAtMost80, .optimaALV, PersonStatus(workCapacityLossPercent: 120), .unknown)
        expectOutcome(.workCapacityLossAtMost80, .optimaALV, PersonStatus(workCapacityLossPercent: -5), .unknown)
        #expect(result(.workCapacityLossAtMost80, .optimaALV, PersonStatus(workCapacityLossPercent: 90))?.explanation
            == "Arbeitsausfall: 90 % (höchstens 80 %)")
    }

    @Test func noRunningIVClarification() {
        let id = ConditionID.noRunningIVClarification
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .running, ivClarificationRunning: false), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .noProcedure), .met)
        // Recorded on form 1-RAV, not inferred from a closed procedure (issue 14).
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .closed), .unknown, facts: [.ivClarificationRunning])
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .closed, ivClarificationRunning: false), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .running, ivClarificationRunning: true), .notMet,
            facts: [.ivClarificationRunning])
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .running), .unknown, facts: [.ivClarificationRunning])
        expectOutcome(id, .optimaALV, PersonStatus(), .unknown, facts: [.ivProcedure, .ivClarificationRunning])
    }

    @Test func noRunningIVMeasures() {
        let id = ConditionID.noRunningIVMeasures
        expectOutcome(id, .optimaALV, PersonStatus(ivMeasuresRunning: false), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .noProcedure), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivMeasuresRunning: true), .notMet, facts: [.ivMeasuresRunning])
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .closed), .unknown, facts: [.ivMeasuresRunning])
    }

    @Test func ivPensionQuestionSettled() {
        let id = ConditionID.ivPensionQuestionSettled
        expectOutcome(id, .optimaALV, PersonStatus(ivPensionQuestionSettled: true), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .noProcedure), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivPensionQuestionSettled: false), .notMet, facts: [.ivPensionQuestionSettled])
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .running), .unknown, facts: [.ivPensionQuestionSettled])
    }

    @Test func noIVLegalProceedings() {
        let id = ConditionID.noIVLegalProceedings
        expectOutcome(id, .optimaALV, PersonStatus(ivLegalProceedings: false), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .noProcedure), .met)
        expectOutcome(id, .optimaALV, PersonStatus(ivLegalProceedings: true), .notMet, facts: [.ivLegalProceedings])
        expectOutcome(id, .optimaALV, PersonStatus(ivProcedure: .closed), .unknown, facts: [.ivLegalProceedings])
    }

    @Test func registeredAtRAVIsAdvisory() {
        let id = ConditionID.registeredAtRAV
        expectOutcome(id, .optimaALV, PersonStatus(registeredAtRAV: true), .met)
        // Condition 5 is "(re-)registers at the RAV": an agreed registration fulfils it.
        expectOutcome(id, .optimaALV, PersonStatus(registeredAtRAV: false, reRegistrationAgreed: true), .met)
        expectOutcome(id, .optimaALV, PersonStatus(registeredAtRAV: false, reRegistrationAgreed: false), .notMet,
            facts: [.registeredAtRAV, .reRegistrationAgreed])
        expectOutcome(id, .optimaALV, PersonStatus(registeredAtRAV: false), .unknown, facts: [.reRegistrationAgreed])
        expectOutcome(id, .optimaALV, PersonStatus(), .unknown, facts: [.registeredAtRAV, .reRegistrationAgreed])
        #expect(result(id, .optimaALV, PersonStatus())?.kind == .advisory)
    }

    @Test func sdPracticeRuleNoRecentRAVRegistration() {
        let id = ConditionID.notRegisteredAtRAVWithinLast6Months
        expectOutcome(id, .optimaALV, PersonStatus(registeredAtRAVWithinLast6Months: false), .met, referrer: .sd)
        expectOutcome(id, .optimaALV, PersonStatus(registeredAtRAVWithinLast6Months: true), .notMet,
            facts: [.registeredAtRAVWithinLast6Months], referrer: .sd)
        // Registered now implies registered within the last 6 months.
        expectOutcome(id, .optimaALV, PersonStatus(registeredAtRAV: true), .notMet, facts: [.registeredAtRAV], referrer: .sd)
        expectOutcome(id, .optimaALV, PersonStatus(), .unknown, facts: [.registeredAtRAVWithinLast6Months], referrer: .sd)
        #expect(result(id, .optimaALV, PersonStatus(), referrer: .sd)?.kind == .advisory)
    }

    @Test func canAndWantsToWork() {
        let id = ConditionID.canAndWantsToWork
        expectOutcome(id, .optimaIV, PersonStatus(canAndWantsToWork: true), .met)
        expectOutcome(id, .optimaIV, PersonStatus(canAndWantsToWork: false), .notMet, facts: [.canAndWantsToWork])
        expectOutcome(id, .optimaIV, PersonStatus(), .unknown, facts: [.canAndWantsToWork])
    }

    @Test func supportNeedAnyOfThree() {
        let id = ConditionID.supportNeed
        expectOutcome(id, .optimaIV, PersonStatus(highSupportNeed: true), .met)
        expectOutcome(id, .optimaIV, PersonStatus(healthRelatedHardAccess: true), .met)
        expectOutcome(id, .optimaIV, PersonStatus(needsCoachingAtJobStart: true), .met)
        expectOutcome(id, .optimaIV,
            PersonStatus(highSupportNeed: false, healthRelatedHardAccess: false, needsCoachingAtJobStart: false), .notMet,
            facts: [.highSupportNeed, .healthRelatedHardAccess, .needsCoachingAtJobStart])
        expectOutcome(id, .optimaIV, PersonStatus(highSupportNeed: false), .unknown,
            facts: [.healthRelatedHardAccess, .needsCoachingAtJobStart])
    }

    @Test func noIVRelevantHealthDamage() {
        let id = ConditionID.noIVRelevantHealthDamage
        expectOutcome(id, .optimaIV, PersonStatus(ivRelevantHealthDamageSuspected: false), .met)
        expectOutcome(id, .optimaIV, PersonStatus(ivRelevantHealthDamageSuspected: true), .notMet,
            facts: [.ivRelevantHealthDamageSuspected])
        expectOutcome(id, .optimaIV, PersonStatus(), .unknown, facts: [.ivRelevantHealthDamageSuspected])
    }

    @Test func ivRejectionMoreThanOneYearAgo() {
        let id = ConditionID.ivRejectionOver1Year
        // today = 15.06.2025: a rejection on 15.06.2024 is exactly one year ago, not more.
        expectOutcome(id, .optimaIV, PersonStatus(hadIVRejection: true, lastIVRejectionDate: d("2024-06-14")), .met)
        expectOutcome(id, .optimaIV, PersonStatus(hadIVRejection: true, lastIVRejectionDate: d("2024-06-15")), .notMet,
            facts: [.lastIVRejectionDate])
        expectOutcome(id, .optimaIV, PersonStatus(lastIVRejectionDate: d("2025-01-10")), .notMet)
        #expect(result(id, .optimaIV, PersonStatus(lastIVRejectionDate: d("2025-01-10")))?.explanation
            == "Letzte IV-Ablehnung am 10.01.2025, weniger als 1 Jahr zurück (erfüllt ab 11.01.2026)")
        expectOutcome(id, .optimaIV, PersonStatus(hadIVRejection: false), .met)
        expectOutcome(id, .optimaIV, PersonStatus(ivProcedure: .noProcedure), .met)
        expectOutcome(id, .optimaIV, PersonStatus(hadIVRejection: true), .unknown, facts: [.lastIVRejectionDate])
        expectOutcome(id, .optimaIV, PersonStatus(ivProcedure: .closed), .unknown, facts: [.hadIVRejection, .lastIVRejectionDate])
        // A date in the future is an input error, reported as unknown.
        expectOutcome(id, .optimaIV, PersonStatus(lastIVRejectionDate: d("2025-07-01")), .unknown)
        // 29.02. + 1 year is 28.02.; more than one year from 01.03. on.
        let leap = PersonStatus(lastIVRejectionDate: d("2024-02-29"))
        #expect(EligibilityCheck.evaluate(process: .optimaIV, status: leap, today: d("2025-02-28"))
            .first { $0.id == id }?.outcome == .notMet)
        #expect(EligibilityCheck.evaluate(process: .optimaIV, status: leap, today: d("2025-03-01"))
            .first { $0.id == id }?.outcome == .met)
    }

    @Test func socialDifficulties() {
        let id = ConditionID.socialDifficulties
        expectOutcome(id, .optimaSH, PersonStatus(socialDifficulties: [.debts]), .met)
        expectOutcome(id, .optimaSH, PersonStatus(socialDifficulties: []), .notMet, facts: [.socialDifficulties])
        expectOutcome(id, .optimaSH, PersonStatus(), .unknown, facts: [.socialDifficulties])
    }

    @Test func entitledToPersonalSocialHelp() {
        let id = ConditionID.entitledToPersonalSocialHelp
        expectOutcome(id, .optimaSH, PersonStatus(entitledToPersonalSocialHelpAtReceiver: true), .met)
        expectOutcome(id, .optimaSH, PersonStatus(entitledToPersonalSocialHelpAtReceiver: false), .notMet,
            facts: [.entitledToPersonalSocialHelpAtReceiver])
        expectOutcome(id, .optimaSH, PersonStatus(), .unknown, facts: [.entitledToPersonalSocialHelpAtReceiver])
    }

    @Test func receiverOffersIntegralCaseManagement() {
        let id = ConditionID.receiverOffersIntegralCaseManagement
        expectOutcome(id, .optimaSH, PersonStatus(), .met, integral: true)
        expectOutcome(id, .optimaSH, PersonStatus(), .notMet, integral: false)
        // Without the receiving office the condition is not part of the check.
        #expect(result(id, .optimaSH, PersonStatus()) == nil)
    }

    @Test func consentConditionsInEveryProcess() {
        for process in ProcessKind.allCases {
            expectOutcome(.consentHandover, process, PersonStatus(consentHandover: true), .met)
            expectOutcome(.consentHandover, process, PersonStatus(consentHandover: false), .notMet, facts: [.consentHandover])
            expectOutcome(.consentHandover, process, PersonStatus(), .unknown, facts: [.consentHandover])
            expectOutcome(.consentDataExchange, process, PersonStatus(consentDataExchange: true), .met)
            expectOutcome(.consentDataExchange, process, PersonStatus(consentDataExchange: false), .notMet,
                facts: [.consentDataExchange])
            expectOutcome(.consentDataExchange, process, PersonStatus(), .unknown, facts: [.consentDataExchange])
            // Shown, but not an admission condition: never red on its own.
            #expect(result(.consentDataExchange, process, PersonStatus(consentDataExchange: false))?.kind == .advisory)
        }
    }

    @Test func runningIVProcedureIsTheHardRule() {
        let id = ConditionID.noRunningIVProcedure
        expectOutcome(id, .optimaIV, PersonStatus(ivProcedure: .running), .notMet, facts: [.ivProcedure])
        expectOutcome(id, .optimaIV, PersonStatus(ivProcedure: .closed), .met)
        expectOutcome(id, .optimaIV, PersonStatus(ivProcedure: .noProcedure), .met)
        expectOutcome(id, .optimaIV, PersonStatus(), .unknown, facts: [.ivProcedure])
        #expect(result(id, .optimaIV, PersonStatus(ivProcedure: .running))?.explanation?.contains("Zielgruppen B und D") == true)
    }

    @Test func ravReleaseForIVHandover() {
        let ale = PersonStatus(receivesALE: true)
        let without = EligibilityCheck.evaluate(process: .optimaIV, status: ale, today: today, referrerType: .rav, ravReleaseLegalBasis: false)
        let condition = without.first { $0.id == .ravJobSearchRelease }
        #expect(condition?.outcome == .notMet)
        #expect(condition?.kind == .advisory)
        let with = EligibilityCheck.evaluate(process: .optimaIV, status: ale, today: today, referrerType: .rav, ravReleaseLegalBasis: true)
        #expect(with.first { $0.id == .ravJobSearchRelease }?.outcome == .met)
        let noALE = EligibilityCheck.evaluate(process: .optimaIV, status: PersonStatus(receivesALE: false), today: today,
                                              referrerType: .rav, ravReleaseLegalBasis: false)
        #expect(noALE.first { $0.id == .ravJobSearchRelease }?.outcome == .met)
        // Only for RAV referrers.
        let fromSD = EligibilityCheck.evaluate(process: .optimaIV, status: ale, today: today, referrerType: .sd, ravReleaseLegalBasis: false)
        #expect(!fromSD.contains { $0.id == .ravJobSearchRelease })
    }

    @Test func integralCaseManagementOfOfficeAndPerson() {
        func outcome(_ financial: Bool?) -> ConditionOutcome? {
            EligibilityCheck.evaluate(process: .optimaSH, status: PersonStatus(receivesFinancialSocialAssistance: financial), today: today,
                                      receiverOffersIntegralCaseManagement: true, integralCaseManagementOnlyWithFinancialAssistance: true)
                .first { $0.id == .receiverOffersIntegralCaseManagement }?.outcome
        }
        #expect(outcome(true) == .met)
        #expect(outcome(false) == .notMet)
        #expect(outcome(nil) == .unknown)
    }

    @Test func trafficLight() {
        let goodALV = PersonStatus(
            registeredAtRAV: true, registeredAtRAVWithinLast6Months: false, ivProcedure: .noProcedure,
            workCapacityLossPercent: 50, intactLabourOffer: true, consentHandover: true, consentDataExchange: true)
        #expect(EligibilityCheck.assess(process: .optimaALV, status: goodALV, today: today, referrerType: .sd)
            .trafficLight == .green)
        var red = goodALV
        red.workCapacityLossPercent = 90
        #expect(EligibilityCheck.assess(process: .optimaALV, status: red, today: today).trafficLight == .red)
        var yellow = goodALV
        yellow.intactLabourOffer = nil
        #expect(EligibilityCheck.assess(process: .optimaALV, status: yellow, today: today).trafficLight == .yellow)
        // An unmet advisory rule (recent RAV registration) is yellow, not red.
        var practice = goodALV
        practice.registeredAtRAVWithinLast6Months = true
        let assessed = EligibilityCheck.assess(process: .optimaALV, status: practice, today: today, referrerType: .sd)
        #expect(assessed.trafficLight == .yellow)
        #expect(assessed.conditions.contains { $0.id == .notRegisteredAtRAVWithinLast6Months && $0.outcome == .notMet })
        // Red wins over unknown.
        var both = yellow
        both.consentHandover = false
        #expect(EligibilityCheck.assess(process: .optimaALV, status: both, today: today).trafficLight == .red)

        let goodIV = PersonStatus(
            ivProcedure: .noProcedure, ivRelevantHealthDamageSuspected: false, canAndWantsToWork: true,
            highSupportNeed: true, intactLabourOffer: true, consentHandover: true, consentDataExchange: true)
        #expect(EligibilityCheck.assess(process: .optimaIV, status: goodIV, today: today).trafficLight == .green)
        let goodSH = PersonStatus(
            socialDifficulties: [.addiction, .debts], entitledToPersonalSocialHelpAtReceiver: true,
            consentHandover: true, consentDataExchange: true)
        #expect(EligibilityCheck.assess(process: .optimaSH, status: goodSH, today: today,
            receiverOffersIntegralCaseManagement: true).trafficLight == .green)
        #expect(EligibilityCheck.assess(process: .optimaSH, status: goodSH, today: today,
            receiverOffersIntegralCaseManagement: false).trafficLight == .red)
    }
}
