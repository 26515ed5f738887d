import Foundation
import GRDB
import Hummingbird
import Logging
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleHTTP
import NahtstelleOptima
import NahtstelleStore
import ServiceLifecycle
import Synchronization

/// `nahtstelle-bench server`: the inbox under load at 1 M and 10 k instances, HTTP task
/// completions against the bare SQLite commit ceiling, and the server's memory. Needs `wrk`.
enum ServerBenchmark {
    static let offices = 50
    static let seconds = Int(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "20") ?? 20
    /// 1 for the sizes; smaller for a quick check of the bench itself (BENCH_SCALE=0.01).
    static let scale = Double(ProcessInfo.processInfo.environment["BENCH_SCALE"] ?? "1") ?? 1
    static func scaled(_ n: Int) -> Int { max(10, Int(Double(n) * scale)) }
    static let process = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn"
                     id="bench-inbox-definitions" targetNamespace="http://nahtstelle.ch/bench">
          <process id="bench-inbox" name="Inbox-Benchmark" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
            <userTask id="work" name="Fall bearbeiten" nahtstelle:role="advisor" nahtstelle:office="=office" nahtstelle:due="=due"/>
            <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """

    static func run() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw BenchError("wrk fehlt: `apt-get install wrk` (scripts/setup installiert es)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-server-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // BENCH_KEEP=1 keeps the databases for a closer look (their folder is printed).
        let keep = ProcessInfo.processInfo.environment["BENCH_KEEP"] == "1"
        defer { if keep { print("databases kept in \(dir.path)") } else { try? FileManager.default.removeItem(at: dir) } }
        let root = FileManager.default.currentDirectoryPath

        let ceiling = try EngineBenchmark.bareSQLite(path: dir.appendingPathComponent("bare.sqlite").path)
        print(String(format: "bare SQLite transaction (ceiling), 2 single-row writes:       %8.0f commits/s", ceiling))

        let big = dir.appendingPathComponent("big.sqlite").path
        let small = dir.appendingPathComponent("small.sqlite").path
        var t0 = Date()
        let bigTasks = try seed(path: big, root: root, instances: scaled(1_000_000), openTasks: scaled(100_000), completionTasks: scaled(60_000))
        print(String(format: "seeded %d instances, %d open tasks over %d offices (+ %d to complete) in %.0f s",
                     scaled(1_000_000), scaled(100_000), offices, bigTasks.count, Date().timeIntervalSince(t0)))
        // The coordinators' diagram of optima-sh with live counts: the demo cases, their running
        // optima-sh instances copied (with their open tasks, timers and subscriptions) to 10 000.
        t0 = Date()
        _ = try DemoScenario.run(databasePath: big, resources: .init(root: root)) { _ in }
        let shRunning = try copyRunning(path: big, root: root, processID: "optima-sh", upTo: scaled(10_000))
        let coordinator = try session(try OptimaService(databasePath: big, resources: .init(root: root)), "iiz.koordination")
        print(String(format: "demo cases added, %d running optima-sh instances in %.0f s", shRunning, Date().timeIntervalSince(t0)))
        t0 = Date()
        _ = try seed(path: small, root: root, instances: 10_000, openTasks: 1_000, completionTasks: 0)
        let counts = try OptimaService(databasePath: big, resources: .init(root: root)).sqliteWriter().read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instance") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task WHERE ended_at IS NULL") ?? 0)
        }
        print("big database: \(counts.0) instances, \(counts.1) open tasks")
        print(String(format: "seeded 10 000 instances, 1 000 open tasks in %.1f s", Date().timeIntervalSince(t0)))

        let result = Mutex<Result<Figures, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let f = try await measure()
                result.withLock { $0 = .success(f) }
            } catch { result.withLock { $0 = .failure(error) } }
            done.signal()
        }
        done.wait()
        let figures = try result.withLock { $0! }.get()

        func measure() async throws -> Figures {
            var f = Figures()
            f.smallInbox = try await withServer(path: small, root: root) { port, token, _ in
                try wrk(port: port, path: "/api/tasks?role=advisor", token: token)
            }
            print(String(format: "10 k:  GET /api/tasks (one office, role)  %8.0f req/s  p99 %6.2f ms", f.smallInbox.rps, f.smallInbox.p99ms))
            let first = bigTasks.first!, count = bigTasks.count
            let (health, inbox, complete, completeCeiling, rss) = try await withServer(path: big, root: root) { port, token, completer in
                let health = try wrk(port: port, path: "/health", token: nil)
                print(String(format: "1 M:   GET /health (ceiling)              %8.0f req/s  p99 %6.2f ms", health.rps, health.p99ms))
                let inbox = try wrk(port: port, path: "/api/tasks?role=advisor", token: token)
                print(String(format: "1 M:   GET /api/tasks (one office, role)  %8.0f req/s  p99 %6.2f ms", inbox.rps, inbox.p99ms))
                // The advisors' inbox page (HTML, with the navigation's counts and the notifications):
                // under the same load, and one request at a time (its server time, no queueing).
                let page = try wrk(port: port, path: "/inbox?role=advisor", token: token)
                print(String(format: "1 M:   GET /inbox (page, HTML)            %8.0f req/s  p99 %6.2f ms (%d not 2xx)", page.rps, page.p99ms, page.non2xx))
                // One at a time measures the page's own time: first let the server finish what the
                // 64 connections left queued (their last requests, the access log), as a user
                // arriving after a burst would find it.
                try await Task.sleep(for: .seconds(2))
                let single = try wrk(port: port, path: "/inbox?role=advisor", token: token, connections: 1)
                print(String(format: "1 M:   GET /inbox one at a time           %8.0f req/s  p99 %6.2f ms (goal ≤ 20)", single.rps, single.p99ms))
                let diagram = try wrk(port: port, path: "/api/definitions/optima-sh/versions/1/diagram.svg", token: coordinator, connections: 1)
                print(String(format: "1 M:   GET optima-sh diagram.svg, counts    %8.0f req/s  p99 %6.2f ms (one at a time, goal ≤ 50; %d not 2xx)",
                             diagram.rps, diagram.p99ms, diagram.non2xx))
                // The ceiling again right before and right after the completions (the server idle,
                // a file of its own each time): this disk's speed drifts by a fifth within minutes,
                // so the ratio is taken against the bare commits measured beside the completions.
                let before = try EngineBenchmark.bareSQLite(path: dir.appendingPathComponent("bare-before.sqlite").path)
                let complete = try wrkComplete(port: port, token: completer, first: first, count: count)
                let after = try EngineBenchmark.bareSQLite(path: dir.appendingPathComponent("bare-after.sqlite").path)
                print(String(format: "1 M:   POST /api/tasks/{id}/complete      %8.0f completions/s (%d completed, %d not 2xx)",
                             complete.rps, complete.completed, complete.non2xx))
                print(String(format: "       bare SQLite transaction just before and after: %.0f and %.0f commits/s", before, after))
                return (health, inbox, complete, (before + after) / 2, residentMegabytes())
            }
            // The same inbox with nothing kept (`ServerSettings.inboxCacheEntries = 0`): every request
            // reads, as when writes come between every two reads of the same list.
            let uncached = try await withServer(path: big, root: root, inboxCacheEntries: 0) { port, token, _ in
                try wrk(port: port, path: "/api/tasks?role=advisor", token: token)
            }
            print(String(format: "1 M:   GET /api/tasks, nothing kept       %8.0f req/s  p99 %6.2f ms", uncached.rps, uncached.p99ms))
            f.health = health
            f.bigInbox = inbox
            f.complete = complete
            f.completeCeiling = completeCeiling
            f.rssMB = rss
            return f
        }

        // complete_ratio: against the mean of the bare commits just before and after the
        // completions; against the ceiling measured first as well, for comparison with older runs.
        let besideCeiling = figures.completeCeiling
        print(String(format: "inbox_ratio = %.2f (goal ≥ 0.5), scale_ratio = %.2f (goal ≤ 2), complete_ratio = %.2f (goal ≥ 0.5; %.2f against "
                     + "the first ceiling), inbox p99 %.2f ms (goal ≤ 10), rss %.0f MB (goal ≤ 200)",
                     figures.bigInbox.rps / figures.health.rps, figures.bigInbox.p99ms / figures.smallInbox.p99ms,
                     figures.complete.rps / besideCeiling, figures.complete.rps / ceiling, figures.bigInbox.p99ms, figures.rssMB))
        print(String(format: "inbox_p99_ms=%.2f inbox_ratio=%.2f scale_ratio=%.2f complete_per_s=%.0f complete_ratio=%.2f rss_mb=%.0f",
                     figures.bigInbox.p99ms, figures.bigInbox.rps / figures.health.rps, figures.bigInbox.p99ms / figures.smallInbox.p99ms,
                     figures.complete.rps, figures.complete.rps / besideCeiling, figures.rssMB))
    }

    struct Figures {
        var health = Load(), smallInbox = Load(), bigInbox = Load(), complete = Load()
        /// The bare commits/s measured beside the completions (mean of just before and after).
        var completeCeiling = 0.0
        var rssMB = 0.0
    }

    struct Load {
        var rps = 0.0
        var p99ms = 0.0
        var completed = 0
        var non2xx = 0
    }

    struct BenchError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    // MARK: Seeding

    /// Offices `bench-01…50` with one advisor each (`bench.01…`), the inbox process, and bulk
    /// copies of one real completed and one real waiting instance. Returns the ids of the open
    /// tasks made for the completion run (office bench-50, consecutive ids).
    static func seed(path: String, root: String, instances: Int, openTasks: Int, completionTasks: Int) throws -> [Int64] {
        let service = try OptimaService(databasePath: path, resources: .init(root: root))
        try service.deployWorkflows(by: "bench")
        let benchOffices = (1...offices).map { n in
            OfficeEntry(id: String(format: "bench-%02d", n), name: String(format: "Bench-Stelle %02d", n), type: .rav, street: "Teststrasse \(n)",
                        postalCode: "6000", city: "Luzern")
        }
        let staff = (1...offices).map { n in
            StaffMember(username: String(format: "bench.%02d", n), firstName: "Bench", lastName: String(format: "%02d", n),
                        officeId: String(format: "bench-%02d", n), roles: [.advisor])
        }
        try service.saveDirectory(offices: benchOffices, staff: staff, by: "bench")
        try service.engine.deploy(source: Array(process.utf8), fileName: "bench-inbox.bpmn", by: "bench")
        // Finished instances: copies of one real finished instance (no tokens, nothing refers to them).
        let finished = try service.engine.startInstance(processID: "bench-inbox", variables: ["office": "bench-01", "due": .dateTime(Date())],
                                                        by: "bench")
        guard let finishedTask = finished.createdTasks.first else { throw BenchError("Prozess ohne Aufgabe") }
        _ = try service.engine.complete(taskID: finishedTask.id, by: "bench.01")
        let writer = try service.sqliteWriter()
        let done = try writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM instance WHERE id = ?", arguments: [finished.instanceID])! }
        let copies = instances - openTasks - completionTasks - 1
        var made = 0
        while made < copies {
            try writer.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO instance (definition_id, process_id, business_key, status, version, state, started_at, ended_at, end_event_id)
                    VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)
                    """)
                for _ in 0..<100_000 where made < copies {
                    made += 1
                    try insert.execute(arguments: [done["definition_id"], done["process_id"], done["status"], done["version"], done["state"],
                                                   done["started_at"], done["ended_at"], done["end_event_id"]])
                }
            }
        }
        // Waiting instances, started by the engine (1000 per transaction): the inbox over 49 offices
        // with due dates over ±30 days, then the completion run's tasks at bench-50.
        let now = Date()
        var completionIDs: [Int64] = []
        var started = 0
        while started < openTasks + completionTasks {
            let (ids, _) = try service.engine.perform(actor: "bench", name: "seed") { cmd -> [Int64] in
                var ids: [Int64] = []
                for _ in 0..<1000 where started < openTasks + completionTasks {
                    started += 1
                    let forCompletion = started > openTasks
                    let office = forCompletion ? "bench-50" : String(format: "bench-%02d", (started % (offices - 1)) + 1)
                    let due = now.addingTimeInterval(Double((started * 7919) % (60 * 86_400)) - 30 * 86_400)
                    let id = try cmd.startInstance(processID: "bench-inbox", variables: ["office": .string(office), "due": .dateTime(due)],
                                                   businessKey: nil)
                    if forCompletion { ids.append(id) }
                }
                return ids
            }
            if !ids.isEmpty {
                completionIDs += try writer.read { db in
                    try Int64.fetchAll(db, sql: "SELECT id FROM task WHERE instance_id >= ? AND instance_id <= ? ORDER BY id",
                                       arguments: [ids.first!, ids.last!])
                }
            }
        }
        try writer.writeWithoutTransaction { db in try db.execute(sql: "ANALYZE") }
        return completionIDs
    }

    /// Copies the running instances of `processID` (each with its open tasks, timers and message
    /// subscriptions, under a new instance id) until `upTo` run. Returns how many run.
    static func copyRunning(path: String, root: String, processID: String, upTo target: Int) throws -> Int {
        let writer = try OptimaService(databasePath: path, resources: .init(root: root)).sqliteWriter()
        return try writer.write { db in
            let originals = try Int64.fetchAll(db, sql: "SELECT id FROM instance WHERE process_id = ? AND status = 'running' ORDER BY id",
                                               arguments: [processID])
            guard !originals.isEmpty else { throw BenchError("keine laufende Instanz von \(processID) zum Kopieren") }
            func columns(_ table: String) throws -> [String] {
                try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { $0["name"] as String }
                    .filter { $0 != "id" && $0 != "instance_id" }
            }
            let instanceColumns = try columns("instance").joined(separator: ", ")
            let copyInstance = try db.makeStatement(sql: "INSERT INTO instance (\(instanceColumns)) SELECT \(instanceColumns) FROM instance WHERE id = ?")
            var copyChildren: [Statement] = []
            for (table, condition) in [("task", " AND ended_at IS NULL"), ("job", ""), ("subscription", "")] {
                let c = try columns(table).joined(separator: ", ")
                copyChildren.append(try db.makeStatement(sql: """
                    INSERT INTO \(table) (instance_id, \(c)) SELECT ?, \(c) FROM \(table) WHERE instance_id = ?\(condition)
                    """))
            }
            var running = originals.count
            var next = 0
            while running < target {
                let original = originals[next % originals.count]
                next += 1
                try copyInstance.execute(arguments: [original])
                let copy = db.lastInsertedRowID
                for statement in copyChildren { try statement.execute(arguments: [copy, original]) }
                running += 1
            }
            return running
        }
    }

    // MARK: Server and load

    /// Runs the server on a free port for `body`, with bearer tokens of bench.01 and bench.50.
    static func withServer<T: Sendable>(path: String, root: String, inboxCacheEntries: Int? = nil,
                                        _ body: @Sendable (Int, String, String) async throws -> T) async throws -> T {
        let service = try OptimaService(databasePath: path, resources: .init(root: root))
        let tokens = (try ServerBenchmark.session(service, "bench.01"), try ServerBenchmark.session(service, "bench.50"))
        var settings = ServerSettings(host: "127.0.0.1", port: 0)
        if let inboxCacheEntries { settings.inboxCacheEntries = inboxCacheEntries }
        // BENCH_WRITER_PRIORITY=normal: the writer thread as every other (default: as `serve`, raised).
        if let text = ProcessInfo.processInfo.environment["BENCH_WRITER_PRIORITY"] {
            guard let priority = WriterPriority(rawValue: text) else { throw BenchError("BENCH_WRITER_PRIORITY=\(text): raised oder normal") }
            settings.writerPriority = priority
        }
        // BENCH_THREADS: the size of the server's thread pool (default: the server's own, 8).
        let threads = ProcessInfo.processInfo.environment["BENCH_THREADS"].flatMap { Int($0) } ?? 8
        let core = ServerCore(service: service, settings: settings, threads: threads)
        if let scheduling = core.writerScheduling, path.hasSuffix("big.sqlite") { print("       writer thread: \(scheduling)") }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = NahtstelleServer.application(core: core, logger: logger) { port in continuation.yield(port) }
        // Stopped as `serve` stops on SIGTERM (graceful shutdown), not by cancelling its task:
        // cancelled, Hummingbird logs every open connection as an error.
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let value = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await services.run(); return nil }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw BenchError("Server startet nicht") }
            let value = try await body(port, tokens.0, tokens.1)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return value
        }
        await core.shutdown()
        return value
    }

    static func session(_ service: OptimaService, _ user: String) throws -> String {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "") + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        _ = try service.auth.createSession(tokenHash: ServerCore.sha256Hex(token), username: user, csrfToken: "bench", clientAddress: "127.0.0.1")
        return token
    }

    static func wrk(port: Int, path: String, token: String?, connections: Int = 64) throws -> Load {
        var args = ["-t\(min(2, connections))", "-c\(connections)", "-d\(seconds)s", "--latency"]
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        args.append("http://127.0.0.1:\(port)\(path)")
        let out = try runWrk(args)
        return Load(rps: parseRate(out), p99ms: parsePercentile(out, "99%"), completed: 0, non2xx: parseNon2xx(out))
    }

    static func wrkComplete(port: Int, token: String, first: Int64, count: Int) throws -> Load {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-complete-\(UUID().uuidString).lua").path
        try """
            local counter = 0
            local threads = {}
            function setup(thread) thread:set("tid", #threads); table.insert(threads, thread) end
            function init(args) first = tonumber(args[1]); count = tonumber(args[2]); token = args[3] end
            function request()
              local n = tid + counter * 2
              counter = counter + 1
              if n >= count then n = count - 1 end
              return wrk.format("POST", "/api/tasks/" .. (first + n) .. "/complete",
                {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, '{"values":{}}')
            end
            local printed = false
            function response(status, headers, body)
              if status ~= 200 and not printed then printed = true; io.stderr:write("first refusal: " .. status .. " " .. body .. "\\n") end
            end
            """.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let out = try runWrk(["-t2", "-c64", "-d\(seconds)s", "-s", script, "http://127.0.0.1:\(port)/", "--", String(first), String(count), token])
        let total = parseTotal(out)
        let bad = parseNon2xx(out)
        let duration = parseDuration(out)
        return Load(rps: Double(total - bad) / duration, p99ms: 0, completed: total - bad, non2xx: bad)
    }

    static func runWrk(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func parseRate(_ out: String) -> Double {
        line(out, "Requests/sec:").flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    static func parseNon2xx(_ out: String) -> Int {
        line(out, "Non-2xx or 3xx responses:").flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// "  123456 requests in 20.00s, 1.23MB read"
    static func parseTotal(_ out: String) -> Int {
        for l in out.split(separator: "\n") where l.contains("requests in") {
            return Int(l.split(separator: " ").first ?? "") ?? 0
        }
        return 0
    }

    static func parseDuration(_ out: String) -> Double {
        for l in out.split(separator: "\n") where l.contains("requests in") {
            let parts = l.split(separator: " ")
            if let i = parts.firstIndex(of: "in"), i + 1 < parts.count { return Double(parts[i + 1].trimmingCharacters(in: CharacterSet(charactersIn: "s,"))) ?? 1 }
        }
        return Double(seconds)
    }

    /// "     99%    3.21ms" → 3.21
    static func parsePercentile(_ out: String, _ label: String) -> Double {
        for l in out.split(separator: "\n") {
            let parts = l.split(separator: " ")
            guard parts.count == 2, parts[0] == label else { continue }
            let v = String(parts[1])
            if v.hasSuffix("us") { return (Double(v.dropLast(2)) ?? 0) / 1000 }
            if v.hasSuffix("ms") { return Double(v.dropLast(2)) ?? 0 }
            if v.hasSuffix("s") { return (Double(v.dropLast(1)) ?? 0) * 1000 }
        }
        return 0
    }

    static func line(_ out: String, _ prefix: String) -> String? {
        out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(prefix) }
    }

    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let l = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Double(l.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}

extension OptimaService {
    /// The SQLite file's GRDB writer: the benchmark seeds its databases in bulk, below the engine.
    func sqliteWriter() throws -> any DatabaseWriter {
        guard let sqlite = store as? SQLiteEngineStore else { throw ServerBenchmark.BenchError("Der Server-Benchmark braucht eine SQLite-Datei.") }
        return sqlite.writer
    }
}
