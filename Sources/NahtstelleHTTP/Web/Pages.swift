import Foundation
import HTTPTypes
import Hummingbird
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// The advisors' pages, rendered on the server. They call the same application methods as the
/// JSON API (same access policy and audit); forms post `application/x-www-form-urlencoded`
/// with the session's CSRF token in the field `_csrf`. Errors become pages, never JSON.
struct Pages: Sendable {
    typealias Handler = @Sendable (Request, AppContext) async throws -> Response
    typealias PageBody = @Sendable (Request, AppContext, Caller) async throws -> Response
    typealias PostBody = @Sendable (Request, AppContext, Caller, PostedForm) async throws -> Response

    struct PageRoute: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var handler: Handler
    }

    let core: ServerCore
    let views: Views
    let api: API
    var service: OptimaService { core.service }

    static let loginCookie = "nahtstelle_login"

    var routes: [PageRoute] {
        [
            PageRoute(method: .get, path: "/", handler: { _, _ in Self.redirect("/inbox") }),
            PageRoute(method: .get, path: "/login", handler: loginPage),
            PageRoute(method: .post, path: "/login", handler: loginSubmit),
            PageRoute(method: .post, path: "/logout", handler: post(logout)),
            PageRoute(method: .get, path: "/static/:name", handler: asset),
            PageRoute(method: .get, path: "/inbox", handler: page(inbox)),
            PageRoute(method: .post, path: "/notifications/read", handler: post(readNotifications)),
            PageRoute(method: .get, path: "/tasks/:id", handler: page(taskPage)),
            PageRoute(method: .post, path: "/tasks/:id", handler: post(completeTask)),
            PageRoute(method: .post, path: "/tasks/:id/claim", handler: post(claim)),
            PageRoute(method: .post, path: "/tasks/:id/release", handler: post(release)),
            PageRoute(method: .get, path: "/cases", handler: page(casesPage)),
            PageRoute(method: .get, path: "/cases/new", handler: page(newCasePage)),
            PageRoute(method: .post, path: "/cases/new", handler: post(newCaseSubmit)),
            PageRoute(method: .get, path: "/cases/:id", handler: page(casePage)),
            PageRoute(method: .get, path: "/cases/:id/diagram.svg", handler: page(caseDiagram)),
            PageRoute(method: .post, path: "/tasks/:id/follow-up", handler: post(taskFollowUp)),
            PageRoute(method: .post, path: "/cases/:id/follow-up", handler: post(caseFollowUp)),
            PageRoute(method: .post, path: "/cases/:id/notes", handler: post(addNote)),
            PageRoute(method: .post, path: "/cases/:id/status-meeting", handler: post(rescheduleSubmit)),
            PageRoute(method: .post, path: "/cases/:id/rav-advising", handler: post(resumeSubmit)),
            PageRoute(method: .get, path: "/cases/:id/measure", handler: page(measurePage)),
            PageRoute(method: .post, path: "/cases/:id/measure", handler: post(measureSubmit)),
            PageRoute(method: .get, path: "/settings", handler: page(settingsPage)),
            PageRoute(method: .post, path: "/settings", handler: post(settingsSubmit)),
            PageRoute(method: .get, path: "/billing", handler: page(billingPage)),
            PageRoute(method: .post, path: "/filters", handler: post(saveFilter)),
            PageRoute(method: .post, path: "/filters/:id/delete", handler: post(deleteFilter)),
            PageRoute(method: .get, path: "/outbox", handler: page(outboxPage)),
            PageRoute(method: .post, path: "/outbox/:id/sent", handler: post(markSent)),
            PageRoute(method: .get, path: "/definitions", handler: page(definitionsPage)),
            PageRoute(method: .get, path: "/definitions/:processId", handler: page(definitionPage)),
            PageRoute(method: .post, path: "/definitions/:processId", handler: page(definitionSubmit)),
            PageRoute(method: .get, path: "/templates", handler: page(templatesPage)),
            PageRoute(method: .get, path: "/templates/:name", handler: page(templatePage)),
            PageRoute(method: .post, path: "/templates/:name", handler: page(templateSubmit)),
            PageRoute(method: .get, path: "/forms", handler: page(formsPage)),
            PageRoute(method: .get, path: "/forms/:key", handler: page(formPage)),
            PageRoute(method: .post, path: "/definitions/:processId/migrations", handler: post(migrationSubmit)),
            PageRoute(method: .get, path: "/reports", handler: page(reportsPage)),
            PageRoute(method: .get, path: "/audit", handler: page(auditPage)),
            PageRoute(method: .get, path: "/audit.csv", handler: page(auditCSV)),
        ]
    }

    // MARK: Plumbing

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A relative path of this server to return to (no other host, no scheme), else `fallback`.
    static func safeReturn(_ path: String?, fallback: String = "/inbox") -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"), path.count <= 500,
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return fallback }
        return path
    }

    /// A page that needs a signed-in user; without one, the login page (then back here).
    func page(_ body: @escaping PageBody) -> Handler {
        { request, context in
            guard let caller = context.caller else {
                let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return Self.redirect("/login?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/inbox"))
            }
            do { return try await body(request, context, caller) } catch { return await errorPage(error, context, caller) }
        }
    }

    /// A form post: signed in, the CSRF token of the session in `_csrf`.
    func post(_ body: @escaping PostBody) -> Handler {
        page { request, context, caller in
            let form = try await PostedForm.read(request, context)
            try Self.requireCSRF(form["_csrf"], caller)
            return try await body(request, context, caller, form)
        }
    }

    /// The session's CSRF token in a form's `_csrf` field (URL-encoded or multipart), or 403.
    static func requireCSRF(_ token: String?, _ caller: Caller) throws {
        guard ServerCore.constantTimeEqual(token ?? "", caller.csrfToken) else {
            throw APIError(.forbidden, "csrf", "Sicherheitsprüfung fehlgeschlagen: Das Formular ist veraltet oder stammt nicht von "
                           + "dieser Seite. Bitte die Seite neu laden und nochmals senden.")
        }
    }

    /// The layout's data: name, office, navigation with counts.
    func layout(_ caller: Caller, _ context: AppContext, current: String) async throws -> LayoutData {
        let service = self.service
        let desk = try await core.run(context) { try service.deskSummary(by: caller.username) }
        func count(_ n: Int) -> String { n >= DeskSummary.countCap ? "\(DeskSummary.countCap - 1)+" : "\(n)" }
        var nav: [[String: Any]] = []
        let advisorLike = caller.roles.contains { $0 != .coordinator }
        if advisorLike {
            nav.append(["href": "/inbox", "label": "Aufgaben", "count": count(desk.openTasks), "hasCount": true,
                        "overdue": desk.overdueTasks > 0 ? count(desk.overdueTasks) : "", "current": current == "inbox"])
            nav.append(["href": "/cases", "label": "Fälle", "hasCount": false, "current": current == "cases"])
            nav.append(["href": "/outbox", "label": "Postausgang", "hasCount": false, "current": current == "outbox"])
        }
        if caller.roles.contains(.advisor) {
            nav.append(["href": "/cases/new", "label": "Neuer Antrag", "hasCount": false, "current": current == "new"])
        }
        if caller.roles.contains(.coordinator) {
            nav.append(["href": "/definitions", "label": "Definitionen", "hasCount": false, "current": current == "definitions"])
            nav.append(["href": "/templates", "label": "Vorlagen", "hasCount": false, "current": current == "templates"])
            nav.append(["href": "/forms", "label": "Formulare", "hasCount": false, "current": current == "forms"])
            nav.append(["href": "/reports", "label": "Berichte", "hasCount": false, "current": current == "reports"])
            nav.append(["href": "/audit", "label": "Zugriffsprotokoll", "hasCount": false, "current": current == "audit"])
            nav.append(["href": "/settings", "label": "Einstellungen", "hasCount": false, "current": current == "settings"])
        }
        if caller.roles.contains(.coordinator) || caller.roles.contains(.signatory) {
            nav.append(["href": "/billing", "label": "Fallpauschalen", "hasCount": false, "current": current == "billing"])
        }
        return LayoutData(caller: caller, officeName: desk.officeName, navigation: nav)
    }

    func html(_ template: String, _ data: [String: Any], _ caller: Caller, _ context: AppContext, current: String,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let layout = try await layout(caller, context, current: current)
        return views.response(template, data, layout: layout, status: status)
    }

    /// An error as a page: what went wrong and what to do, with the status of the API.
    func errorPage(_ error: any Error, _ context: AppContext, _ caller: Caller?) async -> Response {
        let apiError = ErrorMiddleware.apiError(error, context: context)
        if apiError.status == .unauthorized { return Self.redirect("/login") }
        var layout: LayoutData? = nil
        if let caller { layout = try? await self.layout(caller, context, current: "") }
        let title: String
        switch apiError.status {
        case .notFound: title = "Nicht gefunden"
        case .forbidden: title = "Nicht erlaubt"
        case .conflict: title = "Inzwischen geändert"
        case .contentTooLarge: title = "Zu viele Daten"
        case .badRequest, .unprocessableContent: title = "Angaben fehlerhaft"
        default: title = "Fehler"
        }
        return views.response("error", [
            "title": title, "message": apiError.message, "reference": context.requestID, "status": Int(apiError.status.code),
        ], layout: layout, status: apiError.status)
    }

    func asset(_ request: Request, _ context: AppContext) async throws -> Response {
        guard let name = context.parameters.get("name"), let response = views.asset(name, ifNoneMatch: request.headers[.ifNoneMatch]) else {
            throw APIError.notFound("Datei")
        }
        return response
    }

    func id(_ context: AppContext) throws -> Int64 { try RequestInput.id(context, "Aufgabe") }

    // MARK: Login

    func loginPage(_ request: Request, _ context: AppContext) async throws -> Response {
        let next = Self.safeReturn(request.uri.queryParameters.get("next"))
        if context.caller != nil { return Self.redirect(next) }
        return loginForm(next: next, username: "", message: request.uri.queryParameters.get("out") != nil ? "Sie sind abgemeldet." : "",
                         isError: false, status: .ok)
    }

    /// The login form with a fresh login token (a cookie and the same value in the form), so that
    /// another site cannot sign a browser in under its own account.
    func loginForm(next: String, username: String, message: String, isError: Bool, status: HTTPResponse.Status) -> Response {
        let token = ServerCore.randomToken()
        var response = views.response("login", [
            "next": next, "username": username, "message": message, "isError": isError, "hasMessage": !message.isEmpty, "loginToken": token,
        ], layout: nil, status: status)
        response.headers.append(HTTPField(name: .setCookie, value: "\(Self.loginCookie)=\(token); Path=/login; Max-Age=3600; HttpOnly; SameSite=Strict"
                                          + (core.settings.secureCookies ? "; Secure" : "")))
        return response
    }

    func loginSubmit(_ request: Request, _ context: AppContext) async throws -> Response {
        let form: PostedForm
        do { form = try await PostedForm.read(request, context) } catch { return await errorPage(error, context, nil) }
        let next = Self.safeReturn(form["next"])
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        guard let cookie = request.cookies[Self.loginCookie]?.value, ServerCore.constantTimeEqual(cookie, form["_login"] ?? "") else {
            return loginForm(next: next, username: username, message: "Die Anmeldeseite war veraltet. Bitte nochmals anmelden.",
                             isError: true, status: .forbidden)
        }
        guard !username.isEmpty, !password.isEmpty, username.count <= 64, password.utf8.count <= 256 else {
            return loginForm(next: next, username: String(username.prefix(64)), message: "Bitte Benutzername und Passwort eingeben.",
                             isError: true, status: .unprocessableContent)
        }
        do {
            let (token, _, _, _) = try await api.signIn(username: username, password: password, context)
            return Self.redirect(next, cookies: [api.sessionCookie(token, maxAge: Int(AuthRepository.absoluteLifetime)),
                                                 "\(Self.loginCookie)=; Path=/login; Max-Age=0"])
        } catch let error as APIError {
            return loginForm(next: next, username: username, message: error.message, isError: true, status: error.status)
        }
    }

    func logout(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let service = self.service
        core.forget(caller.tokenHash)
        try await core.run(context) { try service.auth.deleteSession(tokenHash: caller.tokenHash) }
        core.forget(caller.tokenHash)
        return Self.redirect("/login?out=1", cookies: [api.sessionCookie("", maxAge: 0)])
    }
}
