import Crypto
import Foundation
import Hummingbird
import Logging
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NIOPosix
import Synchronization

/// What every route shares: the application, the thread pool its blocking commands run on,
/// the metrics, and the server's settings.
public final class ServerCore: Sendable {
    public let service: OptimaService
    /// The engine and the service are synchronous and wait for fsync: their calls run here,
    /// never on Swift's cooperative pool, so that a slow commit cannot starve the event loops.
    let pool: NIOThreadPool
    let metrics: ServerMetrics
    let settings: ServerSettings
    /// The forms of `forms/` as JSON, by key (served as they are written).
    let formDocuments: [String: Value]
    /// The pages' templates and static files (`web/` beside `forms/`), or why they could not be read.
    public let views: Result<Views, Views.LoadError>
    /// Sessions seen in the last `sessionCacheSeconds`, by token hash: most requests need no
    /// database read to know their caller. Safe when stale for that long: sign-out on this node
    /// removes the entry at once; a sign-out or password change on another node takes effect here
    /// within the same bound. The database stays the only source of sessions.
    private let sessionCache = Mutex<[String: (caller: Caller, until: ContinuousClock.Instant, sessionEnds: Date)]>([:])
    static let sessionCacheSeconds: Duration = .seconds(2)
    /// Answers of `GET /api/tasks` kept while the database and the day are unchanged.
    let inboxCache: InboxCache
    /// How the kernel schedules the SQLite writer thread (`ServerSettings.writerPriority`); nil on
    /// PostgreSQL, where each request writes on its own connection.
    public let writerScheduling: WriterScheduling?

    public init(service: OptimaService, settings: ServerSettings, threads: Int = 8) {
        self.service = service
        self.settings = settings
        self.pool = NIOThreadPool(numberOfThreads: threads)
        self.metrics = ServerMetrics.shared
        self.inboxCache = InboxCache(capacity: settings.inboxCacheEntries)
        self.writerScheduling = service.startWriter(priority: settings.writerPriority)
        var forms: [String: Value] = [:]
        for key in service.forms.keys {
            let path = (service.resources.forms as NSString).appendingPathComponent(key + ".json")
            if let data = FileManager.default.contents(atPath: path), let value = try? Value.parseJSON(bytes: [UInt8](data)) {
                forms[key] = value
            }
        }
        self.formDocuments = forms
        let web = ((service.resources.forms as NSString).deletingLastPathComponent as NSString).appendingPathComponent("web")
        do { self.views = .success(try Views(directory: web)) } catch let error as Views.LoadError {
            self.views = .failure(error)
        } catch {
            self.views = .failure(Views.LoadError(description: "\(error)"))
        }
        pool.start()
    }

    func cachedCaller(_ tokenHash: String) -> Caller? {
        let now = ContinuousClock.now
        return sessionCache.withLock { cache in
            guard let entry = cache[tokenHash] else { return nil }
            if entry.until < now || entry.sessionEnds <= service.now { cache[tokenHash] = nil; return nil }
            return entry.caller
        }
    }

    /// - Parameter sessionEnds: when the session expires by the service's clock if not used again.
    func cache(_ caller: Caller, sessionEnds: Date) {
        let until = ContinuousClock.now.advanced(by: Self.sessionCacheSeconds)
        sessionCache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll(keepingCapacity: true) }
            cache[caller.tokenHash] = (caller, until, sessionEnds)
        }
    }

    func forget(_ tokenHash: String) { sessionCache.withLock { $0[tokenHash] = nil } }

    /// Stops the thread pool (after the server stopped).
    public func shutdown() async {
        _ = try? service.accessLog.flush()
        try? await pool.shutdownGracefully()
    }

    /// Runs a blocking service call on the pool, with the request's address and id bound for
    /// the access log.
    func run<T: Sendable>(_ context: AppContext, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let access = AccessContext(clientAddress: context.clientAddress, requestID: context.requestID)
        return try await pool.runIfActive {
            try AccessContext.$current.withValue(access) { try body() }
        }
    }

    /// Runs a blocking call without a request (timers, flushes).
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    // MARK: Tokens

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A token's digest as sessions store it (also for tools that create sessions directly).
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Settings of `nahtstelle serve`.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Sessions cookies with `Secure` (behind TLS).
    public var secureCookies: Bool
    /// Cost of new bcrypt hashes.
    public var bcryptCost: UInt8
    /// How often due timers are looked for.
    public var timerInterval: Duration
    /// How often batched access-log entries of reads are written.
    public var accessLogFlushInterval: Duration
    /// E-mail notices of new and overdue tasks (nil: off, the default).
    public var mail: MailSettings?
    /// The key of the pseudonymised case export (`--report-key-file`); nil: the export is off and
    /// the reports page says how to configure it.
    public var reportKey: ReportKey?
    /// How many answers of `GET /api/tasks` are kept (`InboxCache`); 0 keeps none.
    public var inboxCacheEntries: Int = 1024
    /// How the SQLite writer thread is scheduled (`WriterPriority`; `--writer-priority`).
    public var writerPriority: WriterPriority = .raised

    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, bcryptCost: UInt8 = 12,
                timerInterval: Duration = .seconds(1), accessLogFlushInterval: Duration = .milliseconds(100), mail: MailSettings? = nil) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.bcryptCost = bcryptCost
        self.timerInterval = timerInterval
        self.accessLogFlushInterval = accessLogFlushInterval
        self.mail = mail
    }
}
