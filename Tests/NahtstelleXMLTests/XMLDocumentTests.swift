import Testing
@testable import NahtstelleXML

private let ns = "urn:test"

private func parse(_ text: String, limits: XMLLimits = XMLLimits()) throws(XMLError) -> XMLDocument {
    try XMLDocument(bytes: Array(text.utf8), fileName: "t.xml", limits: limits)
}

private func parseError(_ text: String, limits: XMLLimits = XMLLimits()) -> XMLError? {
    parseError(Array(text.utf8), limits: limits)
}

/// Refusing hostile input quickly is a security property (denial of service), so these tests
/// do check time, with a wide margin: each refusal takes milliseconds.
private func parseError(_ bytes: [UInt8], limits: XMLLimits = XMLLimits()) -> XMLError? {
    let start = ContinuousClock.now
    defer { #expect(ContinuousClock.now - start < .seconds(1)) }
    do {
        _ = try XMLDocument(bytes: bytes, fileName: "t.xml", limits: limits)
        return nil
    } catch {
        return error
    }
}

@Suite struct XMLDocumentTests {
    @Test func navigatesElementsAttributesAndText() throws {
        let doc = try parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <r:root xmlns:r="urn:test" xmlns:x="urn:x" a="1" x:b="2">
              <r:child id="c1">hello <r:inner>world</r:inner></r:child>
              <child xmlns="urn:test" id="c2"/>
              <!-- comment -->
              <other/>
            </r:root>
            """)
        let root = try #require(doc.root)
        #expect(root.localName == "root")
        #expect(root.namespaceURI == ns)
        #expect(root.prefix == "r")
        #expect(root.attribute("a") == "1")
        #expect(root.attribute("b") == nil)
        #expect(root.attribute("b", namespace: "urn:x") == "2")
        #expect(root.attributes.count == 2)
        #expect(root.children.count == 3)
        let children = root.children("child", in: ns)
        #expect(children.map { $0.attribute("id") } == ["c1", "c2"])
        #expect(children[0].text == "hello world")
        #expect(children[0].position.line == 3)
        #expect(children[0].position.column == 3)
        #expect(children[1].position == (4, 3))
        #expect(root.children[2].namespaceURI == nil)
        #expect(children[0].parent?.localName == "root")
    }

    @Test func columnOfMultiLineStartTagIsWhereItOpens() throws {
        let doc = try parse("<root>\n  <a\n     x=\"1\"\n     y=\"2\"/>\n</root>")
        let a = try #require(doc.root?.children.first)
        #expect(a.reportedLine >= 2)
        #expect(a.position == (2, 3))
    }

    @Test func columnCountsCharactersNotBytes() throws {
        let doc = try parse("<root><ä/><b/></root>")
        let b = try #require(doc.root?.children.last)
        #expect(b.position == (1, 11))
    }

    @Test func malformedXMLReportsLineAndColumn() {
        let error = parseError("<root>\n  <a>\n</root>")
        #expect(error?.code == .malformed)
        #expect(error?.line == 3)
        #expect((error?.column ?? 0) > 0)
        #expect(error?.description.hasPrefix("t.xml:3:") == true)
    }

    @Test func undeclaredPrefixIsADiagnosticNotAFailure() throws {
        let doc = try parse("<root><x:a/></root>")
        #expect(doc.diagnostics.contains { $0.code == .namespace })
    }

    @Test func loadsFromFileAndReportsMissingFile() throws {
        #expect(throws: XMLError.self) { try XMLDocument(contentsOfFile: "/nonexistent/file.bpmn") }
        do {
            _ = try XMLDocument(contentsOfFile: "/nonexistent/file.bpmn")
        } catch {
            #expect(error.code == .unreadable)
        }
    }
}

@Suite struct HostileXMLTests {
    @Test func externalEntityIsRefused() {
        let error = parseError("""
            <?xml version="1.0"?>
            <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <foo>&xxe;</foo>
            """)
        #expect(error?.code == .doctypeForbidden)
        #expect(error?.line == 2)
        #expect(error?.message.contains("DOCTYPE") == true)
    }

    @Test func billionLaughsIsRefused() {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for i in 1...9 {
            let prev = i == 1 ? "lol" : "lol\(i - 1)"
            text += " <!ENTITY lol\(i) \"" + String(repeating: "&\(prev);", count: 10) + "\">\n"
        }
        text += "]>\n<lolz>&lol9;</lolz>"
        #expect(parseError(text)?.code == .doctypeForbidden)
    }

    @Test func externalDTDIsRefused() {
        #expect(parseError("<!DOCTYPE r SYSTEM \"http://example.com/x.dtd\"><r/>")?.code == .doctypeForbidden)
    }

    @Test func oversizedDocumentIsRefusedBeforeParsing() {
        var bytes = Array("<root>".utf8)
        bytes.append(contentsOf: [UInt8](repeating: UInt8(ascii: "a"), count: 50_000_000))
        bytes.append(contentsOf: Array("</root>".utf8))
        let error = parseError(bytes)
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("10000000") == true)
    }

    @Test func sizeLimitIsConfigurable() {
        #expect(parseError("<root>0123456789</root>", limits: XMLLimits(maxBytes: 10))?.code == .tooLarge)
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let error = parseError(text)
        #expect(error?.code == .tooDeep)
        #expect(error?.message.contains("256") == true)
    }

    @Test func libxml2DepthCeilingIsReportedAsTooDeep() {
        let text = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        #expect(parseError(text, limits: XMLLimits(maxDepth: 1000))?.code == .tooDeep)
    }

    @Test func depthLimitIsConfigurable() throws {
        let text = String(repeating: "<a>", count: 11) + String(repeating: "</a>", count: 11)
        #expect(parseError(text, limits: XMLLimits(maxDepth: 10))?.code == .tooDeep)
        _ = try parse(text, limits: XMLLimits(maxDepth: 11))
    }

    @Test func invalidUTF8IsReportedWithLine() {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root>\n<a>".utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array("</a></root>".utf8)
        let error = parseError(bytes)
        #expect(error?.code == .encoding)
        #expect(error?.line == 3)
        #expect(error?.fix.contains("UTF-8") == true)
    }

    @Test func emptyFileIsRefused() {
        #expect(parseError("")?.code == .empty)
        #expect(parseError("  \n ")?.code == .empty)
    }

    @Test func binaryGarbageIsRefused() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let error = parseError(bytes)
        #expect(error != nil)
        #expect(error?.severity == .error)
    }

    @Test func garbageAfterRootIsMalformed() {
        #expect(parseError("<a/><b/>")?.code == .malformed)
    }
}
