import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// Runs in the completing transaction of every user task (`Engine.Configuration.onTaskCompleted`):
/// records the case facts the task's contract variables carry, and generates the documents its
/// `nahtstelle:documents` names. Anything failing here aborts the completion: no half-done step.
struct CaseTaskHook: Sendable {
    let generator: DocumentGenerator
    let storage: any ApplicationStorage

    /// The closing reason the status meeting recorded (the contract's ids are the domain's).
    static func closingReason(_ id: String?) -> ClosingReason? {
        id.flatMap(ClosingReason.init(rawValue:))
    }

    static func localDate(_ value: Value?) -> LocalDate? { value.flatMap(TemplateData.localDate) }

    static func int64(_ value: Value?) -> Int64? { value?.numberValue.map { NSDecimalNumber(decimal: $0).int64Value } }

    func handle(_ completion: TaskCompletion, _ tx: any EngineTransaction) throws {
        let db = try storage.records(tx)
        guard let caseID = completion.task.businessKey, let stored = try db.loadCase(id: caseID) else { return }
        let v = completion.variables
        let today = ISODateTime.localDate(of: completion.at)
        var c = stored.optimaCase
        if completion.task.processID.hasPrefix("optima-") {
            switch completion.task.elementID {
            case "check-application":
                switch v["decision"]?.stringValue {
                case "accepted":
                    c.state = .accepted
                    c.decision = .accepted
                    c.decidedAt = today
                    c.receiverAdvisor = v["advisor"]?.stringValue
                case "rejected":
                    c.state = .rejected
                    c.decision = .rejected
                    c.decidedAt = today
                    c.rejectionReason = v["rejectionReason"]?.stringValue.flatMap(RejectionReason.init(rawValue:)) ?? .other
                    c.rejectionText = v["rejectionText"]?.stringValue
                case "clarify":
                    c.state = .inClarification
                default:
                    break
                }
            case "clarify-application":
                c.state = .submitted
            case "plan-handover":
                c.handoverMeetingAt = Self.localDate(v["meetingAt"])
            case "handover-meeting":
                if v["allAgree"]?.boolValue == true {
                    c.state = .active
                    c.handoverMeetingAt = Self.localDate(v["meetingAt"]) ?? c.handoverMeetingAt
                    // The hand-over is effective on the meeting's date, not when the note was recorded.
                    c.handoverAt = c.handoverMeetingAt ?? today
                    c.nextStatusMeetingAt = Self.localDate(v["nextMeetingAt"])
                    // The mandate's duration is fixed at the hand-over meeting (concept Kap. 3.1).
                    if let months = v["plannedMonths"]?.numberValue.map({ NSDecimalNumber(decimal: $0).intValue }),
                        let planned = PlannedMonths(rawValue: months), planned != c.plannedMonths {
                        c.plannedMonths = planned
                        try db.updatePlannedMonths(caseID: caseID, to: planned)
                    }
                } else {
                    c.state = .noAgreement
                }
            case "invite-status-meeting":
                c.nextStatusMeetingAt = Self.localDate(v["nextMeetingAt"]) ?? c.nextStatusMeetingAt
            case "status-meeting":
                if v["decision"]?.stringValue == "close" {
                    c.state = .closed
                    c.closedAt = today
                    c.closingReason = Self.closingReason(v["closingReason"]?.stringValue)
                    c.outcome = v["outcome"]?.stringValue.flatMap(Outcome.init(rawValue:)) ?? .other
                    c.nextStatusMeetingAt = nil
                } else {
                    c.nextStatusMeetingAt = Self.localDate(v["nextMeetingAt"])
                }
            case "sign-cost-approval", "book-measure", "forward-invoice", "pay-invoice":
                try recordCostApprovalStep(db, completion, today: today)
            default:
                break
            }
        }
        if c != stored.optimaCase { try db.updateLifecycle(c) }
        for template in completion.documents {
            try generator.generate(db, template: template, caseID: caseID, variables: completion.instanceVariables,
                                   elementID: completion.task.elementID, actor: completion.actor, at: completion.at)
        }
    }

    private func recordCostApprovalStep(_ db: any ApplicationRecords, _ completion: TaskCompletion, today: LocalDate) throws {
        let v = completion.variables
        guard let id = Self.int64(completion.instanceVariables["costApprovalId"]) else {
            throw CaseServiceError(.processFailed, "Zu dieser Kostengutsprache-Aufgabe ist keine Kostengutsprache erfasst "
                                   + "(costApprovalId fehlt). Bitte die Kostengutsprache über «Kostengutsprache beantragen» anfordern.")
        }
        switch completion.task.elementID {
        case "sign-cost-approval":
            let signer = v["signatory"]?.stringValue ?? completion.actor
            let name = try db.staff(signer)?.displayName ?? signer
            try db.decideCostApproval(id: id, decision: v["decision"]?.stringValue, at: Self.localDate(v["decidedAt"]) ?? today, by: name,
                                      note: v["reason"]?.stringValue)
        case "book-measure":
            // The CHECK on cost_approval refuses this unless the KGS is approved.
            try db.bookCostApproval(id: id, at: today, by: completion.actor, measureStart: Self.localDate(v["startDate"]),
                                    measureEnd: Self.localDate(v["endDate"]))
        case "forward-invoice":
            try db.forwardCostApprovalInvoice(id: id, number: v["invoiceNumber"]?.stringValue, date: Self.localDate(v["invoiceDate"]),
                                              amount: v["amount"]?.numberValue, at: today)
        case "pay-invoice":
            try db.payCostApproval(id: id, at: Self.localDate(v["paidAt"]) ?? today, amount: v["amount"]?.numberValue)
        default:
            break
        }
    }
}
