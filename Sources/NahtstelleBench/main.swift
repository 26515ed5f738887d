import Foundation
// `nahtstelle-bench SUITE`: each suite prints its figures beside a baseline measured in the same run.
let arguments = CommandLine.arguments.dropFirst()
let suites: [String: () throws -> Void] = [
    // "engine": EngineBenchmark.run,   (added by the engine layer)
    "docx": DocxBenchmark.run,
]
guard let name = arguments.first, let suite = suites[name] else {
    print("usage: nahtstelle-bench <\(suites.keys.sorted().joined(separator: "|"))>")
    exit(2)
}
try suite()
