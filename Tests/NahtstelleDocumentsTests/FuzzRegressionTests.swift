import Foundation
import NahtstelleDocuments
import NahtstelleFEEL
import Testing

/// The seeds and findings of the DOCX fuzz harness (`Fuzz/docx`, `scripts/fuzz docx`), replayed
/// as the harness runs them: compiled against templates/fields.json (again without it when the
/// schema refuses the template), and what compiles rendered with every sample merged.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: DocxFixture.repositoryRoot)

    /// Every sample of templates/samples, merged key by key in file-name order.
    static func data() throws -> Value {
        let directory = root.appendingPathComponent("templates/samples")
        var merged: [String: Value] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path).filter({ $0.hasSuffix(".json") }).sorted() {
            guard case .context(let sample) = try Value.parseJSON(bytes: Array(try Data(contentsOf: directory.appendingPathComponent(file)))) else {
                Issue.record("\(file): no JSON object")
                continue
            }
            merged.merge(sample) { _, new in new }
        }
        return .context(merged)
    }

    /// Regressions appear once the harness finds something; the seeds are always there.
    @Test(arguments: ["regressions", "corpus"])
    func everyInputRunsAsInTheHarness(folder: String) throws {
        let schema = try TemplateDataSchema(contentsOf: Self.root.appendingPathComponent("templates/fields.json").path)
        let data = try Self.data()
        let directory = Self.root.appendingPathComponent("Fuzz/docx/\(folder)")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        if folder == "corpus" { #expect(!files.isEmpty, "no seeds in \(directory.path)") }
        var rendered = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            let template: DocumentTemplate
            do throws(DocumentError) {
                template = try DocumentTemplate(bytes: bytes, name: "fuzz", schema: schema)
            } catch {
                _ = error.problems.map(\.description)
                guard error.code == .invalidTemplate, let unchecked = try? DocumentTemplate(bytes: bytes, name: "fuzz") else { continue }
                template = unchecked
            }
            do throws(DocumentError) {
                _ = try template.render(data: data)
                rendered += 1
            } catch {
                _ = error.description
            }
        }
        // Every shipped template, deflated or stored, renders with the merged samples.
        if folder == "corpus" { #expect(rendered >= 26, "only \(rendered) seeds rendered") }
    }
}
