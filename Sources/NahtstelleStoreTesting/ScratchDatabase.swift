import Foundation
import NahtstelleEngine
import NahtstellePostgres
import NahtstelleStore

/// The stores the engine's and the store's test suites run against, as test arguments
/// (`@Test(arguments: StoreBackend.available)`): every test once per backend, not copied.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    /// The database the PostgreSQL cases use (each in a schema of its own); `scripts/test` sets
    /// it from `scripts/pg-cluster url`.
    public static let postgresURL: String? = {
        let value = ProcessInfo.processInfo.environment["NAHTSTELLE_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// SQLite always; PostgreSQL when `NAHTSTELLE_TEST_POSTGRES_URL` is set.
    public static var available: [StoreBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// What a suite's guard test shows (skipped) when the PostgreSQL cases do not run.
    public static let postgresSkipped = "NAHTSTELLE_TEST_POSTGRES_URL ist nicht gesetzt: die PostgreSQL-Fälle laufen nicht "
        + "(scripts/test startet dafür einen Wegwerf-Cluster; von Hand: "
        + "export NAHTSTELLE_TEST_POSTGRES_URL=$(scripts/pg-cluster start))."

    public var description: String { rawValue }

    /// The backend the application's suites (cases, HTTP) run on in this test process:
    /// `NAHTSTELLE_TEST_BACKEND=postgres` (with `NAHTSTELLE_TEST_POSTGRES_URL`) runs every one of
    /// their tests on PostgreSQL; `scripts/test` runs them once per backend.
    public static let forApplicationSuites: StoreBackend = {
        ProcessInfo.processInfo.environment["NAHTSTELLE_TEST_BACKEND"] == "postgres" ? .postgres : .sqlite
    }()

    /// A store on a private database of its own that lives as long as the store: SQLite in
    /// memory, PostgreSQL in a fresh schema.
    public func makeStore() throws -> any EngineStore {
        switch self {
        case .sqlite: try SQLiteEngineStore(path: nil)
        case .postgres: try ScratchDatabase(.postgres).openStore()
        }
    }
}

/// A private database for one test: a SQLite file in a temporary folder, or a fresh schema on
/// the PostgreSQL test database. Dropped with everything in it when released.
public final class ScratchDatabase: Sendable {
    public let backend: StoreBackend
    /// The SQLite file's path, or the PostgreSQL URL that works in the test's schema.
    public let location: String
    private let schema: String?

    public init(_ backend: StoreBackend) throws {
        self.backend = backend
        let unique = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-tests-\(unique)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            location = dir.appendingPathComponent("engine.sqlite").path
            schema = nil
        case .postgres:
            guard let url = StoreBackend.postgresURL else { throw ScratchDatabaseError(message: StoreBackend.postgresSkipped) }
            let name = "test_" + unique
            location = try PostgresScratchSchema.create(name, on: url)
            schema = name
        }
    }

    /// A SQLite database from an existing file (a fixture), copied.
    public convenience init(copyingSQLite file: String) throws {
        try self.init(.sqlite)
        try FileManager.default.copyItem(atPath: file, toPath: location)
    }

    /// A new store on this database: a fresh connection, nothing cached (a restarted node). The
    /// database lives at least as long as the store.
    public func openStore() throws -> any EngineStore {
        switch backend {
        case .sqlite: ScratchStore(base: try SQLiteEngineStore(path: location), database: self)
        case .postgres: ScratchStore(base: try PostgresEngineStore(url: location), database: self)
        }
    }

    deinit {
        if let schema, let url = StoreBackend.postgresURL {
            try? PostgresScratchSchema.drop(schema, on: url)
        } else if backend == .sqlite {
            try? FileManager.default.removeItem(atPath: (location as NSString).deletingLastPathComponent)
        }
    }
}

public struct ScratchDatabaseError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A store that keeps its scratch database (and so its schema or folder) alive while in use.
public struct ScratchStore: EngineStore {
    public let base: any EngineStore
    let database: ScratchDatabase

    public func write<T>(_ body: (any EngineTransaction) throws -> T) throws -> T { try base.write(body) }
    public func read<T>(_ body: (any EngineReadTransaction) throws -> T) throws -> T { try base.read(body) }
}
