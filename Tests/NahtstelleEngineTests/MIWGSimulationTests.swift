import Foundation
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore
import NahtstelleStoreTesting
import Testing

/// The BPMN MIWG reference models (`../shared/conformance/bpmn-miwg`), drawn by other tools'
/// authors without `nahtstelle:` attributes: each one whose processes use only supported
/// elements runs to an end in a dry run (`simulate`: drafts allowed, no roles needed).
@Suite("MIWG reference models in simulate")
struct MIWGSimulationTests {
    static var directory: String {
        if let shared = ProcessInfo.processInfo.environment["NAHTSTELLE_SHARED"] { return shared + "/conformance/bpmn-miwg" }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/conformance/bpmn-miwg").standardizedFileURL.path
    }

    /// Models whose every process deploys in a dry run. Any other model must name what it uses
    /// that the engine refuses (`docs/engine.md` lists those elements).
    static let runnable: Set<String> = ["A.1.0", "A.4.0", "A.4.1"]

    static func dryRunOptions() -> Engine.Configuration {
        var configuration = Engine.Configuration()
        configuration.draft = true
        configuration.requireRoles = false
        configuration.now = { ISODateTime.parse("2026-11-24T09:00:00Z")! }
        return configuration
    }

    static func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".bpmn") }.sorted()
    }

    @Test(arguments: StoreBackend.available) func everyModelOfSupportedElementsRunsToAnEnd(_ backend: StoreBackend) throws {
        let files = try Self.files()
        #expect(files.count == 21, "the 21 MIWG models in \(Self.directory)")
        var deployable: Set<String> = []
        for file in files {
            let name = String(file.dropLast(".bpmn".count))
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + file)))
            let probe = Engine(store: try backend.makeStore(), configuration: Self.dryRunOptions())
            guard let deployed = try? probe.deploy(source: bytes, fileName: file, by: "test") else { continue }
            deployable.insert(name)
            for process in deployed.map(\.processID) {
                let engine = Engine(store: try backend.makeStore(), configuration: Self.dryRunOptions())
                // Every user task answered with no variables, as often as it comes (loops end by defaults).
                var simulation = Simulation(answers: try Self.answers(bytes, file: file, process: process))
                let steps = try simulation.run(engine: engine, files: [(bytes, file)], processID: process)
                let end = try #require(steps.last, "\(name) \(process): no step")
                #expect(end.isEnd, "\(name) \(process) stopped at \(end.elementID)")
            }
        }
        #expect(deployable == Self.runnable)
    }

    /// An empty answer for each user task, a few times over.
    static func answers(_ bytes: [UInt8], file: String, process: String) throws -> [String: [[String: Value]]] {
        var options = DefinitionParser.Options()
        options.draft = true
        options.requireRoles = false
        let parsed = DefinitionParser(options: options).parse(bytes: bytes, fileName: file)
        var answers: [String: [[String: Value]]] = [:]
        guard let definition = parsed.document?.process(id: process) else { return answers }
        for node in definition.nodes.values {
            if case .userTask = node.kind { answers[node.id] = Array(repeating: [:], count: 3) }
        }
        return answers
    }
}
