import NahtstelleFEEL

/// The state of an IV procedure for the person.
public enum IVProcedure: String, Sendable, Hashable, Codable, CaseIterable {
    /// No IV procedure, now or before. (Not named `none`: that would read as `nil` on an
    /// optional and silently compare wrong.)
    case noProcedure = "none"
    /// An IV procedure is running (clarification, integration or pension examination).
    case running
    /// An IV procedure took place and is closed (possibly with a rejection).
    case closed
}

/// Social difficulties that stand in the way of work integration (OPTIMA-SH, §5).
public enum SocialDifficulty: String, Sendable, Hashable, Codable, CaseIterable {
    /// Conspicuous use of addictive substances or addictive behaviour.
    case addiction
    case familyConflicts = "family-conflicts"
    /// Missing or insufficient childcare.
    case childcare
    case burdeningEvents = "burdening-events"
    /// Debts or large financial problems.
    case debts
}

/// The person's status at the three offices at application time: every eligibility input of §4.
///
/// Every property is optional; `nil` means *unknown* (not recorded), which the eligibility
/// pre-check reports as such instead of guessing.
public struct PersonStatus: Sendable, Hashable {
    /// The stable name of each recorded fact (the property name), for "which fact decided it".
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case inSocialCounselling
        case receivesFinancialSocialAssistance
        case registeredAtRAV
        case registeredAtRAVWithinLast6Months
        case reRegistrationAgreed
        case receivesALE
        case ivProcedure
        case ivClarificationRunning
        case ivMeasuresRunning
        case ivPensionQuestionSettled
        case ivLegalProceedings
        case hadIVRejection
        case lastIVRejectionDate
        case ivRelevantHealthDamageSuspected
        case workCapacityLossPercent
        case canAndWantsToWork
        case highSupportNeed
        case healthRelatedHardAccess
        case needsCoachingAtJobStart
        case intactLabourOffer
        case socialDifficulties
        case entitledToPersonalSocialHelpAtReceiver
        case consentHandover
        case consentDataExchange
    }

    /// In Sozialberatung (personal social help) of an SD/SoBZ.
    public var inSocialCounselling: Bool?
    /// Receives wirtschaftliche Sozialhilfe (financial social assistance).
    public var receivesFinancialSocialAssistance: Bool?
    /// Registered at the RAV as job-seeking.
    public var registeredAtRAV: Bool?
    /// Was registered at the RAV at any time in the last 6 months.
    public var registeredAtRAVWithinLast6Months: Bool?
    /// The person agreed to (re-)register at the responsible RAV (OPTIMA-ALV condition 5).
    public var reRegistrationAgreed: Bool?
    /// Receives Arbeitslosenentschädigung (unemployment benefit).
    public var receivesALE: Bool?
    public var ivProcedure: IVProcedure?
    /// IV clarifications of entitlement (Anspruchsabklärungen) are running. Only asked when an
    /// IV procedure runs: with no or a closed procedure there are none.
    public var ivClarificationRunning: Bool?
    public var ivMeasuresRunning: Bool?
    public var ivPensionQuestionSettled: Bool?
    /// Legal proceedings (Rechtsmittelverfahren) at the IV are running.
    public var ivLegalProceedings: Bool?
    /// Whether the IV ever rejected the person; the date is in `lastIVRejectionDate`.
    public var hadIVRejection: Bool?
    public var lastIVRejectionDate: LocalDate?
    public var ivRelevantHealthDamageSuspected: Bool?
    /// Arbeitsausfall in percent (0…100): loss of working capacity. The RAV accepts at most 80.
    public var workCapacityLossPercent: Int?
    /// Self-assessment "kann und will arbeiten".
    public var canAndWantsToWork: Bool?
    /// High support need for job placement.
    public var highSupportNeed: Bool?
    /// Health-related hard access to the labour market.
    public var healthRelatedHardAccess: Bool?
    /// Needs coaching at the start of a new job.
    public var needsCoachingAtJobStart: Bool?
    /// Intaktes Arbeitsangebot: placeable and has the basic work virtues.
    public var intactLabourOffer: Bool?
    /// The social difficulties present; empty = none, `nil` = not recorded.
    public var socialDifficulties: Set<SocialDifficulty>?
    /// Entitled to personal social help at the receiving SD/SoBZ.
    public var entitledToPersonalSocialHelpAtReceiver: Bool?
    public var consentHandover: Bool?
    public var consentDataExchange: Bool?

    public init(
        inSocialCounselling: Bool? = nil,
        receivesFinancialSocialAssistance: Bool? = nil,
        registeredAtRAV: Bool? = nil,
        registeredAtRAVWithinLast6Months: Bool? = nil,
        reRegistrationAgreed: Bool? = nil,
        receivesALE: Bool? = nil,
        ivProcedure: IVProcedure? = nil,
        ivClarificationRunning: Bool? = nil,
        ivMeasuresRunning: Bool? = nil,
        ivPensionQuestionSettled: Bool? = nil,
        ivLegalProceedings: Bool? = nil,
        hadIVRejection: Bool? = nil,
        lastIVRejectionDate: LocalDate? = nil,
        ivRelevantHealthDamageSuspected: Bool? = nil,
        workCapacityLossPercent: Int? = nil,
        canAndWantsToWork: Bool? = nil,
        highSupportNeed: Bool? = nil,
        healthRelatedHardAccess: Bool? = nil,
        needsCoachingAtJobStart: Bool? = nil,
        intactLabourOffer: Bool? = nil,
        socialDifficulties: Set<SocialDifficulty>? = nil,
        entitledToPersonalSocialHelpAtReceiver: Bool? = nil,
        consentHandover: Bool? = nil,
        consentDataExchange: Bool? = nil
    ) {
        self.inSocialCounselling = inSocialCounselling
        self.receivesFinancialSocialAssistance = receivesFinancialSocialAssistance
        self.registeredAtRAV = registeredAtRAV
        self.registeredAtRAVWithinLast6Months = registeredAtRAVWithinLast6Months
        self.reRegistrationAgreed = reRegistrationAgreed
        self.receivesALE = receivesALE
        self.ivProcedure = ivProcedure
        self.ivClarificationRunning = ivClarificationRunning
        self.ivMeasuresRunning = ivMeasuresRunning
        self.ivPensionQuestionSettled = ivPensionQuestionSettled
        self.ivLegalProceedings = ivLegalProceedings
        self.hadIVRejection = hadIVRejection
        self.lastIVRejectionDate = lastIVRejectionDate
        self.ivRelevantHealthDamageSuspected = ivRelevantHealthDamageSuspected
        self.workCapacityLossPercent = workCapacityLossPercent
        self.canAndWantsToWork = canAndWantsToWork
        self.highSupportNeed = highSupportNeed
        self.healthRelatedHardAccess = healthRelatedHardAccess
        self.needsCoachingAtJobStart = needsCoachingAtJobStart
        self.intactLabourOffer = intactLabourOffer
        self.socialDifficulties = socialDifficulties
        self.entitledToPersonalSocialHelpAtReceiver = entitledToPersonalSocialHelpAtReceiver
        self.consentHandover = consentHandover
        self.consentDataExchange = consentDataExchange
    }

    /// Involvement with social assistance (SH) in the sense of the target-group table: in
    /// Sozialberatung or receiving financial assistance. `nil` when it cannot be told.
    public var receivesSocialAssistance: Bool? {
        if inSocialCounselling == true || receivesFinancialSocialAssistance == true { return true }
        if inSocialCounselling == false && receivesFinancialSocialAssistance == false { return false }
        return nil
    }
}
