import Foundation
import Logging
import NahtstelleEngine
import PostgresNIO

/// The engine's store on PostgreSQL, for several Nahtstelle nodes on one database.
///
/// **Isolation.** SQLite runs one writer at a time (`BEGIN IMMEDIATE`), so every command sees
/// everything committed before it and nothing can interleave. Here write transactions are
/// `SERIALIZABLE`: PostgreSQL guarantees that committed transactions have the effect of some
/// serial order, the same guarantee, while commands on different instances run side by side.
/// When it cannot keep that promise it aborts a transaction with a serialization failure
/// (SQLSTATE `40001`, or a deadlock `40P01`); `write` then rolls back and runs the body again on
/// a fresh snapshot, as SQLite would have run it after the other command. So the engine sees
/// exactly SQLite's outcomes: two completions of one task give one success and one
/// `EngineError(.conflict)` ("bereits erledigt") from the body's own checks; an
/// `expectedVersion` that is stale before the transaction began gives the store's version
/// conflict; `markCompleted` returns `false` when the task was completed before. After
/// `maxAttempts` failures the command fails with `EngineError.tooManyConcurrentChanges`.
/// A body must therefore have no effects outside the transaction (the engine's bodies touch only
/// the transaction; its caches take committed states only).
///
/// Reads run `REPEATABLE READ READ ONLY`: one consistent snapshot for the whole closure, never
/// a serialization failure, never blocking a writer.
///
/// **Connections.** A pool of `pool_size` connections (default 8); each transaction holds one
/// from `BEGIN` to `COMMIT`/`ROLLBACK`. Statements block the calling thread on postgres-nio's
/// futures (see `PostgresSession`): the protocol is synchronous and is called off the event loops.
public final class PostgresEngineStore: EngineStore {
    public let location: PostgresLocation
    let pool: ConnectionPool
    /// How often a write transaction runs before a serialization failure becomes a conflict.
    public static let maxAttempts = 12

    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/db[?…]`, see
    /// `PostgresLocation`) and brings the engine's schema up to date.
    /// - Parameter logger: postgres-nio's connection log (quiet unless its level is lowered).
    public init(url: String, logger: Logger = Logger(label: "nahtstelle.postgres")) throws {
        location = try PostgresLocation(url: url)
        pool = try ConnectionPool(location, logger: logger)
        try pool.withSession { session in try PostgresMigrations.migrate(session) }
    }

    public func write<T>(_ body: (any EngineTransaction) throws -> T) throws -> T {
        try pool.withSession { session in
            var attempt = 1
            while true {
                do {
                    return try transaction(session, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", body)
                } catch let error as PostgresStoreError where error.isSerializationFailure {
                    guard attempt < Self.maxAttempts else { throw EngineError.tooManyConcurrentChanges(attempts: attempt) }
                    // A short random pause, growing: the commands that collided do not meet again at once.
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

    /// `begin` … `COMMIT` around `body`, rolled back on any error. `BEGIN` goes out with the
    /// body's first statement (pipelined), so a transaction costs one round trip for it less.
    private func transaction<T>(_ session: PostgresSession, begin: PostgresQuery, _ body: (PostgresTransaction) throws -> T) throws -> T {
        session.send(begin)
        do {
            let result = try body(PostgresTransaction(session))
            try session.query("COMMIT")
            return result
        } catch {
            do {
                try session.query("ROLLBACK")
            } catch {
                // The connection's state is unknown: the pool closes it instead of reusing it.
                throw BrokenSession(underlying: error)
            }
            throw error
        }
    }
}

extension PostgresStoreError {
    /// The transaction lost a race PostgreSQL detected (`40001`) or a deadlock (`40P01`): running
    /// it again gives the serial outcome.
    var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
}
