import Foundation
import NahtstelleFEEL

/// One amount per institution type (IV, RAV/ALV, Sozialhilfe): counts in the report, rates in billing.
public struct PerInstitution<Amount: Sendable & Hashable & AdditiveArithmetic>: Sendable, Hashable {
    public var iv: Amount
    public var rav: Amount
    public var sd: Amount

    public init(iv: Amount = .zero, rav: Amount = .zero, sd: Amount = .zero) {
        self.iv = iv
        self.rav = rav
        self.sd = sd
    }

    public var total: Amount { iv + rav + sd }

    public subscript(type: InstitutionType) -> Amount {
        get {
            switch type {
            case .iv: iv
            case .rav: rav
            case .sd: sd
            }
        }
        set {
            switch type {
            case .iv: iv = newValue
            case .rav: rav = newValue
            case .sd: sd = newValue
            }
        }
    }
}

/// Counts per institution type (IV, RAV/ALV, Sozialhilfe).
public typealias InstitutionCounts = PerInstitution<Int>

/// A median duration in days and how many cases it rests on.
public struct DurationFigure: Sendable, Hashable {
    /// `nil` when no case contributed.
    public var medianDays: Double?
    public var count: Int

    public init(days: [Int]) {
        let sorted = days.sorted()
        count = sorted.count
        if sorted.isEmpty {
            medianDays = nil
        } else if sorted.count % 2 == 1 {
            medianDays = Double(sorted[sorted.count / 2])
        } else {
            medianDays = Double(sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }
}

/// The Standardreporting OPTIMA for a period (§10): exactly the pilot's figures, plus target
/// groups, durations, overdue deadlines and measure costs.
///
/// Which date puts an event into the period `from...to` (both inclusive):
/// - an application by `appliedAt` (also its referrer, receiver and target group);
/// - an acceptance or rejection by `decidedAt`;
/// - a KGS request by its `requestedAt`; its approval or rejection by its `decidedAt`; measure
///   costs are the amounts of KGS *approved* in the period, by paying office;
/// - a measure booked without KGS (own entitlement at the receiver) by its `bookedAt`, counted
///   with its cost for the paying office (the receiver);
/// - a closing and its outcome by `closedAt`, counted for the receiver;
/// - a duration by the date of its end event (application → decision by `decidedAt`,
///   decision → hand-over by `handoverAt`, hand-over → closing and application → closing by
///   `closedAt`); intervals with a missing or inconsistent (negative) date are left out;
/// - an overdue deadline by the day it became overdue (due date + 1), provided that day is not
///   after `asOf`, and the task was not done by the due date.
/// A rejection without a recorded reason counts as `other`, a closing without an outcome as
/// `other`, so that the breakdowns add up to their totals as in the pilot report.
public struct OptimaReport: Sendable, Hashable {
    public struct Applications: Sendable, Hashable {
        public var total = 0
        public var byReferrer = InstitutionCounts()
        public var byReceiver = InstitutionCounts()
    }

    public struct Process: Sendable, Hashable {
        public var accepted = 0
        public var rejectedByReason: [RejectionReason: Int] = [:]
        public var rejectedTotal: Int { rejectedByReason.values.reduce(0, +) }
        public func rejected(_ reason: RejectionReason) -> Int { rejectedByReason[reason] ?? 0 }
    }

    /// Anträge und Massnahmen: KGS by paying office.
    public struct CostApprovals: Sendable, Hashable {
        public var requested = InstitutionCounts()
        public var approved = InstitutionCounts()
        public var rejected = InstitutionCounts()
    }

    /// Measures booked without a Kostengutsprache (the person's own entitlement at the
    /// receiver, which pays), by paying office: how many and what they cost (CHF).
    public struct OwnEntitlementMeasures: Sendable, Hashable {
        public var booked = InstitutionCounts()
        public var costs = PerInstitution<Decimal>()
    }

    /// Wirkungen: closings and outcomes by receiver.
    public struct Effects: Sendable, Hashable {
        public var closed = InstitutionCounts()
        public var outcomes: [Outcome: InstitutionCounts] = [:]
        public func outcome(_ outcome: Outcome) -> InstitutionCounts { outcomes[outcome] ?? InstitutionCounts() }
    }

    public struct Durations: Sendable, Hashable {
        public var applicationToDecision: DurationFigure
        public var decisionToHandover: DurationFigure
        public var handoverToClosing: DurationFigure
        public var applicationToClosing: DurationFigure
    }

    public var from: LocalDate
    public var to: LocalDate
    /// The day the data stands on, for overdue figures (defaults to `to`).
    public var asOf: LocalDate
    public var applications = Applications()
    public var process = Process()
    public var costApprovals = CostApprovals()
    public var ownEntitlementMeasures = OwnEntitlementMeasures()
    public var effects = Effects()
    /// Applications per target group; `applicationsWithoutTargetGroup` for those with none.
    public var targetGroups: [TargetGroup: Int] = [:]
    public var applicationsWithoutTargetGroup = 0
    public var durations: Durations
    public var overdueDeadlines: [DeadlineKind: Int] = [:]
    /// Amounts of KGS approved in the period, CHF, by paying office type.
    public var measureCosts: [InstitutionType: Decimal] = [:]
    /// The monthly flat-rate statements of the period (model A), when the caller added them
    /// (`FlatRateBilling.summary`: it needs the installation's rates and the offices' names).
    public var flatRates: FlatRateSummary?

    public func targetGroupCount(_ group: TargetGroup) -> Int { targetGroups[group] ?? 0 }
    public func overdue(_ kind: DeadlineKind) -> Int { overdueDeadlines[kind] ?? 0 }
    public var overdueTotal: Int { overdueDeadlines.values.reduce(0, +) }
    public func measureCost(_ type: InstitutionType) -> Decimal { measureCosts[type] ?? 0 }
    public var measureCostTotal: Decimal { measureCosts.values.reduce(0, +) }

    /// Computes the report for `from...to` (inclusive).
    /// - Parameter asOf: the day the data stands on; an open deadline counts as overdue only
    ///   from the day after its due date up to this day. Defaults to `to`.
    public static func compute(
        cases: [CaseReportRecord], from: LocalDate, to: LocalDate, asOf: LocalDate? = nil
    ) -> OptimaReport {
        let period = from...max(from, to)
        let reference = min(asOf ?? to, to)
        var report = OptimaReport(
            from: from, to: to, asOf: asOf ?? to,
            durations: Durations(
                applicationToDecision: DurationFigure(days: []), decisionToHandover: DurationFigure(days: []),
                handoverToClosing: DurationFigure(days: []), applicationToClosing: DurationFigure(days: [])))
        var applicationToDecision: [Int] = []
        var decisionToHandover: [Int] = []
        var handoverToClosing: [Int] = []
        var applicationToClosing: [Int] = []

        func inPeriod(_ date: LocalDate?) -> Bool { date.map { period.contains($0) } ?? false }
        func days(_ start: LocalDate?, _ end: LocalDate?) -> Int? {
            guard let start, let end else { return nil }
            let d = end.daysSinceEpoch - start.daysSinceEpoch
            return d >= 0 ? d : nil
        }
        func countOverdue(_ kind: DeadlineKind, due: LocalDate?, doneAt: LocalDate?) {
            guard let due else { return }
            let firstOverdueDay = due.adding(days: 1)
            guard period.contains(firstOverdueDay), firstOverdueDay <= reference else { return }
            if let doneAt, doneAt <= due { return }
            report.overdueDeadlines[kind, default: 0] += 1
        }

        for record in cases {
            if inPeriod(record.appliedAt) {
                report.applications.total += 1
                report.applications.byReferrer[record.referrerType] += 1
                report.applications.byReceiver[record.receiverType] += 1
                if let group = record.targetGroup {
                    report.targetGroups[group, default: 0] += 1
                } else {
                    report.applicationsWithoutTargetGroup += 1
                }
            }
            if inPeriod(record.decidedAt), let decision = record.decision {
                switch decision {
                case .accepted: report.process.accepted += 1
                case .rejected: report.process.rejectedByReason[record.rejectionReason ?? .other, default: 0] += 1
                }
                if let d = days(record.appliedAt, record.decidedAt) { applicationToDecision.append(d) }
            }
            if inPeriod(record.handoverAt), let d = days(record.decidedAt, record.handoverAt) {
                decisionToHandover.append(d)
            }
            if inPeriod(record.closedAt) {
                report.effects.closed[record.receiverType] += 1
                report.effects.outcomes[record.outcome ?? .other, default: InstitutionCounts()][record.receiverType] += 1
                if let d = days(record.handoverAt, record.closedAt) { handoverToClosing.append(d) }
                if let d = days(record.appliedAt, record.closedAt) { applicationToClosing.append(d) }
            }
            for approval in record.costApprovals {
                if period.contains(approval.requestedAt) {
                    report.costApprovals.requested[approval.payingOfficeType] += 1
                }
                if inPeriod(approval.decidedAt), let decision = approval.decision {
                    switch decision {
                    case .approved:
                        report.costApprovals.approved[approval.payingOfficeType] += 1
                        report.measureCosts[approval.payingOfficeType, default: 0] += approval.amount
                    case .rejected:
                        report.costApprovals.rejected[approval.payingOfficeType] += 1
                    }
                }
                countOverdue(.costApprovalSignature, due: approval.signatureDue, doneAt: approval.decidedAt)
            }
            for measure in record.ownEntitlementMeasures where period.contains(measure.bookedAt) {
                report.ownEntitlementMeasures.booked[measure.payingOfficeType] += 1
                report.ownEntitlementMeasures.costs[measure.payingOfficeType] += measure.amount
            }
            countOverdue(.applicationCheck, due: record.applicationCheckDue, doneAt: record.decidedAt)
            countOverdue(.mandateEnd, due: record.plannedEnd, doneAt: record.closedAt)
        }
        report.durations = Durations(
            applicationToDecision: DurationFigure(days: applicationToDecision),
            decisionToHandover: DurationFigure(days: decisionToHandover),
            handoverToClosing: DurationFigure(days: handoverToClosing),
            applicationToClosing: DurationFigure(days: applicationToClosing))
        return report
    }
}
