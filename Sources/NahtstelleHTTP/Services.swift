import Foundation
import Logging
import NahtstelleCases
import ServiceLifecycle

/// Fires due timers on the pool. A failing batch is logged and retried on the next round; it
/// does not end the server.
struct TimerService: Service {
    let core: ServerCore
    let logger: Logger

    func run() async throws {
        logger.info("Timer-Planer gestartet")
        let service = core.service
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                var fired = 0
                repeat {
                    fired = try await core.run { try service.fireDueTimers() }
                    if fired > 0 {
                        core.metrics.timersFired.increment(by: fired)
                        logger.info("Zeitgeber ausgelöst", metadata: ["anzahl": "\(fired)"])
                    }
                } while fired >= 100 && !Task.isShuttingDownGracefully
            } catch {
                core.metrics.timerFailures.increment()
                logger.error("Zeitgeber konnten nicht ausgelöst werden; nächster Versuch folgt", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: core.settings.timerInterval) }
        }
        logger.info("Timer-Planer beendet")
    }
}

/// Writes the access-log entries of reads in batches (every 100 ms) and the last ones on shutdown.
struct AccessLogService: Service {
    let core: ServerCore
    let logger: Logger

    func run() async throws {
        let log = core.service.accessLog
        log.batching = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: core.settings.accessLogFlushInterval) }
            do { _ = try await core.run { try log.flush() } } catch {
                logger.error("Zugriffsprotokoll konnte nicht geschrieben werden; nächster Versuch folgt", metadata: ["error": "\(error)"])
            }
        }
        // Shutdown: the server has stopped taking requests; write what is left.
        do { try log.flush() } catch { logger.critical("Zugriffsprotokoll beim Beenden nicht geschrieben", metadata: ["error": "\(error)"]) }
        log.batching = false
    }
}
