// libFuzzer harness: submitted form values → validation against the forms of forms/*.json.
// The first byte picks the form (its index among the sorted keys, modulo their number), the rest
// is the JSON the HTTP layer would receive: parsed like a request body, validated when it is an
// object, with references to two known offices and users. Compiled by `scripts/fuzz form` (with
// -sanitize=fuzzer,address), which runs it from the repo's root; never part of the package
// build. NahtstelleFormsTests/FuzzRegressionTests replays Fuzz/form/regressions the same way.
import NahtstelleFEEL
import NahtstelleForms

private let fuzzForms: [FormDefinition] = {
    do throws(FormCatalogError) {
        let catalog = try FormCatalog(directory: "forms")
        return catalog.keys.compactMap(catalog.form)
    } catch {
        fatalError("forms/: \(error) (run from the repository's root, as scripts/fuzz does)")
    }
}()

private let fuzzReferences = FormReferences(
    officeExists: { ["rav-wolhusen", "sobz-hochdorf"].contains($0) },
    userExists: { ["mbucher", "akeller"].contains($0) })

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let form = fuzzForms[Int(data[0]) % fuzzForms.count]
    let json = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    guard case .context(let values)? = try? Value.parseJSON(bytes: json) else { return 0 }
    let result = form.validate(values, references: fuzzReferences)
    _ = result.errors.map(\.description)
    _ = result.errorsByField
    _ = Value.context(result.values).jsonString()
    return 0
}
