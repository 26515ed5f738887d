import NahtstelleFEEL

/// An OPTIMA case (OPTIMA-Fall): one hand-over of case management from a referring to a
/// receiving office, with everything recorded at application time and its lifecycle.
///
/// Lifecycle moments are calendar days (`LocalDate`): deadlines, reports and letters work in
/// days; exact instants belong to the engine's audit log.
public struct OptimaCase: Sendable, Hashable, Identifiable {
    public var id: String

    public var referrerOfficeId: String
    /// Username of the referring advisor.
    public var referrerAdvisor: String
    public var referrerType: InstitutionType
    public var receiverOfficeId: String
    /// Username of the receiving advisor, once the OPTIMA contact assigned one.
    public var receiverAdvisor: String?
    public var receiverType: InstitutionType

    public var person: Person
    /// The person's status at the offices, at application time (eligibility inputs).
    public var personStatus: PersonStatus
    public var state: CaseState
    /// Goal of the hand-over (free text).
    public var goal: String
    public var topics: Set<CaseTopic>
    public var plannedMonths: PlannedMonths
    /// Derived from referrer, receiver and status; `nil` when the table gives no exact match.
    public var targetGroup: TargetGroup?

    // MARK: Lifecycle
    public var appliedAt: LocalDate?
    public var decidedAt: LocalDate?
    public var decision: Decision?
    public var rejectionReason: RejectionReason?
    /// Free text for `RejectionReason.other`.
    public var rejectionText: String?
    /// Date of the Übergabegespräch (planned, then held).
    public var handoverMeetingAt: LocalDate?
    /// The day the hand-over became effective (all participants agreed to the note).
    public var handoverAt: LocalDate?
    public var nextStatusMeetingAt: LocalDate?
    public var closedAt: LocalDate?
    public var closingReason: ClosingReason?
    public var outcome: Outcome?
    public var costApprovals: [CostApproval]
    /// Measures booked without a Kostengutsprache (own entitlement at the receiver).
    public var ownEntitlementMeasures: [OwnEntitlementMeasure]

    public init(
        id: String, referrerOfficeId: String, referrerAdvisor: String, referrerType: InstitutionType,
        receiverOfficeId: String, receiverAdvisor: String? = nil, receiverType: InstitutionType,
        person: Person, personStatus: PersonStatus = PersonStatus(), state: CaseState = .draft,
        goal: String = "", topics: Set<CaseTopic> = [], plannedMonths: PlannedMonths = .six,
        targetGroup: TargetGroup? = nil, appliedAt: LocalDate? = nil, decidedAt: LocalDate? = nil,
        decision: Decision? = nil, rejectionReason: RejectionReason? = nil, rejectionText: String? = nil,
        handoverMeetingAt: LocalDate? = nil, handoverAt: LocalDate? = nil, nextStatusMeetingAt: LocalDate? = nil,
        closedAt: LocalDate? = nil, closingReason: ClosingReason? = nil, outcome: Outcome? = nil,
        costApprovals: [CostApproval] = [], ownEntitlementMeasures: [OwnEntitlementMeasure] = []
    ) {
        self.id = id
        self.referrerOfficeId = referrerOfficeId
        self.referrerAdvisor = referrerAdvisor
        self.referrerType = referrerType
        self.receiverOfficeId = receiverOfficeId
        self.receiverAdvisor = receiverAdvisor
        self.receiverType = receiverType
        self.person = person
        self.personStatus = personStatus
        self.state = state
        self.goal = goal
        self.topics = topics
        self.plannedMonths = plannedMonths
        self.targetGroup = targetGroup
        self.appliedAt = appliedAt
        self.decidedAt = decidedAt
        self.decision = decision
        self.rejectionReason = rejectionReason
        self.rejectionText = rejectionText
        self.handoverMeetingAt = handoverMeetingAt
        self.handoverAt = handoverAt
        self.nextStatusMeetingAt = nextStatusMeetingAt
        self.closedAt = closedAt
        self.closingReason = closingReason
        self.outcome = outcome
        self.costApprovals = costApprovals
        self.ownEntitlementMeasures = ownEntitlementMeasures
    }

    /// The process the receiver runs; derived from the receiver's type (see `HandoverRules`).
    public var processKind: ProcessKind { ProcessKind(receiverType: receiverType) }

    /// The reduced procedure the referrer runs during the hand-over.
    public var reducedProcedure: ReducedProcedure { ReducedProcedure(referrerType: referrerType) }
}
