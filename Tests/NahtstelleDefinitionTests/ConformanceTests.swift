import Testing
import NahtstelleDefinition
import NahtstelleXML

/// The BPMN MIWG reference models: written by other tools' authors, a fair test of reading BPMN
/// as the rest of the world writes it.
@Suite struct MIWGConformanceTests {
    static var directory: String { TestPaths.shared + "/conformance/bpmn-miwg" }
    static var files: [String] { TestPaths.files(in: directory, withExtension: "bpmn") }

    /// Files built only from supported elements: their only error is that the interchange test
    /// marks no process executable.
    static let fullySupported: Set<String> = ["A.1.0", "A.4.0", "A.4.1"]

    static func name(_ path: String) -> String {
        String(path.split(separator: "/").last ?? "").replacingOccurrences(of: ".bpmn", with: "")
    }

    @Test func referenceModelsArePresent() {
        #expect(Self.files.count == 21, "expected the 21 MIWG files in \(Self.directory)")
    }

    @Test func everyFileParsesAndReportsProblemsWithPositionsAndIDs() {
        for file in Self.files {
            let result = DefinitionParser().parse(fileAt: file)
            let name = Self.name(file)
            #expect(result.document != nil, "\(name): \(result.problems.prefix(3))")
            #expect(!(result.document?.processes.isEmpty ?? true), "\(name)")
            for problem in result.problems {
                #expect(problem.location.line > 0, "\(name): \(problem)")
                #expect(problem.location.column > 0, "\(name): \(problem)")
                #expect(problem.elementID != nil, "\(name): \(problem.description)")
                #expect(problem.location.file == file)
            }
        }
    }

    @Test func fullySupportedFilesHaveNoOtherErrors() {
        for file in Self.files where Self.fullySupported.contains(Self.name(file)) {
            let result = DefinitionParser().parse(fileAt: file)
            #expect(result.errors.map(\.message) == ["Die Datei enthält keinen ausführbaren Prozess"], "\(Self.name(file))")
            for process in result.document?.processes ?? [] {
                #expect(result.errors(forProcess: process.id).count == 1)
            }
        }
    }

    @Test func otherFilesReportWhatTheyUseAndWeDoNotRun() {
        // A sample of what the other files must report (never silently dropped).
        let expected: [String: [String]] = [
            "A.2.0": ["hat weder eine Bedingung noch ist er der Standardfluss"],
            "A.2.1": ["in der Sprache «http://www.w3.org/1999/XPath»"],
            "A.3.0": ["Eskalationsereignis", "hat keine Nachricht"],
            "B.1.0": ["Aufruf-Aktivität"],
            "B.2.0": ["inklusives Gateway", "ereignisbasiertes Gateway", "Signalereignis", "Link-Ereignis", "Mehrfachinstanz", "Schleife",
                      "Fehlerereignis", "Bedingungsereignis", "Eskalationsereignis"],
            "C.1.0": ["ereignisbasiertes Gateway"],
            "C.1.1": ["hat keinen Handler", "XPath"],
            "C.2.0": ["Fehlerereignis"],
            "C.4.0": ["Signalereignis"],
            "C.5.0": ["Aufruf-Aktivität"],
            "C.6.0": ["Kompensationsereignis", "isForCompensation", "ereignisbasiertes Gateway"],
            "C.7.0": ["Geschäftsregel-Aufgabe", "Mehrfachinstanz"],
            "C.8.0": ["Geschäftsregel-Aufgabe"],
            "C.8.1": ["Geschäftsregel-Aufgabe", "Fehlerereignis"],
            "C.9.0": ["Aufruf-Aktivität", "Geschäftsregel-Aufgabe", "Fehlerereignis"],
            "C.9.1": ["Die Sendeaufgabe «SendTask_RequestDocument» hat keine Nachricht"],
            "C.9.2": ["Aufruf-Aktivität", "Fehlerereignis"],
        ]
        for file in Self.files {
            let name = Self.name(file)
            let result = DefinitionParser().parse(fileAt: file)
            for words in expected[name] ?? [] {
                #expect(!result.problems(containing: words).isEmpty, "\(name) should report «\(words)»")
            }
            if !Self.fullySupported.contains(name) {
                #expect(result.errors.count > 1, "\(name) was expected to use unsupported things")
            }
        }
    }

    @Test func camundaExportReadsTimersAndZeebeSubscription() throws {
        let result = DefinitionParser().parse(fileAt: Self.directory + "/C.9.1.bpmn")
        let document = try #require(result.document)
        #expect(document.messages["Message_1"]?.correlationKey?.text == "documentReferenceId")
        let process = try #require(document.process(id: "requestDocument_en"))
        guard case .boundaryEvent(let daily) = process.nodes["BoundaryEvent_1"]?.kind, case .timer(.cycle(let cycle)) = daily.trigger else {
            Issue.record("daily timer"); return
        }
        #expect(cycle.text == "R6/P1D")
        #expect(!daily.interrupting)
        #expect(process.nodes["ReceiveTask_WaitForDocument"]?.boundaryEventIDs == ["BoundaryEvent_1", "BoundaryEvent_2"])
    }
}

/// Schema validity of our own BPMN files against the OMG BPMN 2.0 XSD.
@Suite struct SchemaTests {
    static var schemaPath: String { TestPaths.shared + "/conformance/bpmn-schema/BPMN20.xsd" }

    @Test func fixturesAreSchemaValid() throws {
        let schema = try XMLSchema(path: Self.schemaPath)
        let fixtures = TestPaths.files(in: TestPaths.fixtures, withExtension: "bpmn")
        #expect(fixtures.count >= 2)
        for path in fixtures {
            let document = try XMLDocument(contentsOfFile: path)
            #expect(schema.validate(document).isEmpty, "\(path): \(schema.validate(document))")
        }
    }

    @Test func brokenFileFailsWithLineNumbers() throws {
        let schema = try XMLSchema(path: Self.schemaPath)
        let document = try XMLDocument(contentsOfFile: TestPaths.fixtures + "/invalid/schema-broken.bpmn")
        let errors = schema.validate(document)
        #expect(errors.map(\.line) == [5, 6])
        #expect(errors.first?.message.contains("sourceRef") == true)
        #expect(errors.allSatisfy { $0.column == 5 })
    }

    /// Every workflow the project ships (`workflows/*.bpmn`, none yet) is schema-valid and deploys.
    @Test func shippedWorkflowsAreSchemaValidAndParseWithoutErrors() throws {
        let schema = try XMLSchema(path: Self.schemaPath)
        for path in TestPaths.files(in: TestPaths.repositoryRoot + "/workflows", withExtension: "bpmn") {
            let document = try XMLDocument(contentsOfFile: path)
            #expect(schema.validate(document).isEmpty, "\(path): \(schema.validate(document))")
            let result = DefinitionParser().parse(fileAt: path)
            #expect(!result.hasErrors, "\(path): \(result.errors)")
        }
    }
}
