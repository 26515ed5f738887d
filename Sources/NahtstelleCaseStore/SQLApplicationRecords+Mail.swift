import Foundation
import NahtstelleCases
import NahtstelleSQL

extension SQLApplicationRecords: MailRecords {
    package func mailCursor() throws -> (lastTaskID: Int64?, overdueSince: Date?) {
        let last = try Double.fetchOne(db, sql: "SELECT value FROM mail_cursor WHERE key = 'last-task-id'")
        let since = try Double.fetchOne(db, sql: "SELECT value FROM mail_cursor WHERE key = 'overdue-since'")
        return (last.map { Int64($0) }, since.map(Date.init(timeIntervalSince1970:)))
    }

    package func startMailCursor(lastTaskID: Int64, overdueSince: Date) throws {
        try db.execute(sql: "INSERT INTO mail_cursor (key, value) VALUES ('last-task-id', ?), ('overdue-since', ?)",
                       arguments: [Double(lastTaskID), overdueSince.timeIntervalSince1970])
    }

    package func moveMailCursor(lastTaskID: Int64) throws {
        try db.execute(sql: "UPDATE mail_cursor SET value = ? WHERE key = 'last-task-id'", arguments: [Double(lastTaskID)])
    }

    package func highestTaskID() throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM task")
    }

    package func tasksForMail(after id: Int64, createdUpTo: Date?, limit: Int) throws -> [MailTask] {
        try SQLRow.fetchAll(db, sql: """
            SELECT id, office, role, assignee, ended_at FROM task WHERE id > ? AND created_at <= ? ORDER BY id LIMIT ?
            """, arguments: [id, createdUpTo?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude, limit]).map(mailTask)
    }

    package func overdueTasksWithoutNotice(now: Date, dueSince: Date, limit: Int) throws -> [MailTask] {
        try SQLRow.fetchAll(db, sql: """
            SELECT id, office, role, assignee, ended_at FROM task t
            WHERE ended_at IS NULL AND due_at IS NOT NULL AND due_at < ? AND due_at >= ?
                AND NOT EXISTS (SELECT 1 FROM mail_notice n WHERE n.task_id = t.id AND n.kind = 'overdue')
            ORDER BY due_at LIMIT ?
            """, arguments: [now.timeIntervalSince1970, dueSince.timeIntervalSince1970, limit]).map(mailTask)
    }

    private func mailTask(_ row: SQLRow) -> MailTask {
        MailTask(id: row["id"], office: row["office"], role: row["role"], assignee: row["assignee"], isEnded: (row["ended_at"] as Double?) != nil)
    }

    package func insertMailNotice(taskID: Int64, username: String, kind: MailNoticeKind, email: String, at: Date) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO mail_notice (task_id, username, kind, email, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, arguments: [taskID, username, kind.rawValue, email, at.timeIntervalSince1970, at.timeIntervalSince1970])
        return db.changesCount > 0
    }

    package func leaseDueMailNotices(now: Date, until: Date, limit: Int) throws -> [MailNotice] {
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT * FROM mail_notice WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
            ORDER BY next_attempt_at, id LIMIT ?\(db.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : "")
            """, arguments: [now.timeIntervalSince1970, limit])
        for row in rows {
            try db.execute(sql: "UPDATE mail_notice SET next_attempt_at = ? WHERE id = ?", arguments: [until.timeIntervalSince1970, row.value("id")])
        }
        return rows.compactMap { row in
            MailNoticeKind(rawValue: row["kind"]).map {
                MailNotice(id: row["id"], taskID: row["task_id"], username: row["username"], email: row["email"], kind: $0, attempts: row["attempts"])
            }
        }
    }

    package func mailNoticeSent(id: Int64, at: Date) throws {
        try db.execute(sql: "UPDATE mail_notice SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                       arguments: [at.timeIntervalSince1970, id])
    }

    package func mailNoticeAttempts(id: Int64) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT attempts FROM mail_notice WHERE id = ?", arguments: [id])
    }

    package func mailNoticeFailed(id: Int64, attempts: Int, nextAttemptAt: Date, error: String, givenUpAt: Date?) throws {
        try db.execute(sql: "UPDATE mail_notice SET attempts = ?, next_attempt_at = ?, last_error = ?, failed_at = ? WHERE id = ?",
                       arguments: [attempts, nextAttemptAt.timeIntervalSince1970, error, givenUpAt?.timeIntervalSince1970, id])
    }

    package func mailNoticeCounts() throws -> (sent: Int, waiting: Int, failed: Int) {
        let row = try SQLRow.fetchOne(db, sql: """
            SELECT COUNT(sent_at), COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), COUNT(failed_at) FROM mail_notice
            """)
        return ((row?[0] as Int?) ?? 0, (row?[1] as Int?) ?? 0, (row?[2] as Int?) ?? 0)
    }
}
