import Foundation
import GRDBSQLite
import Synchronization

/// Tells whether anything committed to a database file since it was last asked, for caches of
/// reads (`EngineStore.changeStamp`).
///
/// It keeps one connection of its own that never writes and asks `PRAGMA data_version` on it.
/// SQLite changes that value on a connection whenever another connection (of this process or
/// any other) committed to the file in between — so every commit of the store's writer, of a
/// command-line process or of a restore shows. The question begins and ends a read transaction
/// (the write-ahead log's shared header, no disk read when nothing changed): microseconds.
///
/// The connection opens on first use; when it cannot open or the question fails, the answer is
/// `nil` (nothing may be cached) until the next question. It never waits for a lock: it is
/// asked on the request path.
final class ChangeWatch: Sendable {
    private struct Connection {
        var db: OpaquePointer?
        var statement: OpaquePointer?
    }

    private let path: String
    private let connection = Mutex(Connection())

    init(path: String) {
        self.path = path
    }

    deinit {
        connection.withLock { Self.close(&$0) }
    }

    /// The file's data version as this connection sees it; another value means a commit
    /// happened between the two questions.
    func stamp() -> UInt64? {
        connection.withLock { c -> UInt64? in
            if c.statement == nil, !open(&c) { return nil }
            guard let statement = c.statement else { return nil }
            defer { sqlite3_reset(statement) }
            let step = sqlite3_step(statement)
            guard step == SQLITE_ROW else {
                // Busy (another process recovering the write-ahead log): no answer this time, and
                // no waiting — the caller reads instead. Anything else: open anew next time
                // rather than keep a connection in an unknown state.
                if step & 0xFF != SQLITE_BUSY { Self.close(&c) }
                return nil
            }
            return UInt64(bitPattern: sqlite3_column_int64(statement, 0))
        }
    }

    private func open(_ c: inout Connection) -> Bool {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            if let db { sqlite3_close_v2(db) }
            return false
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK, let statement else {
            sqlite3_close_v2(db)
            return false
        }
        c = Connection(db: db, statement: statement)
        return true
    }

    private static func close(_ c: inout Connection) {
        if let statement = c.statement { sqlite3_finalize(statement) }
        if let db = c.db { sqlite3_close_v2(db) }
        c = Connection()
    }
}
