import Foundation
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleFEEL
@testable import NahtstelleHTTP
import NIOCore
import Testing

/// The advisors' pages: sign-in, CSRF on every form, escaping, office scope, no open redirect.
@Suite struct PageTests {
    /// Signs in through the login page; returns the session cookie and the page's CSRF token.
    static func signIn(_ client: any TestClientProtocol, _ user: String, landing: String = "/inbox") async throws -> (cookie: String, csrf: String) {
        let page = try await client.execute(uri: "/login", method: .get)
        let loginCookie = page.headers[values: .setCookie].first { $0.hasPrefix("nahtstelle_login=") }?.split(separator: ";").first.map(String.init) ?? ""
        let token = String(loginCookie.dropFirst("nahtstelle_login=".count))
        let response = try await client.execute(
            uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: loginCookie],
            body: ByteBuffer(string: "_login=\(token)&next=%2Finbox&username=\(user)&password=\(TestServer.password)"))
        #expect(response.status == .seeOther)
        #expect(response.headers[.location] == "/inbox")
        let session = response.headers[values: .setCookie].first { $0.hasPrefix("nahtstelle_session=") }?.split(separator: ";").first.map(String.init) ?? ""
        let inbox = try await client.execute(uri: landing, method: .get, headers: [.cookie: session])
        let html = String(buffer: inbox.body)
        let csrf = html.range(of: "name=\"csrf-token\" content=\"").map { r in String(html[r.upperBound...].prefix { $0 != "\"" }) } ?? ""
        #expect(!csrf.isEmpty)
        return (session, csrf)
    }

    static func form(_ cookie: String) -> HTTPFields { [.contentType: "application/x-www-form-urlencoded", .cookie: cookie] }

    @Test func pagesNeedASignInAndComeBackAfterIt() async throws {
        let server = try TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/cases?q=x", method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login?next=%2Fcases%3Fq%3Dx")
        }
    }

    @Test func loginNeedsTheLoginTokenAndWrongPasswordsSayNothingMore() async throws {
        let server = try TestServer()
        try await server.test { client in
            let forged = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "username=s.wicki&password=\(TestServer.password)"))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("nahtstelle_session=") })
            let page = try await client.execute(uri: "/login", method: .get)
            let cookie = page.headers[values: .setCookie].first { $0.hasPrefix("nahtstelle_login=") }!.split(separator: ";")[0]
            let wrong = try await client.execute(uri: "/login", method: .post,
                                                 headers: [.contentType: "application/x-www-form-urlencoded", .cookie: String(cookie)],
                                                 body: ByteBuffer(string: "_login=\(cookie.dropFirst(17))&username=%3Cb%3Ex&password=falsch"))
            #expect(wrong.status == .unauthorized)
            let html = String(buffer: wrong.body)
            #expect(html.contains("Benutzername oder Passwort ist falsch"))
            #expect(html.contains("value=\"&lt;b&gt;x\"") && !html.contains("<b>x"))
        }
    }

    @Test func everyFormPostNeedsTheCSRFTokenAndChangesNothingWithout() async throws {
        let server = try TestServer()
        try await server.test { client in
            let (cookie, csrf) = try await Self.signIn(client, "n.frei")
            let before = try server.service.casePage(by: "n.frei", state: nil, query: nil, limit: 200, cursor: nil).items.count
            for path in ["/cases/new", "/tasks/1", "/tasks/1/claim", "/tasks/1/release", "/notifications/read", "/logout"] {
                let response = try await client.execute(uri: path, method: .post, headers: Self.form(cookie),
                                                        body: ByteBuffer(string: "receiverOffice=rav-wolhusen&_action=submit"))
                #expect(response.status == .forbidden, "\(path)")
                #expect(String(buffer: response.body).contains("Sicherheitsprüfung fehlgeschlagen"), "\(path)")
            }
            let wrong = try await client.execute(uri: "/logout", method: .post, headers: Self.form(cookie), body: ByteBuffer(string: "_csrf=x\(csrf)"))
            #expect(wrong.status == .forbidden)
            #expect(try server.service.casePage(by: "n.frei", state: nil, query: nil, limit: 200, cursor: nil).items.count == before)
            // Still signed in: the forged logout did nothing.
            #expect(try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: cookie]).status == .ok)
            // The API keeps its header rule for the cookie, also spelled //api/.
            let api = try await client.execute(uri: "//api/cases/precheck", method: .post, headers: [.cookie: cookie, .contentType: "application/json"],
                                               body: ByteBuffer(string: "{}"))
            #expect(api.status == .forbidden || api.status == .notFound)
        }
    }

    @Test func hostileTextIsEscapedAndKeptOnErrors() async throws {
        let server = try TestServer()
        try await server.test { client in
            let (cookie, csrf) = try await Self.signIn(client, "n.frei")
            let hostile = "<script>alert('x')</script> & \" '"
            let encoded = hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let response = try await client.execute(
                uri: "/cases/new", method: .post, headers: Self.form(cookie),
                body: ByteBuffer(string: "_csrf=\(csrf)&_action=submit&receiverOffice=rav-wolhusen&lastName=\(encoded)&goal=\(encoded)&birthDate=31.02.2020"))
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot; &#39;"))
            #expect(html.contains("aria-invalid=\"true\""))
            #expect(html.contains("id=\"f-birthDate-error\""))
            #expect(html.contains("Bitte korrigieren"))
            // The search box, too.
            let search = try await client.execute(uri: "/cases?q=\(encoded)", method: .get, headers: [.cookie: cookie])
            #expect(!String(buffer: search.body).contains("<script>alert"))
        }
    }

    @Test func anotherOfficesTaskAndCaseAreNotFoundPages() async throws {
        let server = try TestServer()
        try await server.test { client in
            let created = try server.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                               formData: applicationValues(lastName: "Geheim").contextValue ?? [:])
            let (huber, csrf) = try await Self.signIn(client, "n.frei")
            // The party's view of the case's diagram: where it stands now.
            let (party, _) = try await Self.signIn(client, "c.studer")
            let diagram = try await client.execute(uri: "/cases/\(created.caseID)/diagram.svg", method: .get, headers: [.cookie: party])
            #expect(diagram.status == .ok)
            #expect(String(buffer: diagram.body).contains("data-element-id=\"check-application\" class=\"node userTask current\""))
            for path in ["/cases/\(created.caseID)", "/tasks/\(created.openTasks[0].id)", "/cases/\(created.caseID)/diagram.svg"] {
                let response = try await client.execute(uri: path, method: .get, headers: [.cookie: huber])
                #expect(response.status == .notFound, "\(path)")
                #expect(!String(buffer: response.body).contains("Geheim"))
            }
            let claim = try await client.execute(uri: "/tasks/\(created.openTasks[0].id)/claim", method: .post, headers: Self.form(huber),
                                                 body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(claim.status == .notFound)
            #expect(try server.service.engine.task(id: created.openTasks[0].id)?.assignee == nil)
        }
    }

    @Test func inboxRowsEscapeEveryValueAndClaimThroughTheSharedForm() async throws {
        let server = try TestServer()
        try await server.test { client in
            let created = try server.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                               formData: applicationValues(lastName: "<b>Geheim</b> & 'x\"").contextValue ?? [:])
            let task = created.openTasks[0].id
            let (cookie, csrf) = try await Self.signIn(client, "c.studer")
            let inbox = String(buffer: try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: cookie]).body)
            #expect(!inbox.contains("<b>Geheim"))
            #expect(inbox.contains("&lt;b&gt;Geheim&lt;/b&gt; &amp; &#39;x&quot;"))
            // The row's button submits the page's one action form: its token and return address.
            #expect(inbox.contains("<form id=\"row-actions\" method=\"post\""))
            #expect(inbox.contains("form=\"row-actions\" formaction=\"/tasks/\(task)/claim\""))
            let claim = try await client.execute(uri: "/tasks/\(task)/claim", method: .post, headers: Self.form(cookie),
                                                 body: ByteBuffer(string: "_csrf=\(csrf)&back=%2Finbox"))
            #expect(claim.status == .seeOther)
            #expect(claim.headers[.location] == "/inbox")
            let after = String(buffer: try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: cookie]).body)
            #expect(after.contains("formaction=\"/tasks/\(task)/release\""))
        }
    }

    @Test func returnAddressesStayOnThisServer() {
        #expect(Pages.safeReturn("/tasks/3") == "/tasks/3")
        #expect(Pages.safeReturn("//evil.example/x") == "/inbox")
        #expect(Pages.safeReturn("https://evil.example") == "/inbox")
        #expect(Pages.safeReturn("/\\evil.example") == "/inbox")
        #expect(Pages.safeReturn("/a b") == "/inbox")
        #expect(Pages.safeReturn(nil) == "/inbox")
    }

    @Test func staticFilesAreCachedAndPagesAreSmall() async throws {
        let server = try TestServer()
        try await server.test { client in
            let css = try await client.execute(uri: "/static/app.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.cacheControl]?.contains("immutable") == true)
            let etag = css.headers[.eTag] ?? ""
            let again = try await client.execute(uri: "/static/app.css", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(try await client.execute(uri: "/static/..%2FPackage.swift", method: .get).status == .notFound)
            let (cookie, _) = try await Self.signIn(client, "n.frei")
            let page = try await client.execute(uri: "/cases/new", method: .get, headers: [.cookie: cookie])
            let js = try await client.execute(uri: "/static/app.js", method: .get)
            let total = page.body.readableBytes + css.body.readableBytes + js.body.readableBytes
            #expect(total < 100_000, "Seite mit Stil und Skript: \(total) Bytes")
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(!String(buffer: page.body).contains("<script>"))
        }
    }

    @Test func aFollowUpHidesTheTaskFromTheInboxUntilItIsCleared() async throws {
        let server = try TestServer()
        let created = try server.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                           formData: applicationValues(lastName: "Spaeter").contextValue!)
        let task = created.openTasks[0].id
        try await server.test { client in
            let (cookie, csrf) = try await Self.signIn(client, "c.studer")
            func inbox() async throws -> String {
                String(buffer: try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: cookie]).body)
            }
            #expect(try await inbox().contains("Spaeter"))
            let bad = try await client.execute(uri: "/tasks/\(task)/follow-up", method: .post, headers: Self.form(cookie),
                                               body: ByteBuffer(string: "_csrf=\(csrf)&until=31.02.2026"))
            #expect(bad.status == .unprocessableContent || bad.status == .badRequest)
            #expect(try await inbox().contains("Spaeter"))
            let set = try await client.execute(uri: "/tasks/\(task)/follow-up", method: .post, headers: Self.form(cookie),
                                               body: ByteBuffer(string: "_csrf=\(csrf)&until=10.03.2026&back=%2Finbox"))
            #expect(set.status == .seeOther)
            #expect(try await !inbox().contains("Spaeter"))
            let shown = String(buffer: try await client.execute(uri: "/inbox?followUp=only", method: .get, headers: [.cookie: cookie]).body)
            #expect(shown.contains("Spaeter") && shown.contains("Wiedervorlage 10.03.2026"))
            let cleared = try await client.execute(uri: "/tasks/\(task)/follow-up", method: .post, headers: Self.form(cookie),
                                                   body: ByteBuffer(string: "_csrf=\(csrf)&clear=1"))
            #expect(cleared.status == .seeOther)
            #expect(try await inbox().contains("Spaeter"))
        }
    }
}
