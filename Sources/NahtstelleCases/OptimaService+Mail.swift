import Foundation
import NahtstelleSQL
import NahtstelleOptima

/// Why a person gets an e-mail notice of a task.
public enum MailNoticeKind: String, Sendable, CaseIterable {
    case new
    case overdue
}

/// An e-mail notice waiting to be sent: it names no person and no case, only the task's link.
public struct MailNotice: Sendable, Hashable {
    public var id: Int64
    public var taskID: Int64
    public var username: String
    public var email: String
    public var kind: MailNoticeKind
    public var attempts: Int
}

/// The text of a notice: deliberately without personal data (no client, no case id, no task
/// name) — e-mail leaves the canton's network unencrypted; the link leads to the signed-in page.
public enum MailNoticeText {
    public static func subject(_ kind: MailNoticeKind) -> String {
        switch kind {
        case .new: "Nahtstelle: neue Aufgabe"
        case .overdue: "Nahtstelle: Aufgabe überfällig"
        }
    }

    public static func body(_ kind: MailNoticeKind, taskID: Int64, baseURL: String) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let what = switch kind {
        case .new: "In Nahtstelle wartet eine neue Aufgabe auf Sie oder Ihr Team."
        case .overdue: "In Nahtstelle ist eine Aufgabe für Sie oder Ihr Team überfällig."
        }
        return """
            Guten Tag

            \(what)

            Aufgabe öffnen: \(base)/tasks/\(taskID)
            Aufgabenliste: \(base)/inbox

            Diese Nachricht enthält absichtlich keine Angaben zu Personen oder Fällen. Sie wurde automatisch versandt; bitte nicht antworten.
            """
    }
}

extension OptimaService {
    /// How often a notice is tried before it is given up.
    public static let mailMaxAttempts = 12
    /// On PostgreSQL, how old a new task must be before its notice is entered (see `collectMailNotices`).
    public static let mailCommitMargin: TimeInterval = 30
    /// How long a node holds the notices it took for sending (see `claimDueMailNotices`).
    public static let mailSendLease: TimeInterval = 120

    /// Enters the notices of tasks created or overdue since the last call (each task, person and
    /// kind once). The first call only marks where to start: tasks from before notices were turned
    /// on are not announced. Returns how many notices were entered.
    @discardableResult
    public func collectMailNotices(batch: Int = 500) throws -> Int {
        let now = clock().timeIntervalSince1970
        do {
            return try tables.write { db -> Int in
                let lastID = try Double.fetchOne(db, sql: "SELECT value FROM mail_cursor WHERE key = 'last-task-id'")
                guard let lastID else {
                    let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM task") ?? 0
                    try db.execute(sql: "INSERT INTO mail_cursor (key, value) VALUES ('last-task-id', ?), ('overdue-since', ?)",
                                   arguments: [Double(maxID), now])
                    return 0
                }
                let overdueSince = try Double.fetchOne(db, sql: "SELECT value FROM mail_cursor WHERE key = 'overdue-since'") ?? now
                var entered = 0
                var staffByOffice: [String: [StaffMember]] = [:]
                func recipients(_ row: SQLRow) throws -> [StaffMember] {
                    if let assignee: String = row["assignee"] { return try Directory.staff(db, assignee).map { [$0] } ?? [] }
                    guard let office: String = row["office"] else { return [] }
                    if staffByOffice[office] == nil { staffByOffice[office] = try Directory.staff(db, office: office) }
                    let role = (row["role"] as String?).flatMap(Role.init(rawValue:))
                    return (staffByOffice[office] ?? []).filter { member in role.map { member.roles.contains($0) } ?? true }
                }
                func enter(_ row: SQLRow, _ kind: MailNoticeKind) throws {
                    for member in try recipients(row) {
                        guard let email = member.email, Self.isPlainAddress(email) else { continue }
                        try db.execute(sql: """
                            INSERT INTO mail_notice (task_id, username, kind, email, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)
                            ON CONFLICT DO NOTHING
                            """, arguments: [row.value("id"), member.username, kind.rawValue, email, now, now])
                        entered += db.changesCount
                    }
                }
                // New tasks by id after the cursor. SQLite has one writer, so ids become visible in
                // order. On PostgreSQL concurrent commands commit out of id order: a task with a
                // lower id can appear after a higher one was seen, and the cursor would pass it.
                // There only tasks older than `mailCommitMargin` count; commands commit long before.
                let settled = db.dialect == .postgres ? now - Self.mailCommitMargin : Double.greatestFiniteMagnitude
                let created = try SQLRow.fetchAll(db, sql: """
                    SELECT id, office, role, assignee, ended_at FROM task WHERE id > ? AND created_at <= ? ORDER BY id LIMIT ?
                    """, arguments: [Int64(lastID), settled, batch])
                for row in created where (row["ended_at"] as Double?) == nil { try enter(row, .new) }
                if let last = created.last {
                    try db.execute(sql: "UPDATE mail_cursor SET value = ? WHERE key = 'last-task-id'", arguments: [Double(last["id"] as Int64)])
                }
                let overdue = try SQLRow.fetchAll(db, sql: """
                    SELECT id, office, role, assignee FROM task t
                    WHERE ended_at IS NULL AND due_at IS NOT NULL AND due_at < ? AND due_at >= ?
                        AND NOT EXISTS (SELECT 1 FROM mail_notice n WHERE n.task_id = t.id AND n.kind = 'overdue')
                    ORDER BY due_at LIMIT ?
                    """, arguments: [now, overdueSince, batch])
                for row in overdue { try enter(row, .overdue) }
                return entered
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Takes the notices due to be sent now (oldest first) for this node: each is held for
    /// `mailSendLease` (its next attempt moved that far), so that other nodes sharing the database
    /// do not send it too; `mailNoticeSent` or `mailNoticeFailed` settles it. A node that dies
    /// while sending leaves it due again when the lease ends (a notice may then go out twice —
    /// at least once, never lost). On PostgreSQL rows another node is taking are skipped.
    public func claimDueMailNotices(limit: Int = 50) throws -> [MailNotice] {
        let now = clock().timeIntervalSince1970
        do {
            return try tables.write { db in
                let rows = try SQLRow.fetchAll(db, sql: """
                    SELECT * FROM mail_notice WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
                    ORDER BY next_attempt_at, id LIMIT ?\(db.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : "")
                    """, arguments: [now, limit])
                for row in rows {
                    try db.execute(sql: "UPDATE mail_notice SET next_attempt_at = ? WHERE id = ?", arguments: [now + Self.mailSendLease, row.value("id")])
                }
                return rows.compactMap { row in
                    MailNoticeKind(rawValue: row["kind"]).map {
                        MailNotice(id: row["id"], taskID: row["task_id"], username: row["username"], email: row["email"], kind: $0,
                                   attempts: row["attempts"])
                    }
                }
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Records a notice as sent (it is never sent again).
    public func mailNoticeSent(_ id: Int64) throws {
        let now = clock().timeIntervalSince1970
        do {
            try tables.write { db in
                try db.execute(sql: "UPDATE mail_notice SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", arguments: [now, id])
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Records a failed attempt: tried again after 1, 2, 4 … minutes (at most an hour), given up
    /// after `mailMaxAttempts`.
    public func mailNoticeFailed(_ id: Int64, error message: String) throws {
        let now = clock().timeIntervalSince1970
        do {
            try tables.write { db in
                let attempts = (try Int.fetchOne(db, sql: "SELECT attempts FROM mail_notice WHERE id = ?", arguments: [id]) ?? 0) + 1
                let delay = min(3600, 60 * pow(2, Double(attempts - 1)))
                try db.execute(sql: """
                    UPDATE mail_notice SET attempts = ?, next_attempt_at = ?, last_error = ?, failed_at = ? WHERE id = ?
                    """, arguments: [attempts, now + delay, String(message.prefix(500)), attempts >= Self.mailMaxAttempts ? now : nil, id])
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Notices sent, waiting and given up (for the metrics and tests).
    public func mailNoticeCounts() throws -> (sent: Int, waiting: Int, failed: Int) {
        try read { db in
            let row = try SQLRow.fetchOne(db, sql: """
                SELECT COUNT(sent_at), COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), COUNT(failed_at) FROM mail_notice
                """)
            return ((row?[0] as Int?) ?? 0, (row?[1] as Int?) ?? 0, (row?[2] as Int?) ?? 0)
        }
    }

    /// An address safe to put in an SMTP command: one `local@domain`, printable ASCII, no spaces or brackets.
    public static func isPlainAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x3C && $0 != 0x3E && $0 != 0x2C && $0 != 0x3B }
    }
}
