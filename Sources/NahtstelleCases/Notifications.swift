import Foundation
import NahtstelleSQL
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
}

enum NotificationRows {
    static func insert(_ db: SQLDatabase, caseID: String?, office: String, role: Role?, username: String?, kind: String, text: String,
                       at: Date) throws {
        try db.execute(sql: """
            INSERT INTO notification (case_id, office_id, role, username, kind, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [caseID, office, role?.rawValue, username, kind, text, at.timeIntervalSince1970])
    }

    static func fetch(_ db: SQLDatabase, whereClause: String, arguments: SQLArguments, ordered: Bool = false) throws -> [NotificationEntry] {
        try SQLRow.fetchAll(db, sql: "SELECT * FROM notification WHERE \(whereClause)" + (ordered ? "" : " ORDER BY created_at DESC, id DESC"),
                         arguments: arguments)
            .map { row in
                NotificationEntry(id: row["id"], caseId: row["case_id"], officeId: row["office_id"],
                                  role: (row["role"] as String?).flatMap(Role.init(rawValue:)), username: row["username"], kind: row["kind"],
                                  text: row["text"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                  readAt: (row["read_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
    }

    /// What a user sees: addressed to them, or to a role they hold in their office.
    static func forUser(_ db: SQLDatabase, _ user: StaffMember, unreadOnly: Bool) throws -> [NotificationEntry] {
        let (clause, arguments) = addressedTo(user)
        return try fetch(db, whereClause: clause + (unreadOnly ? " AND read_at IS NULL" : ""), arguments: arguments)
    }

    /// The user's unread notifications, newest first, at most `limit`: unread by the person
    /// (a notification to a role is read per person), filtered in SQL instead of loading every
    /// notification the office ever had.
    static func unread(_ db: SQLDatabase, _ user: StaffMember, limit: Int) throws -> [NotificationEntry] {
        let (clause, arguments) = unreadClause(user)
        return try fetch(db, whereClause: clause + " ORDER BY created_at DESC, id DESC LIMIT ?", arguments: arguments + [limit], ordered: true)
    }

    /// One notification by id, when it is addressed to the user (else `nil`).
    static func one(_ db: SQLDatabase, _ user: StaffMember, id: Int64) throws -> NotificationEntry? {
        let (clause, arguments) = addressedTo(user)
        return try fetch(db, whereClause: clause + " AND id = ?", arguments: arguments + [id]).first
    }

    /// How many notifications the user has not read, counted up to `cap`.
    static func unreadCount(_ db: SQLDatabase, _ user: StaffMember, upTo cap: Int) throws -> Int {
        let (clause, arguments) = unreadClause(user)
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM notification WHERE \(clause) LIMIT ?) capped",
                                arguments: arguments + [cap]) ?? 0
    }

    private static func addressedTo(_ user: StaffMember) -> (String, SQLArguments) {
        let roles = user.roles.map(\.rawValue).sorted()
        let roleClause = roles.isEmpty ? "0" : roles.map { _ in "role = ?" }.joined(separator: " OR ")
        var arguments: SQLArguments = [user.username, user.officeId]
        for role in roles { arguments += [role] }
        return ("(username = ? OR (office_id = ? AND username IS NULL AND (\(roleClause))))", arguments)
    }

    private static func unreadClause(_ user: StaffMember) -> (String, SQLArguments) {
        let (clause, arguments) = addressedTo(user)
        return (clause + " AND read_at IS NULL AND NOT EXISTS "
                + "(SELECT 1 FROM notification_read r WHERE r.notification_id = notification.id AND r.username = ?)",
                arguments + [user.username])
    }
}

/// `notify` (parameter `to` = `referrer`, `receiver` or `signatory`): a notification for that
/// party of the case, with a text that says what to do.
struct NotifyHandler: ServiceTaskHandler {
    func execute(_ call: ServiceTaskCall, _ tx: any EngineTransaction) throws -> [String: Value] {
        let db = try tx.database()
        guard let caseID = call.businessKey ?? call.variables["caseId"]?.stringValue, let stored = try CaseRows.load(db, id: caseID) else {
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
        try NotificationRows.insert(db, caseID: caseID, office: office, role: role, username: username, kind: call.elementID,
                                    text: Self.text(call.elementID, stored: stored, variables: v, db: db, at: call.at), at: call.at)
        return [:]
    }

    /// - Parameter at: when the step runs (a timer may fire late, after downtime).
    static func text(_ element: String, stored: StoredCase, variables v: [String: Value], db: SQLDatabase, at: Date) -> String {
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
