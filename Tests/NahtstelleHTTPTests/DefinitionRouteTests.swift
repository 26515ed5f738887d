import Foundation
import Hummingbird
import HummingbirdTesting
@testable import NahtstelleCases
import NahtstelleDefinition
import NahtstelleFEEL
import NahtstelleXML
import NIOCore
import Testing

/// Coordinators' definition routes: upload (422 with every problem located and nothing deployed,
/// 201 for version n+1, 200 for the same content), 403 for everyone else, the diagram as SVG
/// with a group per element and the live counts.
@Suite struct DefinitionRouteTests {
    static func xml(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/xml"] }

    @Test func uploadValidatesDeploysAndIsForCoordinatorsOnly() async throws {
        let s = try TestServer()
        let original = try String(contentsOfFile: repositoryRoot + "/workflows/optima-alv.bpmn", encoding: .utf8)
        let renamed = original.replacingOccurrences(of: "name=\"Antrag prüfen\"", with: "name=\"Antrag prüfen und entscheiden\"")
        let broken = renamed.replacingOccurrences(of: "targetRef=\"check-application\"", with: "targetRef=\"gibt-es-nicht\"")
        #expect(renamed != original && broken != renamed)
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            let advisor = try await client.token("s.wicki")
            func versions() throws -> Int { try s.service.definitions(by: "iiz.koordination").filter { $0.processID == "optima-alv" }.count }
            let before = try versions()
            let refused = try await client.execute(uri: "/api/definitions?fileName=optima-alv.bpmn", method: .post, headers: Self.xml(coordinator),
                                                   body: ByteBuffer(string: broken))
            #expect(refused.status == .unprocessableContent)
            let problems = json(refused)["problems"]?.listValue ?? []
            let located = problems.compactMap(\.contextValue).filter { $0["severity"] == "error" }
            #expect(!located.isEmpty)
            #expect(located.allSatisfy { ($0["line"]?.numberValue ?? 0) > 0 && ($0["column"]?.numberValue ?? 0) > 0 && $0["fix"]?.stringValue?.isEmpty == false })
            #expect(located.contains { $0["message"]?.stringValue?.contains("gibt-es-nicht") == true })
            #expect(try versions() == before)
            let forbidden = try await client.execute(uri: "/api/definitions", method: .post, headers: Self.xml(advisor), body: ByteBuffer(string: renamed))
            #expect(forbidden.status == .forbidden)
            #expect(try versions() == before)
            let deployed = try await client.execute(uri: "/api/definitions", method: .post, headers: Self.xml(coordinator), body: ByteBuffer(string: renamed))
            #expect(deployed.status == .created)
            #expect(json(deployed)["processId"] == "optima-alv")
            #expect(json(deployed)["version"]?.numberValue == Decimal(before + 1))
            let again = try await client.execute(uri: "/api/definitions", method: .post, headers: Self.xml(coordinator), body: ByteBuffer(string: renamed))
            #expect(again.status == .ok)
            #expect(json(again)["new"] == .bool(false))
            #expect(try versions() == before + 1)
            let wrongType = try await client.execute(uri: "/api/definitions", method: .post, headers: bearer(coordinator), body: ByteBuffer(string: "{}"))
            #expect(wrongType.status == .unsupportedMediaType)
            let garbage = try await client.execute(uri: "/api/definitions", method: .post, headers: Self.xml(coordinator), body: ByteBuffer(string: "<a><b></a>"))
            #expect(garbage.status == .unprocessableContent)
            let source = try await client.execute(uri: "/api/definitions/optima-alv/versions/\(before + 1)/source", method: .get, headers: bearer(advisor))
            #expect(String(buffer: source.body) == renamed)
        }
    }

    @Test func diagramHasAGroupPerElementAndTheCountsOfKnownInstances() async throws {
        let s = try TestServer()
        // Two cases waiting at the check of SoBZ Hochdorf's contact; one of them overdue.
        for n in 1...2 {
            _ = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                formData: applicationValues(lastName: "Zahl\(n)", ahvSerial: 40 + n).contextValue!)
            if n == 1 { s.clock.advance(days: 30) }
        }
        let definition = try #require(s.service.definitions(by: "iiz.koordination").first { $0.processID == "optima-sh" })
        let diagram = try Diagram.read(bytes: definition.source)
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            let response = try await client.execute(uri: "/api/definitions/optima-sh/versions/\(definition.version)/diagram.svg", method: .get,
                                                    headers: bearer(coordinator))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("image/svg+xml") == true)
            let svg = String(buffer: response.body)
            let document = try XMLDocument(bytes: Array(svg.utf8), fileName: "d.svg")
            var groups: Set<String> = [], overlays: [String: String] = [:]
            func walk(_ e: XMLElement) {
                if e.localName == "g", let id = e.attribute("data-element-id") { groups.insert(id) }
                if e.localName == "g", let id = e.attribute("data-overlay-for") { overlays[id] = e.text }
                for c in e.children { walk(c) }
            }
            walk(try #require(document.root))
            let flowNodes = diagram.shapes.filter { !["participant", "lane"].contains($0.element.kind) }.map(\.elementID)
            #expect(Set(flowNodes).isSubset(of: groups))
            // Waiting 2, open 2, overdue 1 at the check.
            #expect(overlays["check-application"]?.contains("2") == true)
            #expect(overlays["check-application"]?.contains("1") == true)
            #expect(svg.contains("<title>2 wartende Instanzen</title>") && svg.contains("<title>1 davon überfällig</title>"))
            // An advisor gets the drawing without counts; an unknown version is 404.
            let advisor = try await client.token("s.wicki")
            let plain = try await client.execute(uri: "/api/definitions/optima-sh/versions/\(definition.version)/diagram.svg", method: .get,
                                                 headers: bearer(advisor))
            #expect(plain.status == .ok && !String(buffer: plain.body).contains("data-overlay-for"))
            let unknown = try await client.execute(uri: "/api/definitions/optima-sh/versions/99/diagram.svg", method: .get, headers: bearer(advisor))
            #expect(unknown.status == .notFound)
        }
    }
}

/// The ids the application relies on: the shipped definitions keep them; an upload without one is refused.
@Suite struct ProcessContractTests {
    @Test func shippedDefinitionsHoldTheContractAndAnEditWithoutATaskIsRefused() async throws {
        let fm = FileManager.default
        let dir = repositoryRoot + "/workflows"
        var seen: Set<String> = []
        for file in try fm.contentsOfDirectory(atPath: dir) where file.hasSuffix(".bpmn") {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file)))
            #expect(ProcessContract.problems(bytes: bytes, fileName: file).isEmpty, "\(file)")
            seen.insert(String(file.dropLast(5)))
        }
        #expect(seen == Set(ProcessContract.required.keys))
        let s = try TestServer()
        let original = try String(contentsOfFile: dir + "/optima-sh.bpmn", encoding: .utf8)
        let without = original.replacingOccurrences(of: "id=\"sign-agreement-alv\"", with: "id=\"sign-agreement-alv-neu\"")
            .replacingOccurrences(of: "Ref=\"sign-agreement-alv\"", with: "Ref=\"sign-agreement-alv-neu\"")
        try await s.test { client in
            let token = try await client.token("iiz.koordination")
            let response = try await client.execute(uri: "/api/definitions", method: .post, headers: DefinitionRouteTests.xml(token),
                                                    body: ByteBuffer(string: without))
            #expect(response.status == .unprocessableContent)
            let messages = (json(response)["problems"]?.listValue ?? []).compactMap { $0.contextValue?["message"]?.stringValue }
            #expect(messages.contains { $0.contains("«sign-agreement-alv» fehlt") }, "\(messages)")
        }
    }
}
