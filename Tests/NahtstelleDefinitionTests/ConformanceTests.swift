import Testing
import NahtstelleDefinition

@Suite struct MIWGConformanceTests {
    static var directory: String { TestPaths.shared + "/conformance/bpmn-miwg" }
    static var files: [String] { TestPaths.files(in: directory, withExtension: "bpmn") }

    @Test func dump() {
        for file in Self.files {
            let result = DefinitionParser().parse(fileAt: file)
            print("=== \(file.split(separator: "/").last ?? "") processes=\(result.document?.processes.map { "\($0.id)(\($0.isExecutable)) nodes=\($0.nodes.count)" } ?? [])")
            for p in result.problems where p.severity == .error { print("  \(p.location.line):\(p.location.column) [\(p.elementID ?? "-")] \(p.message)") }
            print("  warnings: \(result.warnings.count)")
        }
    }
}
