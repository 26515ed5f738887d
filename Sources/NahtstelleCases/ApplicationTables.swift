import NahtstelleEngine

/// Where the application keeps its state: the engine's store and, in the same transactions, the
/// application's own tables. Implemented in `NahtstelleCaseStore` (SQLite and PostgreSQL), the
/// only target that knows SQL; this target reaches its tables through `ApplicationRecords` only.
package protocol ApplicationStorage: Sendable, CustomStringConvertible {
    /// The engine's store; the application's tables live in the same database.
    var store: any EngineStore { get }
    /// The application's tables inside a transaction of `store` (one of its own transactions:
    /// what is written through them commits or rolls back with the engine's records).
    func records(_ tx: any EngineReadTransaction) throws -> any ApplicationRecords
    /// Whether several server nodes may share the database (PostgreSQL): commands then commit
    /// concurrently, and ids can become visible out of order.
    var isShared: Bool { get }
    /// A private, empty, in-memory engine store (the dry run of a definition).
    func sandboxStore() throws -> any EngineStore
}

/// The application's tables outside an engine command (sign-in, the access log, mail,
/// templates): each closure is one transaction of the store, on whichever backend it runs.
package struct ApplicationTables: Sendable {
    package let storage: any ApplicationStorage

    package init(storage: any ApplicationStorage) {
        self.storage = storage
    }

    /// One write transaction. On PostgreSQL the body may run again after a serialization
    /// failure (see `PostgresEngineStore`): it must have no effects outside the transaction.
    @discardableResult
    package func write<T>(_ body: (any ApplicationRecords) throws -> T) throws -> T {
        try storage.store.write { tx in try body(storage.records(tx)) }
    }

    /// One read transaction (a consistent snapshot).
    package func read<T>(_ body: (any ApplicationRecords) throws -> T) throws -> T {
        try storage.store.read { tx in try body(storage.records(tx)) }
    }

    /// Whether any OPTIMA case is stored.
    package func holdsCases() throws -> Bool {
        try read { try $0.holdsCases() }
    }

    /// The application's tables and the engine's records from the same snapshot.
    package func snapshot<T>(_ body: (any ApplicationRecords, any EngineReadTransaction) throws -> T) throws -> T {
        try storage.store.read { tx in try body(storage.records(tx), tx) }
    }
}
