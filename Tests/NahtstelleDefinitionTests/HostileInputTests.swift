import Testing
import NahtstelleDefinition

/// Hostile or broken input: each a clear problem, never a crash, never slow.
@Suite struct HostileInputTests {
    /// Refusing hostile input quickly is a security property, so time is checked (wide margin).
    func single(_ bytes: [UInt8], options: DefinitionParser.Options = .init()) throws -> Problem {
        let start = ContinuousClock.now
        defer { #expect(ContinuousClock.now - start < .seconds(1)) }
        let result = DefinitionParser(options: options).parse(bytes: bytes, fileName: "evil.bpmn")
        #expect(result.document == nil)
        #expect(result.hasErrors)
        return try #require(result.problems.first)
    }

    @Test func externalEntity() throws {
        let p = try single(Array("""
            <?xml version="1.0"?>
            <!DOCTYPE definitions [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="&xxe;"/></definitions>
            """.utf8))
        #expect(p.message.contains("DOCTYPE"))
        #expect(p.location.line == 2)
        #expect(!p.message.contains("root:"))
    }

    @Test func billionLaughs() throws {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for i in 1...9 { text += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i == 1 ? "" : String(i - 1));", count: 10) + "\">\n" }
        text += "]>\n<lolz>&lol9;</lolz>"
        #expect(try single(Array(text.utf8)).message.contains("DOCTYPE"))
    }

    @Test func fiftyMegabytes() throws {
        var bytes = Array("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><documentation>".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 50_000_000)
        bytes += Array("</documentation></definitions>".utf8)
        let p = try single(bytes)
        #expect(p.message.contains("höchstens 10000000"))
    }

    @Test func tenThousandDeep() throws {
        let text = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">" + String(repeating: "<a>", count: 10_000)
            + String(repeating: "</a>", count: 10_000) + "</definitions>"
        let p = try single(Array(text.utf8))
        #expect(p.message.contains("256 Ebenen"))
    }

    @Test func limitsComeFromOptions() throws {
        var options = DefinitionParser.Options()
        options.maxBytes = 100
        options.maxDepth = 3
        #expect(try single([UInt8](repeating: 0x20, count: 101), options: options).message.contains("höchstens 100"))
        let deep = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><a><b><c/></b></a></definitions>"
        #expect(try single(Array(deep.utf8), options: options).message.contains("3 Ebenen"))
    }

    @Test func invalidUTF8() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"".utf8)
        bytes += [0xFF, 0xFE, 0xC3]
        bytes += Array("\"/></definitions>".utf8)
        let p = try single(bytes)
        #expect(p.location.line == 3)
        #expect(p.fix.contains("UTF-8"))
    }

    @Test func emptyFile() throws {
        let p = try single([])
        #expect(p.message == "Die Datei ist leer")
        #expect(p.location.line == 1)
    }

    @Test func binaryGarbage() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<65_536).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let p = try single(bytes)
        #expect(p.severity == .error)
        #expect(p.message.hasPrefix("XML-Fehler"))
    }

    @Test func nonBPMNRoot() throws {
        let p = try single(Array("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion></project>".utf8))
        #expect(p.message.contains("Keine BPMN-2.0-Datei"))
        #expect(p.message.contains("http://maven.apache.org/POM/4.0.0"))
    }

    @Test func unreadableFileIsAProblem() throws {
        let result = DefinitionParser().parse(fileAt: "/nonexistent/prozess.bpmn")
        #expect(result.document == nil)
        #expect(result.problems.first?.message.contains("kann nicht gelesen werden") == true)
        #expect(result.problems.first?.location.file == "/nonexistent/prozess.bpmn")
        let directory = DefinitionParser().parse(fileAt: TestPaths.fixtures)
        #expect(directory.problems.first?.message.contains("keine gewöhnliche Datei") == true)
    }

    @Test func parsesConcurrently() async {
        let parser = DefinitionParser()
        let paths = Array(repeating: TestPaths.fixtures + "/kostengutsprache.bpmn", count: 16)
        let counts = await withTaskGroup(of: Int.self) { group in
            for path in paths { group.addTask { parser.parse(fileAt: path).document?.processes.first?.nodes.count ?? -1 } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 10, count: 16))
    }

    @Test func validateFilesCollectsAllFilesInOrder() {
        let problems = validateFiles([TestPaths.fixtures + "/kostengutsprache.bpmn", "/nonexistent/a.bpmn", TestPaths.fixtures + "/invalid/schema-broken.bpmn"])
        #expect(problems.first?.location.file == "/nonexistent/a.bpmn")
        #expect(problems.contains { $0.location.file.hasSuffix("schema-broken.bpmn") && $0.elementID == "Flow_1" })
        #expect(problems.allSatisfy { !$0.location.file.hasSuffix("kostengutsprache.bpmn") })
    }
}
