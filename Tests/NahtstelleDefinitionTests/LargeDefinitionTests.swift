import NahtstelleDefinition
import Testing

/// Issue 15, item 16: a definition's size costs time in proportion, also when a generator
/// wrote the whole file on one line (locating each element scanned that line once per element).
@Suite struct LargeDefinitionTests {
    @Test func twentyThousandElementsOnOneLine() {
        let count = 20_000
        var body = #"<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t0"/>"#
        for i in 0..<count {
            body += #"<userTask id="t\#(i)"/><sequenceFlow id="f\#(i + 1)" sourceRef="t\#(i)" targetRef="\#(i + 1 == count ? "e" : "t\(i + 1)")"/>"#
        }
        body += #"<endEvent id="e"/>"#
        let xml = #"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"><process id="p" isExecutable="true">"#
            + body + "</process></definitions>"
        let result = DefinitionParser().parse(bytes: Array(xml.utf8), fileName: "line.bpmn")
        // Every user task lacks a role: one problem each, all located on line 1.
        let roleProblems = result.errors.filter { $0.message.contains("keine Rolle") }
        #expect(roleProblems.count == count)
        #expect(roleProblems.allSatisfy { $0.location.line == 1 && $0.location.column > 0 })
    }
}
