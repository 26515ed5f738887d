import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// One page of a list and the cursor of the next page (`nil` on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: String?
}

/// Filters of the task list (`GET /api/tasks`).
public struct TaskFilter: Sendable, Hashable {
    public enum Due: String, Sendable, CaseIterable { case overdue, today, week }
    public enum Assignee: String, Sendable, CaseIterable { case me, none }
    public var role: Role?
    public var process: String?
    public var due: Due?
    public var assignee: Assignee?
    public var limit: Int
    public var cursor: String?
    /// Tasks the caller put on follow-up ("Wiedervorlage") until a later day: hidden by default.
    public var followUp: FollowUpView
    public init(role: Role? = nil, process: String? = nil, due: Due? = nil, assignee: Assignee? = nil, limit: Int = 50, cursor: String? = nil,
                followUp: FollowUpView = .hide) {
        self.role = role
        self.process = process
        self.due = due
        self.assignee = assignee
        self.limit = limit
        self.cursor = cursor
        self.followUp = followUp
    }
}

/// A task as its user opens it: the form, the values known, the case summary.
public struct TaskDetail: Sendable {
    public var form: TaskForm
    public var stored: StoredCase?
}

/// The server's entry points: each takes the caller and checks access inside (`AccessPolicy`),
/// also where the CLI (a local operator on the database file) needs no caller.
extension OptimaService {
    // MARK: Caller

    func require(_ allowed: Bool, _ message: String) throws {
        if !allowed { throw CaseServiceError(.forbidden, message) }
    }

    // MARK: Tasks

    /// The open tasks the caller may work (their office; their roles, or the one asked for), due
    /// first, after the cursor. Cursors are opaque: `<due seconds or ->:<id>`.
    public func taskPage(by username: String, _ filter: TaskFilter) throws -> Page<InboxItem> {
        let after = try filter.cursor.map(Self.taskCursor)
        let now = clock()
        let today = self.today
        let limit = max(1, min(filter.limit, 200))
        // One read transaction: the caller, the page of tasks and the names of their cases.
        let (items, found) = try snapshot { db, tx -> ([InboxItem], Bool) in
            guard let user = try db.staff(username) else { return ([], false) }
            var roles = user.roles.filter { $0 != .coordinator }.map(\.rawValue).sorted()
            if let role = filter.role { roles = roles.contains(role.rawValue) ? [role.rawValue] : [] }
            guard !roles.isEmpty else { return ([], true) }
            var query = TaskQuery(office: user.officeId, roles: roles, processID: filter.process, after: after, limit: limit + 1)
            switch filter.assignee {
            case .me?: query.assignee = user.username
            case .none?: query.unassignedOnly = true
            case nil: query.assignee = user.username; query.includeUnassigned = true
            }
            switch filter.due {
            case .overdue?: query.dueBefore = now
            case .today?: query.dueBefore = ISODateTime.startOfDay(today.adding(days: 1))
            case .week?: query.dueBefore = ISODateTime.startOfDay(today.adding(days: 7))
            case nil: break
            }
            let hidden = try db.hiddenTasks(username: user.username, after: today)
            var tasks: [TaskRecord] = []
            if filter.followUp == .only {
                // Only the few tasks the caller put on follow-up: looked up by id, filtered like the query.
                tasks = try hidden.keys.compactMap { try tx.task(id: $0) }.filter { Self.matches($0, query, roles: roles) }
                    .sorted { a, b in (a.dueAt ?? .distantFuture, a.id) < (b.dueAt ?? .distantFuture, b.id) }
                if let after { tasks = tasks.filter { Self.isAfter($0, after) } }
                tasks = Array(tasks.prefix(limit + 1))
            } else {
                // Index-ordered walks as before; tasks on follow-up are skipped, and the walk goes on
                // after the last row read until the page is full (one query when nothing is hidden).
                while true {
                    let batch = try tx.tasks(matching: query)
                    tasks += filter.followUp == .show || hidden.isEmpty ? batch : batch.filter { hidden[$0.id] == nil }
                    guard tasks.count <= limit, batch.count == query.limit, let last = batch.last else { break }
                    query.after = TaskCursor(dueAt: last.dueAt, id: last.id)
                }
            }
            var names: [String: (String, ProcessKind)] = [:]
            for key in Set(tasks.compactMap(\.businessKey)) {
                if let heading = try db.caseHeading(id: key) { names[key] = (heading.personName, heading.process) }
            }
            return (tasks.map { task in
                let info = task.businessKey.flatMap { names[$0] }
                return InboxItem(task: task, caseID: task.businessKey, personName: info?.0, process: info?.1, dueAt: task.dueAt,
                                 isOverdue: task.dueAt.map { $0 < now } ?? false, followUpUntil: hidden[task.id])
            }, true)
        }
        guard found else { _ = try staff(username); return Page(items: [], next: nil) }
        guard items.count > limit else { return Page(items: items, next: nil) }
        let page = Array(items.prefix(limit))
        let last = page[page.count - 1].task
        // The due date exactly as stored (shortest round-trip text of the Double), so that the next
        // page starts right after this task even among tasks due at the same moment.
        let next = (last.dueAt.map { String($0.timeIntervalSince1970) } ?? "-") + ":" + String(last.id)
        return Page(items: page, next: next)
    }

    /// Whether a task fits a task query's office, roles, process, assignee and due date (the
    /// follow-up view's filter, in memory).
    static func matches(_ t: TaskRecord, _ q: TaskQuery, roles: [String]) -> Bool {
        guard t.state.isOpen, t.office == q.office, let role = t.role, roles.contains(role) else { return false }
        if let p = q.processID, t.processID != p { return false }
        if q.unassignedOnly, t.assignee != nil { return false }
        if let a = q.assignee, let assignee = t.assignee, assignee != a { return false }
        if let a = q.assignee, !q.includeUnassigned, t.assignee != a { return false }
        if let before = q.dueBefore { guard let due = t.dueAt, due < before else { return false } }
        return true
    }

    /// Whether a task comes after the cursor in the inbox order (due first, undated last, then id).
    static func isAfter(_ t: TaskRecord, _ c: TaskCursor) -> Bool {
        switch (t.dueAt, c.dueAt) {
        case let (due?, cursorDue?): return due > cursorDue || (due == cursorDue && t.id > c.id)
        case (nil, _?): return true
        case (_?, nil): return false
        case (nil, nil): return t.id > c.id
        }
    }

    static func taskCursor(_ text: String) throws -> TaskCursor {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[1]), id > 0 else {
            throw CaseServiceError(.invalidInput, "Der Parameter «cursor» ist ungültig. Bitte den Wert «next» der vorigen Seite unverändert übergeben.",
                                   field: "cursor")
        }
        if parts[0] == "-" { return TaskCursor(dueAt: nil, id: id) }
        guard parts[0].count <= 32, parts[0].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let seconds = Double(parts[0]),
            seconds.isFinite
        else {
            throw CaseServiceError(.invalidInput, "Der Parameter «cursor» ist ungültig. Bitte den Wert «next» der vorigen Seite unverändert übergeben.",
                                   field: "cursor")
        }
        return TaskCursor(dueAt: Date(timeIntervalSince1970: seconds), id: id)
    }

    /// A task with its form, defaults and case summary (the case's read is logged).
    public func taskDetail(by username: String, taskID: Int64) throws -> TaskDetail {
        let read = try taskSnapshot(username, taskID)
        let user = read.user
        guard let task = read.task, AccessPolicy.canSeeTask(user.user, task) else {
            throw CaseServiceError(.notFound, "Aufgabe \(taskID) nicht gefunden: Sie sehen nur Aufgaben Ihrer Stelle und Rolle. "
                                   + "Bitte die Aufgabenliste neu laden.", field: "id")
        }
        let stored = read.stored
        let form = TaskForm(task: task, form: task.formKey.flatMap(forms.form),
                            defaults: task.state.isOpen ? try formDefaults(task, user, read) : [:])
        if let stored { try logAccess(username, "view-task", caseID: stored.id) }
        return TaskDetail(form: form, stored: stored)
    }

    /// Gives a claimed task back; only its holder can (`conflict` otherwise).
    @discardableResult
    public func unclaim(by username: String, taskID: Int64) throws -> TaskRecord {
        let user = try staff(username)
        let task = try authorizedTask(user, taskID)
        guard task.assignee == user.username else {
            throw CaseServiceError(.conflict, "Die Aufgabe «\(task.name ?? task.elementID)» ist nicht von Ihnen übernommen; "
                                   + "nur wer sie übernommen hat, kann sie freigeben.")
        }
        do { return try engine.unclaim(taskID: task.id, user: user.username) } catch { throw CaseServiceError.wrapping(error) }
    }

    // MARK: Cases

    /// The cases the caller may see, newest first, filtered by state and a search text (name,
    /// case id, AHV number), after the cursor (a case id). Cases the caller put on follow-up until a
    /// later day are left out unless `followUp` asks for them.
    public func casePage(by username: String, state: CaseState?, query: String?, limit: Int, cursor: String?,
                         followUp: FollowUpView = .hide) throws -> Page<StoredCase> {
        let user = try staff(username)
        guard AccessPolicy.worksCases(user.user) else { return Page(items: [], next: nil) }
        let limit = max(1, min(limit, 200))
        let query = CaseListQuery(officeID: user.officeId, state: state, search: query?.trimmingCharacters(in: .whitespaces), before: cursor,
                                  followUp: followUp, username: user.username, today: today, limit: limit + 1)
        let page = try read { db -> [StoredCase] in
            let ids = try db.caseIDs(query)
            guard !ids.isEmpty else { return [] }
            let byID = Dictionary(uniqueKeysWithValues: try db.cases(.ids(ids)).map { ($0.id, $0) })
            return ids.compactMap { byID[$0] }
        }
        try logAccess(username, "list-cases", caseID: nil)
        let items = Array(page.prefix(limit))
        return Page(items: items, next: page.count > limit ? items.last?.id : nil)
    }

    /// Who did what in a case (the engine's history of every instance of the case).
    public func caseHistory(by username: String, caseID: String) throws -> [HistoryRecord] {
        let user = try staff(username)
        _ = try visibleCase(user, caseID)
        try logAccess(username, "view-history", caseID: caseID)
        do { return try engine.history(businessKey: caseID) } catch { throw CaseServiceError.wrapping(error) }
    }

    /// The pre-check before sending (advisors): eligibility and target group from the
    /// Antragsformular's values as entered so far; nothing is stored, incomplete values are fine.
    public func precheck(by username: String, receiverOffice: String, formData: [String: Value]) throws -> PreCheck {
        let user = try staff(username)
        try require(AccessPolicy.canSubmitApplication(user.user),
                    "Die Vorprüfung eines OPTIMA-Antrags macht die Fallführung der zuweisenden Stelle (Rolle «Fallführer:in»).")
        let referrer = try office(user.officeId)
        let receiver = try office(receiverOffice)
        let kind = ProcessKind(receiverType: receiver.type)
        let formKey = "antrag-" + TemplateData.processID(kind).lowercased()
        let form = forms.form(formKey)
        var data = formData
        data["referrerOffice"] = .string(referrer.id)
        data["referrerAdvisor"] = .string(user.username)
        data["receiverOffice"] = .string(receiver.id)
        let references = try formReferences()
        let values = form.map { $0.validate(data, references: references).values } ?? data
        let topics = values["topics"]?.listValue?.compactMap(\.stringValue) ?? []
        var status = StatusMapping.personStatus(formValues: values, topics: topics)
        Self.supplement(&status, form: form, formData: formData, typed: nil)
        return try eligibility(referrer: referrer.id, receiver: receiver.id, status: status)
    }

    // MARK: Documents for the local operator

    /// Every document of a case with its bytes, for the local operator (the CLI's `demo`
    /// writes them to disk); the server never calls this.
    public func operatorDocuments(caseID: String) throws -> [CaseDocument] {
        try read { db in try generator.list(db, caseID: caseID).compactMap { try generator.document(db, id: $0.id) } }
    }

    // MARK: Coordinators

    /// The Standardreporting for coordinators.
    public func report(by username: String, from: LocalDate, to: LocalDate, asOf: LocalDate? = nil) throws -> OptimaReport {
        let user = try staff(username)
        try require(AccessPolicy.canReadReports(user.user), "Das Standardreporting sehen die IIZ-Koordinationsstellen.")
        try logAccess(username, "report", caseID: nil)
        return try report(from: from, to: to, asOf: asOf)
    }

    /// The access log for coordinators, newest first, filtered.
    public func auditLog(by username: String, caseID: String? = nil, user filterUser: String? = nil, from: Date? = nil, to: Date? = nil,
                         limit: Int = 500) throws -> [AccessEntry] {
        let user = try staff(username)
        try require(AccessPolicy.canReadAudit(user.user), "Das Zugriffsprotokoll sehen die IIZ-Koordinationsstellen.")
        try accessLog.flush()
        return try read { db in
            try db.accessEntries(caseID: caseID, username: filterUser, from: from, to: to, limit: max(1, min(limit, 5000)))
        }
    }

    /// The pseudonymised controlling export for coordinators (logged).
    public func pseudonymisedExport(by username: String, secret: [UInt8], to: LocalDate? = nil) throws -> [PseudonymisedCaseRecord] {
        let user = try staff(username)
        try require(AccessPolicy.canReadReports(user.user), "Den pseudonymisierten Export erstellen die IIZ-Koordinationsstellen.")
        try logAccess(username, "export", caseID: nil)
        return try pseudonymisedExport(secret: secret, to: to)
    }

    /// Deploys a BPMN file for a coordinator (a new version only when the content changed).
    @discardableResult
    public func deploy(by username: String, source: [UInt8], fileName: String) throws -> [Engine.Deployment] {
        let user = try staff(username)
        try require(AccessPolicy.canManageDefinitions(user.user), "Definitionen stellen die IIZ-Koordinationsstellen bereit.")
        let contract = ProcessContract.problems(bytes: source, fileName: fileName)
        if !contract.isEmpty {
            throw CaseServiceError(.invalidInput, "\(fileName) kann nicht bereitgestellt werden:\n" + contract.map(\.description).joined(separator: "\n"))
        }
        do { return try engine.deploy(source: source, fileName: fileName, by: user.username) } catch let error as DefinitionErrorDescribing {
            throw CaseServiceError(.invalidInput, "\(fileName) kann nicht bereitgestellt werden:\n" + error.problemList)
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Adds or updates offices and users for a coordinator.
    public func saveDirectory(by username: String, offices: [OfficeEntry], staff members: [StaffMember]) throws {
        let user = try staff(username)
        try require(AccessPolicy.canManageDefinitions(user.user), "Stellen und Benutzer verwalten die IIZ-Koordinationsstellen.")
        try saveDirectory(offices: offices, staff: members, by: user.username)
    }

    /// Records a write of case data done through the server, with its request (own transaction).
    public func logWrite(_ username: String, _ action: String, caseID: String?, documentID: Int64? = nil) throws {
        let entry = accessEntry(username, action, caseID: caseID, documentID: documentID)
        do { try tables.write { try $0.insertAccess(entry) } } catch { throw CaseServiceError.wrapping(error) }
    }

    /// The deployed processes with every version (any signed-in user: definitions hold no case data).
    public func definitions(by username: String) throws -> [DefinitionRecord] {
        _ = try staff(username)
        do {
            return try store.read { tx in
                try tx.latestDefinitions().flatMap { try tx.definitions(processID: $0.processID) }
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Open and overdue tasks over all offices (for the server's metrics).
    public func taskCounts() throws -> (open: Int, overdue: Int) {
        do {
            let open = try engine.countTasks(TaskQuery())
            let overdue = try engine.countTasks(TaskQuery(dueBefore: clock()))
            return (open, overdue)
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// The clock of the service (the server's "now").
    public var now: Date { clock() }

    /// Differs whenever anything committed to the store since it was last asked
    /// (`EngineStore.changeStamp`); `nil` when the store cannot tell, then nothing may be cached.
    public func changeStamp() -> UInt64? { storage.store.changeStamp() }

    /// Starts the store's writer thread with `priority` (`EngineStore.startWriter`): the server
    /// does so once at start. `nil` when the store writes on its callers' threads (PostgreSQL).
    public func startWriter(priority: WriterPriority) -> WriterScheduling? { storage.store.startWriter(priority: priority) }
}
