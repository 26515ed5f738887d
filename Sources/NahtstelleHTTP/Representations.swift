import Foundation
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// The API's JSON shapes, written as `Value`s (dates ISO 8601, amounts as numbers).
enum Rep {
    static func str(_ s: String?) -> Value { s.map(Value.string) ?? .null }
    static func date(_ d: LocalDate?) -> Value { d.map { .string($0.description) } ?? .null }
    static func time(_ t: Date?) -> Value { t.map { .string(Value.isoDateTime($0)) } ?? .null }
    static func int(_ n: Int64?) -> Value { n.map { .number(Decimal($0)) } ?? .null }
    static func int(_ n: Int) -> Value { .number(Decimal(n)) }

    static func user(_ m: StaffMember, officeName: String?) -> Value {
        .context([
            "username": .string(m.username), "name": .string(m.displayName), "office": .string(m.officeId), "officeName": str(officeName),
            "roles": .list(m.roles.map(\.rawValue).sorted().map(Value.string)), "function": str(m.function),
        ])
    }

    static func contact(_ m: StaffMember?) -> Value {
        guard let m else { return .null }
        return .context(["username": .string(m.username), "name": .string(m.displayName), "function": str(m.function),
                         "phone": str(m.phone), "email": str(m.email)])
    }

    static func office(_ o: OfficeEntry) -> Value {
        .context([
            "id": .string(o.id), "name": .string(o.name), "type": .string(o.type.rawValue), "department": str(o.department),
            "street": .string(o.street), "postalCode": .string(o.postalCode), "city": .string(o.city), "phone": str(o.phone),
            "email": str(o.email), "integralCaseManagement": .bool(o.integralCaseManagement),
        ])
    }

    static func inboxItem(_ i: InboxItem) -> Value {
        let t = i.task
        return .context([
            "id": int(t.id), "caseId": str(i.caseID), "processId": .string(t.processID), "taskId": .string(t.elementID),
            "name": str(t.name), "role": str(t.role), "office": str(t.office), "dueAt": time(t.dueAt), "assignee": str(t.assignee),
            "formKey": str(t.formKey), "personName": str(i.personName), "overdue": .bool(i.isOverdue), "state": .string(t.state.rawValue),
            "followUpUntil": date(i.followUpUntil),
        ])
    }

    static func task(_ t: TaskRecord, officeName: String? = nil, assigneeName: String? = nil) -> Value {
        .context([
            "id": int(t.id), "caseId": str(t.businessKey), "processId": .string(t.processID), "taskId": .string(t.elementID),
            "name": str(t.name), "role": str(t.role), "office": str(t.office), "officeName": str(officeName), "dueAt": time(t.dueAt),
            "assignee": str(t.assignee), "assigneeName": str(assigneeName), "formKey": str(t.formKey), "state": .string(t.state.rawValue),
            "createdAt": time(t.createdAt), "endedAt": time(t.endedAt), "completedBy": str(t.completedBy),
        ])
    }

    /// A task with the names of its office and assignee looked up in the directory.
    static func namedTask(_ t: TaskRecord, _ service: OptimaService) -> Value {
        namedTasks([t], service)[0]
    }

    /// `tasks` with the names of their offices and assignees, read once for all of them.
    static func namedTasks(_ tasks: [TaskRecord], _ service: OptimaService) -> [Value] {
        let names = (try? service.names(of: tasks)) ?? (offices: [:], users: [:])
        return tasks.map { t in task(t, officeName: t.office.flatMap { names.offices[$0] }, assigneeName: t.assignee.flatMap { names.users[$0] }) }
    }

    static func eligibility(_ a: EligibilityAssessment) -> Value {
        eligibility(process: a.process, trafficLight: a.trafficLight, conditions: a.conditions)
    }

    static func eligibility(process: ProcessKind, trafficLight: TrafficLight, conditions: [ConditionResult]) -> Value {
        .context([
            "process": .string(process.rawValue), "processLabel": .string(Glossary.label(process)),
            "trafficLight": .string(trafficLight.rawValue), "trafficLightLabel": .string(Glossary.label(trafficLight)),
            "conditions": .list(conditions.map { c in
                .context(["id": .string(c.id.rawValue), "outcome": .string(c.outcome.rawValue), "outcomeLabel": .string(Glossary.label(c.outcome)),
                          "kind": .string(c.kind.rawValue),
                          "wording": .string(c.wording), "explanation": str(c.explanation)])
            }),
        ])
    }

    static func storedEligibility(_ e: StoredEligibility?) -> Value {
        guard let e else { return .null }
        return eligibility(process: e.process, trafficLight: e.trafficLight, conditions: e.conditions)
    }

    static func targetGroup(_ d: TargetGroupDerivation) -> Value {
        .context(["group": str(d.group?.rawValue), "label": .string(d.group.map { Glossary.label($0) } ?? "noch offen"),
                  "explanation": .string(d.explanation)])
    }

    static func document(_ d: DocumentInfo) -> Value {
        .context([
            "id": int(d.id), "caseId": .string(d.caseId), "template": .string(d.template), "title": .string(d.title),
            "version": int(d.version), "fileName": .string(d.fileName), "size": int(d.size), "createdAt": time(d.createdAt),
            "createdBy": .string(d.createdBy), "url": .string("/api/documents/\(d.id)"), "templateVersion": d.templateVersion.map { int($0) } ?? .null,
        ])
    }

    static func costApproval(_ c: CostApprovalEntry) -> Value {
        .context([
            "id": int(c.id), "caseId": .string(c.caseId), "measure": .string(c.measure), "provider": .string(c.provider),
            "providerAddress": str(c.providerAddress), "periodFrom": date(c.periodFrom), "periodTo": date(c.periodTo),
            "positions": .list(c.positions), "amount": .number(c.amount), "payingOffice": .string(c.payingOfficeId),
            "requestedAt": date(c.requestedAt), "requestedBy": .string(c.requestedBy), "signatureDue": date(c.signatureDue),
            "decision": str(c.decision?.rawValue), "decidedAt": date(c.decidedAt), "decidedBy": str(c.decidedBy),
            "bookedAt": date(c.bookedAt), "paidAt": date(c.paidAt),
        ])
    }

    static func caseSummary(_ s: StoredCase) -> Value {
        let c = s.optimaCase
        return .context([
            "id": .string(s.id), "process": .string(c.processKind.rawValue), "state": .string(c.state.rawValue),
            "stateLabel": .string(Glossary.label(c.state)), "personName": .string(c.person.fullName),
            "referrerOffice": .string(c.referrerOfficeId), "receiverOffice": .string(c.receiverOfficeId),
            "targetGroup": str(c.targetGroup?.rawValue), "appliedAt": date(c.appliedAt), "handoverAt": date(c.handoverAt),
            "plannedMonths": int(c.plannedMonths.rawValue), "goal": .string(c.goal),
        ])
    }

    static func history(_ h: HistoryRecord) -> Value {
        .context([
            "id": int(h.id), "at": time(h.at), "actor": .string(h.actor), "command": .string(h.command), "instanceId": int(h.instanceID),
            "taskId": int(h.taskID), "elementId": str(h.elementID), "details": (try? Value.parseJSON(h.details)) ?? .string(h.details),
        ])
    }

    static func access(_ e: AccessEntry) -> Value {
        .context([
            "id": int(e.id), "at": time(e.at), "user": .string(e.username), "caseId": str(e.caseID), "action": .string(e.action),
            "documentId": int(e.documentID), "clientAddress": str(e.clientAddress), "requestId": str(e.requestID),
        ])
    }

    static func deadline(_ d: Deadline) -> Value {
        .context(["kind": .string(d.kind.rawValue), "due": date(d.due), "completedAt": date(d.completedAt), "state": .string(d.state.rawValue)])
    }
}
