import Foundation
import GRDB
import NahtstelleSQL

/// The application's tables through GRDB, in the engine's own transaction: one cached prepared
/// statement per SQL text on the connection, values in SQLite's five storage classes.
struct SQLiteConnection: SQLConnection {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try Self.constraints {
            let statement = try db.cachedStatement(sql: sql)
            try statement.execute(arguments: Self.arguments(arguments))
            return db.changesCount
        }
    }

    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try Self.constraints {
            let statement = try db.cachedStatement(sql: sql)
            let columns = statement.columnNames
            return try Row.fetchAll(statement, arguments: Self.arguments(arguments)).map { row in
                SQLRow(columns: columns, values: row.databaseValues.map(Self.value))
            }
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

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in
            switch value {
            case .null: .null
            case .integer(let int): int.databaseValue
            case .real(let double): double.databaseValue
            case .text(let text): text.databaseValue
            case .blob(let bytes): Data(bytes).databaseValue
            }
        })
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let int): .integer(int)
        case .double(let double): .real(double)
        case .string(let text): .text(text)
        case .blob(let data): .blob([UInt8](data))
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
