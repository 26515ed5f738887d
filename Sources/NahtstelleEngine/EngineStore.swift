import Foundation
import NahtstelleFEEL

/// Where the engine keeps its state. The engine knows nothing of SQL: a store runs each command's
/// body inside **one** transaction and offers the record operations below. SQLite is the embedded
/// implementation (`NahtstelleStore`); a PostgreSQL one for several nodes implements the same.
public protocol EngineStore: Sendable {
    /// Runs `body` in one write transaction: all of it commits, or nothing does.
    func write<T>(_ body: (any EngineTransaction) throws -> T) throws -> T
    /// Runs `body` on a consistent read snapshot.
    func read<T>(_ body: (any EngineReadTransaction) throws -> T) throws -> T
    /// A value that differs whenever anything committed to the store since it was last read —
    /// through this object, another connection or another process — cheap enough to ask before
    /// every cached read. A cache may answer from a result made after it read stamp `s` for as
    /// long as the stamp is still `s`. `nil`: this store cannot tell (nothing may be cached).
    func changeStamp() -> UInt64?
    /// How the caller's task-local values reach a write run on another thread (`ContextCapture`).
    func carryTaskLocals(_ capture: @escaping ContextCapture)
    /// Starts the thread that runs queued writes (stores that have one: SQLite files) and asks
    /// the kernel to schedule it with `priority`; returns how it is scheduled, as the kernel
    /// reports it. `nil`: this store writes on its callers' threads.
    func startWriter(priority: WriterPriority) -> WriterScheduling?
}

/// How much the kernel should favour the thread that runs a store's queued writes.
///
/// Under load, every write waits for the one before it, and each write sleeps twice in its flush:
/// when the thread wakes and every core is busy with requests, the writer waits for a core while
/// every queued write waits for it (measured at 64 connections on two cores: 46–83 µs of each
/// completion's 326–429 µs; docs/server.md).
public enum WriterPriority: String, Sendable, CaseIterable {
    /// Ahead of the request threads: real-time (SCHED_FIFO, priority 1) where the process may
    /// (root, CAP_SYS_NICE or `LimitRTPRIO=1`) and the machine has two cores or more.
    case raised
    /// As every other thread.
    case normal
}

/// How the writer thread is scheduled, as the kernel reports it after `startWriter`.
public enum WriterScheduling: Sendable, Equatable, CustomStringConvertible {
    /// SCHED_FIFO with this priority: it runs as soon as it wakes, ahead of every normal thread.
    case realtime(priority: Int)
    /// The normal policy; `reason`: why not raised (nil: asked so).
    case normal(reason: String?)

    public var description: String {
        switch self {
        case .realtime(let priority): return "Echtzeit-Priorität (SCHED_FIFO \(priority))"
        case .normal(let reason?): return "normale Priorität: \(reason)"
        case .normal(nil): return "normale Priorität (so eingestellt)"
        }
    }
}

/// Captures the calling thread's task-local values; the function it returns runs work with them
/// bound again (on another thread).
public typealias ContextCapture = @Sendable () -> @Sendable (_ work: () -> Void) -> Void

extension EngineStore {
    public func changeStamp() -> UInt64? { nil }
    /// For stores that may run a caller's write on another thread (SQLite files: a queued write
    /// runs on the store's writer thread): how the caller's task-local values reach it. Other
    /// stores run writes on the calling thread.
    public func carryTaskLocals(_ capture: @escaping ContextCapture) {}
    /// Stores that write on their callers' threads have no writer thread to start.
    public func startWriter(priority: WriterPriority) -> WriterScheduling? { nil }
}

/// Reads, available in read and write transactions.
public protocol EngineReadTransaction {
    func definition(id: Int64) throws -> DefinitionRecord?
    func latestDefinition(processID: String) throws -> DefinitionRecord?
    /// The id of the newest version (without reading its source).
    func latestDefinitionID(processID: String) throws -> Int64?
    func definitions(processID: String) throws -> [DefinitionRecord]
    /// Latest version of every process id.
    func latestDefinitions() throws -> [DefinitionRecord]
    func instance(id: Int64) throws -> InstanceRecord?
    func instances(businessKey: String) throws -> [InstanceRecord]
    /// Instance ids in ascending order after `afterID`, for walking all instances in pages.
    func instanceIDs(after afterID: Int64, limit: Int) throws -> [Int64]
    /// The running instances of one deployed version, in ascending id order after `afterID`
    /// (a migration's dry run walks them in pages).
    func runningInstances(definitionID: Int64, after afterID: Int64, limit: Int) throws -> [InstanceRecord]
    func task(id: Int64) throws -> TaskRecord?
    func tasks(instanceID: Int64) throws -> [TaskRecord]
    /// The created or claimed tasks of an instance, oldest first.
    func openTasks(instanceID: Int64) throws -> [TaskRecord]
    func tasks(matching query: TaskQuery) throws -> [TaskRecord]
    func countTasks(matching query: TaskQuery) throws -> Int
    /// The count up to `cap` (a navigation shows "999+" without walking every open task).
    func countTasks(matching query: TaskQuery, upTo cap: Int) throws -> Int
    func job(id: Int64) throws -> JobRecord?
    func jobs(instanceID: Int64) throws -> [JobRecord]
    /// Jobs due at or before `date`, earliest first.
    func dueJobs(before date: Date, limit: Int) throws -> [JobRecord]
    /// The earliest pending job, for a scheduler that wants to sleep until then.
    func nextJobDue() throws -> Date?
    func subscription(id: Int64) throws -> SubscriptionRecord?
    func subscriptions(instanceID: Int64) throws -> [SubscriptionRecord]
    /// Subscriptions for this message name whose key equals `correlationKey` or that have no key.
    func subscriptions(messageName: String, correlationKey: String?) throws -> [SubscriptionRecord]
    /// Latest definitions whose process has a message start event for this message name.
    func messageStartDefinitions(messageName: String) throws -> [DefinitionRecord]
    func history(instanceID: Int64) throws -> [HistoryRecord]
    func history(businessKey: String) throws -> [HistoryRecord]
}

/// Writes, available in write transactions only.
public protocol EngineTransaction: EngineReadTransaction {
    func insertDefinition(_ record: DefinitionRecord, messageStartNames: [String]) throws -> Int64
    func insertInstance(_ record: InstanceRecord) throws -> Int64
    /// Optimistic update of status, version, state and end: fails with `EngineError.conflict` when
    /// the stored version is not `expectedVersion`. Definition and business key stay as inserted.
    func updateInstance(_ record: InstanceRecord, expectedVersion: Int64) throws
    /// Points a running instance at another deployed version of its process (a migration), only
    /// if the stored version is still `expectedVersion`; else `EngineError.conflict`. The version
    /// itself is bumped by the `updateInstance` that follows in the same transaction.
    func changeDefinition(instanceID: Int64, to definitionID: Int64, expectedVersion: Int64) throws
    func insertTask(_ record: TaskRecord) throws -> Int64
    /// Optimistic update on the task's version (state, claim, due date, and the name and form a
    /// migration gives it).
    func updateTask(_ record: TaskRecord, expectedVersion: Int64) throws
    /// Marks `task` completed by `user` — only if the stored row is still open, at `task.version`
    /// and not claimed by someone else. Returns whether it was.
    func markCompleted(_ task: TaskRecord, by user: String, at: Date) throws -> Bool
    func insertJob(_ record: JobRecord) throws -> Int64
    func updateJob(_ record: JobRecord) throws
    func deleteJob(id: Int64) throws
    /// Takes up to `limit` jobs due at `now` that no node holds (never leased, or its lease ended
    /// before `now`), earliest first, and holds them for `owner` until `until`: of several nodes
    /// looking at once each gets other jobs (on PostgreSQL `FOR UPDATE SKIP LOCKED`). The lease
    /// only shares the work out; that a job fires once is the firing transaction's guarantee
    /// (it deletes or re-arms the job). `updateJob` ends a lease.
    func leaseDueJobs(now: Date, limit: Int, owner: String, until: Date) throws -> [JobRecord]
    func insertSubscription(_ record: SubscriptionRecord) throws -> Int64
    func deleteSubscription(id: Int64) throws
    func appendHistory(_ record: HistoryRecord) throws
}

public struct DefinitionRecord: Sendable, Hashable {
    public var id: Int64
    public var processID: String
    public var version: Int
    public var name: String?
    /// SHA-like content hash of the source: identical content is not deployed twice.
    public var contentHash: String
    public var source: [UInt8]
    public var fileName: String
    public var deployedAt: Date
    public var deployedBy: String
    public init(id: Int64 = 0, processID: String, version: Int, name: String?, contentHash: String, source: [UInt8],
                fileName: String, deployedAt: Date, deployedBy: String) {
        self.id = id
        self.processID = processID
        self.version = version
        self.name = name
        self.contentHash = contentHash
        self.source = source
        self.fileName = fileName
        self.deployedAt = deployedAt
        self.deployedBy = deployedBy
    }
}

public enum InstanceStatus: String, Sendable, Hashable, Codable { case running, completed, terminated, cancelled }

public struct InstanceRecord: Sendable, Hashable {
    public var id: Int64
    public var definitionID: Int64
    public var processID: String
    /// The application's key for the instance (the OPTIMA case id); correlation and queries use it.
    public var businessKey: String?
    public var status: InstanceStatus
    /// Optimistic-locking version, bumped on every change.
    public var version: Int64
    /// The encoded `InstanceState` (tokens, scopes, variables).
    public var state: [UInt8]
    public var startedAt: Date
    public var endedAt: Date?
    /// The end event that finished the instance.
    public var endEventID: String?
    public init(id: Int64 = 0, definitionID: Int64, processID: String, businessKey: String?, status: InstanceStatus,
                version: Int64, state: [UInt8], startedAt: Date, endedAt: Date?, endEventID: String?) {
        self.id = id
        self.definitionID = definitionID
        self.processID = processID
        self.businessKey = businessKey
        self.status = status
        self.version = version
        self.state = state
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.endEventID = endEventID
    }
}

/// The life of a user task: created → (claimed) → completed, or cancelled when its token is
/// taken away (interrupting boundary event, terminate end event, cancelled instance).
public enum TaskState: String, Sendable, Hashable, Codable, CaseIterable {
    case created, claimed, completed, cancelled
    public var isOpen: Bool { self == .created || self == .claimed }
}

public struct TaskRecord: Sendable, Hashable {
    public var id: Int64
    public var instanceID: Int64
    public var processID: String
    public var businessKey: String?
    public var elementID: String
    public var name: String?
    public var role: String?
    public var office: String?
    public var assignee: String?
    public var formKey: String?
    public var state: TaskState
    public var dueAt: Date?
    public var createdAt: Date
    public var claimedAt: Date?
    public var endedAt: Date?
    public var completedBy: String?
    /// The token this task belongs to (inside the instance state).
    public var tokenID: Int
    public var version: Int64
    public init(id: Int64 = 0, instanceID: Int64, processID: String, businessKey: String?, elementID: String, name: String?,
                role: String?, office: String?, assignee: String?, formKey: String?, state: TaskState, dueAt: Date?,
                createdAt: Date, claimedAt: Date? = nil, endedAt: Date? = nil, completedBy: String? = nil, tokenID: Int,
                version: Int64 = 1) {
        self.id = id
        self.instanceID = instanceID
        self.processID = processID
        self.businessKey = businessKey
        self.elementID = elementID
        self.name = name
        self.role = role
        self.office = office
        self.assignee = assignee
        self.formKey = formKey
        self.state = state
        self.dueAt = dueAt
        self.createdAt = createdAt
        self.claimedAt = claimedAt
        self.endedAt = endedAt
        self.completedBy = completedBy
        self.tokenID = tokenID
        self.version = version
    }
}

/// The inbox query: open tasks of an office and role, optionally of one assignee, by due date.
public struct TaskQuery: Sendable, Hashable {
    public var office: String?
    public var roles: [String]?
    public var assignee: String?
    /// Also tasks without an assignee when filtering by assignee ("mine or unassigned").
    public var includeUnassigned: Bool
    public var businessKey: String?
    public var states: [TaskState]
    /// Only tasks of this process (definition id).
    public var processID: String?
    /// Only unassigned tasks (`assignee` then is ignored).
    public var unassignedOnly: Bool
    /// Only tasks due before this moment (tasks without a due date are left out).
    public var dueBefore: Date?
    /// Keyset paging: only tasks after this one in the order (due date, no date last, id).
    public var after: TaskCursor?
    public var limit: Int
    public var offset: Int
    public init(office: String? = nil, roles: [String]? = nil, assignee: String? = nil, includeUnassigned: Bool = false,
                businessKey: String? = nil, states: [TaskState] = [.created, .claimed], processID: String? = nil,
                unassignedOnly: Bool = false, dueBefore: Date? = nil, after: TaskCursor? = nil, limit: Int = 50, offset: Int = 0) {
        self.office = office
        self.roles = roles
        self.assignee = assignee
        self.includeUnassigned = includeUnassigned
        self.businessKey = businessKey
        self.states = states
        self.processID = processID
        self.unassignedOnly = unassignedOnly
        self.dueBefore = dueBefore
        self.after = after
        self.limit = limit
        self.offset = offset
    }
}

/// A position in the task order (due date ascending, tasks without a due date last, then id).
public struct TaskCursor: Sendable, Hashable {
    public var dueAt: Date?
    public var id: Int64
    public init(dueAt: Date?, id: Int64) {
        self.dueAt = dueAt
        self.id = id
    }
}

/// A durable timer. `target` says what it fires: a catch event's token, a boundary event on an
/// activity's token, or an event sub-process start in a scope.
public struct JobRecord: Sendable, Hashable {
    public var id: Int64
    public var instanceID: Int64
    public var elementID: String
    public var dueAt: Date
    public var target: SubscriptionTarget
    /// For timeCycle: repetitions left (-1 = unbounded) and the interval, ISO.
    public var repeatsLeft: Int
    public var interval: String?
    public init(id: Int64 = 0, instanceID: Int64, elementID: String, dueAt: Date, target: SubscriptionTarget,
                repeatsLeft: Int = 0, interval: String? = nil) {
        self.id = id
        self.instanceID = instanceID
        self.elementID = elementID
        self.dueAt = dueAt
        self.target = target
        self.repeatsLeft = repeatsLeft
        self.interval = interval
    }
}

/// What a job or message subscription belongs to inside an instance.
public enum SubscriptionTarget: Sendable, Hashable {
    /// A token waiting at a catch event, receive task or the activity a boundary event is attached to.
    case token(Int)
    /// A scope instance whose event sub-process start this is.
    case scope(Int)

    public var encoded: Int { switch self { case .token(let t): t; case .scope(let s): -s - 1 } }
    public init(encoded: Int) { self = encoded >= 0 ? .token(encoded) : .scope(-encoded - 1) }
}

public struct SubscriptionRecord: Sendable, Hashable {
    public var id: Int64
    public var instanceID: Int64
    public var elementID: String
    public var messageName: String
    public var correlationKey: String?
    public var target: SubscriptionTarget
    public init(id: Int64 = 0, instanceID: Int64, elementID: String, messageName: String, correlationKey: String?, target: SubscriptionTarget) {
        self.id = id
        self.instanceID = instanceID
        self.elementID = elementID
        self.messageName = messageName
        self.correlationKey = correlationKey
        self.target = target
    }
}

/// One line of the append-only audit trail: who did what, when, and which variables changed.
public struct HistoryRecord: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var command: String
    public var instanceID: Int64?
    public var businessKey: String?
    public var taskID: Int64?
    public var elementID: String?
    /// JSON: variables changed and what happened (tasks created, timers set, messages sent, end).
    public var details: String
    public init(id: Int64 = 0, at: Date, actor: String, command: String, instanceID: Int64?, businessKey: String?,
                taskID: Int64?, elementID: String?, details: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.command = command
        self.instanceID = instanceID
        self.businessKey = businessKey
        self.taskID = taskID
        self.elementID = elementID
        self.details = details
    }
}
