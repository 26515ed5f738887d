import Foundation
import NahtstelleFEEL

/// One cost approval as the report sees it.
public struct CostApprovalRecord: Sendable, Hashable {
    public var requestedAt: LocalDate
    public var decidedAt: LocalDate?
    public var decision: CostApprovalDecision?
    public var payingOfficeType: InstitutionType
    /// CHF.
    public var amount: Decimal
    /// When the signature was due (for overdue figures).
    public var signatureDue: LocalDate?

    public init(
        requestedAt: LocalDate, decidedAt: LocalDate? = nil, decision: CostApprovalDecision? = nil,
        payingOfficeType: InstitutionType, amount: Decimal, signatureDue: LocalDate? = nil
    ) {
        self.requestedAt = requestedAt
        self.decidedAt = decidedAt
        self.decision = decision
        self.payingOfficeType = payingOfficeType
        self.amount = amount
        self.signatureDue = signatureDue
    }
}

/// One measure booked without a Kostengutsprache, as the report sees it.
public struct OwnEntitlementMeasureRecord: Sendable, Hashable {
    public var bookedAt: LocalDate
    /// The receiving office's type: it pays from the person's entitlement there.
    public var payingOfficeType: InstitutionType
    /// CHF.
    public var amount: Decimal

    public init(bookedAt: LocalDate, payingOfficeType: InstitutionType, amount: Decimal) {
        self.bookedAt = bookedAt
        self.payingOfficeType = payingOfficeType
        self.amount = amount
    }
}

/// A flat, storage-friendly view of one case for the Standardreporting: no names, no AHV
/// numbers, no free text — only types, dates, ids and amounts.
public struct CaseReportRecord: Sendable, Hashable, Identifiable {
    public var caseId: String
    public var referrerType: InstitutionType
    public var receiverType: InstitutionType
    public var targetGroup: TargetGroup?
    public var appliedAt: LocalDate?
    public var decidedAt: LocalDate?
    public var decision: Decision?
    public var rejectionReason: RejectionReason?
    public var handoverAt: LocalDate?
    public var closedAt: LocalDate?
    public var closingReason: ClosingReason?
    public var outcome: Outcome?
    public var costApprovals: [CostApprovalRecord]
    public var ownEntitlementMeasures: [OwnEntitlementMeasureRecord]
    /// Deadline facts: when the application check was due, and the planned end of the mandate.
    public var applicationCheckDue: LocalDate?
    public var plannedEnd: LocalDate?

    public var id: String { caseId }

    public init(
        caseId: String, referrerType: InstitutionType, receiverType: InstitutionType,
        targetGroup: TargetGroup? = nil, appliedAt: LocalDate? = nil, decidedAt: LocalDate? = nil,
        decision: Decision? = nil, rejectionReason: RejectionReason? = nil, handoverAt: LocalDate? = nil,
        closedAt: LocalDate? = nil, closingReason: ClosingReason? = nil, outcome: Outcome? = nil,
        costApprovals: [CostApprovalRecord] = [], ownEntitlementMeasures: [OwnEntitlementMeasureRecord] = [],
        applicationCheckDue: LocalDate? = nil, plannedEnd: LocalDate? = nil
    ) {
        self.caseId = caseId
        self.referrerType = referrerType
        self.receiverType = receiverType
        self.targetGroup = targetGroup
        self.appliedAt = appliedAt
        self.decidedAt = decidedAt
        self.decision = decision
        self.rejectionReason = rejectionReason
        self.handoverAt = handoverAt
        self.closedAt = closedAt
        self.closingReason = closingReason
        self.outcome = outcome
        self.costApprovals = costApprovals
        self.ownEntitlementMeasures = ownEntitlementMeasures
        self.applicationCheckDue = applicationCheckDue
        self.plannedEnd = plannedEnd
    }

    /// The record of a case, with its deadlines computed on `deadlines`' calendar.
    public init(case c: OptimaCase, deadlines: Deadlines = Deadlines()) {
        let handoverStart = c.handoverAt
        self.init(
            caseId: c.id, referrerType: c.referrerType, receiverType: c.receiverType, targetGroup: c.targetGroup,
            appliedAt: c.appliedAt, decidedAt: c.decidedAt, decision: c.decision, rejectionReason: c.rejectionReason,
            handoverAt: c.handoverAt, closedAt: c.state == .closed ? c.closedAt : nil,
            closingReason: c.closingReason, outcome: c.outcome,
            costApprovals: c.costApprovals.map { approval in
                CostApprovalRecord(
                    requestedAt: approval.requestedAt, decidedAt: approval.decidedAt, decision: approval.decision,
                    payingOfficeType: approval.payingOfficeType, amount: approval.amount,
                    signatureDue: deadlines.costApprovalSignatureDue(requestedAt: approval.requestedAt))
            },
            ownEntitlementMeasures: c.ownEntitlementMeasures.map {
                OwnEntitlementMeasureRecord(bookedAt: $0.bookedAt, payingOfficeType: $0.payingOfficeType, amount: $0.amount)
            },
            applicationCheckDue: c.appliedAt.map { deadlines.applicationCheckDue(submittedAt: $0) },
            plannedEnd: handoverStart.map { deadlines.plannedMandateEnd(handoverMeetingAt: $0, months: c.plannedMonths) })
    }
}
