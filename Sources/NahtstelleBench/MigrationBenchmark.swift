import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore

/// `nahtstelle-bench migration`: the dry run of a migration over 10 000 running instances
/// (goal ≤ 2 s), beside the baseline of reading the same rows — each instance with its timers and
/// subscriptions, as the dry run reads them — in the same run; then the migration itself
/// (one durable transaction per instance) for a share of them.
enum MigrationBenchmark {
    static let instances = Int(ProcessInfo.processInfo.environment["BENCH_INSTANCES"] ?? "") ?? 10_000
    static let migrated = 500

    static func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-bench-migration-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("migration.sqlite").path
        print("Nahtstelle migration benchmark — \(instances) running instances of \(BenchProcess.id), durable file \(path)")

        // Version 1 with the instances: three in four wait at t1, one in four at t2. Version 2
        // renames t1 and replaces t2 by t2b, so a quarter cannot move (with their reasons).
        let setup = Engine(store: try SQLiteEngineStore(path: path))
        try setup.deploy(source: Array(BenchProcess.xml.utf8), fileName: "bench.bpmn", by: "bench")
        let loadStart = Date()
        var started = 0
        while started < instances {
            let batch = min(500, instances - started)
            _ = try setup.perform(actor: "bench", name: "bench-start") { cmd in
                for i in started..<(started + batch) {
                    let id = try cmd.startInstance(processID: BenchProcess.id, variables: caseVariables(i), businessKey: "OPT-2026-\(10_000 + i)")
                    if i % 4 == 3, let t1 = try cmd.transaction.openTasks(instanceID: id).first {
                        try cmd.complete(taskID: t1.id, variables: ["step1": "erledigt"])
                    }
                }
                return batch
            }
            started += batch
        }
        let version2 = BenchProcess.xml.replacingOccurrences(of: "name=\"Schritt 1\"", with: "name=\"Schritt 1 (neu)\"")
            .replacingOccurrences(of: "id=\"t2\"", with: "id=\"t2b\"").replacingOccurrences(of: "targetRef=\"t2\"", with: "targetRef=\"t2b\"")
            .replacingOccurrences(of: "sourceRef=\"t2\"", with: "sourceRef=\"t2b\"")
        try setup.deploy(source: Array(version2.utf8), fileName: "bench.bpmn", by: "bench")
        print(String(format: "setup: %d instances started in %.1f s", instances, Date().timeIntervalSince(loadStart)))

        // Each measurement on a fresh engine (nothing cached, as after a restart); best of three.
        var baseline = Double.infinity, dryRun = Double.infinity
        var plan: MigrationPlan?
        for _ in 0..<3 {
            let store = try SQLiteEngineStore(path: path)
            let start = Date()
            let rows = try readRows(store)
            baseline = min(baseline, Date().timeIntervalSince(start))
            guard rows == instances else { throw CLIStyleError("Baseline las \(rows) statt \(instances) Instanzen.") }

            let engine = Engine(store: try SQLiteEngineStore(path: path))
            let dryStart = Date()
            let result = try engine.migrationPlan(processID: BenchProcess.id, from: 1, to: 2)
            dryRun = min(dryRun, Date().timeIntervalSince(dryStart))
            plan = result
        }
        guard let plan, plan.instances.count == instances else { throw CLIStyleError("Der Probelauf fand nicht alle Instanzen.") }
        let expectedMovable = instances - instances / 4
        guard plan.movableCount == expectedMovable, plan.instances.allSatisfy({ $0.canMove || $0.reasons.contains { $0.contains("(t2)") } }) else {
            throw CLIStyleError("Der Probelauf ergab \(plan.movableCount) wechselbare Instanzen statt \(expectedMovable).")
        }
        print(String(format: "(a) baseline: read %d instance rows with their timers and subscriptions: %7.3f s", instances, baseline))
        print(String(format: "(b) dry run 1 → 2 over %d instances (%d movable):                   %7.3f s  (goal ≤ 2 s)",
                     instances, plan.movableCount, dryRun))

        // The migration: one durable transaction per instance.
        let engine = Engine(store: try SQLiteEngineStore(path: path))
        let tickets = plan.instances.filter(\.canMove).prefix(migrated).map { MigrationTicket(instanceID: $0.instanceID, version: $0.version) }
        let migrateStart = Date()
        let outcomes = try engine.migrate(processID: BenchProcess.id, from: 1, to: 2, instances: Array(tickets), by: "bench")
        let migrateSeconds = Date().timeIntervalSince(migrateStart)
        guard outcomes.allSatisfy(\.migrated) else { throw CLIStyleError("Nicht jede wechselbare Instanz wurde migriert.") }
        print(String(format: "(c) migration of %d instances, one durable transaction each:             %7.0f instances/s", outcomes.count,
                     Double(outcomes.count) / migrateSeconds))
        print(String(format: "dry_run_s=%.3f baseline_s=%.3f ratio=%.2f migrate_per_s=%.0f", dryRun, baseline, dryRun / baseline,
                     Double(outcomes.count) / migrateSeconds))
    }

    /// The reads a dry run makes without its work: every running instance row of version 1 (in
    /// pages, as the dry run walks them), and each one's timers and subscriptions.
    static func readRows(_ store: SQLiteEngineStore) throws -> Int {
        try store.read { tx in
            guard let definition = try tx.definitions(processID: BenchProcess.id).first(where: { $0.version == 1 }) else { return 0 }
            var count = 0, after: Int64 = 0, bytes = 0
            while true {
                let page = try tx.runningInstances(definitionID: definition.id, after: after, limit: 500)
                guard let last = page.last else { break }
                after = last.id
                for record in page {
                    bytes += record.state.count + (try tx.jobs(instanceID: record.id)).count + (try tx.subscriptions(instanceID: record.id)).count
                    count += 1
                }
            }
            return bytes > 0 ? count : 0
        }
    }

    /// Variables of the size of an OPTIMA case's.
    static func caseVariables(_ i: Int) -> [String: Value] {
        var v: [String: Value] = [
            "office": "RAV-WOL", "n": .number(Decimal(i)), "caseId": .string("OPT-2026-\(10_000 + i)"), "lastName": "Muster",
            "firstName": "Anna", "ahvNumber": "756.1234.5678.97", "receiverOffice": "sobz-hochdorf", "referrerOffice": "rav-wolhusen",
            "referrerAdvisor": "h.lustenberger", "targetGroup": "B", "plannedMonths": 6, "consentHandover": .bool(true), "consentDataExchange": .bool(true),
            "goal": "Stabilisierung und Wiedereinstieg in den ersten Arbeitsmarkt mit Begleitung durch die OPTIMA-Stelle.",
        ]
        if let applied = ISODateTime.parse("2026-03-02T08:00:00+01:00") { v["appliedAt"] = .dateTime(applied) }
        return v
    }
}
