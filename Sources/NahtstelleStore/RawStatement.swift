import Foundation
import GRDB
import GRDBSQLite

/// SQLite's "copy the bytes now" destructor for bound text and blobs.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// One use of a prepared statement through the SQLite C API.
///
/// The engine's commands run a handful of tiny statements each; GRDB's generic argument and row
/// types cost more than SQLite itself there, so the hot path binds and reads columns directly.
/// The statement comes from GRDB's cache (prepared once per connection) and is reset after use,
/// so GRDB keeps owning connections, transactions and migrations.
struct RawStatement {
    let handle: OpaquePointer
    // Not counted references: a `RawStatement` lives for one statement inside the transaction
    // closure, where the connection and its hot statements are alive anyway; counting them cost
    // two atomic increments and decrements per statement.
    unowned(unsafe) let db: Database
    /// Where bound text is copied for `SQLITE_STATIC` binding (hot statements only).
    unowned(unsafe) let arena: HotStatements?

    init(_ db: Database, _ sql: String) throws {
        self.init(try db.cachedStatement(sql: sql), db)
    }

    /// A statement of GRDB's cache (`Database.cachedStatement`), reset and cleared for this use.
    init(_ statement: Statement, _ db: Database) {
        self.db = db
        handle = statement.sqliteStatement
        arena = nil
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// A statement of the command path (`HotStatements`): reset after every use, and its
    /// callers bind every parameter each time, so there is nothing to clear.
    init(prepared handle: OpaquePointer, db: Database, arena: HotStatements) {
        self.db = db
        self.handle = handle
        self.arena = arena
    }

    // Every bind is checked: a parameter SQLite refused (index out of range, text or blob too
    // big, out of memory) stays NULL, and the statement would store a wrong row without a word.
    func bind(_ index: Int32, _ value: Int64) throws { try check(sqlite3_bind_int64(handle, index, value), index) }
    func bind(_ index: Int32, _ value: Int) throws { try check(sqlite3_bind_int64(handle, index, Int64(value)), index) }
    func bind(_ index: Int32, _ value: Int64?) throws {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }
    func bind(_ index: Int32, _ value: Double?) throws {
        if let value { try check(sqlite3_bind_double(handle, index, value), index) } else { try bindNull(index) }
    }
    func bind(_ index: Int32, _ value: Date?) throws { try bind(index, value?.timeIntervalSince1970) }
    func bind(_ index: Int32, _ value: String?) throws {
        guard let value else { try bindNull(index); return }
        // Native strings (nearly all) lend their bytes without a copy; others are made contiguous.
        let code = value.utf8.withContiguousStorageIfAvailable { bindText(index, $0) } ?? {
            var copy = value
            return copy.withUTF8 { bindText(index, $0) }
        }()
        try check(code, index)
    }

    private func bindNull(_ index: Int32) throws { try check(sqlite3_bind_null(handle, index), index) }

    /// Binds UTF-8 text: from the arena (`SQLITE_STATIC`) when there is one with room, else
    /// copied by SQLite. Returns SQLite's result code.
    private func bindText(_ index: Int32, _ utf8: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let length = Int32(exactly: utf8.count) else { return SQLITE_TOOBIG }
        if let arena, let stable = arena.copy(utf8) {
            return sqlite3_bind_text(handle, index, stable, length, nil)  // nil: SQLITE_STATIC
        }
        return utf8.withMemoryRebound(to: CChar.self) { chars in
            // An empty string has no base address; SQLite wants a pointer anyway.
            if let base = chars.baseAddress { return sqlite3_bind_text(handle, index, base, length, transient) }
            return sqlite3_bind_text(handle, index, "", 0, transient)
        }
    }
    func bind(_ index: Int32, blob: [UInt8]) throws {
        guard let length = Int32(exactly: blob.count) else { return try check(SQLITE_TOOBIG, index) }
        let code = blob.withUnsafeBytes { raw -> Int32 in
            if let arena, let stable = arena.copy(raw.assumingMemoryBound(to: UInt8.self)) {
                return sqlite3_bind_blob(handle, index, stable, length, nil)  // nil: SQLITE_STATIC
            }
            return sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), length, transient)
        }
        try check(code, index)
    }

    private func check(_ code: Int32, _ index: Int32) throws {
        guard code != SQLITE_OK else { return }
        throw DatabaseError(resultCode: ResultCode(rawValue: code),
                            message: "parameter \(index) could not be bound: \(String(cString: sqlite3_errstr(code)))",
                            sql: String(cString: sqlite3_sql(handle)))
    }

    /// Steps once: `true` when a row is available.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = db.lastErrorMessage
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(handle)))
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    func reset() { sqlite3_reset(handle) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func date(_ column: Int32) -> Date { Date(timeIntervalSince1970: double(column)) }
    func optionalDate(_ column: Int32) -> Date? { isNull(column) ? nil : date(column) }
    func string(_ column: Int32) -> String { optionalString(column) ?? "" }
    func optionalString(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }
}
