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
        self.db = db
        handle = try db.cachedStatement(sql: sql).sqliteStatement
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

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }
    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }
    func bind(_ index: Int32, _ value: Date?) { bind(index, value?.timeIntervalSince1970) }
    func bind(_ index: Int32, _ value: String?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        // Native strings (nearly all) lend their bytes without a copy; others are made contiguous.
        if value.utf8.withContiguousStorageIfAvailable({ bindText(index, $0) }) == nil {
            var copy = value
            copy.withUTF8 { bindText(index, $0) }
        }
    }

    /// Binds UTF-8 text: from the arena (`SQLITE_STATIC`) when there is one with room, else
    /// copied by SQLite.
    private func bindText(_ index: Int32, _ utf8: UnsafeBufferPointer<UInt8>) {
        if let arena, let stable = arena.copy(utf8) {
            _ = sqlite3_bind_text(handle, index, stable, Int32(utf8.count), nil)  // nil: SQLITE_STATIC
            return
        }
        utf8.withMemoryRebound(to: CChar.self) { chars in
            // An empty string has no base address; SQLite wants a pointer anyway.
            if let base = chars.baseAddress {
                _ = sqlite3_bind_text(handle, index, base, Int32(chars.count), transient)
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, transient)
            }
        }
    }
    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { raw in
            if let arena, let stable = arena.copy(raw.assumingMemoryBound(to: UInt8.self)) {
                _ = sqlite3_bind_blob(handle, index, stable, Int32(raw.count), nil)  // nil: SQLITE_STATIC
                return
            }
            _ = sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), transient)
        }
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
