import Foundation
import Hummingbird
import HummingbirdTesting
@testable import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
@testable import NahtstelleHTTP
import NIOCore
import Testing

/// `POST /api/definitions/{processId}/migrations` and the «Laufende Fälle migrieren» section:
/// coordinators only, a dry run that changes nothing, 422 for bad versions and foreign
/// instances, the migration with a refusal for a case changed since the dry run.
@Suite struct MigrationRouteTests {
    /// A server with one submitted case waiting at «Antrag prüfen», and a version 2 of its process
    /// in which that task has another name.
    static func serverWithCaseAndVersion2() throws -> (TestServer, caseID: String, instance: InstanceRecord) {
        let s = try TestServer()
        let submitted = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                        formData: applicationValues().contextValue!)
        let instance = try #require(try s.service.store.read { try $0.instances(businessKey: submitted.caseID) }.first { $0.processID.hasPrefix("optima-") })
        let original = try String(contentsOfFile: repositoryRoot + "/workflows/\(instance.processID).bpmn", encoding: .utf8)
        let renamed = original.replacingOccurrences(of: "name=\"Antrag prüfen\"", with: "name=\"Antrag prüfen und entscheiden\"")
        guard case .deployed(let deployments) = try s.service.uploadDefinition(by: "iiz.koordination", source: Array(renamed.utf8),
                                                                                 fileName: "\(instance.processID).bpmn"),
            deployments.first?.version == 2
        else { throw EngineError(.incident, "version 2 not deployed") }
        return (s, submitted.caseID, instance)
    }

    static func migration(_ fields: [String: Value]) -> ByteBuffer { body(.context(fields)) }

    @Test func dryRunChangesNothingMigrationMovesTheCaseAndRefusesItAfterAChange() async throws {
        let (s, caseID, instance) = try Self.serverWithCaseAndVersion2()
        let uri = "/api/definitions/\(instance.processID)/migrations"
        let historyBefore = try s.service.engine.history(instanceID: instance.id).count
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            let advisor = try await client.token("c.studer")
            let forbidden = try await client.execute(uri: uri, method: .post, headers: bearer(advisor),
                                                     body: Self.migration(["from": 1, "to": 2, "dryRun": true]))
            #expect(forbidden.status == .forbidden)
            #expect(json(forbidden)["error"]?.contextValue?["message"]?.stringValue?.isEmpty == false)

            let dry = try await client.execute(uri: uri, method: .post, headers: bearer(coordinator), body: Self.migration(["from": 1, "to": 2, "dryRun": true]))
            #expect(dry.status == .ok)
            let items = json(dry)["instances"]?.listValue?.compactMap(\.contextValue) ?? []
            let mine = try #require(items.first { $0["businessKey"] == .string(caseID) })
            #expect(mine["canMove"] == .bool(true))
            #expect(mine["waits"]?.listValue?.contains { $0.contextValue?["elementId"] == "check-application" } == true)
            #expect(mine["version"]?.numberValue == Decimal(instance.version))
            // The dry run changed nothing.
            #expect(try s.service.engine.instance(id: instance.id) == instance)
            #expect(try s.service.engine.history(instanceID: instance.id).count == historyBefore)

            let ticket: Value = .context(["id": .number(Decimal(instance.id)), "version": .number(Decimal(instance.version))])
            let moved = try await client.execute(uri: uri, method: .post, headers: bearer(coordinator),
                                                 body: Self.migration(["from": 1, "to": 2, "dryRun": false, "instances": [ticket]]))
            #expect(moved.status == .ok)
            #expect(json(moved)["migrated"]?.numberValue == 1)
            let v2 = try #require(try s.service.definitions(by: "iiz.koordination").first { $0.processID == instance.processID && $0.version == 2 })
            let now = try #require(try s.service.engine.instance(id: instance.id))
            #expect(now.definitionID == v2.id && now.version == instance.version + 1)
            let check = try #require(try s.service.engine.tasks(instanceID: instance.id).first { $0.elementID == "check-application" && $0.state.isOpen })
            #expect(check.name == "Antrag prüfen und entscheiden")
            let last = try #require(try s.service.engine.history(instanceID: instance.id).last)
            #expect(last.command == "migrate" && last.actor == "iiz.koordination")
            #expect(try s.service.accessLog(caseID: caseID).contains { $0.action == "migrate-instance" && $0.username == "iiz.koordination" })

            // The same ticket again: the case is on version 2 now; refused with the reason, nothing changes.
            let again = try await client.execute(uri: uri, method: .post, headers: bearer(coordinator),
                                                 body: Self.migration(["from": 1, "to": 2, "dryRun": false, "instances": [ticket]]))
            #expect(again.status == .ok)
            #expect(json(again)["migrated"]?.numberValue == 0)
            let reasons = json(again)["instances"]?.listValue?.first?.contextValue?["reasons"]?.listValue ?? []
            #expect(reasons.first?.stringValue?.contains("Version 1") == true)
            #expect(try s.service.engine.instance(id: instance.id) == now)

            // Back to version 1 with a stale version: refused as changed since the dry run.
            let stale = try await client.execute(uri: uri, method: .post, headers: bearer(coordinator),
                                                 body: Self.migration(["from": 2, "to": 1, "dryRun": false, "instances": [ticket]]))
            #expect(json(stale)["instances"]?.listValue?.first?.contextValue?["reasons"]?.listValue?.first?.stringValue?
                .contains("seit dem Probelauf bearbeitet") == true)
            #expect(try s.service.engine.instance(id: instance.id) == now)
        }
    }

    @Test func badVersionsForeignInstancesAndHostileBodiesAreRefusedAndChangeNothing() async throws {
        let (s, _, instance) = try Self.serverWithCaseAndVersion2()
        let uri = "/api/definitions/\(instance.processID)/migrations"
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            func post(_ text: String, uri: String = uri) async throws -> TestResponse {
                try await client.execute(uri: uri, method: .post, headers: bearer(coordinator), body: ByteBuffer(string: text))
            }
            let cases: [(String, HTTPResponse.Status, String?)] = [
                (#"{"from":1,"to":1,"dryRun":true}"#, .unprocessableContent, "to"),
                (#"{"from":1,"to":9,"dryRun":true}"#, .unprocessableContent, "to"),
                (#"{"from":7,"to":2,"dryRun":true}"#, .unprocessableContent, "from"),
                (#"{"from":"1","to":2,"dryRun":true}"#, .unprocessableContent, "from"),
                (#"{"from":1.5,"to":2,"dryRun":true}"#, .unprocessableContent, "from"),
                (#"{"from":1e30,"to":-2,"dryRun":"ja"}"#, .unprocessableContent, "dryRun"),
                (#"{"from":1e300,"to":2,"dryRun":true}"#, .badRequest, nil),
                (#"{"to":2,"dryRun":true,"extra":1}"#, .unprocessableContent, "extra"),
                (#"{"from":1,"to":2,"dryRun":false}"#, .unprocessableContent, "instances"),
                (#"{"from":1,"to":2,"dryRun":false,"instances":[]}"#, .unprocessableContent, "instances"),
                (#"{"from":1,"to":2,"dryRun":false,"instances":"alle"}"#, .unprocessableContent, "instances"),
                (#"{"from":1,"to":2,"dryRun":false,"instances":[1,null,{"id":"x"}]}"#, .unprocessableContent, "instances[0]"),
                (#"{"from":1,"to":2,"dryRun":false,"instances":[{"id":999999,"version":1}]}"#, .unprocessableContent, "instances"),
                ("[1,2]", .badRequest, nil),
                (#"{"from":1,"#, .badRequest, nil),
            ]
            for (text, status, field) in cases {
                let response = try await post(text)
                #expect(response.status == status, "\(text)")
                let error = json(response)["error"]?.contextValue
                #expect(error?["message"]?.stringValue?.isEmpty == false, "\(text)")
                if let field { #expect(error?["fields"]?.contextValue?[field] != nil, "\(text): \(error ?? [:])") }
            }
            // Another process's instance under this process's path: bad input, nothing moves.
            let other = try s.service.store.read { try $0.instanceIDs(after: 0, limit: 1000) }
                .compactMap { try s.service.engine.instance(id: $0) }.first { $0.processID != instance.processID }
            if let other {
                let response = try await post(#"{"from":1,"to":2,"dryRun":false,"instances":[{"id":\#(other.id),"version":\#(other.version)}]}"#)
                #expect(response.status == .unprocessableContent)
            }
            #expect(try await post(#"{"from":1,"to":2,"dryRun":true}"#, uri: "/api/definitions/gibt-es-nicht/migrations").status == .notFound)
            #expect(try await post(#"{"from":1,"to":2,"dryRun":true}"#, uri: "/api/definitions/%3Cscript%3E/migrations").status == .notFound)
            let notJSON = try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(coordinator)", .contentType: "text/plain"],
                                                   body: ByteBuffer(string: "from=1"))
            #expect(notJSON.status == .unsupportedMediaType)
            #expect(try s.service.engine.instance(id: instance.id) == instance)
        }
    }

    @Test func thePageRunsTheDryRunAndMigratesWithTheCSRFToken() async throws {
        let (s, caseID, instance) = try Self.serverWithCaseAndVersion2()
        let uri = "/definitions/\(instance.processID)/migrations"
        try await s.test { client in
            let (cookie, csrf) = try await PageTests.signIn(client, "iiz.koordination", landing: "/definitions")
            let page = try await client.execute(uri: "/definitions/\(instance.processID)", method: .get, headers: [.cookie: cookie])
            #expect(String(buffer: page.body).contains("Laufende Fälle migrieren"))
            let without = try await client.execute(uri: uri, method: .post, headers: PageTests.form(cookie), body: ByteBuffer(string: "from=1&to=2&_action=dryrun"))
            #expect(without.status == .forbidden)
            let dry = try await client.execute(uri: uri, method: .post, headers: PageTests.form(cookie),
                                               body: ByteBuffer(string: "_csrf=\(csrf)&from=1&to=2&_action=dryrun"))
            #expect(dry.status == .ok)
            let html = String(buffer: dry.body)
            #expect(html.contains("Probelauf: Version 1 → Version 2") && html.contains(caseID) && html.contains("kann wechseln"))
            #expect(html.contains("value=\"\(instance.id):\(instance.version)\""))
            #expect(try s.service.engine.instance(id: instance.id) == instance)
            let same = try await client.execute(uri: uri, method: .post, headers: PageTests.form(cookie),
                                                body: ByteBuffer(string: "_csrf=\(csrf)&from=2&to=2&_action=dryrun"))
            #expect(same.status == .unprocessableContent)
            #expect(String(buffer: same.body).contains("gleich wie die Ausgangsversion"))
            let moved = try await client.execute(uri: uri, method: .post, headers: PageTests.form(cookie),
                                                 body: ByteBuffer(string: "_csrf=\(csrf)&from=1&to=2&_action=migrate&instance=\(instance.id)%3A\(instance.version)&instance=x%3Ay"))
            #expect(moved.status == .ok)
            let result = String(buffer: moved.body)
            #expect(result.contains("1 von 1 Fällen auf Version 2 migriert") && result.contains("migriert, jetzt auf Version 2"))
            let v2 = try #require(try s.service.definitions(by: "iiz.koordination").first { $0.processID == instance.processID && $0.version == 2 })
            #expect(try s.service.engine.instance(id: instance.id)?.definitionID == v2.id)
            // An advisor gets the forbidden page.
            let (advisor, advisorCSRF) = try await PageTests.signIn(client, "c.studer")
            let refused = try await client.execute(uri: uri, method: .post, headers: PageTests.form(advisor),
                                                   body: ByteBuffer(string: "_csrf=\(advisorCSRF)&from=2&to=1&_action=dryrun"))
            #expect(refused.status == .forbidden)
        }
    }
}
