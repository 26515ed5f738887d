import Foundation
import NahtstelleEngine

/// The one thread that runs a SQLite file's write transactions, one after the other.
///
/// SQLite has one writer per file. When the server's threads took turns at the write lock
/// themselves, each hand-over had to wake the next waiting thread and wait for a free core
/// before it could begin: with two cores busy with HTTP, the lock stood idle for about a third of
/// the time (measured: held 322 µs of every 472 µs per completion under 64 connections). Here
/// the waiting commands queue, and this thread goes from one to the next without sleeping;
/// the callers wait for their own result. Every command is still its own transaction with its
/// own commit and flush: only the thread that runs it changed.
///
/// The thread starts with the first write and ends when its store is released. Task-local values
/// of the caller (the access log's request context) do not cross threads by themselves: the
/// store's `ContextCapture` carries them.
final class WriterThread: @unchecked Sendable {
    private struct Job {
        let work: () -> Void
        let done: DispatchSemaphore
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [Job] = []
    private var started = false
    private var stopped = false
    private var thread: pthread_t?
    private let name: String

    init(name: String) {
        self.name = name
    }

    /// Whether the caller is this writer thread (a write inside a write runs where it is).
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Runs `work` on the writer thread and returns when it has run.
    func run(_ work: @escaping () -> Void) {
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        if !started {
            started = true
            let thread = Thread { [self] in loop() }
            thread.name = name
            thread.start()
        }
        jobs.append(Job(work: work, done: done))
        condition.signal()
        condition.unlock()
        done.wait()
    }

    /// Ends the thread once the queued work is done.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        thread = pthread_self()
        var batch: [Job] = []
        while true {
            while jobs.isEmpty, !stopped { condition.wait() }
            if jobs.isEmpty { break }
            // Everything queued so far, in order; new work queues meanwhile in the emptied list.
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch {
                job.work()
                job.done.signal()
            }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
        }
        condition.unlock()
    }
}

/// Lets a value cross from a caller's thread to the writer thread and back; the caller waits
/// until the writer is done with it, so only one thread uses it at a time.
final class Handover<Body, Output>: @unchecked Sendable {
    var body: Body?
    var result: Result<Output, any Error>?
    init(_ body: Body) { self.body = body }
}
