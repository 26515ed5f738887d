// libFuzzer harness: FEEL parse and evaluate. Compiled into the NahtstelleFEEL module by
// `scripts/fuzz feel` (with -sanitize=fuzzer,address); never part of the package build.
import Foundation

private let fuzzContext = FEELContext(
    variables: [
        "amount": .number(1250), "decision": .string("accepted"), "items": .list([.number(1), .number(2), .number(3)]),
        "since": .date(LocalDate(year: 2026, month: 1, day: 31)), "person": .context(["name": .string("Muster"), "age": .number(42)]),
        "flag": .bool(true), "nothing": .null,
    ],
    now: Date(timeIntervalSince1970: 1_795_000_000))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFEEL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let expression = try? FEELExpression.parse(text) {
        _ = expression.evaluate(fuzzContext)
    }
    return 0
}
