import Logging
import NahtstelleEngine
import NIOCore
import PostgresNIO
import Synchronization

/// One PostgreSQL connection used synchronously by the one transaction that holds it.
///
/// The engine's store protocol is synchronous and the engine calls it from `NIOThreadPool`
/// threads (the HTTP server) or plain threads (CLI, tests), never from an event loop. So each
/// statement is sent with postgres-nio's `EventLoopFuture` API and the calling thread blocks on
/// `wait()` until the answer is there. The alternative, the `async` API bridged back with a
/// semaphore, would block the calling thread just the same, add a task hop per statement, and
/// could deadlock when the caller itself runs on Swift's cooperative pool (the test suites call
/// the engine from `async` tests; with every pool thread blocked on a semaphore, the task that
/// would signal it never runs). `wait()` needs no other thread than the event loop's, and it
/// traps (rather than deadlocks) if it is ever called on an event loop.
///
/// **What a round trip is here.** postgres-nio (1.x) does not pipeline on the wire: its
/// connection sends a statement only after the server's `ReadyForQuery` for the one before. A
/// statement sent without waiting (`send`) saves the calling thread a block and a wake-up, but
/// the server still answers it on its own: every statement is one server round trip. So the
/// command path also *merges* statements: a write whose answer can be checked later is held back
/// (`hold`) and, when the write that follows it can carry it, both go out as one statement
/// (data-modifying `WITH`); otherwise the held write goes out alone before anything else.
///
/// **Hops to the event loop.** Each statement handed to the connection from this thread is a
/// task for the connection's event loop, which wakes it if it sleeps. A statement sent without
/// waiting is therefore queued (`send`) and handed over together with the next statement that
/// is waited for, in one task (`submit`): with a reserved task id, a completion's `BEGIN` and
/// its one write statement go with the `COMMIT` (one wake-up); without, `BEGIN` goes with the
/// insert that returns the new id and the instance update + history line with the `COMMIT`
/// (two). The server sees the same statements in the same order.
final class PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Statements sent without waiting for their answer, checked by the next wait; with what a
    /// failure as a stale optimistic write (SQLSTATE `NZ001`) means.
    private let pending = Mutex<[(EventLoopFuture<Void>, StaleWrite?)]>([])
    /// Statements sent without waiting that are not yet handed to the connection: they go with
    /// the next statement that is (`submit`), in order.
    private let queued = Mutex<[QueuedStatement]>([])
    /// The writes held back for the next statement to carry (see `hold`), in the order of the calls.
    private let held = Mutex<[HeldWrite]>([])
    /// A task id taken from the task table's sequence ahead of its insert (`TaskIDReservation`).
    private let reservation = Mutex<TaskIDReservation?>(nil)
    /// Set when this transaction found a completion assumed wrongly (`assumedCompletionFailed`),
    /// so that a body that caught the error cannot commit, and the rollback knows to run again.
    private let completionAssumedWrongly = Atomic<Bool>(false)
    /// The command path's statements, prepared on this connection at their first use: the server
    /// parses and plans them once instead of at every execution.
    private let prepared = Mutex<[String: PreparedQuery]>([:])
    /// The first statement of the current transaction that failed. PostgreSQL aborts a
    /// transaction at a failed statement, and a `COMMIT` after that answers `ROLLBACK` without an
    /// error: a body that caught the error and went on must not be told it committed.
    private let failure = Mutex<(any Error)?>(nil)

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var isClosed: Bool { connection.isClosed }

    /// Runs one statement and returns its rows and row count.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try queueHeld()
        let (connection, logger) = (self.connection, self.logger)
        let future = submit { connection.query(query, logger: logger) }
        // A connection answers in order: the statements sent before are done when this one is,
        // and the first of them that failed is the error (the later ones only failed with it).
        try checkSent()
        do {
            return try future.wait()
        } catch {
            throw failed(PostgresStoreError.statement(error, sql: query.sql))
        }
    }

    /// Runs a statement of the command path, prepared once on this connection; returns its rows
    /// (an UPDATE whose row count matters says `RETURNING 1`).
    func execute(prepared sql: String, _ binds: [PostgresData]) throws -> [PostgresRow] {
        try queueHeld()
        let statement = try preparedStatement(sql)
        let future = submit { statement.execute(binds) }
        try checkSent()
        do {
            return try future.wait()
        } catch {
            throw failed(PostgresStoreError.statement(error, sql: sql))
        }
    }

    /// Sends a prepared statement of the command path (`BEGIN`, a history line) without waiting
    /// for its answer: the calling thread does not block for it. It goes out with the next
    /// statement that is waited for (`submit`). Its error, if any, is thrown by that statement's
    /// `query`/`execute`, still inside the transaction, so the transaction fails as if the
    /// statement had thrown; `stale` says what its `NZ001` means.
    /// With `reservesTaskID` the statement's last column is `nextval('task_id_seq')`: the id is
    /// kept as this connection's reserved task id when the answer arrives (`takeReservedTaskID`).
    func send(prepared sql: String, _ binds: [PostgresData], stale: StaleWrite? = nil, reservesTaskID: Bool = false) throws {
        try queueHeld()
        let statement = try preparedStatement(sql)
        queued.withLock { $0.append(QueuedStatement(statement: statement, binds: binds, stale: stale, reservesTaskID: reservesTaskID)) }
    }

    /// Hands the queued statements and then `last` to the connection in one task on its event
    /// loop; the queued ones' answers are checked by the next `checkSent`.
    private func submit<T: Sendable>(_ last: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let before = queued.drain()
        guard !before.isEmpty else { return last() }
        let answer = connection.eventLoop.makePromise(of: T.self)
        handOver(before) { last().cascade(to: answer) }
        return answer.futureResult
    }

    /// Hands `statements` (and then `next`) to the connection in one task on its event loop; their
    /// answers join `pending`.
    private func handOver(_ statements: [QueuedStatement], then next: @escaping @Sendable () -> Void = {}) {
        let loop = connection.eventLoop
        let answers = statements.map { _ in loop.makePromise(of: Void.self) }
        loop.execute {
            // On the event loop, postgres-nio writes each request into the channel at once.
            for (statement, promise) in zip(statements, answers) {
                let rows = statement.statement.execute(statement.binds)
                // Registered first, so the id is kept before anyone waiting for the answer wakes.
                if statement.reservesTaskID { rows.whenSuccess { rows in self.keepReservedTaskID(rows) } }
                rows.map { _ in }.cascade(to: promise)
            }
            next()
        }
        pending.withLock { sent in
            for (statement, promise) in zip(statements, answers) { sent.append((promise.futureResult, statement.stale)) }
        }
    }

    /// Keeps a write back instead of sending it: the next statement of the transaction either
    /// carries it (`takeHeld`, one statement and one round trip for all it carries) or is preceded
    /// by it (`queueHeld`), so the order of the transaction's statements is the order of the calls.
    /// With `after`, the write joins the held ones if the last of them is of that kind (a
    /// statement can carry both); otherwise those go out first.
    func hold(_ write: HeldWrite, after kind: HeldWrite.Kind? = nil) throws {
        let joined = held.withLock { writes in
            guard let kind, writes.last?.kind == kind else { return false }
            writes.append(write)
            return true
        }
        if joined { return }
        try queueHeld()
        held.withLock { $0 = [write] }
    }

    /// The held writes, if they are exactly of `kinds` in this order, taken for the caller to
    /// merge into its own statement.
    func takeHeld(_ kinds: HeldWrite.Kind...) -> [HeldWrite]? {
        held.withLock { writes in
            guard writes.elementsEqual(kinds, by: { $0.kind == $1 }) else { return nil }
            defer { writes = [] }
            return writes
        }
    }

    /// Queues the held writes to go out on their own (as `send` does): before any other
    /// statement, and before `COMMIT`.
    func queueHeld() throws {
        for write in held.drain() {
            let statement = try preparedStatement(write.sql)
            queued.withLock { $0.append(QueuedStatement(statement: statement, binds: write.binds, stale: write.stale)) }
        }
    }

    /// Takes this connection's reserved task id if it is still fresh (see `TaskIDReservation`);
    /// `nil` if there is none. A stale one is dropped: its id stays unused, like the id of a
    /// rolled-back insert.
    func takeReservedTaskID() -> Int64? {
        let now = ContinuousClock.now
        return reservation.withLock { reserved in
            defer { reserved = nil }
            return reserved.flatMap { $0.isFresh(at: now) ? $0.id : nil }
        }
    }

    /// Whether this connection holds a fresh reserved task id (a stale one is dropped).
    func hasReservedTaskID() -> Bool {
        let now = ContinuousClock.now
        return reservation.withLock { reserved in
            if let taken = reserved, !taken.isFresh(at: now) { reserved = nil }
            return reserved != nil
        }
    }

    /// Keeps the id in the last column of the answer's row (`nextval`, 8 bytes binary).
    private func keepReservedTaskID(_ rows: [PostgresRow]) {
        guard let row = rows.first, let id = Array(row).last?.binaryInt64 else { return }
        reservation.withLock { $0 = TaskIDReservation(id: id, at: .now) }
    }

    private func preparedStatement(_ sql: String) throws -> PreparedQuery {
        if let hit = prepared.withLock({ $0[sql] }) { return hit }
        // A statement sent before that failed has aborted the transaction, and preparing would
        // fail for that reason: its own error is the one to report.
        try checkSent()
        do {
            let statement = try connection.prepare(query: sql).wait()
            prepared.withLock { $0[sql] = statement }
            return statement
        } catch {
            throw failed(PostgresStoreError.statement(error, sql: sql))
        }
    }

    /// Drops the held write and waits for the statements sent without waiting, ignoring their
    /// errors (before a `ROLLBACK`). Returns whether this transaction found a completion the
    /// store had assumed (`StaleWrite.assumedCompletion`) not completable: then the body ran on a
    /// wrong answer, and its own error (if any) is not the one to report.
    func discardSent() -> Bool {
        _ = held.drain()
        // Queued statements go out as if they had been sent at once: whether an assumed
        // completion among them was made decides which error counts.
        let unsent = queued.drain()
        if !unsent.isEmpty { handOver(unsent) }
        for (statement, stale) in pending.drain() {
            do {
                _ = try statement.wait()
            } catch {
                if case .assumedCompletion = stale, PostgresStoreError.sqlState(of: error) == "NZ001" { _ = assumedCompletionFailed() }
            }
        }
        return completionAssumedWrongly.exchange(false, ordering: .relaxed)
    }

    /// Whether this transaction found a completion assumed wrongly (it must not commit).
    var hasAssumedCompletionFailed: Bool { completionAssumedWrongly.load(ordering: .relaxed) }

    /// Records that a completion `markCompleted` answered `true` for was not made; returns the
    /// error that runs the transaction again.
    func assumedCompletionFailed() -> AssumedCompletionFailed {
        completionAssumedWrongly.store(true, ordering: .relaxed)
        return AssumedCompletionFailed()
    }

    /// Records `error` as the transaction's first failed statement (see `failure`); returns it.
    private func failed(_ error: any Error) -> any Error {
        failure.withLock { first in if first == nil { first = error } }
        return error
    }

    /// Starts a transaction's record of failed statements afresh.
    func beginTransaction() { failure.withLock { $0 = nil } }

    /// The first statement of this transaction that failed, if any (whether or not the body
    /// caught its error): such a transaction cannot commit.
    var failedStatement: (any Error)? { failure.withLock { $0 } }

    /// Waits for the statements sent without waiting; throws the first one's error.
    func checkSent() throws {
        for (statement, stale) in pending.drain() {
            do {
                _ = try statement.wait()
            } catch {
                if let stale, PostgresStoreError.sqlState(of: error) == "NZ001" {
                    switch stale {
                    case .conflict(let conflict): throw failed(conflict)
                    case .assumedCompletion: throw failed(assumedCompletionFailed())
                    }
                }
                throw failed(PostgresStoreError.statement(error, sql: (error as? PSQLError)?.query?.sql ?? ""))
            }
        }
    }

    /// Closes the connection without waiting. The connection stays referenced until it is
    /// closed (postgres-nio requires a connection to be closed before it is released).
    func close() {
        _ = held.drain()
        _ = queued.drain()
        _ = pending.drain()
        let connection = connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}

/// What a write sent without waiting means when it fails as stale (`nahtstelle_expect_one_row`,
/// SQLSTATE `NZ001`).
enum StaleWrite: Sendable {
    /// An optimistic update whose version was no longer stored: the engine's conflict.
    case conflict(EngineError)
    /// A task completion that `markCompleted` answered `true` for before the database did: the
    /// transaction runs again with the completion waited for (`AssumedCompletionFailed`).
    case assumedCompletion
}

/// A command-path write kept back by `PostgresSession.hold` for the next statement to carry.
struct HeldWrite: Sendable {
    enum Kind: Sendable { case taskCompletion, taskCompletionAndInsert, instanceUpdate }
    var kind: Kind
    /// The statement that goes out when nothing carries the write (checked with `stale`).
    var sql: String
    /// Its values; a statement that carries the write takes them as its first parameters.
    var binds: [PostgresData]
    var stale: StaleWrite
}

/// `markCompleted` answered `true` without waiting, and the database found the task no longer
/// completable at that version. The transaction is rolled back and run again with completions
/// waited for, so the engine gets the real answer (`false`) and decides on it, as on SQLite.
struct AssumedCompletionFailed: Error {}

/// A statement sent without waiting, not yet handed to the connection (`PostgresSession.send`).
struct QueuedStatement: Sendable {
    var statement: PreparedQuery
    var binds: [PostgresData]
    var stale: StaleWrite?
    /// Its answer's last column is a task id to keep (`PostgresSession.send`).
    var reservesTaskID = false
}

/// A task id taken with `nextval` by the last statement of an engine command, for the next task
/// that a completion on the same connection creates: that completion then needs no answer before
/// its `COMMIT` (`PostgresTransaction.insertTask`).
///
/// Only used within `lifetime` of its arrival. Ids are the order in which the mail notices'
/// cursor takes new tasks on PostgreSQL (`OptimaService.collectMailNotices`): it passes a task
/// only once it is older than `OptimaService.mailCommitMargin` (30 s), counting on every command
/// to commit long before. A task with a reserved id was created at most `lifetime` after its id
/// was taken, so the margin still holds with `lifetime` to spare.
struct TaskIDReservation: Sendable {
    static let lifetime: Duration = .seconds(2)
    var id: Int64
    var at: ContinuousClock.Instant

    func isFresh(at now: ContinuousClock.Instant) -> Bool { at.duration(to: now) < Self.lifetime }
}

extension Mutex {
    /// Takes the elements out, leaving it empty.
    func drain<Element>() -> [Element] where Value == [Element] {
        withLock { elements in
            defer { elements.removeAll() }
            return elements
        }
    }
}
