import Foundation
import NahtstelleCases
import NahtstelleOptima
import NahtstelleSQL

extension SQLApplicationRecords: NotificationRecords {
    package func insertNotification(caseID: String?, office: String, role: Role?, username: String?, kind: String, text: String,
                       at: Date) throws {
        try db.execute(sql: """
            INSERT INTO notification (case_id, office_id, role, username, kind, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [caseID, office, role?.rawValue, username, kind, text, at.timeIntervalSince1970])
    }

    private func fetch(whereClause: String, arguments: SQLArguments, ordered: Bool = false) throws -> [NotificationEntry] {
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
    package func notifications(for user: StaffMember, unreadOnly: Bool) throws -> [NotificationEntry] {
        let (clause, arguments) = addressedTo(user)
        return try fetch(whereClause: clause + (unreadOnly ? " AND read_at IS NULL" : ""), arguments: arguments)
    }

    /// The user's unread notifications, newest first, at most `limit`: unread by the person
    /// (a notification to a role is read per person), filtered in SQL instead of loading every
    /// notification the office ever had.
    package func unreadNotifications(for user: StaffMember, limit: Int) throws -> [NotificationEntry] {
        let (clause, arguments) = unreadClause(user)
        return try fetch(whereClause: clause + " ORDER BY created_at DESC, id DESC LIMIT ?", arguments: arguments + [limit], ordered: true)
    }

    /// One notification by id, when it is addressed to the user (else `nil`).
    package func notification(id: Int64, for user: StaffMember) throws -> NotificationEntry? {
        let (clause, arguments) = addressedTo(user)
        return try fetch(whereClause: clause + " AND id = ?", arguments: arguments + [id]).first
    }

    /// How many notifications the user has not read, counted up to `cap`.
    package func unreadNotificationCount(for user: StaffMember, upTo cap: Int) throws -> Int {
        let (clause, arguments) = unreadClause(user)
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM notification WHERE \(clause) LIMIT ?) capped",
                                arguments: arguments + [cap]) ?? 0
    }

    private func addressedTo(_ user: StaffMember) -> (String, SQLArguments) {
        let roles = user.roles.map(\.rawValue).sorted()
        let roleClause = roles.isEmpty ? "0" : roles.map { _ in "role = ?" }.joined(separator: " OR ")
        var arguments: SQLArguments = [user.username, user.officeId]
        for role in roles { arguments += [role] }
        return ("(username = ? OR (office_id = ? AND username IS NULL AND (\(roleClause))))", arguments)
    }

    private func unreadClause(_ user: StaffMember) -> (String, SQLArguments) {
        let (clause, arguments) = addressedTo(user)
        return (clause + " AND read_at IS NULL AND NOT EXISTS "
                + "(SELECT 1 FROM notification_read r WHERE r.notification_id = notification.id AND r.username = ?)",
                arguments + [user.username])
    }

    package func notifications(caseID: String) throws -> [NotificationEntry] {
        try fetch(whereClause: "case_id = ?", arguments: [caseID])
    }

    /// The notifications one person has read (a notification to a role is read per person).
    package func notificationsRead(by username: String) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: "SELECT notification_id FROM notification_read WHERE username = ?", arguments: [username]))
    }

    package func markNotificationRead(id: Int64, username: String, at: Date) throws {
        try db.execute(sql: "INSERT INTO notification_read (notification_id, username, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       arguments: [id, username, at.timeIntervalSince1970])
    }

    package func setNotificationRead(id: Int64, at: Date) throws {
        try db.execute(sql: "UPDATE notification SET read_at = ? WHERE id = ? AND read_at IS NULL", arguments: [at.timeIntervalSince1970, id])
    }
}
