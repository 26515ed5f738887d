import Foundation
import Hummingbird
import Logging
import NahtstelleCases
import NahtstelleEngine
import ServiceLifecycle

/// Builds the server: router with its middleware and routes, and the services that run beside
/// it (timers, the access log's batches).
public enum NahtstelleServer {
    /// The router of every route; tests drive it in process.
    public static func router(core: ServerCore) -> Router<AppContext> {
        let router = Router(context: AppContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        let api = API(core: core)
        let views: Views? = if case .success(let v) = core.views { v } else { nil }
        router.add(middleware: ErrorMiddleware(metrics: core.metrics, routes: api.routes, views: views))
        router.add(middleware: AuthMiddleware(core: core))
        for route in api.routes {
            router.on(RouterPath(route.routerPath), method: route.method, use: route.handler)
        }
        // The pages (HTML), when their templates could be read (`serve` refuses to start otherwise).
        if case .success(let views) = core.views {
            for route in Pages(core: core, views: views, api: api).routes {
                router.on(RouterPath(route.path), method: route.method, use: route.handler)
            }
        }
        return router
    }

    /// The application with its services (timer scheduler, access-log batches).
    public static func application(core: ServerCore, logger: Logger,
                                   onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var app = Application(
            router: router(core: core),
            configuration: .init(address: .hostname(core.settings.host, port: core.settings.port), serverName: "Nahtstelle"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        if let scheduling = core.writerScheduling {
            // Not raised although asked for: a notice, with the reason.
            let level: Logger.Level = if case .normal(_?) = scheduling { .notice } else { .info }
            logger.log(level: level, "Schreib-Thread der Datenbank", metadata: ["planung": "\(scheduling)"])
        }
        app.addServices(TimerService(core: core, logger: logger), AccessLogService(core: core, logger: logger))
        if let mail = core.settings.mail { app.addServices(MailNoticeService(core: core, settings: mail, logger: logger)) }
        return app
    }
}
