import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// A message to an office role or a person, shown in their inbox.
public struct NotificationEntry: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var caseId: String?
    public var officeId: String
    public var role: Role?
    public var username: String?
    /// The step that sent it (e.g. `notify-cost-approval-reminder`).
    public var kind: String
    public var text: String
    public var createdAt: Date
    public var readAt: Date?

    package init(id: Int64, caseId: String?, officeId: String, role: Role?, username: String?, kind: String, text: String, createdAt: Date,
                 readAt: Date?) {
        self.id = id
        self.caseId = caseId
        self.officeId = officeId
        self.role = role
        self.username = username
        self.kind = kind
        self.text = text
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

/// `notify` (parameter `to` = `referrer`, `receiver` or `signatory`): a notification for that
/// party of the case, with a text that says what to do.
struct NotifyHandler: ServiceTaskHandler {
    let storage: any ApplicationStorage

    func execute(_ call: ServiceTaskCall, _ tx: any EngineTransaction) throws -> [String: Value] {
        let db = try storage.records(tx)
        guard let caseID = call.businessKey ?? call.variables["caseId"]?.stringValue, let stored = try db.loadCase(id: caseID) else {
            throw CaseServiceError(.processFailed, "Der Schritt «\(call.elementID)» gehört zu keinem erfassten Fall.")
        }
        let c = stored.optimaCase
        let v = call.variables
        let office: String
        let role: Role?
        let username: String?
        switch call.parameters["to"] ?? "" {
        case "referrer":
            (office, role, username) = (c.referrerOfficeId, nil, c.referrerAdvisor)
        case "receiver":
            let advisor = c.receiverAdvisor ?? v["advisor"]?.stringValue
            (office, role, username) = (c.receiverOfficeId, advisor == nil ? .optimaContact : nil, advisor)
        case "signatory":
            (office, role, username) = (v["payingOffice"]?.stringValue ?? stored.payingOfficeId, .signatory, nil)
        case let other:
            throw CaseServiceError(.processFailed, "Der Schritt «\(call.elementID)» nennt den Empfänger «\(other)», den es nicht gibt. "
                                   + "Erlaubt sind referrer, receiver und signatory (nahtstelle:to).")
        }
        try db.insertNotification(caseID: caseID, office: office, role: role, username: username, kind: call.elementID,
                                    text: Self.text(call.elementID, stored: stored, variables: v, db: db, at: call.at), at: call.at)
        return [:]
    }

    /// - Parameter at: when the step runs (a timer may fire late, after downtime).
    static func text(_ element: String, stored: StoredCase, variables v: [String: Value], db: any ApplicationRecords, at: Date) -> String {
        let c = stored.optimaCase
        let who = "\(c.id) (\(c.person.lastName) \(c.person.firstName))"
        let measure = v["measure"]?.stringValue.map { "«\($0)»" } ?? ""
        switch element {
        case "notify-rejection":
            let reason = (v["rejectionReason"]?.stringValue).flatMap(RejectionReason.init(rawValue:)).map(Glossary.label) ?? "ohne Angabe"
            return "Der Antrag \(who) wurde abgelehnt (\(reason)). Die Fallführung bleibt bei Ihnen; "
                + "die Mitteilung liegt bei den Dokumenten des Falls."
        case "notify-planned-end-receiver", "notify-planned-end-referrer":
            let end = c.handoverAt.map { Deadlines().plannedMandateEnd(handoverMeetingAt: $0, months: c.plannedMonths).swissFormatted }
            return "Das OPTIMA-Mandat \(who) endet am \(end ?? "geplanten Datum") (in zwei Wochen). "
                + "Bitte am nächsten Standortgespräch über Abschluss oder Weiterführung entscheiden."
        case "notify-status-meeting-referrer":
            let at = (v["nextMeetingAt"] ?? v["meetingAt"]).flatMap(TemplateData.localDateTimeText) ?? "am vereinbarten Termin"
            let place = v["place"]?.stringValue.map { " in \($0)" } ?? ""
            return "Einladung zum gemeinsamen Standortgespräch \(who): \(at)\(place). Der Einladungsbrief liegt bei den "
                + "Dokumenten des Falls. Ist der Termin nicht möglich oder braucht es aus wichtigen Gründen ein zusätzliches "
                + "Gespräch, bitte mit der Fallführung der OPTIMA-Stelle Kontakt aufnehmen."
        case "notify-cost-approval-reminder":
            return "Die Kostengutsprache \(measure) im Fall \(who) ist noch nicht unterzeichnet; die Frist von 10 Tagen ist abgelaufen. "
                + "Bitte unterzeichnen oder ablehnen."
        case "notify-cost-approval-escalation":
            // Counted from the signature deadline to the moment the escalation runs: after a
            // downtime the timer fires late, and the text must say how late it really is.
            let overdue: String
            if case .date(let due)? = v["signatureDue"] {
                let days = ISODateTime.localDate(of: at).daysSinceEpoch - due.daysSinceEpoch
                overdue = days > 0 ? "ist seit \(days) \(days == 1 ? "Tag" : "Tagen") überfällig (Frist \(due.swissFormatted))"
                    : "ist überfällig (Frist \(due.swissFormatted))"
            } else {
                overdue = "ist überfällig"
            }
            return "Die Kostengutsprache \(measure) im Fall \(who) \(overdue). "
                + "Bitte veranlassen Sie die Unterschrift bei Ihrer zeichnungsberechtigten Person."
        case "notify-cost-approval-rejected":
            return "Die Kostengutsprache \(measure) im Fall \(who) wurde abgelehnt. Die Massnahme darf nicht gebucht werden."
        default:
            return "Mitteilung zum Fall \(who) (Schritt \(element))."
        }
    }
}
