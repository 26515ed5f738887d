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
final class PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Statements sent without waiting for their answer, checked by the next wait; with the
    /// conflict to throw if one fails as a stale optimistic update (SQLSTATE `NZ001`).
    private let pending = Mutex<[(EventLoopFuture<Void>, EngineError?)]>([])
    /// The command path's statements, prepared on this connection at their first use: the server
    /// parses and plans them once instead of at every execution.
    private let prepared = Mutex<[String: PreparedQuery]>([:])

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var isClosed: Bool { connection.isClosed }

    /// Runs one statement and returns its rows and row count.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        let future = connection.query(query, logger: logger)
        // A connection answers in order: the statements sent before are done when this one is,
        // and the first of them that failed is the error (the later ones only failed with it).
        try checkSent()
        do {
            return try future.wait()
        } catch {
            throw PostgresStoreError.statement(error, sql: query.sql)
        }
    }

    /// Sends a statement without waiting for its answer (`BEGIN`, a history line): it costs no
    /// round trip of its own. Its error, if any, is thrown by the next `query` or `checkSent`,
    /// still inside the transaction, so the transaction fails as if the statement had thrown.
    func send(_ query: PostgresQuery, conflict: EngineError? = nil) {
        let future = connection.query(query, logger: logger).map { _ in }
        pending.withLock { $0.append((future, conflict)) }
    }

    /// Runs a statement of the command path, prepared once on this connection; returns its rows
    /// (an UPDATE whose row count matters says `RETURNING 1`).
    func execute(prepared sql: String, _ binds: [PostgresData]) throws -> [PostgresRow] {
        let future = try preparedStatement(sql).execute(binds)
        try checkSent()
        do {
            return try future.wait()
        } catch {
            throw PostgresStoreError.statement(error, sql: sql)
        }
    }

    /// `send` for a prepared statement of the command path.
    func send(prepared sql: String, _ binds: [PostgresData], conflict: EngineError? = nil) throws {
        let future = try preparedStatement(sql).execute(binds).map { _ in }
        pending.withLock { $0.append((future, conflict)) }
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
            throw PostgresStoreError.statement(error, sql: sql)
        }
    }

    /// Waits for the statements sent without waiting, ignoring their errors (before a `ROLLBACK`).
    func discardSent() {
        let sent = pending.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
        for (statement, _) in sent { _ = try? statement.wait() }
    }

    /// Waits for the statements sent without waiting; throws the first one's error.
    func checkSent() throws {
        let sent = pending.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
        for (statement, conflict) in sent {
            do {
                _ = try statement.wait()
            } catch {
                if let conflict, PostgresStoreError.sqlState(of: error) == "NZ001" { throw conflict }
                throw PostgresStoreError.statement(error, sql: (error as? PSQLError)?.query?.sql ?? "")
            }
        }
    }

    /// Closes the connection without waiting. The connection stays referenced until it is
    /// closed (postgres-nio requires a connection to be closed before it is released).
    func close() {
        pending.withLock { $0.removeAll() }
        let connection = connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}
