import Foundation
import Logging
import NahtstelleEngine
import NahtstelleSQL
import PostgresNIO

/// The engine's store on PostgreSQL, for several Nahtstelle nodes on one database.
///
/// **Isolation.** SQLite runs one writer at a time (`BEGIN IMMEDIATE`): every command sees
/// everything committed before it. Here write transactions are `REPEATABLE READ` (snapshot
/// isolation): one snapshot for the whole command, and a row that another transaction changed
/// after that snapshot cannot be changed again — PostgreSQL waits for the other transaction and,
/// if it committed, aborts with a serialization failure (SQLSTATE `40001`; deadlocks `40P01`).
/// `write` then rolls back and runs the body again on a fresh snapshot, as SQLite would have run
/// it after the other command. Every engine command writes the rows it decided on with their
/// optimistic version (the instance; for a claim the task), so two commands that read the same
/// instance are always put one after the other, and the engine gets SQLite's answers: of two
/// completions of one task one succeeds and the other gets the engine's own conflict («bereits
/// erledigt»); a version that was stale before the transaction began gives the store's
/// `EngineError(.conflict)` with the same words; `markCompleted` returns `false` for a task
/// completed before. Two deployments of one process at once collide on the unique key
/// (process, version): that collision is run again too, and the second gets version n+2.
/// After `maxAttempts` runs the command fails with `EngineError.tooManyConcurrentChanges`.
/// A body must have no effects outside the transaction (the engine's bodies touch only the
/// transaction; its caches take committed states only).
///
/// Why not `SERIALIZABLE`: measured with `nahtstelle-bench engine --db`, its predicate locks on
/// the index pages every command touches (new task and history ids all land on the rightmost
/// B-tree page) made 8 clients working on different instances abort each other until a command
/// ran out of attempts. What `SERIALIZABLE` adds over this — write skew between transactions that
/// write different rows — cannot happen to the engine's commands, because each writes the
/// instance row it read; application tables must keep that rule (or a unique constraint) too.
///
/// Reads run `REPEATABLE READ READ ONLY`: one consistent snapshot for the whole closure, never
/// a serialization failure, never blocking a writer.
///
/// **Connections.** A pool of `pool_size` connections (default 8); each transaction holds one
/// from `BEGIN` to `COMMIT`/`ROLLBACK`. Statements block the calling thread on postgres-nio's
/// futures (see `PostgresSession`): the protocol is synchronous and is called off the event loops.
/// postgres-nio sends one statement per server round trip, so the command path's writes are
/// prepared once per connection and merged (data-modifying `WITH`). A task completion that
/// creates the next task is three statements — `BEGIN`; mark done + insert the next task + the
/// instance update + the history line; `COMMIT` — and the calling thread waits once, for the
/// `COMMIT`. The engine needs the new task's id before the instance update (the instance's state
/// names it), so the id comes from a reservation: the last statement of every engine command
/// also takes `nextval` of the task sequence for the next completion on that connection
/// (`TaskIDReservation`, used within 2 s). Without a fresh one it is four statements, and the
/// thread waits for the insert's id too. `markCompleted` answers `true` before the database does
/// and its UPDATE goes out with the insert; if the row was not completable after all (or the
/// instance's version was no longer stored), nothing commits and the command runs again with the
/// completion waited for (`AssumedCompletionFailed`), so the engine decides on the real answer as
/// on SQLite. Every write sent without waiting is checked before the `COMMIT` is acknowledged:
/// its error fails the transaction.
public final class PostgresEngineStore: EngineStore {
    public let location: PostgresLocation
    let pool: ConnectionPool
    /// How often a write transaction runs before a serialization failure becomes a conflict.
    public static let maxAttempts = 12
    /// How often a write runs when an application table's unique key is taken (see `write`).
    /// More than `maxAttempts`: new cases take the next number of their year, and of n
    /// applications submitted at the same moment the last one meets n − 1 others on the key (each
    /// attempt waits at the insert for the one before it to commit, then runs again — cheap, the
    /// case row is the body's first write). A real duplicate fails after that many quick runs.
    public static let uniqueViolationAttempts = 32

    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/db[?…]`, see
    /// `PostgresLocation`) and brings the engine's schema up to date.
    /// - Parameter logger: postgres-nio's connection log (quiet unless its level is lowered).
    /// - Parameter applicationMigrations: the application's own tables (PostgreSQL dialect),
    ///   applied after the engine's in the same locked migration transaction.
    public init(url: String, applicationMigrations: [SQLMigration] = [], logger: Logger = Logger(label: "nahtstelle.postgres")) throws {
        location = try PostgresLocation(url: url)
        pool = try ConnectionPool(location, logger: logger)
        try pool.withSession { session in try PostgresMigrations.migrate(session, applicationMigrations: applicationMigrations) }
    }

    public func write<T>(_ body: (any EngineTransaction) throws -> T) throws -> T {
        try pool.withSession { session in
            var attempt = 1
            // Completions are answered before the database confirms them (see `markCompleted`)
            // until one turns out wrong; the run after that waits for them.
            var assumesCompletions = true
            while true {
                do {
                    return try transaction(session, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ", assumesCompletions: assumesCompletions, body)
                } catch is AssumedCompletionFailed {
                    // Not a race to back off from: the same snapshot rules, only the answer was guessed.
                    assumesCompletions = false
                } catch let error as PostgresStoreError where error.isSerializationFailure {
                    guard attempt < Self.maxAttempts else { throw EngineError.tooManyConcurrentChanges(attempts: attempt) }
                    // A short random pause, growing: the commands that collided do not meet again at once.
                    usleep(useconds_t.random(in: 0...(500 << min(attempt, 6))))
                    attempt += 1
                } catch let error as SQLConstraintError where error.isUniqueViolation && attempt < Self.uniqueViolationAttempts {
                    // An application table's key taken by a command that committed after this
                    // one's snapshot (two new cases choosing the same next number): run again,
                    // where the other's row is seen. A key that is still taken then is a real
                    // duplicate, and its error goes to the caller.
                    usleep(useconds_t.random(in: 0...(500 << min(attempt, 6))))
                    attempt += 1
                }
            }
        }
    }

    public func read<T>(_ body: (any EngineReadTransaction) throws -> T) throws -> T {
        try pool.withSession { session in try transaction(session, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body) }
    }

    /// Runs one statement in a transaction of its own, outside the engine's record operations:
    /// for maintenance and for tests of the schema's own guarantees (triggers, checks).
    /// - Returns: the rows the statement changed or returned.
    @discardableResult
    public func execute(sql: String) throws -> Int {
        try pool.withSession { session in
            try transaction(session, begin: "BEGIN") { _ in try session.query(PostgresQuery(unsafeSQL: sql)).metadata.rows ?? 0 }
        }
    }

    /// `begin` … `COMMIT` around `body`, rolled back on any error. `BEGIN` is sent without
    /// waiting, so the calling thread blocks once for it and the body's first statement; the
    /// write held back last and the statements sent without waiting are sent, and checked, before
    /// the `COMMIT` is acknowledged (the connection answers in order, and `query` checks them
    /// first). A transaction that found a completion assumed wrongly never commits, nor one with a
    /// failed statement whose error the body caught (the server aborted it at that statement).
    private func transaction<T>(_ session: PostgresSession, begin: String, assumesCompletions: Bool = false,
                                _ body: (PostgresTransaction) throws -> T) throws -> T {
        do {
            session.beginTransaction()
            // Prepared like the command path's writes: the server parses each once per connection.
            try session.send(prepared: begin, [])
            let result = try body(PostgresTransaction(session, assumesCompletions: assumesCompletions))
            if session.hasAssumedCompletionFailed { throw AssumedCompletionFailed() }
            // A statement failed and the body went on: the server has aborted the transaction
            // and would answer the COMMIT with ROLLBACK, silently. Its error is the answer.
            if let failure = session.failedStatement { throw failure }
            _ = try session.execute(prepared: "COMMIT", [])
            return result
        } catch {
            let assumedWrongly = session.discardSent()
            do {
                try session.query("ROLLBACK")
            } catch {
                // The connection's state is unknown: the pool closes it instead of reusing it.
                throw BrokenSession(underlying: error)
            }
            // The body decided on a completion that was not made: its own error does not count.
            if assumedWrongly { throw AssumedCompletionFailed() }
            throw error
        }
    }
}

extension PostgresStoreError {
    /// The transaction lost a race PostgreSQL detected (`40001`), a deadlock (`40P01`), or two
    /// deployments took the same next version of a process: running it again gives the serial outcome.
    var isSerializationFailure: Bool {
        sqlState == "40001" || sqlState == "40P01" || (sqlState == "23505" && constraint == "definition_process_id_version_key")
    }
}
