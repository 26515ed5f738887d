import Foundation
import GRDB
import NahtstelleEngine
import NahtstelleStore
import Testing

/// Issue 15, items 2, 4 and 5: opening a database file as reading and writing commands do.
@Suite("Opening the store: read-only, missing files, odd paths, other writers")
struct StoreAccessTests {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-access-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    @Test func readOnlyNeverCreatesAFile() throws {
        let path = dir + "/missing.sqlite"
        #expect(throws: StoreError.self) { try SQLiteEngineStore(path: path, access: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFolderOrAnEmptyPathIsNamedAsSuch() throws {
        do {
            _ = try SQLiteEngineStore(path: dir)
            Issue.record("opened a folder")
        } catch let error as StoreError {
            #expect(error.code == .invalidPath && error.message.contains("Ordner"))
        }
        do {
            _ = try SQLiteEngineStore(path: "")
            Issue.record("opened an empty path")
        } catch let error as StoreError {
            #expect(error.code == .invalidPath)
        }
    }

    @Test func readOnlyReadsWithoutWriting() throws {
        let path = dir + "/n.sqlite"
        do {
            let store = try SQLiteEngineStore(path: path)
            try store.write { tx in
                _ = try tx.insertDefinition(DefinitionRecord(processID: "p", version: 1, name: nil, contentHash: "h", source: [1],
                                                             fileName: "p.bpmn", deployedAt: Date(), deployedBy: "t"), messageStartNames: [])
            }
        }
        let reader = try SQLiteEngineStore(path: path, access: .readOnly)
        #expect(try reader.read { try $0.latestDefinition(processID: "p")?.version } == 1)
        #expect(throws: (any Error).self) {
            try reader.write { tx in _ = try tx.insertDefinition(DefinitionRecord(processID: "q", version: 1, name: nil, contentHash: "h", source: [1],
                                                                                   fileName: "q.bpmn", deployedAt: Date(), deployedBy: "t"), messageStartNames: []) }
        }
    }

    @Test func readOnlyRefusesAnOlderSchemaInsteadOfMigrating() throws {
        let path = dir + "/old.sqlite"
        _ = try SQLiteEngineStore(path: path)
        do {
            _ = try SQLiteEngineStore(path: path, migrations: { m in m.registerMigration("app-1") { db in
                try db.execute(sql: "CREATE TABLE app (id INTEGER PRIMARY KEY)") } }, access: .readOnly)
            Issue.record("opened an outdated schema read-only")
        } catch let error as StoreError {
            #expect(error.code == .outdatedSchema)
        }
        let tables = try DatabaseQueue(path: path).read { try $0.tableExists("app") }
        #expect(!tables)
    }

    @Test func writersInParallelWaitForEachOther() async throws {
        let path = dir + "/busy.sqlite"
        _ = try SQLiteEngineStore(path: path)
        // Separate stores are separate connections, as separate processes have.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let store = try SQLiteEngineStore(path: path)
                    for i in 0..<25 {
                        try store.write { tx in
                            _ = try tx.insertDefinition(DefinitionRecord(processID: "p\(writer)", version: i + 1, name: nil, contentHash: "h",
                                                                         source: [1], fileName: "p.bpmn", deployedAt: Date(), deployedBy: "t"),
                                                        messageStartNames: [])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let count = try await DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM definition") }
        #expect(count == 100)
    }
}
