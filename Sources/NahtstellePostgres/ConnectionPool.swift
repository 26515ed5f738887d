import Dispatch
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A fixed number of connections; each transaction takes one for its whole length.
///
/// Connections open lazily (the first transactions open them) and a broken one is replaced by
/// the next transaction that would take it. A transaction that finds every connection busy waits
/// up to `acquireTimeout`, then fails with `poolExhausted` instead of hanging (a body that
/// opened a second transaction inside the first on every connection would otherwise wait forever).
final class ConnectionPool: Sendable {
    let location: PostgresLocation
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let slots: DispatchSemaphore
    private let idle = Mutex<[PostgresSession]>([])
    private let nextID = Atomic<Int>(1)
    static let acquireTimeout: Double = 30

    init(_ location: PostgresLocation, logger: Logger) throws {
        self.location = location
        configuration = try location.configuration()
        self.logger = logger
        slots = DispatchSemaphore(value: location.poolSize)
    }

    deinit {
        for session in idle.withLock({ $0 }) { session.close() }
    }

    /// Runs `body` with a connection of its own. A connection that failed (closed, or left in a
    /// state the body could not clean up: `broken`) is not returned to the pool.
    func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        guard slots.wait(timeout: .now() + Self.acquireTimeout) == .success else {
            throw PostgresStoreError(.poolExhausted, "Alle \(location.poolSize) Verbindungen zur Datenbank \(location) waren "
                                     + "\(Int(Self.acquireTimeout)) s lang belegt. Bitte pool_size in der Adresse erhöhen oder die Last prüfen.")
        }
        defer { slots.signal() }
        var session = idle.withLock { $0.popLast() }
        if let open = session, open.isClosed { session = nil }
        let active = try session ?? connect()
        do {
            let result = try body(active)
            idle.withLock { $0.append(active) }
            return result
        } catch {
            if active.isClosed || error is BrokenSession { active.close() } else { idle.withLock { $0.append(active) } }
            if let broken = error as? BrokenSession { throw broken.underlying }
            throw error
        }
    }

    private func connect() throws -> PostgresSession {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        do {
            let connection = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                                                            id: id, logger: logger).wait()
            return PostgresSession(connection, logger: logger)
        } catch {
            let reason = Self.reason(error)
            throw PostgresStoreError(.connectionFailed, "Keine Verbindung zur PostgreSQL-Datenbank \(location): \(reason). "
                                     + "Bitte Adresse, Benutzer, Passwort und ob der Server läuft prüfen.",
                                     sqlState: PostgresStoreError.sqlState(of: error))
        }
    }
}

extension ConnectionPool {
    /// Why a connection failed, in words: the server's message (a wrong password, an unknown
    /// database), else the network's (connection refused, host not found). `PSQLError`'s own
    /// description deliberately says nothing.
    static func reason(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        if let underlying = psql.underlying { return "\(underlying)" }
        return "\(psql.code)"
    }
}

/// An error after which the connection's state is unknown (a failed `ROLLBACK`): it is closed
/// instead of going back to the pool, and `underlying` is what the caller sees.
struct BrokenSession: Error {
    var underlying: any Error
}
