import Foundation
import NahtstelleFEEL
import NahtstelleForms
import Testing

/// The seeds and findings of the form fuzz harness (`Fuzz/form`, `scripts/fuzz form`), replayed
/// as the harness runs them: the first byte picks the form among the sorted keys of `forms/`,
/// the rest is parsed as JSON and, when an object, validated with the harness's references.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL
    static let references = FormReferences(
        officeExists: { ["rav-wolhusen", "sobz-hochdorf"].contains($0) },
        userExists: { ["mbucher", "akeller"].contains($0) })

    /// Regressions appear once the harness finds something; the seeds are always there.
    @Test(arguments: ["regressions", "corpus"])
    func everyInputRunsAsInTheHarness(folder: String) throws {
        let catalog = try FormCatalog(directory: Self.root.appendingPathComponent("forms").path)
        let forms = catalog.keys.compactMap(catalog.form)
        let directory = Self.root.appendingPathComponent("Fuzz/form/\(folder)")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        if folder == "corpus" { #expect(files.count >= forms.count, "fewer seeds than forms in \(directory.path)") }
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            guard let first = bytes.first else { continue }
            let form = forms[Int(first) % forms.count]
            guard case .context(let values)? = try? Value.parseJSON(bytes: Array(bytes.dropFirst())) else { continue }
            let result = form.validate(values, references: Self.references)
            _ = result.errors.map(\.description)
            _ = result.errorsByField
            _ = Value.context(result.values).jsonString()
            // The seeds named `-typed` and `-strings` are valid value sets of their form.
            if folder == "corpus", !file.hasSuffix("-bad") {
                #expect(result.isValid, "\(file): \(result.errors.map(\.description))")
                #expect(file.hasPrefix(form.key + "-"), "\(file) picks \(form.key)")
            }
        }
    }
}
