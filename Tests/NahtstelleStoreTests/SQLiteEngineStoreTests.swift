import Foundation
import GRDB
import GRDBSQLite
import NahtstelleEngine
import NahtstelleStore
import Testing

@Suite("SQLite store: schema, constraints, durability settings")
struct SQLiteEngineStoreTests {
    let path: String
    let store: SQLiteEngineStore

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("store.sqlite").path
        store = try SQLiteEngineStore(path: path)
    }

    private func seedInstance(_ tx: any EngineTransaction) throws -> Int64 {
        let now = Date()
        let def = try tx.insertDefinition(DefinitionRecord(processID: "p", version: 1, name: nil, contentHash: "h", source: [1, 2],
                                                           fileName: "p.bpmn", deployedAt: now, deployedBy: "t"), messageStartNames: [])
        return try tx.insertInstance(InstanceRecord(definitionID: def, processID: "p", businessKey: "K", status: .running, version: 1,
                                                    state: [], startedAt: now, endedAt: nil, endEventID: nil))
    }

    private func task(_ instance: Int64, token: Int, office: String = "RAV", role: String = "advisor", due: Double = 0) -> TaskRecord {
        TaskRecord(instanceID: instance, processID: "p", businessKey: "K", elementID: "t\(token)", name: "T", role: role, office: office,
                   assignee: nil, formKey: nil, state: .created, dueAt: Date(timeIntervalSince1970: due), createdAt: Date(), tokenID: token)
    }

    @Test func commitsAreSyncedToDisk() throws {
        // The writer connection is the one that commits: FULL (2), not GRDB's WAL default NORMAL (1).
        let writerLevel = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writerLevel == 2)
        let mode = try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aTokenHasAtMostOneOpenTask() throws {
        let instance = try store.write { try seedInstance($0) }
        try store.write { tx in _ = try tx.insertTask(task(instance, token: 1)) }
        #expect(throws: DatabaseError.self) {
            try store.write { tx in _ = try tx.insertTask(task(instance, token: 1)) }
        }
        // Once that task has ended, the token may wait at a new one.
        try store.write { tx in
            let open = try tx.openTasks(instanceID: instance)
            #expect(try tx.markCompleted(open[0], by: "anna", at: Date()))
            _ = try tx.insertTask(task(instance, token: 1))
        }
        #expect(try store.read { try $0.openTasks(instanceID: instance).count } == 1)
    }

    @Test func openAndEndedAreKeptConsistentByTheSchema() throws {
        let instance = try store.write { try seedInstance($0) }
        var bad = task(instance, token: 2)
        bad.state = .completed  // completed without ended_at / completed_by
        #expect(throws: DatabaseError.self) { try store.write { tx in _ = try tx.insertTask(bad) } }
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO instance (definition_id, process_id, status, version, state, started_at) VALUES (1, 'p', 'bogus', 1, x'', 0)")
            }
        }
    }

    @Test func textLargerThanTheBindingArenaIsStoredWhole() throws {
        // The command path copies bound text into a 64 KiB arena per transaction; beyond it,
        // SQLite copies. Both must store exactly what was bound, in one transaction.
        let big = String(repeating: "Gesprächsnotiz & <Verlauf> \"zitiert\" ", count: 3_000)  // ~110 KB
        let small = String(repeating: "ä", count: 40)
        let id = try store.write { tx in
            let instance = try seedInstance(tx)
            for i in 0..<200 {
                try tx.appendHistory(HistoryRecord(at: Date(), actor: "u\(i)", command: "complete", instanceID: instance, businessKey: "K",
                                                   taskID: nil, elementID: small, details: i == 100 ? big : "{\"i\":\(i)}"))
            }
            return instance
        }
        let lines = try store.read { try $0.history(instanceID: id) }
        #expect(lines.count == 200)
        #expect(lines[100].details == big)
        #expect(lines[199].details == "{\"i\":199}")
        #expect(lines.allSatisfy { $0.elementID == small })
        #expect(lines[7].actor == "u7")
    }

    @Test func aParameterSQLiteRefusesIsAnErrorAndStoresNothing() throws {
        // With the writer's length limit lowered, SQLite refuses to bind longer text (SQLITE_TOOBIG).
        // Unchecked, the parameter would stay NULL and the row be written without its details.
        try store.writer.writeWithoutTransaction { db in _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 200) }
        let long = String(repeating: "x", count: 300)
        let error = #expect(throws: DatabaseError.self) {
            try store.write { tx in
                try tx.appendHistory(HistoryRecord(at: Date(), actor: "anna", command: "complete", instanceID: nil, businessKey: nil,
                                                   taskID: nil, elementID: nil, details: long))
            }
        }
        #expect(error?.resultCode == .SQLITE_TOOBIG)
        #expect(error?.message?.contains("parameter 8 could not be bound") == true)
        #expect(try store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM history") } == 0)
    }

    @Test func historyIsAppendOnly() throws {
        try store.write { tx in
            try tx.appendHistory(HistoryRecord(at: Date(), actor: "anna", command: "complete", instanceID: nil, businessKey: nil,
                                               taskID: nil, elementID: nil, details: "{}"))
        }
        #expect(throws: DatabaseError.self) { try store.writer.write { try $0.execute(sql: "UPDATE history SET actor = 'mallory'") } }
        #expect(throws: DatabaseError.self) { try store.writer.write { try $0.execute(sql: "DELETE FROM history") } }
        #expect(try store.writer.read { try String.fetchOne($0, sql: "SELECT actor FROM history") } == "anna")
    }

    @Test func staleVersionsAreConflictsAndChangeNothing() throws {
        let instance = try store.write { try seedInstance($0) }
        let record = try #require(try store.read { try $0.instance(id: instance) })
        var changed = record
        changed.version = 2
        try store.write { try $0.updateInstance(changed, expectedVersion: 1) }
        let error = #expect(throws: EngineError.self) {
            var again = record
            again.status = .completed
            try store.write { try $0.updateInstance(again, expectedVersion: 1) }
        }
        #expect(error?.code == .conflict)
        #expect(try store.read { try $0.instance(id: instance)?.status } == .running)
    }

    @Test func aFailedCommandRollsBackEverything() throws {
        let instance = try store.write { try seedInstance($0) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { tx in
                _ = try tx.insertTask(task(instance, token: 5))
                throw Boom()
            }
        }
        #expect(try store.read { try $0.tasks(instanceID: instance) }.isEmpty)
        // The connection is usable afterwards.
        try store.write { tx in _ = try tx.insertTask(task(instance, token: 5)) }
    }

    @Test func theInboxQueryUsesItsIndex() throws {
        let instance = try store.write { try seedInstance($0) }
        try store.write { tx in
            for i in 0..<50 { _ = try tx.insertTask(task(instance, token: i, office: i % 2 == 0 ? "RAV" : "IV", due: Double(100 - i))) }
        }
        let inbox = try store.read { try $0.tasks(matching: TaskQuery(office: "RAV", roles: ["advisor"], limit: 5)) }
        #expect(inbox.count == 5)
        #expect(inbox.map(\.dueAt) == inbox.map(\.dueAt).sorted { ($0 ?? .distantFuture) < ($1 ?? .distantFuture) })
        // The plans of the statements the store runs: the walk in the inbox index's order (no
        // sort of every open task), the navigation's counts from the count index alone.
        let mineOrFree = TaskQuery(office: "RAV", roles: ["advisor"], assignee: "u.huber", includeUnassigned: true, limit: 5)
        let walk = try store.writer.read { db in try SQLiteTransaction(db: db).queryPlan(forTasksMatching: mineOrFree, counting: false) }
        #expect(walk.allSatisfy { $0.contains("USING INDEX task_inbox") }, "plan: \(walk)")
        #expect(!walk.contains { $0.contains("TEMP B-TREE") }, "plan: \(walk)")
        var overdue = mineOrFree
        overdue.dueBefore = Date(timeIntervalSince1970: 90)
        for query in [mineOrFree, overdue] {
            let count = try store.writer.read { db in try SQLiteTransaction(db: db).queryPlan(forTasksMatching: query, counting: true) }
            let searches = count.filter { $0.contains("SEARCH task") }
            #expect(searches.count == 2 && searches.allSatisfy { $0.contains("USING COVERING INDEX task_open_count") || $0.contains("USING INDEX task_open_count") },
                    "plan: \(count)")
        }
        // Several roles: one walk per role, merged in order.
        try store.write { tx in
            for i in 0..<6 { _ = try tx.insertTask(task(instance, token: 100 + i, office: "RAV", role: "optima-contact", due: Double(60 + 10 * i))) }
        }
        let both = try store.read { try $0.tasks(matching: TaskQuery(office: "RAV", roles: ["advisor", "optima-contact"], limit: 8)) }
        let expected = try store.read { try $0.tasks(instanceID: instance) }.filter { $0.office == "RAV" }
            .sorted { a, b in (a.dueAt!, a.id) < (b.dueAt!, b.id) }.prefix(8)
        #expect(both.count == 8)
        #expect(both.map(\.dueAt) == both.map(\.dueAt).sorted { ($0 ?? .distantFuture) < ($1 ?? .distantFuture) })
        #expect(Set(both.compactMap(\.role)) == ["advisor", "optima-contact"])
        #expect(both.map(\.id) == expected.map(\.id))
    }
}
