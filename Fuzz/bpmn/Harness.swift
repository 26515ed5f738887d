// libFuzzer harness: BPMN parse and validate (every check the deploy path runs, FEEL included).
// Compiled by `scripts/fuzz bpmn` (with -sanitize=fuzzer,address); never part of the package build.
import NahtstelleDefinition
import NahtstelleFEEL

private let fuzzParser: DefinitionParser = {
    var options = DefinitionParser.Options()
    options.expressionCheck = { text in
        do throws(FEELError) {
            _ = try FEELExpression.parse(text)
            return nil
        } catch { return error.message }
    }
    return DefinitionParser(options: options)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBPMN(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let result = fuzzParser.parse(bytes: Array(UnsafeBufferPointer(start: data, count: size)), fileName: "fuzz.bpmn")
    _ = result.problems.map(\.description)
    return 0
}
