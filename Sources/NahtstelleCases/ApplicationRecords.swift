import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// The application's tables, as the OPTIMA application reaches them inside one transaction of
/// its store (see `ApplicationStorage`): the repository of everything the application keeps
/// beside the engine's records. Only `NahtstelleCaseStore` implements it (on SQLite and
/// PostgreSQL) and only it knows the tables and their SQL; the commands here decide what to read
/// and write, and in which transaction.
///
/// A value is valid only inside the transaction it was made for; in a read transaction its
/// writes fail.
package protocol ApplicationRecords: DirectoryRecords, AccessLogRecords, AuthRecords, SettingsRecords,
    NotificationRecords, DeskRecords, CaseRecords, DocumentRecords, TemplateRecords,
    OutboxRecords, ProcessStatisticsRecords, MailRecords {}

/// The append-only access log.
package protocol AccessLogRecords {
    /// Records inside the open write transaction (writes of case data log with their change).
    func insertAccess(_ entry: AccessEntry) throws
    /// Entries newest first, filtered (each filter optional), at most `limit` (`nil`: all).
    func accessEntries(caseID: String?, username: String?, from: Date?, to: Date?, limit: Int?) throws -> [AccessEntry]
}

/// Offices and users.
package protocol DirectoryRecords {
    func office(_ id: String) throws -> OfficeEntry?
    /// Every office, by type and name.
    func offices() throws -> [OfficeEntry]
    func staff(_ username: String) throws -> StaffMember?
    /// The users of an office, by name.
    func staff(office: String) throws -> [StaffMember]
    /// Every user, by office and name.
    func allStaff() throws -> [StaffMember]
    /// Inserts or replaces an office (idempotent seeding).
    func save(_ office: OfficeEntry) throws
    /// Inserts or replaces a user and their roles (idempotent seeding).
    func save(_ member: StaffMember) throws
}

/// Passwords (bcrypt hashes), sessions (token hashes) and sign-in attempts of the server.
package protocol AuthRecords {
    /// Stores a password hash for a user (replacing one).
    func savePasswordHash(_ hash: String, username: String, at: Date) throws
    /// Stores a password hash for an existing user who has none; whether it did.
    func insertPasswordHashIfMissing(_ hash: String, username: String, at: Date) throws -> Bool
    func passwordHash(username: String) throws -> String?
    func insertSession(_ session: SessionRecord, clientAddress: String?) throws
    func session(tokenHash: String) throws -> SessionRecord?
    func touchSession(tokenHash: String, at: Date) throws
    func deleteSession(tokenHash: String) throws
    /// Every session of a user (a new password ends them).
    func deleteSessions(username: String) throws
    /// The expired sessions of everyone.
    func deleteSessions(lastSeenBefore: Date, createdBefore: Date) throws
    /// Counts a sign-in attempt of a user from an address before its password is checked, and
    /// returns the attempts of the current window including this one. A window that started
    /// before `windowStartsAfter` starts anew at `at`. Concurrent attempts of the same user and
    /// address are counted one after the other, on every node.
    func takeLoginAttempt(username: String, clientAddress: String, at: Date, windowStartsAfter: Date) throws -> Int
    /// The counters of windows started before an instant (the table stays small).
    func deleteLoginAttempts(windowStartedBefore: Date) throws
    /// A successful sign-in forgets the attempts of its user and address.
    func deleteLoginAttempts(username: String, clientAddress: String) throws
}

/// The installation's settings (key and value as text).
package protocol SettingsRecords {
    func settingValues() throws -> [String: String]
    /// Sets one value (inserting or replacing it), with who changed it when.
    func saveSetting(key: String, value: String, by actor: String, at: Date) throws
}

/// Notifications to a person or to a role of an office, and who has read them.
package protocol NotificationRecords {
    func insertNotification(caseID: String?, office: String, role: Role?, username: String?, kind: String, text: String, at: Date) throws
    /// What a user sees: addressed to them, or to a role they hold in their office; newest first.
    func notifications(for user: StaffMember, unreadOnly: Bool) throws -> [NotificationEntry]
    /// The user's notifications unread by them (a notification to a role is read per person), newest first.
    func unreadNotifications(for user: StaffMember, limit: Int) throws -> [NotificationEntry]
    /// One notification, when it is addressed to the user.
    func notification(id: Int64, for user: StaffMember) throws -> NotificationEntry?
    /// How many notifications the user has not read, counted up to `cap`.
    func unreadNotificationCount(for user: StaffMember, upTo cap: Int) throws -> Int
    /// Every notification about a case, newest first.
    func notifications(caseID: String) throws -> [NotificationEntry]
    /// The ids of the notifications a person has read.
    func notificationsRead(by username: String) throws -> Set<Int64>
    /// Marks a notification read for one person (again: nothing changes).
    func markNotificationRead(id: Int64, username: String, at: Date) throws
    /// Marks a notification read for everyone it is addressed to (when not read yet).
    func setNotificationRead(id: Int64, at: Date) throws
}

/// The advisors' desk: follow-up dates, notes on cases, saved inbox filters.
package protocol DeskRecords {
    /// Sets (or moves) a user's follow-up date on a task or case.
    func saveFollowUp(_ followUp: FollowUp, username: String) throws
    func deleteFollowUp(_ target: FollowUp.Target, username: String) throws
    /// A user's follow-up dates after `day`, soonest first.
    func followUps(username: String, after day: LocalDate) throws -> [FollowUp]
    /// The tasks a user has put on follow-up until after `day`, with their dates.
    func hiddenTasks(username: String, after day: LocalDate) throws -> [Int64: LocalDate]
    /// Adds a note (never changed afterwards); returns its id.
    func insertCaseNote(caseID: String, author: String, officeID: String, text: String, at: Date) throws -> Int64
    /// The notes of a case, oldest first, with their authors' names.
    func caseNotes(caseID: String) throws -> [CaseNote]
    /// A user's saved filters, by name.
    func savedFilters(username: String) throws -> [SavedFilter]
    /// Saves a filter, replacing one of the same name; returns it as stored.
    func saveFilter(username: String, name: String, role: Role?, process: String?, due: TaskFilter.Due?, assignee: TaskFilter.Assignee?,
                    at: Date) throws -> SavedFilter?
    /// Deletes a user's filter; whether there was one.
    func deleteFilter(id: Int64, username: String) throws -> Bool
}

/// Which cases `CaseRecords.cases` reads (each with its cost approvals and measures).
package enum CaseSelection: Sendable {
    case all
    /// The cases of an office as referrer or receiver.
    case office(String)
    /// The cases applied for up to a day.
    case appliedUpTo(LocalDate)
    case ids([String])
}

/// A page of a user's case list: newest case id first.
package struct CaseListQuery: Sendable {
    /// The user's office: referrer or receiver of the case.
    package var officeID: String
    package var state: CaseState?
    /// Part of the case id, the person's name ("Name Vorname") or AHV number; case-blind.
    package var search: String?
    /// Only case ids before this one (the cursor).
    package var before: String?
    /// Cases the user put on follow-up until after `today`: hidden, shown, or the only ones.
    package var followUp: FollowUpView
    package var username: String
    package var today: LocalDate
    package var limit: Int
}

/// A cost approval as requested (`CaseRecords.insertCostApproval`).
package struct NewCostApproval: Sendable {
    package var caseID: String
    package var measure: String?
    package var provider: String
    package var providerAddress: String?
    package var periodFrom: LocalDate
    package var periodTo: LocalDate
    /// Cost positions as the form gave them.
    package var positions: [Value]
    package var amount: Decimal
    package var payingOfficeID: String?
    package var requestedAt: LocalDate
    package var requestedBy: String
    package var signatureDue: LocalDate
}

/// Cases, their cost approvals and their measures. The case facts that change after submission
/// are written together (`updateLifecycle`); the CHECKs of the tables guard the rules a bug
/// above could break (no booking without an approved Kostengutsprache).
package protocol CaseRecords {
    /// Whether any OPTIMA case is stored.
    func holdsCases() throws -> Bool
    func loadCase(id: String) throws -> StoredCase?
    /// The selected cases, by application date and id.
    func cases(_ selection: CaseSelection) throws -> [StoredCase]
    /// The ids of one page of a case list.
    func caseIDs(_ query: CaseListQuery) throws -> [String]
    /// The person's name ("Name Vorname") and the process of a case, for lists of tasks.
    func caseHeading(id: String) throws -> (personName: String, process: ProcessKind)?
    /// The highest case id starting with `prefix` (`OPT-2026-`).
    func lastCaseID(prefix: String) throws -> String?
    func insertCase(_ stored: StoredCase) throws
    /// Writes the lifecycle facts of a case (everything that changes after submission);
    /// `notFound` for an unknown case.
    func updateLifecycle(_ c: OptimaCase) throws
    func updatePlannedMonths(caseID: String, to months: PlannedMonths) throws
    func optimaInstanceID(caseID: String) throws -> Int64?
    func linkOptimaInstance(caseID: String, instanceID: Int64) throws
    /// Links a reduced procedure's instance to its case (the first one only).
    func linkReducedInstance(caseID: String, instanceID: Int64) throws
    func usernames() throws -> [String]
    /// The first case of a person (by AHV number).
    func firstCaseID(ahvNumber: String) throws -> String?

    func costApprovals(caseID: String) throws -> [CostApprovalEntry]
    func costApproval(id: Int64) throws -> CostApprovalEntry?
    func insertCostApproval(_ approval: NewCostApproval) throws -> Int64
    func decideCostApproval(id: Int64, decision: String?, at: LocalDate, by name: String, note: String?) throws
    func bookCostApproval(id: Int64, at: LocalDate, by username: String, measureStart: LocalDate?, measureEnd: LocalDate?) throws
    func forwardCostApprovalInvoice(id: Int64, number: String?, date: LocalDate?, amount: Decimal?, at: LocalDate) throws
    func payCostApproval(id: Int64, at: LocalDate, amount: Decimal?) throws

    func ownEntitlementMeasures(caseID: String) throws -> [OwnEntitlementMeasureEntry]
    func ownEntitlementMeasure(id: Int64) throws -> OwnEntitlementMeasureEntry?
    func insertOwnEntitlementMeasure(caseID: String, measure: String?, provider: String?, providerAddress: String?, periodFrom: LocalDate,
                                     periodTo: LocalDate, amount: Decimal, payingOfficeID: String, fundingReason: String, bookedAt: LocalDate,
                                     bookedBy: String) throws -> Int64
}

/// The generated documents of cases (append-only: a new version, never a changed one).
package protocol DocumentRecords {
    /// The highest version of a template's document in a case.
    func lastDocumentVersion(caseID: String, template: String) throws -> Int?
    /// Stores a document (its `id` is ignored); returns the new id.
    func insertDocument(_ info: DocumentInfo, bytes: [UInt8]) throws -> Int64
    /// The documents of a case in the order they were made; `title` names a template.
    func documents(caseID: String, title: (String) -> String) throws -> [DocumentInfo]
    func document(id: Int64, title: (String) -> String) throws -> CaseDocument?
}

/// The coordinators' uploads of Word templates (versions 2, 3, …; version 1 is the shipped file).
package protocol TemplateRecords {
    /// The highest uploaded version of a template (`nil`: none uploaded).
    func latestTemplateVersion(_ name: String) throws -> Int?
    func templateVersionBytes(_ name: String, version: Int) throws -> [UInt8]?
    /// The uploaded versions of a template, newest first.
    func uploadedTemplateVersions(_ name: String) throws -> [TemplateVersionInfo]
    func insertTemplateVersion(_ info: TemplateVersionInfo, bytes: [UInt8]) throws
}

/// Which letters `OutboxRecords.letters` reads.
package enum LetterSelection: Sendable {
    /// Of the cases an office is party to.
    case office(String)
    case document(Int64)
}

/// A letter among a case's documents, with what the outbox shows of its case and its dispatch.
package struct LetterRow: Sendable {
    package var document: DocumentInfo
    package var referrerOfficeID: String
    package var receiverOfficeID: String
    package var referrerAdvisor: String?
    package var personLastName: String
    package var personFirstName: String
    package var street: String
    package var postalCode: String
    package var city: String
    package var dispatch: LetterDispatch?

    package init(document: DocumentInfo, referrerOfficeID: String, receiverOfficeID: String, referrerAdvisor: String?, personLastName: String,
                 personFirstName: String, street: String, postalCode: String, city: String, dispatch: LetterDispatch?) {
        self.document = document
        self.referrerOfficeID = referrerOfficeID
        self.receiverOfficeID = receiverOfficeID
        self.referrerAdvisor = referrerAdvisor
        self.personLastName = personLastName
        self.personFirstName = personFirstName
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.dispatch = dispatch
    }
}

/// Letters leaving an office (their dispatch) and the PDFs of documents.
package protocol OutboxRecords {
    /// The documents of the given templates, newest first, with their case and dispatch.
    func letters(_ selection: LetterSelection, templates: [String], title: (String) -> String) throws -> [LetterRow]
    /// Records how and when a letter was sent (once: a second time breaks the key).
    func insertLetterDispatch(documentID: Int64, caseID: String, _ dispatch: LetterDispatch) throws
    func documentPDF(documentID: Int64) throws -> [UInt8]?
    /// Stores a document's PDF (a PDF already there stays).
    func insertDocumentPDF(documentID: Int64, bytes: [UInt8], at: Date) throws
}

/// Aggregates over the engine's records for the coordinators' views of a definition (counts only,
/// no case data).
package protocol ProcessStatisticsRecords {
    /// Running instances per deployed version (definition id).
    func runningInstancesByDefinition() throws -> [Int64: Int]
    /// Per element of one deployed version: instances waiting there, open tasks, overdue ones.
    func nodeCounts(definitionID: Int64, now: Date) throws -> [String: NodeCounts]
}

/// A task as the e-mail notices see it (who it is for, whether it is done).
package struct MailTask: Sendable {
    package var id: Int64
    package var office: String?
    package var role: String?
    package var assignee: String?
    package var isEnded: Bool

    package init(id: Int64, office: String?, role: String?, assignee: String?, isEnded: Bool) {
        self.id = id
        self.office = office
        self.role = role
        self.assignee = assignee
        self.isEnded = isEnded
    }
}

/// The e-mail notices of tasks: where collecting stands, and each notice until it is sent or given up.
package protocol MailRecords {
    /// The last task collected and the start of the overdue window (`nil`: not started).
    func mailCursor() throws -> (lastTaskID: Int64?, overdueSince: Date?)
    func startMailCursor(lastTaskID: Int64, overdueSince: Date) throws
    func moveMailCursor(lastTaskID: Int64) throws
    /// The highest task id of the engine (`nil`: no task yet).
    func highestTaskID() throws -> Int64?
    /// Tasks after an id, by id, created up to an instant (`nil`: any).
    func tasksForMail(after id: Int64, createdUpTo: Date?, limit: Int) throws -> [MailTask]
    /// Open tasks due between `dueSince` and `now` without an overdue notice, by due date.
    func overdueTasksWithoutNotice(now: Date, dueSince: Date, limit: Int) throws -> [MailTask]
    /// Enters a notice (once per task, person and kind); whether it was new.
    func insertMailNotice(taskID: Int64, username: String, kind: MailNoticeKind, email: String, at: Date) throws -> Bool
    /// Takes the notices due at `now` (oldest first) until `until`; on a shared database rows
    /// another node is taking are skipped.
    func leaseDueMailNotices(now: Date, until: Date, limit: Int) throws -> [MailNotice]
    func mailNoticeSent(id: Int64, at: Date) throws
    func mailNoticeAttempts(id: Int64) throws -> Int?
    func mailNoticeFailed(id: Int64, attempts: Int, nextAttemptAt: Date, error: String, givenUpAt: Date?) throws
    func mailNoticeCounts() throws -> (sent: Int, waiting: Int, failed: Int)
}
