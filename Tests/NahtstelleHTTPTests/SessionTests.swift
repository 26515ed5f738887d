import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleFEEL
@testable import NahtstelleHTTP
import Testing

@Suite("Anmeldung, Sitzungen, CSRF und Fehlerform")
struct SessionTests {
    @Test("Anmelden gibt Token und Cookie; /api/me mit Token; Abmelden beendet die Sitzung")
    func loginAndLogout() async throws {
        let s = try TestServer()
        try await s.test { client in
            let login = try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                 body: body(#"{"username":"c.studer","password":"testpasswort1"}"#))
            #expect(login.status == .ok)
            let answer = json(login)
            let token = try #require(answer["token"]?.stringValue)
            #expect(answer["user"]?.contextValue?["office"] == "sobz-hochdorf")
            #expect(answer["user"]?.contextValue?["roles"] == .list(["optima-contact"]))
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("nahtstelle_session=\(token)"))
            #expect(!cookie.contains("Secure"))
            // The token is stored hashed only.
            let stored = try s.service.sqlStorage.readSQL { db in try String.fetchAll(db, sql: "SELECT token_hash FROM auth_session") }
            #expect(!stored.contains(token) && stored.contains(ServerCore.sha256Hex(token)))

            let me = try await client.execute(uri: "/api/me", method: .get, headers: bearer(token))
            #expect(me.status == .ok)
            #expect(json(me)["user"]?.contextValue?["name"] == "Claudia Studer")
            let out = try await client.execute(uri: "/api/session", method: .delete, headers: bearer(token))
            #expect(out.status == .noContent)
            let after = try await client.execute(uri: "/api/me", method: .get, headers: bearer(token))
            #expect(after.status == .unauthorized)
            #expect(json(after)["error"]?.contextValue?["code"] == "unauthenticated")
        }
    }

    @Test("Falsches Passwort: 401; nach 5 Fehlversuchen in 5 Minuten 429, auch mit dem richtigen Passwort")
    func rateLimit() async throws {
        let s = try TestServer()
        try await s.test { client in
            for _ in 0..<5 {
                let r = try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                 body: body(#"{"username":"m.bucher","password":"falsch"}"#))
                #expect(r.status == .unauthorized)
                #expect(json(r)["error"]?.contextValue?["message"]?.stringValue?.contains("Passwort") == true)
            }
            let blocked = try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                   body: body(#"{"username":"m.bucher","password":"testpasswort1"}"#))
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] == "300")
            // An unknown user answers like a wrong password.
            let unknown = try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                   body: body(#"{"username":"niemand","password":"x"}"#))
            #expect(unknown.status == .unauthorized)
            // After the window the user may sign in again.
            s.clock.advance(days: 6.0 / 1440)
            let again = try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                 body: body(#"{"username":"m.bucher","password":"testpasswort1"}"#))
            #expect(again.status == .ok)
        }
    }

    @Test("Gleichzeitige Fehlversuche: genau 5 werden geprüft, die übrigen 429 (Versuch zählt vor der Passwortprüfung)")
    func rateLimitHoldsForParallelAttempts() async throws {
        let s = try TestServer()
        try await s.test { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<16 {
                    group.addTask {
                        try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                 body: body(#"{"username":"m.bucher","password":"falsch-\#(i)"}"#)).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 11, "\(statuses)")
            // A success forgets the attempts: after the window, sign in, then fail again five times before 429.
            s.clock.advance(days: 6.0 / 1440)
            #expect(try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                             body: body(#"{"username":"m.bucher","password":"testpasswort1"}"#)).status == .ok)
            for _ in 0..<5 {
                #expect(try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                 body: body(#"{"username":"m.bucher","password":"falsch"}"#)).status == .unauthorized)
            }
            #expect(try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                             body: body(#"{"username":"m.bucher","password":"falsch"}"#)).status == .tooManyRequests)
        }
    }

    @Test("Sitzung läuft nach 30 Minuten ohne Aktivität und nach 12 Stunden ab")
    func sessionExpiry() async throws {
        let s = try TestServer()
        try await s.test { client in
            let token = try await client.token("c.studer")
            s.clock.advance(days: 29.0 / 1440)
            #expect(try await client.execute(uri: "/api/me", method: .get, headers: bearer(token)).status == .ok)
            s.clock.advance(days: 29.0 / 1440)
            #expect(try await client.execute(uri: "/api/me", method: .get, headers: bearer(token)).status == .ok)
            s.clock.advance(days: 31.0 / 1440)
            #expect(try await client.execute(uri: "/api/me", method: .get, headers: bearer(token)).status == .unauthorized)
            // Absolute lifetime: active every 20 minutes, still ends after 12 hours.
            let second = try await client.token("c.studer")
            for _ in 0..<37 {
                s.clock.advance(days: 20.0 / 1440)
                _ = try await client.execute(uri: "/api/me", method: .get, headers: bearer(second))
            }
            #expect(try await client.execute(uri: "/api/me", method: .get, headers: bearer(second)).status == .unauthorized)
        }
    }

    @Test("Mit dem Cookie brauchen Änderungen das CSRF-Token; mit dem Bearer-Token nicht")
    func csrf() async throws {
        let s = try TestServer()
        try await s.test { client in
            let login = try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                 body: body(#"{"username":"h.lustenberger","password":"testpasswort1"}"#))
            let token = try #require(json(login)["token"]?.stringValue)
            let csrf = try #require(json(login)["csrfToken"]?.stringValue)
            let cookie: HTTPFields = [.cookie: "nahtstelle_session=\(token)", .contentType: "application/json"]
            // Reading with the cookie works.
            #expect(try await client.execute(uri: "/api/me", method: .get, headers: cookie).status == .ok)
            let request = body(.context(["receiverOffice": "sobz-hochdorf", "values": applicationValues()]))
            let refused = try await client.execute(uri: "/api/cases", method: .post, headers: cookie, body: request)
            #expect(refused.status == .forbidden)
            #expect(json(refused)["error"]?.contextValue?["code"] == "csrf")
            var wrong = cookie
            wrong[AuthMiddleware.csrfHeader] = String(csrf.reversed())
            #expect(try await client.execute(uri: "/api/cases", method: .post, headers: wrong, body: request).status == .forbidden)
            #expect(try s.service.casePage(by: "h.lustenberger", state: nil, query: nil, limit: 10, cursor: nil).items.isEmpty)
            var right = cookie
            right[AuthMiddleware.csrfHeader] = csrf
            let created = try await client.execute(uri: "/api/cases", method: .post, headers: right, body: request)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/api/cases/OPT-2026-0001")
        }
    }

    @Test("Sicherheits-Header auf jeder Antwort, auch auf Fehlern")
    func securityHeaders() async throws {
        let s = try TestServer()
        try await s.test { client in
            for uri in ["/health", "/api/me", "/gibt-es-nicht", "/api/tasks/1"] {
                let r = try await client.execute(uri: uri, method: .get)
                let csp = r.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(r.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
            }
        }
    }
}
