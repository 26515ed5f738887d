import Foundation
import Logging
import NahtstelleCases

extension OptimaService {
    /// Opens (and migrates) the store at `location` and builds the engine with the OPTIMA handlers.
    /// - Parameter now: the clock (tests move it to fire deadlines and timers).
    public convenience init(location: StoreLocation, resources: Resources, now: @escaping @Sendable () -> Date = { Date() },
                            logger: Logger = Logger(label: "nahtstelle.cases"), pdfQueue: DocumentPDFQueue = DocumentPDFQueue()) throws {
        try self.init(storage: try location.open(), resources: resources, now: now, logger: logger, pdfQueue: pdfQueue)
    }

    /// Opens (and migrates) the database and builds the engine with the OPTIMA handlers.
    /// - Parameter databasePath: the SQLite file or a `postgres://` URL (see `StoreLocation`);
    ///   `nil` for a private in-memory database.
    public convenience init(databasePath: String?, resources: Resources, now: @escaping @Sendable () -> Date = { Date() },
                            logger: Logger = Logger(label: "nahtstelle.cases"), pdfQueue: DocumentPDFQueue = DocumentPDFQueue()) throws {
        try self.init(location: databasePath.map(StoreLocation.init) ?? .memory, resources: resources, now: now, logger: logger,
                      pdfQueue: pdfQueue)
    }

    /// The storage with its SQL (every `OptimaService` of this package is built on one).
    package var sqlStorage: SQLApplicationStorage {
        guard let sql = storage as? SQLApplicationStorage else { preconditionFailure("OptimaService on a storage without SQL") }
        return sql
    }

    /// Where the state lives.
    public var location: StoreLocation { sqlStorage.location }
}

extension DemoScenario {
    /// Seeds offices and users, deploys the definitions and walks the demo cases (see
    /// `run(storage:…)`), holding the demo lock of the database: runs on the same database are
    /// serialised, so two at once never create a case twice.
    /// - Parameter log: receives one German line per step.
    @discardableResult
    public static func run(databasePath: String, resources: OptimaService.Resources, now: Date = Date(),
                           log: (String) -> Void) throws -> [String] {
        let location = StoreLocation(databasePath)
        let lock = try DemoLock(databasePath: databasePath, shared: location.isPostgres) {
            log("Ein anderer Demo-Lauf arbeitet auf dieser Datenbank: warte, bis er fertig ist …")
        }
        defer { lock.release() }
        return try run(storage: { try location.open() }, resources: resources, now: now, log: log)
    }
}
