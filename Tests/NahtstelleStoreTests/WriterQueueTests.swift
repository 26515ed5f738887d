import Foundation
import GRDB
import NahtstelleEngine
import NahtstelleStore
import Synchronization
import Testing

/// A SQLite file's writes run one after the other: at once on the caller's thread when the
/// writer is free, otherwise queued and run by the thread writing now, with the caller's
/// task-local values carried over; one transaction each.
@Suite("SQLite store: writes run one after the other without hand-overs")
struct WriterQueueTests {
    @TaskLocal static var request: String?

    let store: SQLiteEngineStore

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLiteEngineStore(path: dir.appendingPathComponent("store.sqlite").path)
    }

    /// Runs `body` on `count` threads of their own at once (not a pool that may run them in turn).
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchGroup()
        for n in 0..<count {
            done.enter()
            Thread { body(n); done.leave() }.start()
        }
        done.wait()
    }

    @Test func writesFromManyThreadsEachCommitOnceAndNoneIsLost() throws {
        let store = self.store
        let callers = 8, each = 40
        Self.onThreads(callers) { caller in
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
        #expect(store.queuedWrites == 0)
    }

    @Test func queuedWritesRunOnTheWriterThreadNeverOnAnotherCallersThread() throws {
        let store = self.store
        // Who ran each write and for whom, while eight callers write without pause.
        let order = Mutex<[(runner: pthread_t, caller: pthread_t)]>([])
        let callers = Mutex<[pthread_t]>([])
        Self.onThreads(8) { _ in
            let caller = pthread_self()
            callers.withLock { $0.append(caller) }
            for _ in 0..<150 {
                _ = try? store.write { _ in
                    usleep(100)  // long enough for the others to queue behind it
                    order.withLock { $0.append((pthread_self(), caller)) }
                }
            }
        }
        let writes = order.withLock { $0 }
        let callerThreads = callers.withLock { $0 }
        #expect(writes.count == 8 * 150)
        // A caller's thread runs only its own writes (it never waits for a run of others');
        // every queued write ran on one thread that is no caller's: the writer thread.
        let forOthers = writes.filter { pthread_equal($0.runner, $0.caller) == 0 }
        #expect(!forOthers.isEmpty)
        #expect(forOthers.allSatisfy { w in !callerThreads.contains { pthread_equal($0, w.runner) != 0 } })
        #expect(forOthers.allSatisfy { pthread_equal($0.runner, forOthers[0].runner) != 0 })
    }

    @Test func aQueuedWriteRunsOnTheWritingThreadWithItsCallersTaskLocalValues() throws {
        let store = self.store
        store.carryTaskLocals {
            let value = Self.request
            return { work in Self.$request.withValue(value) { work() } }
        }
        let firstInside = DispatchSemaphore(value: 0)
        let secondDone = DispatchSemaphore(value: 0)
        let seen = Mutex<(request: String?, thread: pthread_t?, caller: pthread_t?)>((nil, nil, nil))
        let second = Thread {
            firstInside.wait()
            Self.$request.withValue("r-2") {
                let value = try? store.write { _ in (Self.request, pthread_self()) }
                seen.withLock { $0 = (value?.0, value?.1, pthread_self()) }
            }
            secondDone.signal()
        }
        second.start()
        // The first write holds the writer until the second one waits for it.
        let first = try Self.$request.withValue("r-1") {
            try store.write { _ -> (String?, pthread_t) in
                firstInside.signal()
                let deadline = Date().addingTimeInterval(10)
                while store.queuedWrites == 0, Date() < deadline { usleep(1000) }
                return (Self.request, pthread_self())
            }
        }
        secondDone.wait()
        #expect(first.0 == "r-1")
        // Run by the writer thread (neither caller's), with the second caller's value.
        let (request, thread, secondCaller) = seen.withLock { $0 }
        #expect(request == "r-2")
        if let thread, let secondCaller {
            #expect(pthread_equal(thread, first.1) == 0 && pthread_equal(thread, secondCaller) == 0)
        } else {
            Issue.record("the second write did not run")
        }
        // Errors reach their caller, and nothing of the failed write stays.
        #expect(throws: CancellationError.self) {
            try store.write { tx in
                _ = try StoreSamples.seedInstance(tx, key: "gone")
                throw CancellationError()
            }
        }
        #expect(try store.read { try $0.instances(businessKey: "gone") }.isEmpty)
    }

    @Test func aWriteWithNothingWaitingRunsOnTheCallingThread() throws {
        let caller = pthread_self()
        #expect(pthread_equal(try store.write { _ in pthread_self() }, caller) != 0)
        let memory = try SQLiteEngineStore(path: nil)
        #expect(pthread_equal(try memory.write { _ in pthread_self() }, caller) != 0)
    }

    /// SCHED_RESET_ON_FORK, or-ed into the policy `sched_getscheduler` reports.
    static let resetOnFork: Int32 = 0x4000_0000

    /// Policies (`sched_getscheduler`, with SCHED_RESET_ON_FORK) of the threads that ran queued
    /// writes (not their callers').
    func policiesOfQueuedWrites() -> Set<Int32> {
        let store = self.store
        let seen = Mutex<Set<Int32>>([])
        Self.onThreads(6) { _ in
            let caller = pthread_self()
            for _ in 0..<40 {
                _ = try? store.write { _ in
                    usleep(100)
                    if pthread_equal(pthread_self(), caller) == 0 { _ = seen.withLock { $0.insert(sched_getscheduler(0)) } }
                }
            }
        }
        return seen.withLock { $0 }
    }

    @Test func theWriterThreadRunsQueuedWritesWithTheSchedulingItReports() throws {
        // Raised: real-time where this process may (root, CAP_SYS_NICE, LimitRTPRIO) on two cores
        // or more, otherwise the normal policy with the reason.
        let raised = try #require(store.startWriter(priority: .raised))
        let policies = policiesOfQueuedWrites()
        #expect(!policies.isEmpty)
        switch raised {
        case .realtime(let priority):
            #expect(priority == 1)
            // A process started from the writer (none is today) would not inherit real-time.
            #expect(policies == [SCHED_FIFO | Self.resetOnFork])
        case .normal(let reason):
            #expect(reason != nil, "raised asked for, so the answer says why it is not")
            #expect(policies == [SCHED_OTHER])
            if getuid() == 0, ProcessInfo.processInfo.activeProcessorCount >= 2 {
                Issue.record("root on \(ProcessInfo.processInfo.activeProcessorCount) cores got no real-time priority: \(reason ?? "")")
            }
        }
        // Back to normal: the same thread, the normal policy again.
        #expect(store.startWriter(priority: .normal) == .normal(reason: nil))
        #expect(policiesOfQueuedWrites() == [SCHED_OTHER])
        // In memory every write runs on its caller's thread: there is no writer to start.
        #expect(try SQLiteEngineStore(path: nil).startWriter(priority: .raised) == nil)
    }
}
