import Foundation
import Logging
import ServiceLifecycle

/// Fires due timer jobs. Runs as a `Service` beside the HTTP server; after downtime it fires
/// everything that fell due meanwhile, oldest first (catch-up), each job in its own transaction.
public struct TimerScheduler: Service {
    public let engine: Engine
    /// How long to sleep at most between looks at the job table (new jobs may appear any time).
    public var pollInterval: Duration
    public var batchSize: Int
    let logger: Logger

    public init(engine: Engine, pollInterval: Duration = .seconds(1), batchSize: Int = 100, logger: Logger) {
        self.engine = engine
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        logger.info("Timer-Planer gestartet")
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let fired = try engine.fireDueJobs(limit: batchSize)
            if fired > 0 { logger.debug("Timer ausgelöst", metadata: ["count": "\(fired)"]) }
            if fired >= batchSize { continue }  // more are due: keep going
            var wait = pollInterval
            if let next = try engine.store.read({ try $0.nextJobDue() }) {
                let seconds = max(0, next.timeIntervalSinceNow)
                // A job due already that this round did not fire is another node's (leased) or
                // waits for its retry: look again after the poll interval, not at once.
                if seconds < 1 && (seconds > 0 || fired > 0) { wait = .milliseconds(Int(seconds * 1000) + 5) }
            }
            try? await Task.sleep(for: wait)
        }
        logger.info("Timer-Planer beendet")
    }

    /// Fires everything due now, repeatedly, until nothing is due (one catch-up pass).
    @discardableResult
    public func catchUp() throws -> Int {
        var total = 0
        while true {
            let fired = try engine.fireDueJobs(limit: batchSize)
            total += fired
            if fired < batchSize { return total }
        }
    }
}
