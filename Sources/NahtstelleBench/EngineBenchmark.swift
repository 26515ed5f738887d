import Foundation
import GRDB
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore

/// `nahtstelle-bench engine`: task completions per second, durable and in memory, beside the
/// ceiling of a bare SQLite transaction on the same kind of file in the same run.
enum EngineBenchmark {
    static let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 3

    static func run() throws {
        // `--db postgres://…`: the engine on PostgreSQL against pgbench on the same cluster.
        let arguments = Array(CommandLine.arguments.dropFirst(2))
        if let flag = arguments.firstIndex(of: "--db"), flag + 1 < arguments.count {
            return try PostgresEngineBenchmark.run(url: arguments[flag + 1])
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        print("Nahtstelle engine benchmark — WAL, synchronous=FULL, \(Int(seconds)) s per measurement, temp dir \(dir.path)")

        if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "memory" {
            let memory = try engineRun(store: try SQLiteEngineStore(path: nil))
            print(String(format: "(c) engine, SQLite :memory: %.0f completions/s", memory.perSecond))
            return
        }
        let ceiling = try bareSQLite(path: dir.appendingPathComponent("bare.sqlite").path)
        print(String(format: "(a) bare SQLite transaction, 2 single-row writes: %10.0f commits/s", ceiling))

        let durable = try engineRun(store: try SQLiteEngineStore(path: dir.appendingPathComponent("engine.sqlite").path))
        print(String(format: "(b) engine, durable file:                          %10.0f completions/s  (%d instances, %d completions)",
                     durable.perSecond, durable.instances, durable.completions))

        let memory = try engineRun(store: try SQLiteEngineStore(path: nil))
        print(String(format: "(c) engine, SQLite :memory:                        %10.0f completions/s  (%d instances, %d completions)",
                     memory.perSecond, memory.instances, memory.completions))

        let floor = try storageOnly(store: try SQLiteEngineStore(path: nil))
        print(String(format: "(d) the same storage writes per completion, no engine, :memory: %7.0f completions/s  (floor for c)", floor))

        let ratio = durable.perSecond / ceiling
        print(String(format: "b/a = %.2f (goal ≥ 0.50); c = %.0f/s (in memory: no goal since issue 12); c/d = %.2f", ratio, memory.perSecond, memory.perSecond / floor))
        print(String(format: "durable_ratio=%.3f durable_per_s=%.0f ceiling_per_s=%.0f memory_per_s=%.0f",
                     ratio, durable.perSecond, ceiling, memory.perSecond))
    }

    /// The ceiling: one transaction with two single-row writes (an UPDATE and an INSERT), as
    /// small as a durable state change can be.
    static func bareSQLite(path: String) throws -> Double {
        var config = Configuration()
        // The same page size and connection settings as the engine's store.
        config.prepareDatabase(SQLiteEngineStore.usePageSize)
        let pool = try DatabasePool(path: path, configuration: config)
        try SQLiteEngineStore.makeDurable(pool)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            try db.execute(sql: "CREATE TABLE log (id INTEGER PRIMARY KEY, at REAL NOT NULL, n INTEGER NOT NULL)")
            try db.execute(sql: "INSERT INTO counter (id, n) VALUES (1, 0)")
        }
        var n = 0
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            n += 1
            try pool.write { db in
                try db.cachedStatement(sql: "UPDATE counter SET n = ? WHERE id = 1").execute(arguments: [n])
                try db.cachedStatement(sql: "INSERT INTO log (at, n) VALUES (?, ?)").execute(arguments: [Date().timeIntervalSince1970, n])
            }
        }
        return Double(n) / Date().timeIntervalSince(start)
    }

    struct EngineFigures {
        var perSecond: Double
        var instances: Int
        var completions: Int
    }

    /// Runs whole instances of the 13-task process, each completion its own command.
    static func engineRun(store: SQLiteEngineStore) throws -> EngineFigures {
        let engine = Engine(store: store)
        try engine.deploy(source: Array(BenchProcess.xml.utf8), fileName: "bench.bpmn", by: "bench")
        var completions = 0
        var instances = 0
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            instances += 1
            completions += try runInstance(engine, number: instances)
        }
        return EngineFigures(perSecond: Double(completions) / Date().timeIntervalSince(start), instances: instances, completions: completions)
    }
}

extension EngineBenchmark {
    /// Runs instance `number` of the bench process to its end, each completion its own command;
    /// returns the completions. Checks that the instance took the path its answers choose.
    static func runInstance(_ engine: Engine, number: Int) throws -> Int {
        var result = try engine.startInstance(processID: BenchProcess.id, variables: ["office": "RAV-WOL", "n": .number(Decimal(number))],
                                              businessKey: "B-\(number)", by: "bench")
        var looped = false
        var done = 0
        var tookFast = false
        while let task = result.openTasks.first {
            var vars: [String: Value] = [:]
            switch task.elementID {
            case "t4": tookFast = true
            case "t3": vars["route"] = number % 2 == 0 ? "fast" : "slow"
            case "t7":
                vars["review"] = looped ? "done" : "again"
                looped = true
            default: break
            }
            result = try engine.complete(taskID: task.id, variables: vars, by: "bench")
            done += 1
        }
        guard result.status == .completed else { throw CLIStyleError("Instanz endete nicht: \(String(describing: result.status))") }
        // The instance took the path its answers choose: the branch after g1 and the loop once
        // (a variable lost on the way would send it down the default flows).
        guard done == BenchProcess.completionsPerInstance, tookFast == (number % 2 == 0) else {
            throw CLIStyleError("Instanz \(number) nahm nicht den Pfad ihrer Antworten: \(done) statt "
                               + "\(BenchProcess.completionsPerInstance) erledigte Aufgaben, t4 \(tookFast ? "erledigt" : "nicht erledigt").")
        }
        return done
    }

    /// What one completion writes — mark the task completed, insert the next task, update the
    /// instance's state, append the history line — through the store, in one transaction each,
    /// without any engine logic: the most an engine on this schema could reach.
    static func storageOnly(store: SQLiteEngineStore) throws -> Double {
        let engine = Engine(store: store)
        try engine.deploy(source: Array(BenchProcess.xml.utf8), fileName: "bench.bpmn", by: "bench")
        let started = try engine.startInstance(processID: BenchProcess.id, variables: ["office": "RAV-WOL", "n": 1], businessKey: "B-1", by: "bench")
        guard let instanceID = started.instanceID, var task = started.openTasks.first,
            var instance = try engine.instance(id: instanceID)
        else { throw CLIStyleError("Startinstanz fehlt") }
        var n = 0
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            n += 1
            let now = Date()
            task = try store.write { tx in
                guard try tx.markCompleted(task, by: "bench", at: now) else { throw CLIStyleError("Aufgabe nicht offen") }
                var next = task
                next.id = 0
                next.state = .created
                next.version = 1
                next.createdAt = now
                next.assignee = nil
                next.id = try tx.insertTask(next)
                let previous = instance.version
                instance.version += 1
                try tx.updateInstance(instance, expectedVersion: previous)
                try tx.appendHistory(HistoryRecord(at: now, actor: "bench", command: "complete", instanceID: instanceID, businessKey: "B-1",
                                                   taskID: task.id, elementID: task.elementID,
                                                   details: #"{"events":[{"id":2,"task":"t2"}],"variables":{"step":1}}"#))
                return next
            }
        }
        return Double(n) / Date().timeIntervalSince(start)
    }
}

struct CLIStyleError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
