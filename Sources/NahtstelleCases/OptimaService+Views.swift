import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// One line of a user's inbox: the task and what the user needs to know about its case.
public struct InboxItem: Sendable, Hashable {
    public var task: TaskRecord
    public var caseID: String?
    /// "Muster Anna".
    public var personName: String?
    public var process: ProcessKind?
    public var dueAt: Date?
    /// Due date passed and still open.
    public var isOverdue: Bool
    /// The caller's follow-up date ("Wiedervorlage") while the task waits for it.
    public var followUpUntil: LocalDate? = nil
}

/// Everything a case page shows: facts, deadlines, open and done tasks, documents, cost
/// approvals, notifications and the audit trail.
public struct CaseView: Sendable {
    public var stored: StoredCase
    public var referrerOffice: OfficeEntry
    public var receiverOffice: OfficeEntry
    public var deadlines: [Deadline]
    /// The next Standortgespräch (from the last meeting), if one is planned.
    public var nextStatusMeeting: LocalDate?
    /// The planned end of the mandate and the day from which it warns (two weeks before).
    public var plannedEnd: LocalDate?
    public var plannedEndWarningFrom: LocalDate?
    /// Every process instance of the case (OPTIMA process and reduced procedure).
    public var instances: [InstanceRecord]
    public var openTasks: [TaskRecord]
    public var completedTasks: [TaskRecord]
    public var documents: [DocumentInfo]
    public var costApprovals: [CostApprovalEntry]
    /// Measures booked without a Kostengutsprache (own entitlement at the receiver).
    public var ownEntitlementMeasures: [OwnEntitlementMeasureEntry]
    public var notifications: [NotificationEntry]
    public var history: [HistoryRecord]
    /// RAV referrers (OPTIMA-IV, -SH): whether the RAV has released the person from
    /// Arbeitsbemühungen, and why — from the reduced procedure once it runs, else as planned.
    public var jobSearchRelease: JobSearchRelease?
    /// Notes on the case by both offices, oldest first.
    public var notes: [CaseNote] = []

    public var optimaCase: OptimaCase { stored.optimaCase }
    /// Who pays the case's measures: the receiver without KGS, or an office by Kostengutsprache.
    public var measureFunding: MeasureFunding { OptimaService.measureFunding(stored.optimaCase) }
}

extension OptimaService {
    /// The case if `user` may see it (§3); otherwise `notFound` — an outsider does not learn
    /// that the case exists.
    func visibleCase(_ user: StaffMember, _ caseID: String) throws -> StoredCase {
        guard let stored = try read({ try $0.loadCase(id: caseID) }),
            AccessPolicy.canSeeCase(user.user, stored.optimaCase)
        else {
            throw CaseServiceError(.notFound, "Fall \(caseID) nicht gefunden oder nicht sichtbar: Sie sehen nur Fälle, in denen "
                                   + "Ihre Stelle zuweisend oder aufnehmend ist.", field: "caseId")
        }
        return stored
    }

    /// An access-log entry now, with the request's address and id when the server bound them.
    func accessEntry(_ username: String, _ action: String, caseID: String?, documentID: Int64? = nil, at: Date? = nil) -> AccessEntry {
        let context = AccessContext.current
        return AccessEntry(at: at ?? clock(), username: username, caseID: caseID, action: action, documentID: documentID,
                           clientAddress: context?.clientAddress, requestID: context?.requestID)
    }

    /// Records a read of case data (§3: every read is audit-logged).
    func logAccess(_ username: String, _ action: String, caseID: String?, documentID: Int64? = nil) throws {
        do { try accessLog.record(accessEntry(username, action, caseID: caseID, documentID: documentID)) } catch {
            throw CaseServiceError.wrapping(error)
        }
    }

    /// Who read a case (newest first): the audit trail of reads.
    public func accessLog(caseID: String) throws -> [(at: Date, username: String, action: String, documentID: Int64?)] {
        try read { db in
            try db.accessEntries(caseID: caseID, username: nil, from: nil, to: nil, limit: nil).map { ($0.at, $0.username, $0.action, $0.documentID) }
        }
    }

    /// Open tasks of the user's office and roles (their own and unassigned ones), due first.
    public func inbox(_ username: String) throws -> [InboxItem] {
        let user = try staff(username)
        let roles = user.roles.map(\.rawValue).sorted()
        guard !roles.isEmpty else { return [] }
        let tasks: [TaskRecord]
        do {
            tasks = try engine.tasks(TaskQuery(office: user.officeId, roles: roles, assignee: user.username, includeUnassigned: true, limit: 500))
        } catch { throw CaseServiceError.wrapping(error) }
        let keys = Set(tasks.compactMap(\.businessKey))
        let cases = try read { db in try keys.compactMap { try db.loadCase(id: $0) } }
        let byID = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) })
        let now = clock()
        return tasks.map { task in
            let stored = task.businessKey.flatMap { byID[$0] }
            return InboxItem(task: task, caseID: task.businessKey, personName: stored?.optimaCase.person.fullName,
                             process: stored?.processKind, dueAt: task.dueAt, isOverdue: task.dueAt.map { $0 < now } ?? false)
        }
    }

    /// The cases the user may see, newest application first.
    public func cases(_ username: String) throws -> [StoredCase] {
        let user = try staff(username)
        try logAccess(username, "list-cases", caseID: nil)
        return try read { try StoredCaseReader.visibleCases($0, user: user.user) }.reversed()
    }

    /// The case page (visibility enforced).
    public func caseView(_ username: String, caseID: String) throws -> CaseView {
        let user = try staff(username)
        let today = self.today
        // One read transaction: every part of the page from the same snapshot.
        let view = try snapshot { db, tx -> CaseView? in
            guard let stored = try db.loadCase(id: caseID), AccessPolicy.canSeeCase(user.user, stored.optimaCase) else { return nil }
            let c = stored.optimaCase
                        let instances = try tx.instances(businessKey: caseID).sorted { $0.id < $1.id }
            var tasks: [TaskRecord] = []
            for instance in instances { tasks += try tx.tasks(instanceID: instance.id) }
            guard let referrer = try db.office(c.referrerOfficeId), let receiver = try db.office(c.receiverOfficeId) else {
                throw CaseServiceError(.processFailed, "Eine Stelle des Falls \(caseID) fehlt im Verzeichnis. Die Koordinationsstelle ergänzt sie.")
            }
            let end = c.handoverAt.map { deadlines.plannedMandateEnd(handoverMeetingAt: $0, months: c.plannedMonths) }
            var view = CaseView(
                stored: stored, referrerOffice: referrer, receiverOffice: receiver,
                deadlines: deadlines.deadlines(for: c, today: today), nextStatusMeeting: c.nextStatusMeetingAt, plannedEnd: end,
                plannedEndWarningFrom: end.map { $0.adding(days: -Deadlines.mandateEndWarningDays) }, instances: instances,
                openTasks: tasks.filter { $0.state.isOpen }.sorted { $0.id < $1.id },
                completedTasks: tasks.filter { !$0.state.isOpen }.sorted { $0.id < $1.id },
                documents: try generator.list(db, caseID: caseID),
                costApprovals: try db.costApprovals(caseID: caseID),
                ownEntitlementMeasures: try db.ownEntitlementMeasures(caseID: caseID),
                notifications: try db.notifications(caseID: caseID),
                history: try tx.history(businessKey: caseID), jobSearchRelease: nil)
            view.notes = try db.caseNotes(caseID: caseID)
            return view
        }
        guard var view else {
            throw CaseServiceError(.notFound, "Fall \(caseID) nicht gefunden oder nicht sichtbar: Sie sehen nur Fälle, in denen "
                                   + "Ihre Stelle zuweisend oder aufnehmend ist.", field: "caseId")
        }
        try logAccess(username, "view-case", caseID: caseID)
        view.jobSearchRelease = try jobSearchRelease(view.stored, view.instances)
        return view
    }

    /// The RAV's release from Arbeitsbemühungen as the case stands (see `CaseView.jobSearchRelease`).
    func jobSearchRelease(_ stored: StoredCase, _ instances: [InstanceRecord]) throws -> JobSearchRelease? {
        let c = stored.optimaCase
        guard c.referrerType == .rav, c.processKind != .optimaALV else { return nil }
        guard let reduced = instances.first(where: { $0.processID == "reduced-rav" }) else {
            return Self.plannedJobSearchRelease(c.processKind, referrerType: c.referrerType, status: c.personStatus, settings: try settings())
        }
        if reduced.status == .completed {
            if reduced.endEventID == "end-advising-resumed" {
                return JobSearchRelease(released: false, reason: "Das RAV hat Beratung und Prüfung der Arbeitsbemühungen wieder "
                                        + "aufgenommen: die Person hat wieder ein intaktes Arbeitsangebot.")
            }
            return JobSearchRelease(released: false, reason: "OPTIMA ist beendet: das RAV prüft die Arbeitsbemühungen wieder.")
        }
        let variables: [String: Value]
        do { variables = try engine.state(instanceID: reduced.id).variables(visibleIn: InstanceState.rootScopeID) } catch {
            throw CaseServiceError.wrapping(error)
        }
        guard let released = variables["jobSearchReleased"]?.boolValue else { return nil }
        return JobSearchRelease(released: released, reason: variables["jobSearchReleaseReason"]?.stringValue ?? "")
    }

    /// The documents of a case (without bytes).
    public func documents(_ username: String, caseID: String) throws -> [DocumentInfo] {
        let user = try staff(username)
        _ = try visibleCase(user, caseID)
        try logAccess(username, "list-documents", caseID: caseID)
        return try read { try generator.list($0, caseID: caseID) }
    }

    /// One document with its bytes (visibility of its case enforced).
    public func document(_ username: String, id: Int64) throws -> CaseDocument {
        let user = try staff(username)
        guard let doc = try read({ try generator.document($0, id: id) }) else {
            throw CaseServiceError(.notFound, "Dokument \(id) gibt es nicht.")
        }
        _ = try visibleCase(user, doc.info.caseId)
        try logAccess(username, "read-document", caseID: doc.info.caseId, documentID: id)
        return doc
    }

    /// The user's notifications (to them, or to a role they hold in their office), newest first.
    public func notifications(_ username: String, unreadOnly: Bool = false) throws -> [NotificationEntry] {
        let user = try staff(username)
        return try read { try $0.notifications(for: user, unreadOnly: unreadOnly) }
    }

    /// Marks notifications of the user as read.
    public func markRead(_ username: String, ids: [Int64]) throws {
        let user = try staff(username)
        let mine = Set(try notifications(username).map(\.id))
        let at = clock()
        _ = try perform(user.username, "read-notifications") { _, db in
            for id in ids where mine.contains(id) {
                try db.setNotificationRead(id: id, at: at)
            }
        }
    }

    /// Every case (coordinators) — for the demo and tools.
    func allCases() throws -> [StoredCase] { try read { try $0.cases(.all) } }

    // MARK: Reporting

    /// The Standardreporting OPTIMA for `from...to` over the stored cases (§10).
    /// - Parameter asOf: the day the data stands on for overdue figures (default: `to`, at most today).
    public func report(from: LocalDate, to: LocalDate, asOf: LocalDate? = nil) throws -> OptimaReport {
        guard from <= to else {
            throw CaseServiceError(.invalidInput, "Der Zeitraum ist leer: «von» (\(from.swissFormatted)) liegt nach «bis» "
                                   + "(\(to.swissFormatted)). Bitte die Daten tauschen.")
        }
        let asOf = asOf ?? min(to, today)
        let (records, flatRates) = try read { db in
            (try StoredCaseReader.reportRecords(db, to: to, deadlines: deadlines).map(\.record),
             try FlatRateRows.summary(db, from: from, to: to, asOf: asOf))
        }
        var report = OptimaReport.compute(cases: records, from: from, to: to, asOf: asOf)
        report.flatRates = flatRates
        return report
    }

    /// The pseudonymised controlling export of every case applied for up to `to` (default: all):
    /// no names, no AHV numbers; a keyed hash links records of one person.
    public func pseudonymisedExport(secret: [UInt8], to: LocalDate? = nil) throws -> [PseudonymisedCaseRecord] {
        let exporter: PseudonymisedExport
        do { exporter = try PseudonymisedExport(secret: secret) } catch { throw CaseServiceError.wrapping(error) }
        let limit = to ?? LocalDate(year: 9999, month: 12, day: 31)
        let items = try read { try StoredCaseReader.reportRecords($0, to: limit, deadlines: deadlines) }
        return exporter.export(items.map { (ahvNumber: $0.ahv, record: $0.record) })
    }
}
