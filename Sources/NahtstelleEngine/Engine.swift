import Foundation
import Logging
import NahtstelleDefinition
import NahtstelleFEEL
import Synchronization

/// Runs BPMN process definitions durably. A thin façade: every public method is one command,
/// carried out by an `Execution` inside one store transaction — all of it happens, or none of it.
public final class Engine: Sendable {
    public struct Configuration: Sendable {
        /// The clock (tests and `simulate` use their own).
        public var now: @Sendable () -> Date = { Date() }
        /// Service-task handlers by name.
        public var serviceHandlers: [String: any ServiceTaskHandler] = [:]
        /// FEEL functions the application adds (e.g. `add working days`), by FEEL name.
        public var functions: [String: FEELFunction] = [:]
        /// Whether a form key exists (checked when deploying); `nil`: not checked.
        public var formExists: (@Sendable (String) -> Bool)?
        /// Called in the completing transaction after a user task completed (documents, case updates).
        public var onTaskCompleted: (@Sendable (TaskCompletion, any EngineTransaction) throws -> Void)?
        /// Called in the starting transaction when an instance starts — also one that a message
        /// started — so the application can link it to its own records atomically.
        public var onInstanceStarted: (@Sendable (InstanceRecord, any EngineTransaction) throws -> Void)?
        public var logger = Logger(label: "nahtstelle.engine")
        /// Dry runs only: every process counts as executable (see `DefinitionParser.Options.draft`).
        public var draft = false
        /// Whether every user task needs a role when deploying; dry runs (`simulate`) need none
        /// (see `DefinitionParser.Options.requireRoles`).
        public var requireRoles = true
        /// This node's name in job leases (several nodes on one database share the due timers).
        public var nodeID = Engine.Configuration.defaultNodeID()
        /// How long a node holds the due jobs it took; a node that dies holding them has them
        /// taken over by another node when the lease ends.
        public var timerLease: TimeInterval = 60
        public init() {}

        /// Host name, process id and a random part: unique per running process.
        public static func defaultNodeID() -> String {
            "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        }
    }

    public let store: any EngineStore
    public let configuration: Configuration
    private let compiled = Mutex<[Int64: CompiledProcess]>([:])
    /// Committed instance rows (state decoded) by id. A command uses an entry without reading the
    /// row; its final `UPDATE … WHERE version = ?` proves the entry was current. If it was not
    /// (another node wrote meanwhile), the command rolls back and runs once more without the cache.
    private let stateCache = Mutex<[Int64: CachedInstance]>([:])
    /// Open tasks this engine created, as committed. Only a hint: completing one checks its
    /// version in the database, so a stale entry (another node changed it) costs a read, nothing more.
    let taskCache = Mutex<[Int64: TaskRecord]>([:])
    private static let stateCacheLimit = 20_000

    public init(store: any EngineStore, configuration: Configuration = .init()) {
        self.store = store
        self.configuration = configuration
    }

    /// The parser options the engine deploys with: expressions checked with FEEL, forms and
    /// service handlers checked against what the application registered.
    public var parserOptions: DefinitionParser.Options {
        var options = DefinitionParser.Options()
        let functions = configuration.functions
        options.expressionCheck = { text -> String? in
            do throws(FEELError) {
                _ = try FEELExpression.parse(text, functions: functions)
                return nil
            } catch { return error.message }
        }
        options.formExists = configuration.formExists
        options.draft = configuration.draft
        options.requireRoles = configuration.requireRoles
        if !configuration.serviceHandlers.isEmpty { options.serviceHandlers = Set(configuration.serviceHandlers.keys) }
        return options
    }

    // MARK: Deployment

    /// Deploys every executable process of a BPMN file. A process whose id exists gets version
    /// n+1; identical content creates no new version. Any error in any executable process
    /// refuses the whole file (with every problem listed) and deploys nothing.
    @discardableResult
    public func deploy(source: [UInt8], fileName: String, by actor: String) throws -> [Deployment] {
        let parsed = DefinitionParser(options: parserOptions).parse(bytes: source, fileName: fileName)
        guard let document = parsed.document else { throw DefinitionError(problems: parsed.problems) }
        let executable = document.processes.filter(\.isExecutable)
        var errors = parsed.problems.filter { $0.severity == .error && $0.elementID == nil }
        for process in executable { errors.append(contentsOf: parsed.errors(forProcess: process.id)) }
        if executable.isEmpty {
            errors.append(Problem(.error, at: SourceLocation(file: fileName, line: 1, column: 1), element: nil,
                                  "Die Datei enthält keinen ausführbaren Prozess.",
                                  fix: "Setzen Sie isExecutable=\"true\" beim Prozess, der laufen soll."))
        }
        if !errors.isEmpty { throw DefinitionError(problems: Array(Set(errors)).sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }) }
        let now = configuration.now()
        return try store.write { tx in
            var result: [Deployment] = []
            for process in executable {
                if let latest = try tx.latestDefinition(processID: process.id), latest.source == source {
                    result.append(Deployment(processID: process.id, version: latest.version, definitionID: latest.id, isNew: false))
                    continue
                }
                let version = (try tx.latestDefinition(processID: process.id)?.version ?? 0) + 1
                var record = DefinitionRecord(processID: process.id, version: version, name: process.name,
                                              contentHash: Self.contentHash(source), source: source, fileName: fileName,
                                              deployedAt: now, deployedBy: actor)
                let messageStarts = process.messageStartEvents.compactMap { node -> String? in
                    if case .startEvent(.message(let ref)) = node.kind { return document.messages[ref]?.name }
                    return nil
                }
                record.id = try tx.insertDefinition(record, messageStartNames: messageStarts)
                try tx.appendHistory(HistoryRecord(at: now, actor: actor, command: "deploy", instanceID: nil, businessKey: nil,
                                                   taskID: nil, elementID: process.id,
                                                   details: Value.context(["processId": .string(process.id), "version": .number(Decimal(version)),
                                                                           "file": .string(fileName)]).jsonString()))
                result.append(Deployment(processID: process.id, version: version, definitionID: record.id, isNew: true))
            }
            return result
        }
    }

    public struct Deployment: Sendable, Hashable {
        public var processID: String
        public var version: Int
        public var definitionID: Int64
        /// `false` when identical content was already deployed.
        public var isNew: Bool
    }

    static func contentHash(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    // MARK: Commands

    /// Starts an instance of the newest version of a process at its plain start event — or, with
    /// `messageStart`, at its message start event as if that message had arrived (dry runs of
    /// processes that only a message starts, such as the reduced procedures).
    @discardableResult
    public func startInstance(processID: String, variables: [String: Value] = [:], businessKey: String? = nil,
                              messageStart: Bool = false, by actor: String) throws -> CommandResult {
        try command(actor: actor, name: "start") { exec in
            guard let definitionID = try exec.tx.latestDefinitionID(processID: processID) else {
                throw EngineError(.notFound, "Prozess »\(processID)« ist nicht bereitgestellt. Stellen Sie die Definition zuerst bereit (nahtstelle deploy).")
            }
            let process = try self.process(definitionID: definitionID, in: exec.tx)
            let start = messageStart ? process.messageStart : process.noneStarts[""]
            guard let start else {
                throw EngineError(.invalidInput, messageStart
                    ? "Prozess »\(processID)« hat kein Nachrichten-Startereignis."
                    : "Prozess »\(processID)« hat kein einfaches Startereignis; er startet nur durch eine Nachricht.")
            }
            let instance = try exec.startInstance(process, at: start, variables: variables, businessKey: businessKey)
            exec.primaryInstanceID = instance.record.id
        }
    }

    /// Takes a task for a user: nobody else can complete it until released.
    @discardableResult
    public func claim(taskID: Int64, user: String, expectedVersion: Int64? = nil) throws -> TaskRecord {
        try changeClaim(taskID: taskID, user: user, command: "claim", expectedVersion: expectedVersion) { task, now in
            if task.state == .claimed, let owner = task.assignee, owner != user {
                throw EngineError(.conflict, "Die Aufgabe ist bereits von \(owner) übernommen.")
            }
            task.state = .claimed
            task.assignee = user
            task.claimedAt = now
        }
    }

    /// Gives a claimed task back to the group.
    @discardableResult
    public func unclaim(taskID: Int64, user: String) throws -> TaskRecord {
        try changeClaim(taskID: taskID, user: user, command: "unclaim", expectedVersion: nil) { task, _ in
            task.state = .created
            task.claimedAt = nil
        }
    }

    /// One claim change of an open task: applied, version bumped, recorded, cached.
    private func changeClaim(taskID: Int64, user: String, command: String, expectedVersion: Int64?,
                             _ change: (inout TaskRecord, Date) throws -> Void) throws -> TaskRecord {
        let now = configuration.now()
        let changed = try store.write { tx in
            var task = try Self.openTask(taskID, tx, expectedVersion)
            let previous = task.version
            try change(&task, now)
            task.version += 1
            try tx.updateTask(task, expectedVersion: previous)
            try tx.appendHistory(HistoryRecord(at: now, actor: user, command: command, instanceID: task.instanceID,
                                               businessKey: task.businessKey, taskID: task.id, elementID: task.elementID, details: "{}"))
            return task
        }
        taskCache.withLock { $0[changed.id] = changed }
        return changed
    }

    /// Completes a user task with the variables its form produced, and runs the process on to
    /// its next wait states — all in one transaction.
    @discardableResult
    public func complete(taskID: Int64, variables: [String: Value] = [:], by user: String,
                         expectedVersion: Int64? = nil) throws -> CommandResult {
        try command(actor: user, name: "complete") { exec in
            try exec.complete(taskID: taskID, variables: variables, expectedVersion: expectedVersion)
        }
    }

    /// Marks a task completed in the command's transaction and returns its completed record.
    ///
    /// The record usually comes from `taskCache` (tasks this engine created); the UPDATE's
    /// version condition proves it is still what is stored, so no read is needed. When it is not
    /// cached, or the update finds it changed, the task is read and the reason stated.
    func markCompleted(taskID: Int64, in exec: Execution, expectedVersion: Int64?) throws -> TaskRecord {
        let user = exec.actor
        // Taken out: a completed task leaves the cache anyway, and a failed command reads it again.
        if var cached = taskCache.withLock({ $0.removeValue(forKey: taskID) }), expectedVersion == nil || expectedVersion == cached.version,
            try exec.tx.markCompleted(cached, by: user, at: exec.now)
        {
            cached.complete(by: user, at: exec.now)
            return cached
        }
        var task = try Self.openTask(taskID, exec.tx, expectedVersion)
        if task.state == .claimed, let owner = task.assignee, owner != user {
            throw EngineError(.conflict, "Die Aufgabe ist von \(owner) übernommen; nur diese Person kann sie erledigen.")
        }
        guard try exec.tx.markCompleted(task, by: user, at: exec.now) else {
            throw EngineError(.conflict, "Die Aufgabe \(taskID) wurde inzwischen geändert. Laden Sie sie neu und versuchen Sie es nochmals.")
        }
        task.complete(by: user, at: exec.now)
        return task
    }

    /// Delivers a message from outside (a button in the inbox, another system). Errors when
    /// nothing waits for it.
    @discardableResult
    public func correlate(message name: String, correlationKey: String?, variables: [String: Value] = [:],
                          by actor: String) throws -> CommandResult {
        try command(actor: actor, name: "correlate") { exec in
            let delivered = try exec.deliver(message: name, correlationKey: correlationKey, payload: variables, from: nil)
            if delivered.isEmpty {
                throw EngineError(.notFound, "Keine Prozessinstanz wartet auf die Nachricht »\(name)«"
                                  + (correlationKey.map { " mit Schlüssel »\($0)«" } ?? "") + ".")
            }
            exec.primaryInstanceID = delivered.first
        }
    }

    /// Delivers a message to one waiting element of one instance (dry runs answer a specific
    /// catch event, receive task or event sub-process start this way).
    @discardableResult
    public func trigger(subscriptionID: Int64, variables: [String: Value] = [:], by actor: String) throws -> CommandResult {
        try command(actor: actor, name: "correlate") { exec in
            guard let sub = try exec.tx.subscription(id: subscriptionID) else {
                throw EngineError(.notFound, "Es wartet nichts mehr auf diese Nachricht (Abonnement \(subscriptionID)).")
            }
            exec.primaryInstanceID = sub.instanceID
            try exec.fire(subscription: sub, payload: variables)
        }
    }

    /// Fires one timer job now (the scheduler calls this for due jobs; dry runs for any job).
    @discardableResult
    public func fire(jobID: Int64, by actor: String = "system") throws -> CommandResult {
        try command(actor: actor, name: "timer") { exec in
            guard let job = try exec.tx.job(id: jobID) else {
                throw EngineError(.notFound, "Timer \(jobID) gibt es nicht (mehr).")
            }
            exec.primaryInstanceID = job.instanceID
            try exec.fire(job: job)
        }
    }

    /// Fires every job due at `now`, each in its own transaction; returns how many fired.
    /// Jobs that fail are logged and left for the next round (with their incident in the log).
    /// The jobs are leased to this node first (`EngineTransaction.leaseDueJobs`), so that nodes
    /// sharing a database fire different jobs.
    public func fireDueJobs(now: Date? = nil, limit: Int = 100) throws -> Int {
        let at = now ?? configuration.now()
        let (owner, until) = (configuration.nodeID, at.addingTimeInterval(configuration.timerLease))
        let due = try store.write { try $0.leaseDueJobs(now: at, limit: limit, owner: owner, until: until) }
        var fired = 0
        for job in due {
            do {
                let result = try fire(jobID: job.id)
                // A task the timer created without its deadline: in the history, and in the log
                // that whoever runs the timers reads.
                for warning in result.warnings {
                    configuration.logger.warning("\(warning)", metadata: ["job": "\(job.id)", "instance": "\(job.instanceID)"])
                }
                fired += 1
            } catch let error as EngineError where error.code == .notFound {
                continue  // taken by another node or cancelled meanwhile
            } catch {
                // The path behind the timer failed (an incident): nothing of it was kept. Try again
                // later instead of every round, and leave the reason in the instance's history.
                configuration.logger.error("Timer konnte nicht ausgelöst werden", metadata: ["job": "\(job.id)", "error": "\(error)"])
                try? postpone(job, because: error)
            }
        }
        return fired
    }

    /// Retry delay for a timer whose path failed.
    public static let timerRetryDelay: TimeInterval = 300

    private func postpone(_ job: JobRecord, because error: any Error) throws {
        let now = configuration.now()
        try store.write { tx in
            guard var current = try tx.job(id: job.id) else { return }
            current.dueAt = now.addingTimeInterval(Self.timerRetryDelay)
            try tx.updateJob(current)
            let key = try tx.instance(id: job.instanceID)?.businessKey
            try tx.appendHistory(HistoryRecord(at: now, actor: "system", command: "timer-failed", instanceID: job.instanceID, businessKey: key,
                                               taskID: nil, elementID: job.elementID,
                                               details: Value.context(["error": .string("\(error)"),
                                                                       "retryAt": .dateTime(current.dueAt)]).jsonString()))
        }
    }

    /// Cancels a running instance: open tasks are cancelled, timers and subscriptions removed.
    @discardableResult
    public func cancelInstance(id: Int64, reason: String, by actor: String) throws -> CommandResult {
        try command(actor: actor, name: "cancel") { exec in
            let instance = try exec.load(id)
            guard instance.record.status == .running else {
                throw EngineError(.conflict, "Die Prozessinstanz \(id) läuft nicht mehr (\(instance.record.status.rawValue)).")
            }
            exec.primaryInstanceID = id
            try exec.cancelInstance(instance, reason: reason)
        }
    }

    // MARK: Queries

    public func tasks(_ query: TaskQuery) throws -> [TaskRecord] { try store.read { try $0.tasks(matching: query) } }
    public func countTasks(_ query: TaskQuery) throws -> Int { try store.read { try $0.countTasks(matching: query) } }
    public func task(id: Int64) throws -> TaskRecord? { try store.read { try $0.task(id: id) } }
    public func tasks(instanceID: Int64) throws -> [TaskRecord] { try store.read { try $0.tasks(instanceID: instanceID) } }
    public func instance(id: Int64) throws -> InstanceRecord? { try store.read { try $0.instance(id: id) } }
    public func history(instanceID: Int64) throws -> [HistoryRecord] { try store.read { try $0.history(instanceID: instanceID) } }
    public func history(businessKey: String) throws -> [HistoryRecord] { try store.read { try $0.history(businessKey: businessKey) } }

    /// The variables of an instance as its process scope holds them.
    public func variables(instanceID: Int64) throws -> [String: Value] {
        guard let record = try instance(id: instanceID) else {
            throw EngineError(.notFound, "Prozessinstanz \(instanceID) gibt es nicht.")
        }
        return try decodeState(record).root?.variables ?? [:]
    }

    /// The decoded state of an instance row the caller read itself (in a snapshot of its own).
    public func state(of record: InstanceRecord) throws -> InstanceState {
        try decodeState(record)
    }

    public func state(instanceID: Int64) throws -> InstanceState {
        guard let record = try instance(id: instanceID) else {
            throw EngineError(.notFound, "Prozessinstanz \(instanceID) gibt es nicht.")
        }
        return try decodeState(record)
    }

    // MARK: Internals

    static func openTask(_ id: Int64, _ tx: any EngineReadTransaction, _ expectedVersion: Int64?) throws -> TaskRecord {
        guard let task = try tx.task(id: id) else {
            throw EngineError(.notFound, "Aufgabe \(id) gibt es nicht. Prüfen Sie die Nummer oder laden Sie die Aufgabenliste neu.")
        }
        guard task.state.isOpen else {
            throw EngineError(.conflict, "Die Aufgabe \(id) ist bereits \(task.state == .completed ? "erledigt" : "abgebrochen")"
                              + (task.completedBy.map { " (von \($0))" } ?? "") + ". Laden Sie die Aufgabenliste neu.")
        }
        if let expectedVersion, expectedVersion != task.version {
            throw EngineError(.conflict, "Die Aufgabe \(id) wurde inzwischen geändert. Laden Sie sie neu und versuchen Sie es nochmals.")
        }
        return task
    }

    func command(actor: String, name: String, _ body: (Execution) throws -> Void) throws -> CommandResult {
        var usedCache = false
        do {
            return try run(actor: actor, name: name, useCache: true, usedCache: &usedCache, body)
        } catch where usedCache {
            // Whatever failed may have failed on a stale cached copy (another node wrote since):
            // run once more on what the database holds. A real error fails the same way again.
            // (The copies it used left the cache when taken; only committed states return.)
            var ignored = false
            return try run(actor: actor, name: name, useCache: false, usedCache: &ignored, body)
        }
    }

    private func run(actor: String, name: String, useCache: Bool, usedCache: inout Bool,
                     _ body: (Execution) throws -> Void) throws -> CommandResult {
        var exec: Execution?
        defer { usedCache = exec?.usedCache ?? false }
        // The result stays with the execution: handed back through the store's generic layers,
        // it would be copied several times (a dozen arrays retained and released each time).
        try store.write { tx in
            let execution = Execution(engine: self, tx: tx, now: configuration.now(), actor: actor, command: name, useCache: useCache)
            exec = execution
            try body(execution)
            try execution.finish()
        }
        guard let exec else { preconditionFailure("write ran its body") }
        // Only committed states enter the caches.
        stateCache.withLock { cache in
            if cache.count > Self.stateCacheLimit { cache.removeAll(keepingCapacity: true) }
            for instance in exec.instances { cache[instance.id] = instance.takeForCache() }
        }
        let result = exec.takeResult()
        if !result.createdTasks.isEmpty || !result.endedTaskIDs.isEmpty {
            taskCache.withLock { cache in
                if cache.count > Self.stateCacheLimit { cache.removeAll(keepingCapacity: true) }
                for id in result.endedTaskIDs { cache[id] = nil }
                for i in result.createdTasks.indices { cache[result.createdTasks[i].id] = result.createdTasks[i] }
            }
        }
        return result
    }

    /// The parsed process of a deployed version (compiled once per version and kept).
    public func definition(of record: DefinitionRecord, in tx: any EngineReadTransaction) throws -> ProcessDefinition {
        try process(record, in: tx).definition
    }

    func process(_ record: DefinitionRecord, in tx: any EngineReadTransaction) throws -> CompiledProcess {
        if let hit = compiled.withLock({ $0[record.id] }) { return hit }
        let parsed = DefinitionParser(options: parserOptions).parse(bytes: record.source, fileName: record.fileName)
        guard let document = parsed.document, let definition = document.process(id: record.processID) else {
            throw EngineError(.invalidDefinition, "Die gespeicherte Definition \(record.processID) v\(record.version) lässt sich nicht mehr lesen.")
        }
        let process = try CompiledProcess(record: record, definition: definition, messages: document.messages,
                                          functions: configuration.functions)
        compiled.withLock { $0[record.id] = process }
        return process
    }

    func process(definitionID: Int64, in tx: any EngineReadTransaction) throws -> CompiledProcess {
        if let hit = compiled.withLock({ $0[definitionID] }) { return hit }
        guard let record = try tx.definition(id: definitionID) else {
            throw EngineError(.notFound, "Definition \(definitionID) gibt es nicht.")
        }
        return try process(record, in: tx)
    }

    func decodeState(_ record: InstanceRecord) throws -> InstanceState {
        if let hit = stateCache.withLock({ $0[record.id] }), hit.record.version == record.version { return hit.state }
        return try InstanceState(decoding: record.state)
    }

    /// Takes an instance out of the cache (the command then owns the only reference to its state
    /// and mutates it in place); `nil` when not cached.
    func takeCached(_ id: Int64) -> CachedInstance? {
        stateCache.withLock { $0.removeValue(forKey: id) }
    }
}

/// An instance row as last committed (without its encoded state), its decoded state and its
/// compiled definition.
struct CachedInstance {
    var record: InstanceRecord
    var state: InstanceState
    var process: CompiledProcess
}

/// What a command did: the instance it worked on, the tasks now open there, whether it ended.
public struct CommandResult: Sendable {
    public var instanceID: Int64?
    public var status: InstanceStatus?
    public var endEventID: String?
    /// Open tasks of the instance after the command.
    public var openTasks: [TaskRecord]
    /// Tasks that the command created (in any instance it touched).
    public var createdTasks: [TaskRecord]
    /// Instances the command started (including those started by messages).
    public var startedInstances: [Int64]
    /// Instances the command ended.
    public var endedInstances: [Int64]
    /// Tasks the command completed or cancelled.
    public var endedTaskIDs: [Int64] = []
    /// What the command could not do as the definition asked but did not fail on (a due date
    /// that gives no date: the task was created without deadline). Also in the history.
    public var warnings: [String] = []

    /// Before a command has done anything.
    static let nothing = CommandResult(instanceID: nil, status: nil, endEventID: nil, openTasks: [], createdTasks: [],
                                       startedInstances: [], endedInstances: [])
}

extension TaskRecord {
    /// Changes the record as `markCompleted` changes it in the store.
    mutating func complete(by user: String, at: Date) {
        state = .completed
        endedAt = at
        completedBy = user
        if assignee == nil { assignee = user }
        version += 1
    }
}

/// Handed to `onTaskCompleted`.
public struct TaskCompletion: Sendable {
    public var task: TaskRecord
    public var variables: [String: Value]
    /// Variables of the instance after completion.
    public var instanceVariables: [String: Value]
    /// `nahtstelle:documents` of the task.
    public var documents: [String]
    public var actor: String
    public var at: Date
}

/// A named service-task handler the application registers (e.g. `generate-document`).
public protocol ServiceTaskHandler: Sendable {
    /// Runs inside the command's transaction; returns variables to set. Throwing aborts the command.
    func execute(_ call: ServiceTaskCall, _ tx: any EngineTransaction) throws -> [String: Value]
}

public struct ServiceTaskCall: Sendable {
    public var instanceID: Int64
    public var businessKey: String?
    public var processID: String
    public var elementID: String
    public var handler: String
    public var parameters: [String: String]
    public var variables: [String: Value]
    public var actor: String
    public var at: Date
}

/// A handler that does nothing: for dry runs, where documents and notifications are not wanted.
public struct NoOpServiceTaskHandler: ServiceTaskHandler {
    public init() {}
    public func execute(_ call: ServiceTaskCall, _ tx: any EngineTransaction) throws -> [String: Value] { [:] }
}
