import Foundation
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

    package init(id: Int64, taskID: Int64, username: String, email: String, kind: MailNoticeKind, attempts: Int) {
        self.id = id
        self.taskID = taskID
        self.username = username
        self.email = email
        self.kind = kind
        self.attempts = attempts
    }
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
        let now = clock()
        let shared = storage.isShared
        do {
            return try tables.write { db -> Int in
                let cursor = try db.mailCursor()
                guard let lastID = cursor.lastTaskID else {
                    try db.startMailCursor(lastTaskID: try db.highestTaskID() ?? 0, overdueSince: now)
                    return 0
                }
                let overdueSince = cursor.overdueSince ?? now
                var entered = 0
                var staffByOffice: [String: [StaffMember]] = [:]
                func recipients(_ task: MailTask) throws -> [StaffMember] {
                    if let assignee = task.assignee { return try db.staff(assignee).map { [$0] } ?? [] }
                    guard let office = task.office else { return [] }
                    if staffByOffice[office] == nil { staffByOffice[office] = try db.staff(office: office) }
                    let role = task.role.flatMap(Role.init(rawValue:))
                    return (staffByOffice[office] ?? []).filter { member in role.map { member.roles.contains($0) } ?? true }
                }
                func enter(_ task: MailTask, _ kind: MailNoticeKind) throws {
                    for member in try recipients(task) {
                        guard let email = member.email, Self.isPlainAddress(email) else { continue }
                        if try db.insertMailNotice(taskID: task.id, username: member.username, kind: kind, email: email, at: now) { entered += 1 }
                    }
                }
                // New tasks by id after the cursor. SQLite has one writer, so ids become visible in
                // order. On PostgreSQL concurrent commands commit out of id order: a task with a
                // lower id can appear after a higher one was seen, and the cursor would pass it.
                // There only tasks older than `mailCommitMargin` count; commands commit long before.
                // (A completion's next task may take an id reserved up to 2 s before its insert,
                // `TaskIDReservation`: well inside the margin.)
                let settled = shared ? now.addingTimeInterval(-Self.mailCommitMargin) : nil
                let created = try db.tasksForMail(after: lastID, createdUpTo: settled, limit: batch)
                for task in created where !task.isEnded { try enter(task, .new) }
                if let last = created.last { try db.moveMailCursor(lastTaskID: last.id) }
                for task in try db.overdueTasksWithoutNotice(now: now, dueSince: overdueSince, limit: batch) { try enter(task, .overdue) }
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
        let now = clock()
        do {
            return try tables.write { try $0.leaseDueMailNotices(now: now, until: now.addingTimeInterval(Self.mailSendLease), limit: limit) }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Records a notice as sent (it is never sent again).
    public func mailNoticeSent(_ id: Int64) throws {
        let now = clock()
        do {
            try tables.write { try $0.mailNoticeSent(id: id, at: now) }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Records a failed attempt: tried again after 1, 2, 4 … minutes (at most an hour), given up
    /// after `mailMaxAttempts`.
    public func mailNoticeFailed(_ id: Int64, error message: String) throws {
        let now = clock()
        do {
            try tables.write { db in
                let attempts = (try db.mailNoticeAttempts(id: id) ?? 0) + 1
                let delay = min(3600, 60 * pow(2, Double(attempts - 1)))
                try db.mailNoticeFailed(id: id, attempts: attempts, nextAttemptAt: now.addingTimeInterval(delay), error: String(message.prefix(500)),
                                        givenUpAt: attempts >= Self.mailMaxAttempts ? now : nil)
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Notices sent, waiting and given up (for the metrics and tests).
    public func mailNoticeCounts() throws -> (sent: Int, waiting: Int, failed: Int) {
        try read { try $0.mailNoticeCounts() }
    }

    /// An address safe to put in an SMTP command: one `local@domain`, printable ASCII, no spaces or brackets.
    public static func isPlainAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x3C && $0 != 0x3E && $0 != 0x2C && $0 != 0x3B }
    }
}
