// libFuzzer harness: DOCX template bytes (a ZIP archive) → compile and check against
// templates/fields.json (what `nahtstelle templates check` and deploying a template run); a
// template the schema refuses is compiled again without it, as a template of its own. What
// compiles is rendered with a fixed data set: every sample of templates/samples merged.
// Compiled by `scripts/fuzz docx` (with -sanitize=fuzzer,address), which runs it from the repo's
// root; never part of the package build. NahtstelleDocumentsTests/FuzzRegressionTests replays
// Fuzz/docx/regressions the same way.
import Foundation
import NahtstelleDocuments
import NahtstelleFEEL

private let fuzzSchema: TemplateDataSchema = {
    do throws(DocumentError) { return try TemplateDataSchema(contentsOf: "templates/fields.json") } catch {
        fatalError("templates/fields.json: \(error.message) (run from the repository's root, as scripts/fuzz does)")
    }
}()

/// Every sample of templates/samples, merged key by key in file-name order.
private let fuzzData: Value = {
    let directory = "templates/samples"
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    var merged: [String: Value] = [:]
    for file in files {
        guard let data = FileManager.default.contents(atPath: directory + "/" + file),
            case .context(let sample)? = try? Value.parseJSON(bytes: Array(data))
        else { fatalError("\(directory)/\(file): no JSON object") }
        merged.merge(sample) { _, new in new }
    }
    guard !merged.isEmpty else { fatalError("\(directory): no samples (run from the repository's root)") }
    return .context(merged)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDOCX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let template: DocumentTemplate
    do throws(DocumentError) {
        template = try DocumentTemplate(bytes: bytes, name: "fuzz", schema: fuzzSchema)
    } catch {
        _ = error.problems.map(\.description)
        guard error.code == .invalidTemplate, let unchecked = try? DocumentTemplate(bytes: bytes, name: "fuzz") else { return 0 }
        template = unchecked
    }
    do throws(DocumentError) { _ = try template.render(data: fuzzData) } catch { _ = error.description }
    return 0
}
