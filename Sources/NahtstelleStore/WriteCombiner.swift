import Foundation
import NahtstelleEngine

/// Runs a SQLite file's write transactions one after the other, without idle hand-overs.
///
/// SQLite has one writer per file. When the server's threads took turns at the write lock, each
/// hand-over had to wake the next waiting thread and wait for a free core before it could
/// begin: with two cores busy with HTTP, the lock stood idle about a third of the time (measured:
/// held 322 µs of every 472 µs per completion under 64 connections).
///
/// Here the thread that finds the writer free runs its own write at once, on its own thread (no
/// hop when nothing waits: a single caller pays nothing). Writes that arrive meanwhile queue;
/// when its own write is done, that thread runs the queued ones too, in order, before it
/// returns, and each caller waits for its own result ("flat combining"). So the writer goes from
/// one transaction to the next without sleeping. Every write is still its own transaction with
/// its own commit and flush: only the thread that runs it may differ. Task-local values of a
/// caller (the access log's request context) do not cross threads by themselves: the store's
/// `ContextCapture` carries them.
final class WriteCombiner: @unchecked Sendable {
    private struct Job {
        let work: () -> Void
        let done: DispatchSemaphore
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var running: pthread_t?
    private var jobs: [Job] = []

    /// Writes waiting for the writer now.
    var queued: Int {
        lock.lock()
        defer { lock.unlock() }
        return jobs.count
    }

    /// Runs `own` here when the writer is free; otherwise makes the queued form of the work
    /// (`makeQueued`, called on this thread: it captures what the work needs from it), hands it
    /// to the thread that runs writes now, and waits until it has run.
    func run(_ own: () -> Void, queued makeQueued: () -> (() -> Void)) {
        lock.lock()
        if let running, pthread_equal(running, pthread_self()) == 0 {
            let done = DispatchSemaphore(value: 0)
            jobs.append(Job(work: makeQueued(), done: done))
            lock.unlock()
            done.wait()
            return
        }
        // Free, or a write inside this thread's own write: run here (the latter fails in the
        // database layer as it always did, it does not wait for itself).
        let outer = running == nil
        running = pthread_self()
        lock.unlock()
        own()
        guard outer else { return }
        var batch: [Job] = []
        lock.lock()
        while !jobs.isEmpty {
            swap(&batch, &jobs)
            lock.unlock()
            for job in batch {
                job.work()
                job.done.signal()
            }
            batch.removeAll(keepingCapacity: true)
            lock.lock()
        }
        running = nil
        lock.unlock()
    }
}

/// Lets a value cross from a caller's thread to the thread that runs its write and back; the
/// caller waits until that thread is done with it, so only one thread uses it at a time.
final class Handover<Body, Output>: @unchecked Sendable {
    var body: Body?
    var result: Result<Output, any Error>?
    init(_ body: Body) { self.body = body }
}
