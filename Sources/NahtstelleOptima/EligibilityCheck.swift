import NahtstelleFEEL

/// The pre-check of the admission conditions (§5) from the recorded person status.
///
/// It shows the advisor, before sending, which conditions of the target process are met, not met
/// or unknown. It never blocks: the receiving office decides.
public enum EligibilityCheck {
    /// Evaluates every condition of `process`.
    ///
    /// - Parameters:
    ///   - process: the receiver's process.
    ///   - status: the recorded facts; `nil` facts give `unknown`.
    ///   - today: the reference day for date rules (IV rejection more than one year ago).
    ///   - referrerType: when given, referrer-specific practice rules are added (SD → RAV:
    ///     no persons registered at the RAV in the last 6 months).
    ///   - receiverOffersIntegralCaseManagement: when given, OPTIMA-SH adds the condition that
    ///     the receiving office offers integral case management.
    ///   - integralCaseManagementOnlyWithFinancialAssistance: the receiving office takes on case
    ///     management only for persons who receive wirtschaftliche Sozialhilfe (a rule of office
    ///     *and* person, e.g. Soziale Dienste Stadt Luzern).
    ///   - ravReleaseLegalBasis: for RAV → IV, whether the installation confirms the legal basis to
    ///     release ALE recipients from Arbeitsbemühungen (concept Kap. 3.3.1); `nil` leaves the
    ///     condition out.
    public static func evaluate(
        process: ProcessKind, status: PersonStatus, today: LocalDate,
        referrerType: InstitutionType? = nil, receiverOffersIntegralCaseManagement: Bool? = nil,
        integralCaseManagementOnlyWithFinancialAssistance: Bool = false, ravReleaseLegalBasis: Bool? = nil
    ) -> [ConditionResult] {
        var results: [ConditionResult] = []
        switch process {
        case .optimaALV:
            results.append(expect(.intactLabourOffer, .intactLabourOffer, status.intactLabourOffer, true))
            results.append(workCapacity(status))
            // Recorded on the Antragsformular 1-RAV, not inferred from a closed procedure.
            results.append(ivFact(.noRunningIVClarification, .ivClarificationRunning, status.ivClarificationRunning,
                metWhen: false, status: status, inferredFromClosed: false))
            results.append(ivFact(.noRunningIVMeasures, .ivMeasuresRunning, status.ivMeasuresRunning,
                metWhen: false, status: status, inferredFromClosed: false))
            results.append(ivFact(.ivPensionQuestionSettled, .ivPensionQuestionSettled, status.ivPensionQuestionSettled,
                metWhen: true, status: status, inferredFromClosed: false))
            results.append(ivFact(.noIVLegalProceedings, .ivLegalProceedings, status.ivLegalProceedings,
                metWhen: false, status: status, inferredFromClosed: false))
            results.append(ravRegistration(status))
            if referrerType == .sd { results.append(recentRAVRegistration(status)) }
        case .optimaIV:
            results.append(expect(.intactLabourOffer, .intactLabourOffer, status.intactLabourOffer, true))
            results.append(expect(.canAndWantsToWork, .canAndWantsToWork, status.canAndWantsToWork, true))
            results.append(supportNeed(status))
            results.append(expect(.noIVRelevantHealthDamage, .ivRelevantHealthDamageSuspected,
                status.ivRelevantHealthDamageSuspected, false))
            results.append(ivRejection(status, today: today))
            results.append(runningIVProcedure(status))
            if referrerType == .rav, let basis = ravReleaseLegalBasis {
                let release = JobSearchRelease.forIVHandover(status: status, legalBasis: basis)
                results.append(
                    release.released
                        ? ConditionResult(id: .ravJobSearchRelease, outcome: .met, kind: .advisory)
                        : ConditionResult(
                            id: .ravJobSearchRelease, outcome: status.receivesALE == nil ? .unknown : .notMet, kind: .advisory,
                            decidingFacts: [.receivesALE], explanation: release.reason))
            }
        case .optimaSH:
            results.append(socialDifficulties(status))
            results.append(expect(.entitledToPersonalSocialHelp, .entitledToPersonalSocialHelpAtReceiver,
                status.entitledToPersonalSocialHelpAtReceiver, true))
            if let offers = receiverOffersIntegralCaseManagement {
                if !offers {
                    results.append(
                        ConditionResult(
                            id: .receiverOffersIntegralCaseManagement, outcome: .notMet,
                            explanation: "Die aufnehmende Stelle bietet keine integrale Fallführung an."))
                } else if integralCaseManagementOnlyWithFinancialAssistance {
                    switch status.receivesFinancialSocialAssistance {
                    case true?:
                        results.append(ConditionResult(id: .receiverOffersIntegralCaseManagement, outcome: .met))
                    case false?:
                        results.append(
                            ConditionResult(
                                id: .receiverOffersIntegralCaseManagement, outcome: .notMet,
                                decidingFacts: [.receivesFinancialSocialAssistance],
                                explanation: "Die aufnehmende Stelle übernimmt die Fallführung nur für Personen mit "
                                    + "wirtschaftlicher Sozialhilfe; die Person bezieht keine."))
                    case nil:
                        results.append(unknown(.receiverOffersIntegralCaseManagement, [.receivesFinancialSocialAssistance]))
                    }
                } else {
                    results.append(ConditionResult(id: .receiverOffersIntegralCaseManagement, outcome: .met))
                }
            }
        }
        results.append(expect(.consentHandover, .consentHandover, status.consentHandover, true))
        // Shown, but not an admission condition: the sources require only the consent to the hand-over.
        results.append(expect(.consentDataExchange, .consentDataExchange, status.consentDataExchange, true, kind: .advisory))
        return results
    }

    /// The overall light: green when all are met, red when a requirement is not met, else yellow.
    public static func trafficLight(_ results: [ConditionResult]) -> TrafficLight {
        if results.contains(where: { $0.outcome == .notMet && $0.kind == .requirement }) { return .red }
        if results.allSatisfy({ $0.outcome == .met }) { return .green }
        return .yellow
    }

    /// Conditions and light together.
    public static func assess(
        process: ProcessKind, status: PersonStatus, today: LocalDate,
        referrerType: InstitutionType? = nil, receiverOffersIntegralCaseManagement: Bool? = nil,
        integralCaseManagementOnlyWithFinancialAssistance: Bool = false, ravReleaseLegalBasis: Bool? = nil
    ) -> EligibilityAssessment {
        let results = evaluate(
            process: process, status: status, today: today, referrerType: referrerType,
            receiverOffersIntegralCaseManagement: receiverOffersIntegralCaseManagement,
            integralCaseManagementOnlyWithFinancialAssistance: integralCaseManagementOnlyWithFinancialAssistance,
            ravReleaseLegalBasis: ravReleaseLegalBasis)
        return EligibilityAssessment(process: process, conditions: results, trafficLight: trafficLight(results))
    }

    // MARK: - Conditions

    /// A yes/no fact that must have the value `metWhen`.
    static func expect(
        _ id: ConditionID, _ field: PersonStatus.Field, _ value: Bool?, _ metWhen: Bool,
        kind: ConditionKind = .requirement
    ) -> ConditionResult {
        guard let value else { return unknown(id, [field], kind: kind) }
        if value == metWhen { return ConditionResult(id: id, outcome: .met, kind: kind) }
        return ConditionResult(
            id: id, outcome: .notMet, kind: kind, decidingFacts: [field],
            explanation: Glossary.label(field) + ": " + Glossary.yesNo(value))
    }

    static func unknown(_ id: ConditionID, _ fields: [PersonStatus.Field], kind: ConditionKind = .requirement)
        -> ConditionResult
    {
        ConditionResult(
            id: id, outcome: .unknown, kind: kind, decidingFacts: fields,
            explanation: "Nicht erfasst: " + fields.map(Glossary.label).joined(separator: ", "))
    }

    private static func workCapacity(_ status: PersonStatus) -> ConditionResult {
        let id = ConditionID.workCapacityLossAtMost80
        guard let percent = status.workCapacityLossPercent else { return unknown(id, [.workCapacityLossPercent]) }
        guard (0...100).contains(percent) else {
            return ConditionResult(
                id: id, outcome: .unknown, decidingFacts: [.workCapacityLossPercent],
                explanation: "Ungültiger Wert für Arbeitsausfall: \(percent) % (erwartet 0 bis 100)")
        }
        if percent <= 80 { return ConditionResult(id: id, outcome: .met) }
        return ConditionResult(
            id: id, outcome: .notMet, decidingFacts: [.workCapacityLossPercent],
            explanation: "Arbeitsausfall: \(percent) % (höchstens 80 %)")
    }

    /// An IV fact: decided by its own value when recorded; otherwise, without any IV procedure
    /// (or, where `inferredFromClosed`, with a closed one) there is nothing running at the IV.
    private static func ivFact(
        _ id: ConditionID, _ field: PersonStatus.Field, _ value: Bool?, metWhen: Bool, status: PersonStatus,
        inferredFromClosed: Bool
    ) -> ConditionResult {
        if value != nil { return expect(id, field, value, metWhen) }
        switch status.ivProcedure {
        case .noProcedure?: return ConditionResult(id: id, outcome: .met)
        case .closed? where inferredFromClosed: return ConditionResult(id: id, outcome: .met)
        case .closed?, .running?: return unknown(id, [field])
        case nil: return unknown(id, [.ivProcedure, field])
        }
    }

    /// Condition 5: registered at the responsible RAV, or agreed to (re-)register before the hand-over.
    private static func ravRegistration(_ status: PersonStatus) -> ConditionResult {
        let id = ConditionID.registeredAtRAV
        if status.registeredAtRAV == true || status.reRegistrationAgreed == true {
            return ConditionResult(id: id, outcome: .met, kind: .advisory)
        }
        if status.registeredAtRAV == false && status.reRegistrationAgreed == false {
            return ConditionResult(
                id: id, outcome: .notMet, kind: .advisory, decidingFacts: [.registeredAtRAV, .reRegistrationAgreed],
                explanation: "Nicht beim RAV angemeldet und keine (Wieder-)Anmeldung vereinbart")
        }
        return unknown(id, [.registeredAtRAV, .reRegistrationAgreed].filter { StatusFacts.isUnknown(status, $0) }, kind: .advisory)
    }

    /// The pilot's one hard rule for OPTIMA-IV (evaluation). The concept's target groups B and D
    /// would allow a running procedure; the explanation names that conflict.
    private static func runningIVProcedure(_ status: PersonStatus) -> ConditionResult {
        let id = ConditionID.noRunningIVProcedure
        guard let procedure = status.ivProcedure else { return unknown(id, [.ivProcedure]) }
        guard procedure == .running else { return ConditionResult(id: id, outcome: .met) }
        return ConditionResult(
            id: id, outcome: .notMet, decidingFacts: [.ivProcedure],
            explanation: "IV-Verfahren laufend. Die Evaluation nennt dies als einzige feste Regel des Pilots: keine Zuweisung "
                + "an die IV via OPTIMA. Das Konzept (Zielgruppen B und D) sieht sie vor; massgebend ist die Praxis des Pilots.")
    }

    private static func recentRAVRegistration(_ status: PersonStatus) -> ConditionResult {
        let id = ConditionID.notRegisteredAtRAVWithinLast6Months
        if let recent = status.registeredAtRAVWithinLast6Months {
            return expect(id, .registeredAtRAVWithinLast6Months, recent, false, kind: .advisory)
        }
        if status.registeredAtRAV == true {
            return ConditionResult(
                id: id, outcome: .notMet, kind: .advisory, decidingFacts: [.registeredAtRAV],
                explanation: Glossary.label(PersonStatus.Field.registeredAtRAV) + ": ja")
        }
        return unknown(id, [.registeredAtRAVWithinLast6Months], kind: .advisory)
    }

    private static func supportNeed(_ status: PersonStatus) -> ConditionResult {
        let facts: [(PersonStatus.Field, Bool?)] = [
            (.highSupportNeed, status.highSupportNeed),
            (.healthRelatedHardAccess, status.healthRelatedHardAccess),
            (.needsCoachingAtJobStart, status.needsCoachingAtJobStart),
        ]
        if facts.contains(where: { $0.1 == true }) { return ConditionResult(id: .supportNeed, outcome: .met) }
        let missing = facts.filter { $0.1 == nil }.map(\.0)
        if !missing.isEmpty { return unknown(.supportNeed, missing) }
        return ConditionResult(
            id: .supportNeed, outcome: .notMet, decidingFacts: facts.map(\.0),
            explanation: facts.map { Glossary.label($0.0) + ": nein" }.joined(separator: "; "))
    }

    private static func ivRejection(_ status: PersonStatus, today: LocalDate) -> ConditionResult {
        let id = ConditionID.ivRejectionOver1Year
        if let date = status.lastIVRejectionDate {
            if date > today {
                return ConditionResult(
                    id: id, outcome: .unknown, decidingFacts: [.lastIVRejectionDate],
                    explanation: "Datum der letzten IV-Ablehnung liegt in der Zukunft: \(date.swissFormatted)")
            }
            // "More than one year ago": the first anniversary must have passed.
            let anniversary = date.adding(months: 12)
            if anniversary < today { return ConditionResult(id: id, outcome: .met) }
            return ConditionResult(
                id: id, outcome: .notMet, decidingFacts: [.lastIVRejectionDate],
                explanation: "Letzte IV-Ablehnung am \(date.swissFormatted), weniger als 1 Jahr zurück "
                    + "(erfüllt ab \(anniversary.adding(days: 1).swissFormatted))")
        }
        switch (status.hadIVRejection, status.ivProcedure) {
        case (false?, _), (nil, .noProcedure?): return ConditionResult(id: id, outcome: .met)
        case (true?, _):
            return ConditionResult(
                id: id, outcome: .unknown, decidingFacts: [.lastIVRejectionDate],
                explanation: "IV-Ablehnung erfasst, aber ohne Datum: " + Glossary.label(PersonStatus.Field.lastIVRejectionDate))
        default: return unknown(id, [.hadIVRejection, .lastIVRejectionDate])
        }
    }

    private static func socialDifficulties(_ status: PersonStatus) -> ConditionResult {
        guard let difficulties = status.socialDifficulties else {
            return unknown(.socialDifficulties, [.socialDifficulties])
        }
        if difficulties.isEmpty {
            return ConditionResult(
                id: .socialDifficulties, outcome: .notMet, decidingFacts: [.socialDifficulties],
                explanation: "Keine sozialen Schwierigkeiten erfasst")
        }
        return ConditionResult(id: .socialDifficulties, outcome: .met)
    }
}

/// The pre-check of one application: each condition and the overall traffic light.
public struct EligibilityAssessment: Sendable, Hashable {
    public var process: ProcessKind
    public var conditions: [ConditionResult]
    public var trafficLight: TrafficLight
}

/// Which status facts are not recorded (for "Nicht erfasst: …").
enum StatusFacts {
    static func isUnknown(_ status: PersonStatus, _ field: PersonStatus.Field) -> Bool {
        switch field {
        case .registeredAtRAV: status.registeredAtRAV == nil
        case .reRegistrationAgreed: status.reRegistrationAgreed == nil
        default: true
        }
    }
}
