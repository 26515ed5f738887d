import Foundation
import NahtstelleDefinition
import NahtstelleXML
import Testing

/// The server's drawing of BPMN DI as SVG: every shape of the shipped definitions and of other
/// modelers' files (MIWG) becomes a `<g data-element-id>`, the result is well-formed XML, names
/// are escaped, and a file without DI says so.
@Suite struct DiagramTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files() -> [URL] {
        let workflows = root.appendingPathComponent("workflows")
        let miwg = root.deletingLastPathComponent().appendingPathComponent("shared/conformance/bpmn-miwg")
        let fm = FileManager.default
        return [workflows, miwg].flatMap { dir in
            ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".bpmn") }.sorted().map { dir.appendingPathComponent($0) }
        }
    }

    /// The `data-element-id` values of an SVG text, read as XML.
    static func groups(_ svg: String) throws -> [String] {
        let document = try XMLDocument(bytes: Array(svg.utf8), fileName: "diagram.svg")
        var ids: [String] = []
        func walk(_ e: XMLElement) {
            if e.localName == "g", let id = e.attribute("data-element-id") { ids.append(id) }
            for c in e.children { walk(c) }
        }
        if let r = document.root { walk(r) }
        return ids
    }

    @Test func everyShapeAndEdgeOfEveryFileIsAGroup() throws {
        let files = Self.files()
        #expect(files.count >= 6)
        var drawn = 0
        for url in files {
            let bytes = [UInt8](try Data(contentsOf: url))
            let result = Result { () throws(Diagram.ReadError) -> Diagram in try Diagram.read(bytes: bytes, fileName: url.lastPathComponent) }
            if case .failure(let error) = result, error == .noDiagram { continue }
            let diagram = try result.get()
            let svg = DiagramSVG.render(diagram)
            let ids = try Self.groups(svg)
            let expected = diagram.shapes.map(\.elementID) + diagram.edges.map(\.elementID)
            #expect(ids.sorted() == expected.sorted(), "\(url.lastPathComponent)")
            drawn += 1
        }
        #expect(drawn >= 6)
    }

    @Test func theShippedDefinitionsAreDrawnWithTheirTasksAndFlows() throws {
        let url = Self.root.appendingPathComponent("workflows/optima-alv.bpmn")
        let diagram = try Diagram.read(bytes: [UInt8](try Data(contentsOf: url)))
        #expect(diagram.shapes.contains { $0.elementID == "check-application" && $0.element.kind == "userTask" && $0.element.name == "Antrag prüfen" })
        #expect(diagram.shapes.contains { $0.element.kind == "boundaryEvent" && $0.element.eventType == "timer" })
        #expect(diagram.edges.contains { $0.element.kind == "sequenceFlow" && $0.waypoints.count >= 2 })
        var options = DiagramSVG.Options()
        options.counts = ["check-application": .init(waiting: 3, open: 3, overdue: 1)]
        options.current = ["plan-handover"]
        let svg = DiagramSVG.render(diagram, options)
        #expect(svg.contains("data-overlay-for=\"check-application\""))
        #expect(svg.contains("<title>1 davon überfällig</title>"))
        #expect(svg.contains("class=\"node userTask current\""))
        _ = try Self.groups(svg)
    }

    @Test func namesAreEscapedAndAFileWithoutDiagramSaysSo() throws {
        let hostile = """
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
              xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d" targetNamespace="x">
              <process id="p" isExecutable="true"><userTask id="t" name="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; '"/></process>
              <bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
                <bpmndi:BPMNShape id="s" bpmnElement="t"><dc:Bounds x="10" y="10" width="100" height="80"/></bpmndi:BPMNShape>
                <bpmndi:BPMNShape id="s2" bpmnElement="t"><dc:Bounds x="NaN" y="10" width="100" height="80"/></bpmndi:BPMNShape>
              </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
            </definitions>
            """
        let svg = DiagramSVG.render(try Diagram.read(bytes: Array(hostile.utf8)))
        #expect(!svg.contains("<script"))
        // The one long «word» is broken into pieces, each escaped on its own.
        #expect(svg.contains("&lt;script&gt;"))
        #expect(svg.contains("&quot;"))
        #expect(svg.contains("&amp;"))
        #expect(try Self.groups(svg) == ["t"])
        let bare = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\"/></definitions>"
        #expect(throws: Diagram.ReadError.noDiagram) { try Diagram.read(bytes: Array(bare.utf8)) }
        #expect(throws: Diagram.ReadError.self) { try Diagram.read(bytes: Array("<a><b></a>".utf8)) }
    }
}

@Suite struct DiagramTextTests {
    @Test func aWordLongerThanItsBoxIsHyphenatedIntoEvenPieces() throws {
        let source = """
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
              xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d" targetNamespace="x">
              <process id="p" isExecutable="true"><userTask id="t" name="Übergabegespräch planen"/></process>
              <bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
                <bpmndi:BPMNShape id="s" bpmnElement="t"><dc:Bounds x="10" y="10" width="82" height="66"/></bpmndi:BPMNShape>
              </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
            </definitions>
            """
        let svg = DiagramSVG.render(try Diagram.read(bytes: Array(source.utf8)))
        #expect(svg.contains(">Übergabe-</tspan>"))
        #expect(svg.contains(">gespräch</tspan>"))
        #expect(svg.contains(">planen</tspan>"))
        // A name that fits stays whole.
        let short = DiagramSVG.render(try Diagram.read(bytes: Array(source.replacingOccurrences(of: "Übergabegespräch planen", with: "Antrag prüfen").utf8)))
        #expect(short.contains(">Antrag</tspan>") || short.contains(">Antrag prüfen</tspan>"))
        #expect(!short.contains("-</tspan>"))
    }
}

@Suite struct DefinitionDiffTests {
    @Test func renamedTaskNewDeadlineAddedAndRemovedElements() throws {
        let url = DiagramTests.root.appendingPathComponent("workflows/optima-alv.bpmn")
        let old = try String(contentsOf: url, encoding: .utf8)
        var new = old.replacingOccurrences(of: "name=\"Antrag prüfen\"", with: "name=\"Antrag prüfen und entscheiden\"")
        new = new.replacingOccurrences(of: "id=\"hand-back-documents\"", with: "id=\"hand-back-files\"")
            .replacingOccurrences(of: "Ref=\"hand-back-documents\"", with: "Ref=\"hand-back-files\"")
        let diff = try #require(DefinitionDiff.compare(old: Array(old.utf8), new: Array(new.utf8)))
        let check = try #require(diff.changed.first { $0.id == "check-application" })
        #expect(check.changes == ["name: «Antrag prüfen» → «Antrag prüfen und entscheiden»"])
        #expect(diff.added.map(\.id) == ["hand-back-files"])
        #expect(diff.removed.map(\.id) == ["hand-back-documents"])
        // Flows pointing at the renamed task changed their target.
        #expect(diff.changed.contains { $0.kind == "sequenceFlow" && $0.changes.contains { $0.contains("targetRef") } })
        let same = try #require(DefinitionDiff.compare(old: Array(old.utf8), new: Array(old.utf8)))
        #expect(same.added.isEmpty && same.removed.isEmpty && same.changed.isEmpty)
        #expect(DefinitionDiff.compare(old: Array(old.utf8), new: Array("<a>".utf8)) == nil)
    }
}
