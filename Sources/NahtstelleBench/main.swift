import Foundation
import NahtstelleStore

// `nahtstelle-bench SUITE`: each suite prints its figures beside a baseline measured in the same run.
let arguments = CommandLine.arguments.dropFirst()
let suites: [String: () throws -> Void] = [
    "engine": EngineBenchmark.run,
    "crash-worker": CrashTest.worker,
    "crash-check": CrashTest.check,
    "docx": DocxBenchmark.run,
    "server": ServerBenchmark.run,
    "migration": MigrationBenchmark.run,
]
guard let name = arguments.first, let suite = suites[name] else {
    print("usage: nahtstelle-bench <\(suites.keys.sorted().joined(separator: "|"))>")
    exit(2)
}
// Process-wide SQLite settings before any connection opens, for every measurement alike.
_ = SQLiteEngineStore.processSettings
do {
    try suite()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
