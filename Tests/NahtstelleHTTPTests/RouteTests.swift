import Foundation
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleFEEL
@testable import NahtstelleHTTP
import Testing

@Suite("Routen, OpenAPI, Betrieb und ein Schritt mit dem, was danach geschieht")
struct RouteTests {
    @Test("Jede Route steht im OpenAPI-Dokument, und jeder Eintrag dort antwortet (keine Drift)")
    func openAPIMatchesRoutes() async throws {
        let s = try TestServer()
        let routes = API(core: s.core).routes
        try await s.test { client in
            let r = try await client.execute(uri: "/api/openapi.json", method: .get)
            #expect(r.status == .ok)
            let doc = json(r)
            #expect(doc["openapi"] == "3.1.0")
            let paths = try #require(doc["paths"]?.contextValue)
            var documented: Set<String> = []
            for (path, operations) in paths {
                for (method, operation) in operations.contextValue ?? [:] {
                    documented.insert(method.uppercased() + " " + path)
                    #expect(operation.contextValue?["responses"]?.contextValue?.isEmpty == false)
                }
            }
            let served = Set(routes.map { $0.method.rawValue + " " + $0.path })
            #expect(documented == served)
            // Each documented operation is routed: unauthenticated, it answers 401 or its own
            // answer, never "no such address".
            for route in routes {
                let uri = route.path.replacingOccurrences(of: "{id}", with: route.path.contains("/cases/") ? "OPT-2026-0001" : "1")
                    .replacingOccurrences(of: "{key}", with: "pruefung-antrag")
                let response = try await client.execute(uri: uri, method: route.method, headers: jsonHeaders, body: route.body == nil ? nil : body("{}"))
                if route.authenticated {
                    #expect(response.status == .unauthorized, "\(route.method) \(uri)")
                } else {
                    #expect(response.status != .notFound, "\(route.method) \(uri)")
                }
            }
            // Required issue routes are all there.
            for op in ["POST /api/session", "DELETE /api/session", "GET /api/me", "GET /api/tasks", "GET /api/tasks/{id}",
                       "POST /api/tasks/{id}/claim", "POST /api/tasks/{id}/unclaim", "POST /api/tasks/{id}/complete", "POST /api/cases/precheck",
                       "POST /api/cases", "GET /api/cases", "GET /api/cases/{id}", "GET /api/cases/{id}/history",
                       "POST /api/cases/{id}/cost-approvals", "GET /api/cases/{id}/documents", "GET /api/documents/{id}", "GET /api/offices",
                       "GET /api/forms/{key}", "GET /api/definitions", "GET /api/reports/standard", "GET /api/audit", "GET /api/openapi.json",
                       "GET /health", "GET /ready", "GET /metrics"] {
                #expect(served.contains(op), "\(op)")
            }
        }
    }

    @Test("/health, /ready und /metrics (Anfragen nach Route und Status, offene und überfällige Aufgaben)")
    func operation() async throws {
        let s = try TestServer()
        _ = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf", formData: applicationValues().contextValue!)
        try await s.test { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok && json(ready)["status"] == "ready")
            _ = try await client.execute(uri: "/api/tasks", method: .get)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("nahtstelle_open_tasks 1"))
            #expect(metrics.contains("nahtstelle_overdue_tasks 0"))
            #expect(metrics.contains("http_route=\"/api/tasks\""))
            #expect(metrics.contains("http_server_request_duration_bucket"))
            #expect(metrics.contains("nahtstelle_inbox_cache_total{result=\"hit\"}"))
            #expect(metrics.contains("nahtstelle_inbox_cache_total{result=\"miss\"}"))
        }
    }

    @Test("Aufgabenliste: nur eigene Stelle und Rolle, nach Fälligkeit, Filter und Keyset-Cursor")
    func taskListPaging() async throws {
        let s = try TestServer()
        for n in 1...5 {
            _ = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                formData: applicationValues(lastName: "Person\(n)", ahvSerial: n).contextValue!)
            s.clock.advance(days: 1)
        }
        try await s.test { client in
            let contact = try await client.token("c.studer")
            var seen: [Int64] = []
            var cursor: String? = nil
            repeat {
                let uri = "/api/tasks?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = json(try await client.execute(uri: uri, method: .get, headers: bearer(contact)))
                let items = page["items"]?.listValue ?? []
                #expect(items.count <= 2)
                seen += items.compactMap { $0.contextValue?["id"]?.numberValue }.map { NSDecimalNumber(decimal: $0).int64Value }
                cursor = page["next"]?.stringValue
            } while cursor != nil
            #expect(seen.count == 5 && Set(seen).count == 5)
            let all = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))["items"]?.listValue ?? []
            let due = all.compactMap { $0.contextValue?["dueAt"]?.stringValue }
            #expect(due == due.sorted())
            #expect(all.allSatisfy { $0.contextValue?["office"] == "sobz-hochdorf" && $0.contextValue?["role"] == "optima-contact" })
            #expect(all.first?.contextValue?["personName"] == "Person1 Anna")
            let mine = json(try await client.execute(uri: "/api/tasks?assignee=me", method: .get, headers: bearer(contact)))["items"]?.listValue
            #expect(mine?.isEmpty == true)
            let advisor = try await client.token("s.wicki")
            let none = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(advisor)))["items"]?.listValue
            #expect(none?.isEmpty == true)
            // A month later all five are overdue.
            s.clock.advance(days: 30)
            let later = try await client.token("c.studer")
            let overdue = json(try await client.execute(uri: "/api/tasks?due=overdue&process=optima-sh", method: .get, headers: bearer(later)))
            #expect(overdue["items"]?.listValue?.count == 5)
            #expect(overdue["items"]?.listValue?.allSatisfy { $0.contextValue?["overdue"] == true } == true)
        }
    }

    @Test("Erledigen: 422 mit allen Feldfehlern, 200 mit dem nächsten Schritt, 409 beim zweiten Mal")
    func completeTask() async throws {
        let s = try TestServer()
        let submitted = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                        formData: applicationValues().contextValue!)
        let check = try #require(submitted.openTasks.first)
        try await s.test { client in
            let contact = try await client.token("c.studer")
            let detail = json(try await client.execute(uri: "/api/tasks/\(check.id)", method: .get, headers: bearer(contact)))
            #expect(detail["form"]?.contextValue?["key"] != nil || detail["form"]?.contextValue?["fields"] != nil)
            #expect(detail["case"]?.contextValue?["id"]?.stringValue == submitted.caseID)
            let invalid = try await client.execute(uri: "/api/tasks/\(check.id)/complete", method: .post, headers: bearer(contact),
                                                   body: body(#"{"values": {"decision": "accepted", "advisor": "p.baumann"}}"#))
            #expect(invalid.status == .unprocessableContent)
            #expect(json(invalid)["error"]?.contextValue?["fields"]?.contextValue?["advisor"] != nil)
            let done = try await client.execute(uri: "/api/tasks/\(check.id)/complete", method: .post, headers: bearer(contact),
                                                body: body(#"{"values": {"decision": "accepted", "advisor": "s.wicki"}}"#))
            #expect(done.status == .ok)
            let next = json(done)["next"]?.listValue ?? []
            #expect(!next.isEmpty)
            #expect(next.contains { $0.contextValue?["officeName"] == "RAV Wolhusen" && $0.contextValue?["dueAt"] != .null })
            let again = try await client.execute(uri: "/api/tasks/\(check.id)/complete", method: .post, headers: bearer(contact),
                                                 body: body(#"{"values": {"decision": "accepted", "advisor": "s.wicki"}}"#))
            #expect(again.status == .conflict)
            let history = try s.service.engine.history(businessKey: submitted.caseID).filter { $0.taskID == check.id && $0.command == "complete" }
            #expect(history.count == 1)
        }
    }
}

@Suite("Zugriff in den Befehlen des Dienstes (auch ohne HTTP)")
struct ServicePolicyTests {
    @Test("Bericht, Export, Bereitstellung, Verzeichnis und Zugriffsprotokoll nur für die Koordinationsstelle")
    func coordinatorOnly() throws {
        let s = try TestServer()
        let bpmn = try [UInt8](Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/workflows/optima-sh.bpmn")))
        for user in ["h.lustenberger", "c.studer", "e.renggli"] {
            #expect(throws: CaseServiceError.self) { try s.service.report(by: user, from: LocalDate(year: 2026, month: 1, day: 1),
                                                                          to: LocalDate(year: 2026, month: 12, day: 31)) }
            #expect(throws: CaseServiceError.self) { try s.service.pseudonymisedExport(by: user, secret: Array("0123456789abcdef-x".utf8)) }
            #expect(throws: CaseServiceError.self) { try s.service.deploy(by: user, source: bpmn, fileName: "optima-sh.bpmn") }
            #expect(throws: CaseServiceError.self) { try s.service.saveDirectory(by: user, offices: [], staff: []) }
            #expect(throws: CaseServiceError.self) { try s.service.auditLog(by: user) }
        }
        let coordinator = "iiz.koordination"
        _ = try s.service.report(by: coordinator, from: LocalDate(year: 2026, month: 1, day: 1), to: LocalDate(year: 2026, month: 12, day: 31))
        _ = try s.service.pseudonymisedExport(by: coordinator, secret: Array("0123456789abcdef-x".utf8))
        #expect(try s.service.deploy(by: coordinator, source: bpmn, fileName: "optima-sh.bpmn").allSatisfy { !$0.isNew })
        let actions = try s.service.auditLog(by: coordinator, user: coordinator).map(\.action)
        #expect(actions.contains("report") && actions.contains("export"))
    }
}

@Suite("Keyset-Seiten über Aufgaben mit und ohne Frist")
struct TaskPagingTests {
    static func process(_ id: String, due: Bool) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn"
                     id="\(id)-definitions" targetNamespace="http://nahtstelle.ch/test">
          <process id="\(id)" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
            <userTask id="work" name="Arbeit" nahtstelle:role="optima-contact" nahtstelle:office="sobz-hochdorf"\(due ? " nahtstelle:due=\"=due\"" : "")/>
            <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """
    }

    @Test("Seiten zu 2: zuerst nach Frist, dann die ohne Frist nach Nummer; keine doppelt, keine fehlt")
    func mixedDueDates() throws {
        let s = try TestServer()
        try s.service.engine.deploy(source: Array(Self.process("with-due", due: true).utf8), fileName: "a.bpmn", by: "test")
        try s.service.engine.deploy(source: Array(Self.process("without-due", due: false).utf8), fileName: "b.bpmn", by: "test")
        var expectedDated: [(Date, Int64)] = []
        var expectedUndated: [Int64] = []
        for n in [5, 1, 3, 3, 3] {
            let due = s.clock.now.addingTimeInterval(Double(n) * 86_400 + 0.123456789)
            let r = try s.service.engine.startInstance(processID: "with-due", variables: ["due": .dateTime(due)], by: "test")
            expectedDated.append((due, r.createdTasks[0].id))
            let u = try s.service.engine.startInstance(processID: "without-due", by: "test")
            expectedUndated.append(u.createdTasks[0].id)
        }
        let expected = expectedDated.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.1) + expectedUndated.sorted()
        var seen: [Int64] = []
        var cursor: String? = nil
        repeat {
            let page = try s.service.taskPage(by: "c.studer", TaskFilter(limit: 2, cursor: cursor))
            #expect(page.items.count <= 2)
            seen += page.items.map(\.task.id)
            cursor = page.next
        } while cursor != nil
        #expect(seen == expected)
        #expect(try s.service.taskPage(by: "c.studer", TaskFilter(due: .week, limit: 50)).items.count == 5)
    }
}
