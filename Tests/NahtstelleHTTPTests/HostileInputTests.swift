import Foundation
import NahtstelleSQL
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleFEEL
@testable import NahtstelleHTTP
import Testing

@Suite("Feindliche Eingaben: klare Fehler, nichts geändert")
struct HostileInputTests {
    /// Every table's rows (but the access log and the failed-login log), as one text.
    static func snapshot(_ s: TestServer) throws -> String {
        try s.service.accessLog.flush()
        return try s.service.sqlStorage.readSQL { db in
            let tables = try String.fetchAll(db, sql: s.service.location.isPostgres
                ? "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            var out = ""
            for table in tables where table != "case_access" && table != "auth_throttle" {
                out += "== \(table)\n"
                out += try SQLRow.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).sorted().joined(separator: "\n")
            }
            return out
        }
    }

    @Test("Über 100 feindliche Anfragen: jede mit der erwarteten Antwort, die Datenbank unverändert ausser dem Zugriffsprotokoll")
    func battery() async throws {
        let s = try TestServer()
        let submitted = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                        formData: applicationValues().contextValue!)
        let check = try #require(submitted.openTasks.first)
        try await s.test { client in
            let advisor = try await client.token("h.lustenberger")
            let contact = try await client.token("c.studer")
            let outsider = try await client.token("r.huber")
            let coordinator = try await client.token("iiz.koordination")
            let signatoryToken = try await client.token("e.renggli")
            let before = try Self.snapshot(s)
            var requests: [(HTTPRequest.Method, String, HTTPFields, ByteBuffer?, HTTPResponse.Status)] = []
            let a = bearer(advisor), c = bearer(contact), o = bearer(outsider)
            // Oversized bodies.
            let huge = "{\"values\": {\"lastName\": \"" + String(repeating: "x", count: 1_100_000) + "\"}}"
            for uri in ["/api/cases", "/api/cases/precheck", "/api/tasks/\(check.id)/complete", "/api/session"] {
                requests.append((.post, uri, uri == "/api/session" ? jsonHeaders : a, body(huge), .contentTooLarge))
            }
            // Malformed JSON.
            for text in ["{", "}", "[", "{\"values\": }", "{\"values\": {\"a\": tru}}", "{'values': {}}", "\u{0}", "{\"a\":1,}", "nul",
                         "{\"values\": {\"a\": \"\\uZZZZ\"}}", "{\"values\": [1, 2", String(repeating: "[", count: 10_000)] {
                requests.append((.post, "/api/tasks/\(check.id)/complete", c, body(text), .badRequest))
                requests.append((.post, "/api/cases", a, body(text), .badRequest))
            }
            // Invalid UTF-8.
            var invalid = ByteBuffer(string: "{\"values\": {\"lastName\": \"")
            invalid.writeBytes([0xC3, 0x28, 0xFF])
            invalid.writeString("\"}}")
            requests.append((.post, "/api/cases", a, invalid, .badRequest))
            // Not an object.
            for text in ["[]", "42", "\"text\"", "null", "true"] {
                requests.append((.post, "/api/cases", a, body(text), .badRequest))
                requests.append((.post, "/api/session", jsonHeaders, body(text), .badRequest))
            }
            // Wrong content type.
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                var h = a
                h[.contentType] = type
                requests.append((.post, "/api/cases", h, body("{}"), .unsupportedMediaType))
            }
            // Wrong types, unknown fields, missing fields (422, every error at once).
            for text in ["{\"receiverOffice\": 5, \"values\": {}}", "{\"receiverOffice\": \"sobz-hochdorf\", \"values\": []}",
                         "{\"receiverOffice\": \"sobz-hochdorf\"}", "{\"values\": {}}", "{\"receiverOffice\": \"sobz-hochdorf\", \"values\": {}, \"x\": 1}",
                         "{\"receiverOffice\": \"sobz-hochdorf\", \"values\": {\"lastName\": 5, \"birthDate\": \"31.02.2026\", \"ahvNumber\": \"123\"}}",
                         "{\"receiverOffice\": \"sobz-hochdorf\", \"values\": {\"lastName\": \"<script>alert('x')</script>\", \"durationMonths\": \"viel\"}}",
                         "{\"receiverOffice\": \"sobz-hochdorf\", \"values\": {\"lastName\": \"A\\u0000B\\u001b[31m & < > \\\" '\"}}"] {
                requests.append((.post, "/api/cases", a, body(text), .unprocessableContent))
            }
            for text in ["{}", "{\"values\": 1}", "{\"values\": {}, \"extra\": true}", "{\"values\": {\"decision\": 7}}",
                         "{\"values\": {\"decision\": \"<script>\"}}", "{\"values\": {\"decision\": \"rejected\"}}",
                         "{\"values\": {\"decision\": \"accepted\", \"advisor\": \"p.baumann\"}}"] {
                requests.append((.post, "/api/tasks/\(check.id)/complete", c, body(text), .unprocessableContent))
            }
            for text in ["{\"username\": 1, \"password\": []}", "{\"username\": \"c.studer\"}", "{\"user\": \"c.studer\", \"password\": \"x\"}"] {
                requests.append((.post, "/api/session", jsonHeaders, body(text), .unprocessableContent))
            }
            // Ids that are not ids, path tricks.
            for uri in ["/api/tasks/abc", "/api/tasks/-1", "/api/tasks/0", "/api/tasks/1.5", "/api/tasks/99999999999999999999",
                        "/api/tasks/..%2F..%2Fetc%2Fpasswd", "/api/tasks/%00", "/api/tasks/1%00", "/api/cases/..%2F", "/api/cases/OPT-2026-0001%00",
                        "/api/cases/%3Cscript%3E", "/api/cases/OPT-2026-0001%27%20OR%201=1", "/api/documents/abc", "/api/documents/1e3",
                        "/api/forms/..%2F..%2Fpackage", "/api/forms/%00", "/api/../etc/passwd", "/api/cases/OPT-2026-9999/history",
                        "/api/cases/OPT-2026-0001/history/../documents", "/api/tasks/\(check.id)/x"] {
                requests.append((.get, uri, c, nil, .notFound))
            }
            // Another office's case, task and document.
            requests.append((.get, "/api/cases/\(submitted.caseID)", o, nil, .notFound))
            requests.append((.get, "/api/cases/\(submitted.caseID)/documents", o, nil, .notFound))
            requests.append((.get, "/api/documents/\(submitted.documents[0].id)", o, nil, .notFound))
            requests.append((.get, "/api/tasks/\(check.id)", o, nil, .notFound))
            requests.append((.post, "/api/tasks/\(check.id)/claim", o, nil, .notFound))
            requests.append((.post, "/api/tasks/\(check.id)/complete", o, body("{\"values\": {\"decision\": \"rejected\"}}"), .notFound))
            requests.append((.post, "/api/cases/\(submitted.caseID)/cost-approvals", o, body("{}"), .notFound))
            // Issue 14 routes: bad bodies, other offices, coordinators' settings, billing parameters.
            let caseURI = "/api/cases/\(submitted.caseID)"
            let measure = "{\"measure\": \"Coaching\", \"provider\": \"Job Factory\", \"periodFrom\": \"2026-03-16\", "
                + "\"periodTo\": \"2026-04-30\", \"amount\": 100}"
            let k = bearer(coordinator)
            let validSettings = "{\"ravReleaseLegalBasisForIV\": true, \"flatRates\": {\"IV\": 300, \"RAV\": 125, \"SD\": 125}}"
            requests += [
                (.post, caseURI + "/measures", a, body("{"), .badRequest),
                (.post, caseURI + "/measures", a, body("[]"), .badRequest),
                (.post, caseURI + "/measures", o, body(measure), .notFound),
                (.post, caseURI + "/measures", a, body(measure), .forbidden),
                (.post, "/api/cases/OPT-2026-9999/measures", c, body(measure), .notFound),
                (.post, caseURI + "/status-meeting/reschedule", a, body("{\"at\": \"gestern\", \"reason\": \" \", \"x\": 1}"),
                 .unprocessableContent),
                (.post, caseURI + "/status-meeting/reschedule", a, body("{\"at\": \"2020-01-01T09:00\", \"reason\": \"Kündigung\"}"),
                 .unprocessableContent),
                (.post, caseURI + "/status-meeting/reschedule", a, body("{\"at\": \"2026-04-20\", \"reason\": 5}"), .unprocessableContent),
                (.post, caseURI + "/status-meeting/reschedule", o, body("{\"at\": \"2026-04-20T09:00\", \"reason\": \"Kündigung\"}"),
                 .notFound),
                (.post, caseURI + "/rav-advising/resume", a, body("{\"note\": 5, \"extra\": true}"), .unprocessableContent),
                (.post, caseURI + "/rav-advising/resume", o, body("{}"), .notFound),
                (.post, caseURI + "/rav-advising/resume", c, body("{}"), .forbidden),
                (.put, "/api/settings", k, body("{\"ravReleaseLegalBasisForIV\": \"ja\", \"flatRates\": {\"IV\": -1, \"RAV\": 1.234, "
                                                 + "\"SD\": \"125\", \"XX\": 1}, \"y\": 2}"), .unprocessableContent),
                (.put, "/api/settings", k, body("{\"ravReleaseLegalBasisForIV\": true}"), .unprocessableContent),
                (.put, "/api/settings", k, body("[]"), .badRequest),
                (.put, "/api/settings", k, body("{\"ravReleaseLegalBasisForIV\": tru"), .badRequest),
                (.put, "/api/settings", a, body(validSettings), .forbidden),
                (.put, "/api/settings", [.cookie: "nahtstelle_session=\(coordinator)", .contentType: "application/json"], body(validSettings),
                 .forbidden),
                (.get, "/api/settings", a, nil, .forbidden),
                (.get, "/api/billing/flat-rates?year=2026&month=3", a, nil, .forbidden),
            ]
            for query in ["year=26&month=3", "year=2026", "month=3", "year=2026&month=13", "year=2026&month=0", "year=2026&month=3&format=xml",
                          "year=2026&month=3&x=1", "year=abcd&month=3", "year=2026&month=3%00"] {
                requests.append((.get, "/api/billing/flat-rates?" + query, k, nil, .badRequest))
            }
            let signatory = bearer(signatoryToken)
            for query in ["year=2026&month=3", "year=2026&month=3&receiverOffice=&payingOffice=rav-wolhusen",
                          "year=2026&month=3&receiverOffice=sobz-hochdorf&payingOffice=rav-wolhusen&format=csv",
                          "year=2026&month=13&receiverOffice=sobz-hochdorf&payingOffice=rav-wolhusen"] {
                requests.append((.get, "/api/billing/flat-rates/document?" + query, signatory, nil, .badRequest))
            }
            requests.append((.get, "/api/billing/flat-rates/document?year=2026&month=3&receiverOffice=%3Cscript%3E&payingOffice=rav-wolhusen",
                             signatory, nil, .notFound))
            requests.append((.get, "/api/billing/flat-rates/document?year=2026&month=3&receiverOffice=sobz-hochdorf&payingOffice=rav-wolhusen",
                             k, nil, .forbidden))
            // Bad query parameters.
            for uri in ["/api/tasks?due=yesterday", "/api/tasks?limit=0", "/api/tasks?limit=abc", "/api/tasks?limit=100000", "/api/tasks?role=chef",
                        "/api/tasks?assignee=you", "/api/tasks?cursor=abc", "/api/tasks?cursor=1:x", "/api/tasks?unknown=1",
                        "/api/cases?state=deleted", "/api/cases?limit=-5", "/api/cases?q=" + String(repeating: "a", count: 200),
                        "/api/reports/standard?from=2026-13-01&to=2026-12-31", "/api/reports/standard?from=gestern&to=heute"] {
                requests.append((.get, uri, c, nil, .badRequest))
            }
            requests.append((.get, "/api/reports/standard", bearer(coordinator), nil, .badRequest))
            // Authentication tricks.
            for header in ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", "Bearer x", "Bearer ' OR 1=1 --", "Bearer " + String(repeating: "a", count: 5000),
                           "bearer \(contact)", "Bearer \(contact)x"] {
                requests.append((.get, "/api/tasks", [.authorization: header], nil, .unauthorized))
            }
            requests.append((.post, "/api/tasks/\(check.id)/claim", [.cookie: "nahtstelle_session=\(contact)"], nil, .forbidden))
            requests.append((.get, "/api/me", [.cookie: "nahtstelle_session=<script>"], nil, .unauthorized))
            requests.append((.delete, "/api/tasks/\(check.id)", c, nil, .notFound))

            // The desk (issue 10): bad dates, texts, names, channels and other people's things change nothing.
            for uri in ["/api/notifications?unread=vielleicht", "/api/notifications?limit=0", "/api/outbox?state=verloren", "/api/outbox?x=1",
                        "/api/tasks?followUp=nie", "/api/cases?followUp=1"] {
                requests.append((.get, uri, c, nil, .badRequest))
            }
            for text in ["{}", "{\"until\": \"gestern\"}", "{\"until\": 5}", "{\"until\": \"2026-03-10\", \"x\": 1}", "{\"until\": \"31.02.2026\"}"] {
                requests.append((.put, "/api/tasks/\(check.id)/follow-up", c, body(text), .unprocessableContent))
                requests.append((.put, "/api/cases/\(submitted.caseID)/follow-up", a, body(text), .unprocessableContent))
            }
            requests.append((.put, "/api/tasks/\(check.id)/follow-up", c, body("{\"until\": \"2026-03-01\"}"), .badRequest))
            requests.append((.put, "/api/tasks/\(check.id)/follow-up", c, body("{\"until\": \"2030-01-01\"}"), .badRequest))
            requests.append((.put, "/api/tasks/\(check.id)/follow-up", o, body("{\"until\": \"2026-03-10\"}"), .notFound))
            requests.append((.put, "/api/cases/\(submitted.caseID)/follow-up", o, body("{\"until\": \"2026-03-10\"}"), .notFound))
            requests.append((.delete, "/api/cases/\(submitted.caseID)/follow-up", o, nil, .notFound))
            for text in ["{}", "{\"text\": 5}", "{\"text\": \"x\", \"author\": \"c.studer\"}",
                         "{\"text\": \"" + String(repeating: "x", count: 4200) + "\"}"] {
                requests.append((.post, "/api/cases/\(submitted.caseID)/notes", a, body(text), .unprocessableContent))
            }
            for text in ["{\"text\": \"   \"}", "{\"text\": \"\\u0007Klingel\"}", "{\"text\": \"" + String(repeating: "x", count: 4050) + "\"}"] {
                requests.append((.post, "/api/cases/\(submitted.caseID)/notes", a, body(text), .badRequest))
            }
            requests.append((.post, "/api/cases/\(submitted.caseID)/notes", o, body("{\"text\": \"Hallo\"}"), .notFound))
            requests.append((.get, "/api/cases/\(submitted.caseID)/notes", o, nil, .notFound))
            for text in ["{}", "{\"name\": \"\"}", "{\"name\": \"x\", \"role\": \"chef\"}", "{\"name\": \"x\", \"due\": \"gestern\"}",
                         "{\"name\": \"x\", \"process\": \"DROP TABLE task\"}", "{\"name\": \"x\", \"role\": \"signatory\"}",
                         "{\"name\": \"" + String(repeating: "n", count: 61) + "\"}", "{\"name\": \"x\", \"assignee\": \"alle\"}",
                         "{\"name\": \"x\", \"sql\": 1}"] {
                requests.append((.post, "/api/filters", c, body(text), .unprocessableContent))
            }
            requests.append((.delete, "/api/filters/999999", c, nil, .notFound))
            requests.append((.delete, "/api/filters/abc", c, nil, .notFound))
            requests.append((.post, "/api/notifications/999999/read", c, nil, .notFound))
            for text in ["{}", "{\"channel\": \"taube\"}", "{\"channel\": \"post\", \"sentOn\": \"morgen\"}",
                         "{\"channel\": \"post\", \"extra\": true}"] {
                requests.append((.post, "/api/documents/\(submitted.documents[0].id)/sent", a, body(text), .unprocessableContent))
            }
            requests.append((.post, "/api/documents/\(submitted.documents[0].id)/sent", a, body("{\"channel\": \"post\"}"),
                             .unprocessableContent))
            requests.append((.post, "/api/documents/\(submitted.documents[0].id)/sent", o, body("{\"channel\": \"post\"}"), .notFound))
            requests.append((.get, "/api/documents/\(submitted.documents[0].id)/pdf", o, nil, .notFound))
            requests.append((.get, "/api/documents/999999/pdf", a, nil, .notFound))

            #expect(requests.count >= 100)
            var wrong: [String] = []
            for (method, uri, headers, payload, expected) in requests {
                let r = try await client.execute(uri: uri, method: method, headers: headers, body: payload)
                let error = json(r)["error"]?.contextValue
                if r.status != expected && !(expected == .notFound && r.status == .methodNotAllowed) {
                    wrong.append("\(method) \(uri.prefix(80)): \(r.status.code) (erwartet \(expected.code)) \(error?["message"]?.stringValue ?? "")")
                } else if error?["message"]?.stringValue?.isEmpty != false || error?["message"]?.stringValue?.contains("ß") == true {
                    wrong.append("\(method) \(uri.prefix(80)): Fehler ohne deutsche Meldung")
                }
            }
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
            let after = try Self.snapshot(s)
            #expect(after == before)
            if after != before {
                let a = Set(after.split(separator: "\n")), b = Set(before.split(separator: "\n"))
                Issue.record("neu: \(Array(a.subtracting(b)).prefix(5)) weg: \(Array(b.subtracting(a)).prefix(5))")
            }
        }
    }

    @Test("& < > \" ' und <script> werden gespeichert wie gegeben und in JSON maskiert ausgegeben; Steuerzeichen entfernt das Formular")
    func hostileStringsRoundTrip() async throws {
        let s = try TestServer()
        try await s.test { client in
            let advisor = try await client.token("h.lustenberger")
            let name = "O'Brien & <script>alert(\"x\")</script>\u{1}\u{1b}[31m Ende"
            var values = applicationValues().contextValue!
            values["lastName"] = .string(name)
            let created = try await client.execute(uri: "/api/cases", method: .post, headers: bearer(advisor),
                                                   body: body(.context(["receiverOffice": "sobz-hochdorf", "values": .context(values)])))
            #expect(created.status == .created)
            let id = try #require(json(created)["id"]?.stringValue)
            let detail = try await client.execute(uri: "/api/cases/\(id)", method: .get, headers: bearer(advisor))
            let raw = String(buffer: detail.body)
            #expect(!raw.contains("<") && !raw.contains(">") && !raw.contains("&") && !raw.contains("'") && !raw.contains("\u{1}"))
            #expect(raw.contains("\\u003cscript\\u003e"))
            // The forms layer drops control characters (letters are XML, where they are not allowed);
            // everything else is kept as given.
            #expect(json(detail)["person"]?.contextValue?["lastName"]?.stringValue == "O'Brien & <script>alert(\"x\")</script>[31m Ende")
            #expect(detail.headers[.contentType] == "application/json; charset=utf-8")
        }
    }
}
