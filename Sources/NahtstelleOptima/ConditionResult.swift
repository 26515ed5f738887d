/// One admission condition (Aufnahmebedingung) of §5, as a contract id.
public enum ConditionID: String, Sendable, Hashable, Codable, CaseIterable {
    // OPTIMA-ALV
    case intactLabourOffer = "intact-labour-offer"
    case workCapacityLossAtMost80 = "work-capacity-loss-max-80"
    case noRunningIVClarification = "no-running-iv-clarification"
    case noRunningIVMeasures = "no-running-iv-measures"
    case ivPensionQuestionSettled = "iv-pension-question-settled"
    case noIVLegalProceedings = "no-iv-legal-proceedings"
    case registeredAtRAV = "registered-at-rav"
    /// Practice rule: SDs do not refer people registered at the RAV in the last 6 months.
    case notRegisteredAtRAVWithinLast6Months = "not-registered-at-rav-last-6-months"
    // OPTIMA-IV
    case canAndWantsToWork = "can-and-wants-to-work"
    case supportNeed = "support-need"
    case noIVRelevantHealthDamage = "no-iv-relevant-health-damage"
    case ivRejectionOver1Year = "iv-rejection-over-1-year"
    /// The one hard rule of the pilot (evaluation): no running IV procedure for OPTIMA-IV.
    case noRunningIVProcedure = "no-running-iv-procedure"
    /// RAV → IV: the RAV may release an ALE recipient from Arbeitsbemühungen only with a legal basis.
    case ravJobSearchRelease = "rav-job-search-release"
    // OPTIMA-SH
    case socialDifficulties = "social-difficulties"
    case entitledToPersonalSocialHelp = "entitled-to-personal-social-help"
    case receiverOffersIntegralCaseManagement = "receiver-offers-integral-case-management"
    // All processes (participation is voluntary)
    case consentHandover = "consent-handover"
    case consentDataExchange = "consent-data-exchange"
}

/// The result of one condition of the pre-check.
public enum ConditionOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case met
    case notMet = "not-met"
    case unknown
}

/// How much a condition weighs in the traffic light.
public enum ConditionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An admission condition of §5: not met turns the light red.
    case requirement
    /// A practice rule or a step still to be done (e.g. RAV registration): not met turns it yellow.
    case advisory
}

/// The overall "Ampel" of the pre-check. Advisory only: the receiver decides.
public enum TrafficLight: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every condition is met.
    case green
    /// Nothing required is unmet, but something is unknown or an advisory rule is unmet.
    case yellow
    /// A required condition is not met.
    case red
}

/// One evaluated condition: outcome, the rule's wording, and what decided it.
public struct ConditionResult: Sendable, Hashable {
    public var id: ConditionID
    public var outcome: ConditionOutcome
    public var kind: ConditionKind
    /// The rule in German, as the advisor reads it.
    public var wording: String { Glossary.ruleWording(id) }
    /// The recorded facts that decided a `notMet` or `unknown` outcome (empty when met).
    public var decidingFacts: [PersonStatus.Field]
    /// For `notMet` / `unknown`: the deciding fact and its value in German, e.g.
    /// "Arbeitsausfall: 90 % (höchstens 80 %)" or "Nicht erfasst: Intaktes Arbeitsangebot".
    public var explanation: String?

    public init(
        id: ConditionID, outcome: ConditionOutcome, kind: ConditionKind = .requirement,
        decidingFacts: [PersonStatus.Field] = [], explanation: String? = nil
    ) {
        self.id = id
        self.outcome = outcome
        self.kind = kind
        self.decidingFacts = decidingFacts
        self.explanation = explanation
    }
}
