import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// A follow-up date ("Wiedervorlage") of one user on a task or a case: hidden from that user's
/// inbox or case list until `until` (shown again from that day on).
public struct FollowUp: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case task(Int64)
        case `case`(String)
    }
    public var target: Target
    public var until: LocalDate
    public var setAt: Date

    package init(target: Target, until: LocalDate, setAt: Date) {
        self.target = target
        self.until = until
        self.setAt = setAt
    }
}

/// Which tasks or cases with a follow-up date a list shows.
public enum FollowUpView: String, Sendable, CaseIterable {
    /// Those waiting for a follow-up date are left out (the default).
    case hide
    /// All, waiting or not.
    case show
    /// Only those waiting.
    case only
}

/// A note on a case: both offices of the case read it; never changed.
public struct CaseNote: Sendable, Hashable {
    public var id: Int64
    public var caseId: String
    public var author: String
    public var authorName: String?
    public var officeId: String
    public var text: String
    public var createdAt: Date

    package init(id: Int64, caseId: String, author: String, authorName: String?, officeId: String, text: String, createdAt: Date) {
        self.id = id
        self.caseId = caseId
        self.author = author
        self.authorName = authorName
        self.officeId = officeId
        self.text = text
        self.createdAt = createdAt
    }
}

/// A saved inbox filter of one user.
public struct SavedFilter: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var role: Role?
    public var process: String?
    public var due: TaskFilter.Due?
    public var assignee: TaskFilter.Assignee?
    public var savedAt: Date

    package init(id: Int64, name: String, role: Role?, process: String?, due: TaskFilter.Due?, assignee: TaskFilter.Assignee?,
                 savedAt: Date) {
        self.id = id
        self.name = name
        self.role = role
        self.process = process
        self.due = due
        self.assignee = assignee
        self.savedAt = savedAt
    }
}

/// A notification as one user sees it (read or not by them).
public struct UserNotification: Sendable, Hashable {
    public var entry: NotificationEntry
    public var isRead: Bool
}

/// The advisors' desk: notifications, follow-up dates, notes on cases, saved filters.
extension OptimaService {
    // MARK: Notifications

    /// The caller's notifications (to them, or to a role they hold in their office): unread first,
    /// then newest first. Each person reads a notification to a role for themself.
    public func notificationList(by username: String, unreadOnly: Bool = false, limit: Int = 100) throws -> [UserNotification] {
        let user = try staff(username)
        let limit = max(1, min(limit, 500))
        return try read { db in
            if unreadOnly {
                return try db.unreadNotifications(for: user, limit: limit).map { UserNotification(entry: $0, isRead: false) }
            }
            let entries = try db.notifications(for: user, unreadOnly: false)
            guard !entries.isEmpty else { return [] }
            let receipts = try db.notificationsRead(by: user.username)
            let all = entries.map { UserNotification(entry: $0, isRead: $0.readAt != nil || receipts.contains($0.id)) }
            let ordered = all.filter { !$0.isRead } + (unreadOnly ? [] : all.filter(\.isRead))
            return Array(ordered.prefix(limit))
        }
    }

    /// Marks one of the caller's notifications as read (for the caller); `notFound` for any other.
    public func markNotificationRead(by username: String, id: Int64) throws {
        let user = try staff(username)
        let notice = try read { try $0.notification(id: id, for: user) }
        guard let notice else {
            throw CaseServiceError(.notFound, "Mitteilung \(id) nicht gefunden: Sie sehen nur Mitteilungen an Sie und an Ihre Rollen "
                                   + "Ihrer Stelle. Bitte die Liste neu laden.", field: "id")
        }
        _ = try perform(user.username, "read-notification", caseOf: { _ in notice.caseId }) { cmd, db in
            try db.markNotificationRead(id: id, username: user.username, at: cmd.now)
        }
    }

    /// Marks every notification of the caller as read (for the caller); returns how many were unread.
    @discardableResult
    public func markAllNotificationsRead(by username: String) throws -> Int {
        let user = try staff(username)
        let unread = try notificationList(by: username, unreadOnly: true, limit: 500).map(\.entry.id)
        guard !unread.isEmpty else { return 0 }
        _ = try perform(user.username, "read-notifications", caseOf: { _ in nil }) { cmd, db in
            for id in unread {
                try db.markNotificationRead(id: id, username: user.username, at: cmd.now)
            }
        }
        return unread.count
    }

    // MARK: Follow-up dates

    /// The latest follow-up date a user may set: one year ahead.
    static let followUpMaxDays = 366

    func checkFollowUp(_ until: LocalDate) throws {
        let today = self.today
        guard until > today else {
            throw CaseServiceError(.invalidInput, "Die Wiedervorlage (\(until.swissFormatted)) muss nach heute (\(today.swissFormatted)) liegen. "
                                   + "Bitte ein späteres Datum wählen oder die Wiedervorlage löschen.", field: "until")
        }
        guard until <= today.adding(days: Self.followUpMaxDays) else {
            throw CaseServiceError(.invalidInput, "Die Wiedervorlage (\(until.swissFormatted)) liegt mehr als ein Jahr in der Zukunft. "
                                   + "Bitte ein Datum bis \(today.adding(days: Self.followUpMaxDays).swissFormatted) wählen.", field: "until")
        }
    }

    /// Sets (or moves) the caller's follow-up date on a task they may see: the task leaves their
    /// inbox until that day.
    @discardableResult
    public func setTaskFollowUp(by username: String, taskID: Int64, until: LocalDate) throws -> FollowUp {
        let user = try staff(username)
        let task = try visibleTask(user, taskID)
        guard task.state.isOpen else {
            throw CaseServiceError(.conflict, "Die Aufgabe «\(task.name ?? task.elementID)» ist erledigt; eine Wiedervorlage braucht es nicht mehr.")
        }
        try checkFollowUp(until)
        let (followUp, _) = try perform(user.username, "set-follow-up", caseOf: { _ in task.businessKey }) { cmd, db -> FollowUp in
            let followUp = FollowUp(target: .task(taskID), until: until, setAt: cmd.now)
            try db.saveFollowUp(followUp, username: user.username)
            return followUp
        }
        return followUp
    }

    /// Removes the caller's follow-up date on a task (nothing happens when there is none).
    public func clearTaskFollowUp(by username: String, taskID: Int64) throws {
        let user = try staff(username)
        let task = try visibleTask(user, taskID)
        _ = try perform(user.username, "clear-follow-up", caseOf: { _ in task.businessKey }) { _, db in
            try db.deleteFollowUp(.task(taskID), username: user.username)
        }
    }

    /// Sets (or moves) the caller's follow-up date on a case they may see: the case leaves their
    /// case list until that day.
    @discardableResult
    public func setCaseFollowUp(by username: String, caseID: String, until: LocalDate) throws -> FollowUp {
        let user = try staff(username)
        _ = try visibleCase(user, caseID)
        try checkFollowUp(until)
        let (followUp, _) = try perform(user.username, "set-follow-up", caseOf: { _ in caseID }) { cmd, db -> FollowUp in
            let followUp = FollowUp(target: .case(caseID), until: until, setAt: cmd.now)
            try db.saveFollowUp(followUp, username: user.username)
            return followUp
        }
        return followUp
    }

    /// Removes the caller's follow-up date on a case.
    public func clearCaseFollowUp(by username: String, caseID: String) throws {
        let user = try staff(username)
        _ = try visibleCase(user, caseID)
        _ = try perform(user.username, "clear-follow-up", caseOf: { _ in caseID }) { _, db in
            try db.deleteFollowUp(.case(caseID), username: user.username)
        }
    }

    /// The caller's follow-up dates still ahead (today or later hidden ones), soonest first.
    public func followUps(by username: String) throws -> [FollowUp] {
        let user = try staff(username)
        let today = self.today
        return try read { try $0.followUps(username: user.username, after: today) }
    }

    /// A task the user may see, else `notFound`.
    func visibleTask(_ user: StaffMember, _ taskID: Int64) throws -> TaskRecord {
        guard let task = try engine.task(id: taskID), AccessPolicy.canSeeTask(user.user, task) else {
            throw CaseServiceError(.notFound, "Aufgabe \(taskID) nicht gefunden: Sie sehen nur Aufgaben Ihrer Stelle und Rolle. "
                                   + "Bitte die Aufgabenliste neu laden.", field: "id")
        }
        return task
    }

    // MARK: Notes

    /// The longest note.
    public static let noteMaxLength = 4000

    /// Adds a note to a case the caller may see; both offices of the case read it. Notes are
    /// never changed: a correction is a new note.
    @discardableResult
    public func addCaseNote(by username: String, caseID: String, text: String) throws -> CaseNote {
        let user = try staff(username)
        _ = try visibleCase(user, caseID)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw CaseServiceError(.invalidInput, "Die Notiz ist leer. Bitte einen Text eingeben.", field: "text")
        }
        guard trimmed.count <= Self.noteMaxLength else {
            throw CaseServiceError(.invalidInput, "Die Notiz ist \(trimmed.count) Zeichen lang; erlaubt sind höchstens \(Self.noteMaxLength). "
                                   + "Bitte kürzen oder auf zwei Notizen verteilen.", field: "text")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" && $0 != "\r" })
        else {
            throw CaseServiceError(.invalidInput, "Die Notiz enthält Steuerzeichen. Bitte nur Text, Zeilenumbrüche und Tabulatoren verwenden.",
                                   field: "text")
        }
        let (note, _) = try perform(user.username, "add-note", caseOf: { _ in caseID }) { cmd, db -> CaseNote in
            let id = try db.insertCaseNote(caseID: caseID, author: user.username, officeID: user.officeId, text: trimmed, at: cmd.now)
            try Self.appendCaseHistory(cmd, db, caseID: caseID, command: "add-note", elementID: nil,
                                       details: ["noteId": .number(Decimal(id)), "office": .string(user.officeId)])
            return CaseNote(id: id, caseId: caseID, author: user.username, authorName: user.displayName, officeId: user.officeId,
                            text: trimmed, createdAt: cmd.now)
        }
        return note
    }

    /// An entry of the case's timeline for a command of the desk. The history is read per process
    /// instance: the entry goes to the case's OPTIMA instance.
    static func appendCaseHistory(_ cmd: EngineCommand, _ db: any ApplicationRecords, caseID: String, command: String, elementID: String?,
                                  details: [String: Value]) throws {
        let instance = try db.optimaInstanceID(caseID: caseID)
        try cmd.transaction.appendHistory(HistoryRecord(at: cmd.now, actor: cmd.actor, command: command, instanceID: instance, businessKey: caseID,
                                                        taskID: nil, elementID: elementID, details: Value.context(details).jsonString(tagged: false)))
    }

    /// The notes of a case the caller may see, oldest first (the read is logged).
    public func caseNotes(by username: String, caseID: String) throws -> [CaseNote] {
        let user = try staff(username)
        _ = try visibleCase(user, caseID)
        try logAccess(username, "view-notes", caseID: caseID)
        return try read { try $0.caseNotes(caseID: caseID) }
    }

    // MARK: Saved filters

    /// The caller's saved inbox filters, by name.
    public func savedFilters(by username: String) throws -> [SavedFilter] {
        let user = try staff(username)
        return try read { try $0.savedFilters(username: user.username) }
    }

    /// Saves an inbox filter under a name; a filter of the same name is replaced.
    @discardableResult
    public func saveFilter(by username: String, name: String, role: Role? = nil, process: String? = nil, due: TaskFilter.Due? = nil,
                           assignee: TaskFilter.Assignee? = nil) throws -> SavedFilter {
        let user = try staff(username)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [CaseServiceError.FieldError] = []
        if name.isEmpty { errors.append(.init(field: "name", code: "required", message: "Name: Angabe fehlt.")) }
        if name.count > 60 { errors.append(.init(field: "name", code: "tooLong", message: "Name: höchstens 60 Zeichen.")) }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            errors.append(.init(field: "name", code: "invalid", message: "Name: keine Steuerzeichen."))
        }
        if let role, !user.roles.contains(role) {
            errors.append(.init(field: "role", code: "notAllowed", message: "Rolle: Sie haben die Rolle «\(role.rawValue)» nicht. Ihre Rollen: "
                                + user.roles.map(\.rawValue).sorted().joined(separator: ", ") + "."))
        }
        if let process, process.isEmpty || process.utf8.count > 64 || !process.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) {
            errors.append(.init(field: "process", code: "invalid", message: "Prozess: eine Prozess-Kennung wie optima-alv (Kleinbuchstaben, Ziffern, -)."))
        }
        guard errors.isEmpty else {
            throw CaseServiceError(.invalidForm, "Der Filter kann nicht gespeichert werden: " + errors.map(\.message).joined(separator: " "),
                                   fieldErrors: errors)
        }
        let (saved, _) = try perform(user.username, "save-filter", caseOf: { _ in nil }) { cmd, db -> SavedFilter in
            guard let saved = try db.saveFilter(username: user.username, name: name, role: role, process: process, due: due, assignee: assignee,
                                                at: cmd.now)
            else { throw CaseServiceError(.processFailed, "Der Filter «\(name)» wurde nicht gespeichert.") }
            return saved
        }
        return saved
    }

    /// Deletes one of the caller's saved filters; `notFound` for any other id.
    public func deleteFilter(by username: String, id: Int64) throws {
        let user = try staff(username)
        _ = try perform(user.username, "delete-filter", caseOf: { _ in nil }) { _, db in
            if try !db.deleteFilter(id: id, username: user.username) {
                throw CaseServiceError(.notFound, "Filter \(id) nicht gefunden: Sie sehen nur Ihre eigenen Filter. Bitte die Liste neu laden.",
                                       field: "id")
            }
        }
    }

    /// The task filter a saved filter stands for.
    public func taskFilter(_ saved: SavedFilter, limit: Int = 50) -> TaskFilter {
        TaskFilter(role: saved.role, process: saved.process, due: saved.due, assignee: saved.assignee, limit: limit)
    }
}
