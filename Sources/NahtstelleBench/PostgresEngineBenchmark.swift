import Foundation
import NahtstelleEngine
import NahtstellePostgres
import Synchronization

/// `nahtstelle-bench engine --db postgres://…`: durable task completions per second with 1, 8
/// and 32 concurrent clients on one engine (as one server node), beside pgbench's simple-update
/// transactions per second (`pgbench -N`) with the same number of clients, on the same cluster
/// in the same run. The engine runs in a schema of its own, dropped at the end; pgbench in the
/// database's default schema (`pgbench -i` creates and fills its tables there).
///
/// Each client count is measured in `rounds` rounds, the two sides taking turns in the order
/// A B B A A B …: on a shared machine the load drifts, and one long run of each side, one after
/// the other, gives the drift to one of them. Each side's figure is its total over its rounds.
enum PostgresEngineBenchmark {
    /// `BENCH_CLIENTS=8` (or `1,32`) measures only those client counts.
    static let clientCounts = ProcessInfo.processInfo.environment["BENCH_CLIENTS"].map {
        $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    } ?? [1, 8, 32]
    static let rounds = Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "4") ?? 4

    static func run(url: String) throws {
        let seconds = max(1, Int(EngineBenchmark.seconds.rounded()))
        let location = try PostgresLocation(url: url)
        print("Nahtstelle engine on PostgreSQL against pgbench -N — \(location), \(rounds) rounds of \(seconds) s each side, taking turns")
        try pgbench(["-i", "-q"], location)

        let schema = "bench_\(getpid())"
        let schemaURL = try PostgresScratchSchema.create(schema, on: url)
        defer { try? PostgresScratchSchema.drop(schema, on: url) }

        var figures: [String] = []
        var ratios: [String] = []
        for clients in clientCounts {
            let engineForRounds = try engineReady(url: schemaURL + "&pool_size=\(clients)", clients: clients)
            var pgTransactions = 0.0, pgSeconds = 0.0
            var completions = 0, instances = 0, engineSeconds = 0.0
            for round in 0..<rounds {
                // A B B A: pgbench first in rounds 0 and 3, the engine first in rounds 1 and 2, …
                let pgbenchFirst = (round % 4 == 0 || round % 4 == 3)
                for side in pgbenchFirst ? [true, false] : [false, true] {
                    if side {
                        pgTransactions += try pgbenchTPS(clients: clients, seconds: seconds, location) * Double(seconds)
                        pgSeconds += Double(seconds)
                    } else {
                        let run = try engineRun(engineForRounds, clients: clients, seconds: Double(seconds))
                        completions += run.completions
                        instances += run.instances
                        engineSeconds += run.elapsed
                    }
                }
            }
            let tps = pgTransactions / pgSeconds
            let engine = EngineBenchmark.EngineFigures(perSecond: Double(completions) / engineSeconds, instances: instances, completions: completions)
            let ratio = engine.perSecond / tps
            print(String(format: "%2d clients: engine %7.0f completions/s (%d instances, %d completions)   pgbench -N %7.0f tps   ratio %.2f",
                         clients, engine.perSecond, engine.instances, engine.completions, tps, ratio))
            figures.append(String(format: "pg_engine_%d=%.0f pgbench_%d=%.0f", clients, engine.perSecond, clients, tps))
            ratios.append(String(format: "pg_ratio_%d=%.3f", clients, ratio))
        }
        print("goal: ratio ≥ 0.50 at each client count")
        print((ratios + figures).joined(separator: " "))
    }

    /// An engine on a pool of `clients` connections, with the bench process deployed and every
    /// connection open (they open lazily: before any clock starts).
    static func engineReady(url: String, clients: Int) throws -> Engine {
        let engine = Engine(store: try PostgresEngineStore(url: url))
        try engine.deploy(source: Array(BenchProcess.xml.utf8), fileName: "bench.bpmn", by: "bench")
        try warmUp(engine, clients: clients)
        return engine
    }

    /// `clients` threads, each running whole instances of the bench process on one shared engine.
    static func engineRun(_ engine: Engine, clients: Int, seconds: Double) throws -> (completions: Int, instances: Int, elapsed: Double) {
        let tally = Tally()
        let start = Date()
        let group = DispatchGroup()
        for _ in 0..<clients {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    while Date().timeIntervalSince(start) < seconds {
                        let done = try EngineBenchmark.runInstance(engine, number: tally.nextNumber.add(1, ordering: .relaxed).newValue)
                        tally.counts.withLock { $0.instances += 1; $0.completions += done }
                    }
                } catch {
                    tally.counts.withLock { $0.failure = "\(error)" }
                }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(start)
        let result = tally.counts.withLock { $0 }
        if let failure = result.failure { throw CLIStyleError(failure) }
        return (result.completions, result.instances, elapsed)
    }

    /// One instance per client at the same time, so that every connection of the pool is open.
    private static func warmUp(_ engine: Engine, clients: Int) throws {
        let tally = Tally()
        let group = DispatchGroup()
        for i in 0..<clients {
            group.enter()
            Thread {
                defer { group.leave() }
                do { _ = try EngineBenchmark.runInstance(engine, number: 2 * i) } catch { tally.counts.withLock { $0.failure = "\(error)" } }
            }.start()
        }
        group.wait()
        if let message = tally.counts.withLock({ $0.failure }) { throw CLIStyleError(message) }
    }

    /// What the client threads count, shared between them.
    final class Tally: Sendable {
        let counts = Mutex((instances: 0, completions: 0, failure: String?.none))
        let nextNumber = Atomic<Int>(1_000_000)
    }

    static func pgbenchTPS(clients: Int, seconds: Int, _ location: PostgresLocation) throws -> Double {
        let output = try pgbench(["-N", "-n", "-c", "\(clients)", "-j", "\(clients)", "-T", "\(seconds)"], location)
        // "tps = 1234.567890 (without initial connection time)"
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
              let tps = Double(line.dropFirst("tps = ".count).prefix { $0 != " " }) else {
            throw CLIStyleError("pgbench gab keine TPS aus:\n\(output)")
        }
        return tps
    }

    /// Runs pgbench (Debian's, from PostgreSQL 15) against `location`; returns its output.
    @discardableResult
    static func pgbench(_ arguments: [String], _ location: PostgresLocation) throws -> String {
        let process = Process()
        let debian = "/usr/lib/postgresql/15/bin/pgbench"
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: debian) ? debian : "/usr/bin/pgbench")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = location.unixSocketFolder ?? location.host
        environment["PGPORT"] = "\(location.port)"
        environment["PGUSER"] = location.user
        environment["PGDATABASE"] = location.database
        if let password = location.password { environment["PGPASSWORD"] = password }
        environment["PGSSLMODE"] = location.sslMode.rawValue
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CLIStyleError("pgbench \(arguments.joined(separator: " ")) schlug fehl:\n\(output)")
        }
        return output
    }
}
