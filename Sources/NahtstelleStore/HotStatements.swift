import Foundation
import GRDB

/// The statements every command runs (transaction control, the task, instance and history
/// writes), each prepared once on the writer connection.
///
/// GRDB's statement cache is keyed by the SQL text, so each use hashes a few hundred bytes of
/// SQL — as much as SQLite needs to run the statement in memory. These are looked up by number.
enum HotQuery: Int, CaseIterable {
    case begin, commit, rollback
    case latestDefinitionID
    case insertInstance, updateInstance
    case insertTask, markCompleted
    case appendHistory

    var sql: String {
        switch self {
        case .begin: "BEGIN IMMEDIATE"
        case .commit: "COMMIT"
        case .rollback: "ROLLBACK"
        case .latestDefinitionID: "SELECT id FROM definition WHERE process_id = ? ORDER BY version DESC LIMIT 1"
        case .insertInstance:
            """
            INSERT INTO instance (definition_id, process_id, business_key, status, version, state, started_at, ended_at, end_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        case .updateInstance:
            // Not the business key: it is set once, and assigning it would rewrite its index entry.
            """
            UPDATE instance SET status = ?, version = ?, state = ?, ended_at = ?, end_event_id = ?
            WHERE id = ? AND version = ?
            """
        case .insertTask:
            """
            INSERT INTO task (instance_id, process_id, business_key, element_id, name, role, office, assignee, form_key, state, due_at,
                              created_at, claimed_at, ended_at, completed_by, token_id, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        case .markCompleted:
            // Only if still open, at the version the caller saw, and not claimed by someone else.
            """
            UPDATE task SET state = 'completed', ended_at = ?1, completed_by = ?2, assignee = COALESCE(assignee, ?2), version = version + 1
            WHERE id = ?3 AND version = ?4 AND ended_at IS NULL AND (state = 'created' OR assignee = ?2)
            """
        case .appendHistory:
            """
            INSERT INTO history (at, actor, command, instance_id, business_key, task_id, element_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        }
    }
}

/// The writer connection's prepared `HotQuery` statements.
///
/// `@unchecked Sendable`: used only inside `writeWithoutTransaction`, which GRDB runs on the
/// writer's serial queue, so one thread at a time. The statements belong to that one
/// connection (a `DatabaseQueue`'s, or a `DatabasePool`'s writer) and are finalized with this
/// object; SQLite re-prepares them by itself when a migration changes the schema.
final class HotStatements: @unchecked Sendable {
    /// The prepared statements (kept alive here) and their SQLite handles, looked up by number.
    private var statements = [Statement?](repeating: nil, count: HotQuery.allCases.count)
    private var handles = [OpaquePointer?](repeating: nil, count: HotQuery.allCases.count)
    private var connection: OpaquePointer?
    /// Text bound to these statements during one transaction. Bound `SQLITE_TRANSIENT`, SQLite
    /// would allocate, copy and free every string (some fifteen per task completion); copied
    /// here, it is bound `SQLITE_STATIC`. SQLite reads bound text only while stepping, and every
    /// use of a hot statement binds all its parameters anew first, so text from an earlier
    /// transaction is never read again. The space is reused from the start by each transaction.
    private let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
    private var arenaUsed = 0

    deinit { arena.deallocate() }

    /// Called at the start of each write transaction (on the writer's queue).
    func beginTransaction(_ db: Database) {
        arenaUsed = 0
        if connection != db.sqliteConnection {
            // Never expected (one writer connection per store); prepared on another connection would be wrong.
            statements = [Statement?](repeating: nil, count: HotQuery.allCases.count)
            handles = [OpaquePointer?](repeating: nil, count: HotQuery.allCases.count)
            connection = db.sqliteConnection
        }
    }

    /// A stable copy of `text` for binding, or `nil` when the arena is full (then SQLite copies).
    func copy(_ text: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar>? {
        guard arenaUsed + text.count <= arena.count, let base = arena.baseAddress else { return nil }
        let start = base + arenaUsed
        if let source = text.baseAddress, text.count > 0 { start.copyMemory(from: source, byteCount: text.count) }
        arenaUsed += text.count
        return UnsafePointer(start.assumingMemoryBound(to: CChar.self))
    }

    func handle(_ query: HotQuery, _ db: Database) throws -> OpaquePointer {
        if let handle = handles[query.rawValue] { return handle }
        let statement = try db.makeStatement(sql: query.sql)
        statements[query.rawValue] = statement
        handles[query.rawValue] = statement.sqliteStatement
        return statement.sqliteStatement
    }
}
