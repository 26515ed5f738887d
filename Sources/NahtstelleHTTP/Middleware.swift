import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NahtstelleCases
import NIOCore

/// Security headers on every answer, and the request id.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppContext
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        + "form-action 'self'; frame-ancestors 'none'"

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // A diagram (SVG) carries its own inline styles and never script.
        let isSVG = response.headers[.contentType]?.hasPrefix("image/svg+xml") == true
        response.headers[.contentSecurityPolicy] = isSVG ? "default-src 'none'; style-src 'unsafe-inline'" : Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("X-Request-Id")!] = context.requestID
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Turns every error into the API's error shape; anything unexpected becomes a 500 with the
/// request id and no internal detail (the detail goes to the log).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let metrics: ServerMetrics
    /// Method and path pattern of every route (for 405 with `Allow`).
    let routes: [(method: HTTPRequest.Method, segments: [Substring])]

    /// For browsers outside `/api/`: errors as a page instead of JSON.
    let views: Views?

    init(metrics: ServerMetrics, routes: [Route], views: Views? = nil) {
        self.metrics = metrics
        self.views = views
        self.routes = routes.map { ($0.method, $0.path.split(separator: "/")) }
    }

    /// The methods routed at this path, if any.
    func allowedMethods(_ path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        let literal = routes.filter { $0.segments == parts }
        if !literal.isEmpty { return literal.map(\.method) }
        return routes.filter { route in
            route.segments.count == parts.count && zip(route.segments, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.map(\.method)
    }

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status == .conflict { metrics.conflict() }
            return response
        } catch {
            var apiError = Self.apiError(error, context: context)
            if apiError.status == .notFound, (error as? HTTPError)?.status == .notFound {
                let allowed = allowedMethods(request.uri.path)
                if !allowed.isEmpty, !allowed.contains(request.method) {
                    let list = allowed.map(\.rawValue).joined(separator: ", ")
                    apiError = APIError(.methodNotAllowed, "method-not-allowed",
                                        "Die Methode \(request.method.rawValue) ist hier nicht vorgesehen. Erlaubt: \(list).",
                                        headers: [.allow: list])
                }
            }
            if apiError.status == .conflict { metrics.conflict() }
            if let views, request.uri.path.split(separator: "/").first != "api",
                request.headers[.accept]?.contains("text/html") == true {
                var page = views.response("error", [
                    "title": apiError.status == .notFound ? "Nicht gefunden" : "Fehler", "message": apiError.message,
                    "reference": context.requestID, "status": Int(apiError.status.code),
                ], layout: nil, status: apiError.status)
                for field in apiError.headers { page.headers.append(field) }
                return page
            }
            return try apiError.response(from: request, context: context)
        }
    }

    static func apiError(_ error: any Error, context: AppContext) -> APIError {
        switch error {
        case let e as APIError:
            return e
        case is CancellationError:
            // The client went away (or the server is stopping) before the answer was ready.
            context.logger.debug("Anfrage abgebrochen")
            return APIError(.serviceUnavailable, "cancelled", "Die Anfrage wurde abgebrochen. Bitte nochmals senden.")
        case let e as CaseServiceError:
            if e.code == .processFailed {
                context.logger.error("Prozessfehler", metadata: ["error": "\(e.message)"])
            }
            return APIError(e)
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "too-large", "Die Anfrage ist zu gross: höchstens 1 MB. Bitte weniger Daten auf einmal senden.")
        case let e as HTTPError:
            switch e.status {
            case .notFound:
                return APIError(.notFound, "not-found", "Diese Adresse gibt es nicht. Die Schnittstelle ist unter /api/openapi.json beschrieben.")
            case .methodNotAllowed:
                return APIError(.methodNotAllowed, "method-not-allowed", "Diese Methode ist für diese Adresse nicht vorgesehen (siehe /api/openapi.json).")
            case .contentTooLarge:
                return APIError(.contentTooLarge, "too-large", "Die Anfrage ist zu gross: höchstens 1 MB. Bitte weniger Daten auf einmal senden.")
            case .badRequest:
                return APIError(.badRequest, "bad-request", "Die Anfrage ist fehlerhaft: \(e.body ?? "unlesbar"). Bitte die Anfrage prüfen.")
            default:
                context.logger.warning("HTTP-Fehler", metadata: ["status": "\(e.status.code)", "error": "\(e)"])
                return APIError(e.status, "http-\(e.status.code)", "Die Anfrage kann nicht bearbeitet werden (Status \(e.status.code)).")
            }
        default:
            context.logger.error("Interner Fehler", metadata: ["error": "\(String(reflecting: error))"])
            return APIError(.internalServerError, "internal",
                            "Interner Fehler. Bitte später nochmals versuchen; bei wiederholtem Fehler die Referenz \(context.requestID) "
                                + "dem Support melden.")
        }
    }
}

/// Reads the caller from `Authorization: Bearer <token>` or the session cookie (the session
/// lives in the database). Requests with the cookie that change state need the CSRF token in
/// `X-CSRF-Token`. Routes that need a caller call `context.requireCaller()`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let core: ServerCore
    static let cookieName = "nahtstelle_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        var token: String? = nil
        var viaCookie = false
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), !header.dropFirst(7).isEmpty else {
                // Public routes ignore it; protected ones answer 401 with this reason.
                context.authProblem = "Der Header «Authorization» muss «Bearer <Token>» lauten. Das Token gibt POST /api/session."
                return try await next(request, context)
            }
            token = String(header.dropFirst(7))
        } else if let cookie = request.cookies[Self.cookieName] {
            token = cookie.value
            viaCookie = true
        }
        if let token {
            guard let caller = try await caller(token: token, viaCookie: viaCookie, context: context) else {
                // The request goes on as anonymous (public routes and login still work).
                context.authProblem = "Das Token ist ungültig oder die Sitzung ist abgelaufen (30 Minuten ohne Aktivität, höchstens "
                    + "12 Stunden). Bitte neu anmelden."
                return try await next(request, context)
            }
            // The pages' forms carry the token as the field `_csrf` (checked by `Pages.post`).
            // (The first non-empty segment decides, as the router reads paths: `//api/…` is the API too.)
            if viaCookie, !Self.isSafe(request.method), request.uri.path.split(separator: "/").first == "api" {
                let sent = request.headers[Self.csrfHeader] ?? ""
                guard ServerCore.constantTimeEqual(sent, caller.csrfToken) else {
                    throw APIError(.forbidden, "csrf", "Sicherheitsprüfung fehlgeschlagen: Änderungen mit dem Sitzungs-Cookie brauchen den "
                                   + "Header «X-CSRF-Token» (Wert «csrfToken» aus GET /api/me). Bitte die Seite neu laden.")
                }
            }
            context.caller = caller
        }
        return try await next(request, context)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool { method == .get || method == .head || method == .options }

    func caller(token: String, viaCookie: Bool, context: AppContext) async throws -> Caller? {
        guard token.utf8.count <= 128, token.utf8.allSatisfy({ ServerCore.isTokenByte($0) }) else { return nil }
        let hash = ServerCore.sha256Hex(token)
        if var cached = core.cachedCaller(hash) {
            cached.viaCookie = viaCookie
            return cached
        }
        let service = core.service
        let found = try await core.run(context) { () -> (Caller, Date)? in
            guard let session = try service.auth.session(tokenHash: hash), let user = try? service.staff(session.username) else { return nil }
            let caller = Caller(username: user.username, name: user.displayName, officeID: user.officeId,
                                roles: user.roles.sorted { $0.rawValue < $1.rawValue }, tokenHash: hash, csrfToken: session.csrfToken,
                                viaCookie: viaCookie)
            let ends = min(session.lastSeenAt.addingTimeInterval(AuthRepository.idleTimeout),
                           session.createdAt.addingTimeInterval(AuthRepository.absoluteLifetime))
            return (caller, ends)
        }
        guard let (caller, ends) = found else { return nil }
        core.cache(caller, sessionEnds: ends)
        return caller
    }
}
