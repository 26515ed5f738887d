import NahtstelleCases
import NahtstelleEngine
import NahtstellePostgres
import NahtstelleSQL
import NahtstelleStore

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
    public func open() throws -> SQLApplicationStorage {
        let store: any EngineStore = switch self {
        case .sqlite(let path):
            try SQLiteEngineStore(path: path, migrations: SQLiteEngineStore.registering(CaseSchema.sqliteMigrations))
        case .memory:
            try SQLiteEngineStore(path: nil, migrations: SQLiteEngineStore.registering(CaseSchema.sqliteMigrations))
        case .postgres(let url):
            try PostgresEngineStore(url: url, applicationMigrations: CaseSchema.postgresMigrations)
        }
        return SQLApplicationStorage(store: store, location: self)
    }
}

/// The application's storage on a SQL store of the engine (SQLite or PostgreSQL): the engine's
/// transaction carries the connection, and `SQLApplicationRecords` runs the application's
/// queries on it. One implementation for both backends: the queries are portable SQL (written
/// and tested for both, see `SQLDatabase`), and the few that differ branch on the dialect; the
/// schemas are separate (`CaseSchema.sqliteMigrations`, `CaseSchema.postgresMigrations`).
public struct SQLApplicationStorage: ApplicationStorage {
    public let store: any EngineStore
    public let location: StoreLocation

    /// A store opened elsewhere (with the application's migrations registered, see `StoreLocation.open`);
    /// `location` only names it.
    public init(store: any EngineStore, location: StoreLocation) {
        self.store = store
        self.location = location
    }

    package func records(_ tx: any EngineReadTransaction) throws -> any ApplicationRecords {
        try SQLApplicationRecords(database(tx))
    }

    /// The connection inside a transaction of the store.
    func database(_ tx: any EngineReadTransaction) throws -> SQLDatabase {
        guard let provider = tx as? SQLDatabaseProviding else {
            throw CaseServiceError(.processFailed, "Die OPTIMA-Anwendung braucht einen Speicher mit ihren Tabellen (SQLite oder PostgreSQL).")
        }
        return provider.sqlDatabase
    }

    public var isShared: Bool { location.isPostgres }

    public func sandboxStore() throws -> any EngineStore { try SQLiteEngineStore(path: nil) }

    public var description: String { location.description }

    /// One read transaction on the tables themselves (maintenance: copy, counts, schema checks, tests).
    public func readSQL<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        try store.read { tx in try body(database(tx)) }
    }

    /// One write transaction on the tables themselves (maintenance and tests of the schema's guarantees).
    @discardableResult
    public func writeSQL<T>(_ body: (SQLDatabase) throws -> T) throws -> T {
        try store.write { tx in try body(database(tx)) }
    }
}

/// The application's queries on one transaction's connection (`ApplicationRecords`).
struct SQLApplicationRecords: ApplicationRecords {
    let db: SQLDatabase

    init(_ db: SQLDatabase) {
        self.db = db
    }
}
