import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore

/// The crash test's two halves. `crash-worker DB` completes tasks in a loop and prints
/// `ack <taskId>` after each commit; the test kills it with SIGKILL at random moments.
/// `crash-check DB ACKS` then proves that every acknowledged completion is stored, that no task
/// exists twice and that every instance is consistent.
enum CrashTest {
    static func worker() throws {
        guard CommandLine.arguments.count >= 3 else { throw CLIStyleError("usage: nahtstelle-bench crash-worker DB") }
        let engine = Engine(store: try SQLiteEngineStore(path: CommandLine.arguments[2]))
        try engine.deploy(source: Array(BenchProcess.xml.utf8), fileName: "bench.bpmn", by: "crash")
        // Unbuffered: an "ack" line is written only after its commit, and nothing waits in a buffer.
        func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        say("ready")
        var n = 0
        while true {
            n += 1
            let open = try engine.tasks(TaskQuery(limit: 8))
            if open.count < 4 {
                let r = try engine.startInstance(processID: BenchProcess.id, variables: ["office": "RAV-WOL"], businessKey: "C-\(getpid())-\(n)", by: "crash")
                say("started \(r.instanceID ?? 0)")
                continue
            }
            let task = open[n % open.count]
            var vars: [String: Value] = ["step": .number(Decimal(n))]
            if task.elementID == "t7" { vars["review"] = n % 3 == 0 ? "again" : "done" }
            if task.elementID == "t3" { vars["route"] = n % 2 == 0 ? "fast" : "slow" }
            _ = try engine.complete(taskID: task.id, variables: vars, by: "crash")
            say("ack \(task.id)")
        }
    }

    static func check() throws {
        guard CommandLine.arguments.count >= 4 else { throw CLIStyleError("usage: nahtstelle-bench crash-check DB ACKFILE") }
        let engine = Engine(store: try SQLiteEngineStore(path: CommandLine.arguments[2]))
        let acks = (try String(contentsOfFile: CommandLine.arguments[3], encoding: .utf8))
            .split(separator: "\n").compactMap { line -> Int64? in
                line.hasPrefix("ack ") ? Int64(line.dropFirst(4)) : nil
            }
        var problems = try engine.invariantViolations()
        for id in acks {
            guard let task = try engine.task(id: id) else {
                problems.append("Bestätigte Aufgabe \(id) fehlt.")
                continue
            }
            if task.state != .completed { problems.append("Bestätigte Aufgabe \(id) ist \(task.state.rawValue), nicht erledigt.") }
        }
        if problems.isEmpty {
            print("ok acks=\(acks.count)")
        } else {
            for p in problems { print("violation: \(p)") }
            exit(1)
        }
    }
}
