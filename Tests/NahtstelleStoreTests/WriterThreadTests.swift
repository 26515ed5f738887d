import Foundation
import GRDB
import NahtstelleEngine
import NahtstelleStore
import Testing

/// A SQLite file's writes run on its writer thread, one transaction each, with the caller's
/// task-local values carried over.
@Suite("SQLite store: the writer thread")
struct WriterThreadTests {
    @TaskLocal static var request: String?

    let store: SQLiteEngineStore

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLiteEngineStore(path: dir.appendingPathComponent("store.sqlite").path)
    }

    @Test func writesFromManyThreadsEachCommitOnceAndNoneIsLost() throws {
        let store = self.store
        let callers = 8, each = 40
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for n in 0..<each {
                // Each write is its own transaction: a failing one takes only itself back.
                let fails = n % 10 == 9
                _ = try? store.write { tx -> Int64 in
                    let id = try StoreSamples.seedInstance(tx, key: "\(caller)-\(n)")
                    if fails { throw CancellationError() }
                    return id
                }
            }
        }
        let keys = try store.writer.read { db in try String.fetchAll(db, sql: "SELECT business_key FROM instance") }
        #expect(keys.count == callers * each * 9 / 10)
        #expect(Set(keys).count == keys.count)
        #expect(!keys.contains { key in (Int(key.split(separator: "-").last ?? "") ?? 0) % 10 == 9 })
    }

    @Test func theWriteRunsOnAnotherThreadWithTheCallersTaskLocalValues() throws {
        let caller = pthread_self()
        // Without the application's capture, the writer thread does not see the caller's values.
        let unseen = try Self.$request.withValue("r-1") { try store.write { _ in Self.request } }
        #expect(unseen == nil)
        store.carryTaskLocals {
            let value = Self.request
            return { work in Self.$request.withValue(value) { work() } }
        }
        let (seen, thread) = try Self.$request.withValue("r-2") { try store.write { _ in (Self.request, pthread_self()) } }
        #expect(seen == "r-2")
        #expect(pthread_equal(thread, caller) == 0)
        // Errors reach the caller, and nothing of the failed write stays.
        #expect(throws: CancellationError.self) {
            try store.write { tx in
                _ = try StoreSamples.seedInstance(tx, key: "gone")
                throw CancellationError()
            }
        }
        #expect(try store.read { try $0.instances(businessKey: "gone") }.isEmpty)
    }

    @Test func inMemoryTheWriteRunsOnTheCallingThread() throws {
        let memory = try SQLiteEngineStore(path: nil)
        let caller = pthread_self()
        let thread = try memory.write { _ in pthread_self() }
        #expect(pthread_equal(thread, caller) != 0)
    }
}
