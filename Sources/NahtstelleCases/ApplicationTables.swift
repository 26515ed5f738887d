import NahtstelleEngine
import NahtstellePostgres
import NahtstelleSQL
import NahtstelleStore

/// The application's tables outside an engine command (sign-in, the access log, mail,
/// templates): each closure is one transaction of the store, on whichever backend it runs.
public struct ApplicationTables: Sendable {
    public let store: any EngineStore

    public init(store: any EngineStore) {
        self.store = store
    }

    /// One write transaction. On PostgreSQL the body may run again after a serialization
    /// failure (see `PostgresEngineStore`): it must have no effects outside the transaction.
    @discardableResult
    public func write<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        try store.write { tx in try body(tx.database()) }
    }

    /// One read transaction (a consistent snapshot).
    public func read<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        try store.read { tx in try body(tx.database()) }
    }

    /// Whether any OPTIMA case is stored.
    public func holdsCases() throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM optima_case)") ?? false }
    }

    /// The application's tables and the engine's records from the same snapshot.
    public func snapshot<T>(_ body: (SQLDatabase, any EngineReadTransaction) throws -> T) throws -> T {
        try store.read { tx in try body(tx.database(), tx) }
    }
}

extension EngineReadTransaction {
    /// The application's tables in this very transaction.
    func database() throws -> SQLDatabase {
        guard let provider = self as? SQLDatabaseProviding else {
            throw CaseServiceError(.processFailed, "Die OPTIMA-Anwendung braucht einen Speicher mit ihren Tabellen (SQLite oder PostgreSQL).")
        }
        return provider.sqlDatabase
    }
}

/// Where an installation keeps its state: a SQLite file (the default for one machine), a
/// private in-memory SQLite database, or a PostgreSQL database shared by several nodes.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case memory
    case postgres(url: String)

    /// `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:PATH` or any other text a file path.
    public init(_ text: String) {
        let lower = text.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if lower.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// For logs and messages: a PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .memory: "(im Arbeitsspeicher)"
        case .postgres(let url): PostgresLocation.redacted(url)
        }
    }

    /// Opens the store with the engine's and the application's tables, migrated.
    public func open() throws -> any EngineStore {
        switch self {
        case .sqlite(let path):
            try SQLiteEngineStore(path: path, migrations: SQLiteEngineStore.registering(CaseSchema.sqliteMigrations))
        case .memory:
            try SQLiteEngineStore(path: nil, migrations: SQLiteEngineStore.registering(CaseSchema.sqliteMigrations))
        case .postgres(let url):
            try PostgresEngineStore(url: url, applicationMigrations: CaseSchema.postgresMigrations)
        }
    }
}
