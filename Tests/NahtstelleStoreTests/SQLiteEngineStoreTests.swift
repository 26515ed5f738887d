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

    @Test func commitsAreSyncedToDisk() throws {
        // The writer connection is the one that commits: FULL (2), not GRDB's WAL default NORMAL (1).
        let writerLevel = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writerLevel == 2)
        let mode = try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    /// New files get the store's small pages (fewer bytes to flush per command); a file made
    /// with SQLite's default 4096 keeps it, opens, migrates and takes commands as before.
    @Test func newFilesHaveSmallPagesAndOlderFilesKeepTheirs() throws {
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == SQLiteEngineStore.pageSize)
        let memory = try SQLiteEngineStore(path: nil)
        #expect(try memory.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == SQLiteEngineStore.pageSize)
        let checkpointAt = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(checkpointAt == 16000)
        let older = (path as NSString).deletingLastPathComponent + "/older.sqlite"
        try DatabaseQueue(path: older).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE keep (n INTEGER)")
        }
        let opened = try SQLiteEngineStore(path: older)
        #expect(try opened.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        let id = try opened.write { tx in try StoreSamples.seedInstance(tx) }
        #expect(try opened.read { tx in try tx.instance(id: id) }?.businessKey == "K")
    }

    @Test func theChangeStampMovesWithEveryCommitOfAnyConnectionAndOnlyThen() throws {
        let first = try #require(store.changeStamp())
        // Reads change nothing.
        _ = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM instance") }
        #expect(store.changeStamp() == first)
        // A commit of this store's writer.
        try store.writer.write { db in try db.execute(sql: "CREATE TABLE scratch_one (x)") }
        let second = try #require(store.changeStamp())
        #expect(second != first)
        #expect(store.changeStamp() == second)
        // A commit of another connection (another store on the same file, as another process would).
        let other = try SQLiteEngineStore(path: path)
        try other.writer.write { db in try db.execute(sql: "CREATE TABLE scratch_two (x)") }
        #expect(store.changeStamp() != second)
        // A rolled-back transaction commits nothing.
        let third = store.changeStamp()
        try? store.writer.write { db in
            try db.execute(sql: "CREATE TABLE scratch_three (x)")
            throw DatabaseError(message: "zurückgerollt")
        }
        #expect(store.changeStamp() == third)
        // In memory nothing can tell: nil, so nothing is cached.
        #expect(try SQLiteEngineStore(path: nil).changeStamp() == nil)
    }

    @Test func anUnknownStatusIsRefusedByTheSchema() throws {
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO instance (definition_id, process_id, status, version, state, started_at) VALUES (1, 'p', 'bogus', 1, x'', 0)")
            }
        }
    }

    @Test func aParameterSQLiteRefusesIsAnErrorAndStoresNothing() throws {
        // With the writer's length limit lowered, SQLite refuses to bind longer text (SQLITE_TOOBIG).
        // Unchecked, the parameter would stay NULL and the row be written without its details.
        store.writer.writeWithoutTransaction { db in _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 200) }
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

    @Test func theInboxQueryUsesItsIndex() throws {
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        try store.write { tx in
            for i in 0..<50 { _ = try tx.insertTask(StoreSamples.task(instance, token: i, office: i % 2 == 0 ? "RAV" : "IV", due: Double(100 - i))) }
        }
        // The plans of the statements the store runs: the walk in the inbox index's order (no
        // sort of every open task), the navigation's counts from the same index alone.
        let mineOrFree = TaskQuery(office: "RAV", roles: ["advisor"], assignee: "u.huber", includeUnassigned: true, limit: 5)
        let walk = try store.writer.read { db in try SQLiteTransaction(db: db).queryPlan(forTasksMatching: mineOrFree, counting: false) }
        #expect(walk.allSatisfy { $0.contains("USING INDEX task_inbox") }, "plan: \(walk)")
        #expect(!walk.contains { $0.contains("TEMP B-TREE") }, "plan: \(walk)")
        var overdue = mineOrFree
        overdue.dueBefore = Date(timeIntervalSince1970: 90)
        for query in [mineOrFree, overdue] {
            let count = try store.writer.read { db in try SQLiteTransaction(db: db).queryPlan(forTasksMatching: query, counting: true) }
            let searches = count.filter { $0.contains("SEARCH task") }
            // One range per role, answered by the index alone (assignee and due date are in it).
            #expect(searches.count == 1 && searches.allSatisfy { $0.contains("USING COVERING INDEX task_inbox") }, "plan: \(count)")
        }
    }
}
