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
            do { _ = try await core.run { try log.flush() } } catch is CancellationError {
                // Stopping: the entries stay queued for the flush below (nothing was written).
                break
            } catch {
                logger.error("Zugriffsprotokoll konnte nicht geschrieben werden; nächster Versuch folgt", metadata: ["error": "\(error)"])
            }
        }
        // Shutdown: the server has stopped taking requests; write what is left.
        do { try log.flush() } catch { logger.critical("Zugriffsprotokoll beim Beenden nicht geschrieben", metadata: ["error": "\(error)"]) }
        log.batching = false
    }
}

/// E-mail notices of new and overdue tasks through the installation's SMTP relay: each notice
/// once (recorded in `mail_notice`); a failed one is tried again later with growing pauses.
struct MailNoticeService: Service {
    let core: ServerCore
    let settings: MailSettings
    let logger: Logger

    func run() async throws {
        logger.info("E-Mail-Hinweise eingeschaltet", metadata: ["smtp": "\(settings.host):\(settings.port)"])
        let service = core.service
        let client = SMTPClient(host: settings.host, port: settings.port, timeout: settings.timeout)
        let settings = self.settings
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let entered = try await core.run { try service.collectMailNotices() }
                if entered > 0 { logger.info("E-Mail-Hinweise vorgemerkt", metadata: ["anzahl": "\(entered)"]) }
                let due = try await core.run { try service.claimDueMailNotices() }
                for notice in due {
                    if Task.isShuttingDownGracefully { break }
                    do {
                        try await core.run {
                            try client.send(from: settings.from, to: notice.email, subject: MailNoticeText.subject(notice.kind),
                                            body: MailNoticeText.body(notice.kind, taskID: notice.taskID, baseURL: settings.baseURL))
                        }
                        try await core.run { try service.mailNoticeSent(notice.id) }
                    } catch {
                        logger.warning("E-Mail-Hinweis nicht versandt; nächster Versuch folgt",
                                       metadata: ["notice": "\(notice.id)", "error": "\(error)"])
                        try? await core.run { try service.mailNoticeFailed(notice.id, error: "\(error)") }
                    }
                }
            } catch {
                logger.error("E-Mail-Hinweise: Fehler; nächster Versuch folgt", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.interval) }
        }
        logger.info("E-Mail-Hinweise beendet")
    }
}
