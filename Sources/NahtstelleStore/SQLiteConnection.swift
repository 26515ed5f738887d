import Foundation
import GRDB
import GRDBSQLite
import NahtstelleSQL

/// The application's tables in the engine's own transaction: one cached prepared statement per
/// SQL text on the connection (GRDB's cache), bound and read through the SQLite C API
/// (`RawStatement`), values in SQLite's five storage classes. GRDB's argument and row types
/// cost more than the statements themselves (the access log's insert took about 14 µs of every
/// completion on the writer).
struct SQLiteConnection: SQLConnection {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try Self.constraints {
            let statement = try RawStatement(db, sql)
            try Self.bind(arguments, to: statement)
            try statement.run()
            return db.changesCount
        }
    }

    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try Self.constraints {
            let cached = try db.cachedStatement(sql: sql)
            let columns = cached.columnNames
            let statement = RawStatement(cached, db)
            defer { statement.reset() }
            try Self.bind(arguments, to: statement)
            var rows: [SQLRow] = []
            while try statement.step() {
                var values: [SQLValue] = []
                values.reserveCapacity(columns.count)
                for column in 0..<Int32(columns.count) { values.append(Self.value(statement, column)) }
                rows.append(SQLRow(columns: columns, values: values))
            }
            return rows
        }
    }

    private static func bind(_ arguments: [SQLValue], to statement: RawStatement) throws {
        let expected = Int(sqlite3_bind_parameter_count(statement.handle))
        guard arguments.count == expected else {
            // GRDB's check, kept: a missing argument would otherwise bind as NULL without a word.
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(arguments.count), expected \(expected)",
                                sql: String(cString: sqlite3_sql(statement.handle)))
        }
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: try statement.bind(index, nil as Int64?)
            case .integer(let int): try statement.bind(index, int)
            case .real(let double): try statement.bind(index, double)
            case .text(let text): try statement.bind(index, text)
            case .blob(let bytes): try statement.bind(index, blob: bytes)
            }
        }
    }

    private static func value(_ statement: RawStatement, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement.handle, column) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer(statement.int64(column))
        case SQLITE_FLOAT: .real(statement.double(column))
        case SQLITE_BLOB: .blob(statement.blob(column))
        default: .text(statement.string(column))
        }
    }

    /// A constraint or a trigger's `RAISE(ABORT, …)` (both `SQLITE_CONSTRAINT`) as `SQLConstraintError`.
    private static func constraints<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw SQLConstraintError(message: error.message ?? "\(error)")
        }
    }
}

extension SQLiteTransaction: SQLDatabaseProviding {
    public var sqlDatabase: SQLDatabase { SQLDatabase(SQLiteConnection(db: db)) }
}

extension SQLiteEngineStore {
    /// Registers the application's migrations (SQLite dialect) after the engine's.
    public static func registering(_ migrations: [SQLMigration]) -> (inout DatabaseMigrator) -> Void {
        { migrator in
            for migration in migrations {
                migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
            }
        }
    }
}

extension SQLiteEngineStore {
    /// An online backup with SQLite's backup API: one consistent snapshot of the whole file,
    /// taken from a reader while writers go on (WAL). Written beside `path` under a temporary
    /// name and renamed when complete, so `path` never holds half a backup.
    /// - Throws: `StoreError` when `path` exists already.
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.invalidPath, path: path, "Die Datei gibt es schon. Bitte einen neuen Namen für die Sicherung angeben; "
                             + "eine bestehende Sicherung wird nie überschrieben.")
        }
        let partial = path + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            do {
                let target = try DatabaseQueue(path: partial)
                try writer.backup(to: target)
                try target.close()
            }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}
