import Foundation
import NahtstelleEngine

/// Runs a SQLite file's write transactions one after the other, without idle hand-overs.
///
/// SQLite has one writer per file. When the server's threads took turns at the write lock, each
/// hand-over had to wake the next waiting thread and wait for a free core before it could
/// begin: with two cores busy with HTTP, the lock stood idle about a third of the time (measured:
/// held 322 µs of every 472 µs per completion under 64 connections).
///
/// Here a write that finds the writer idle and nothing queued runs at once on its caller's
/// thread (a single caller, such as a command-line run, pays nothing). Otherwise it queues, and
/// the store's writer thread runs the queue in order, going from one transaction to the next
/// without sleeping, while each caller waits for its own result. Every write is still its own
/// transaction with its own commit and flush: only the thread that runs it may differ. Task-local
/// values of a caller (the access log's request context) do not cross threads by themselves:
/// the store's `ContextCapture` carries them. The thread starts with the first queued write (or
/// `start(priority:)`, which also sets how the kernel schedules it) and ends when the store is
/// released.
final class WriterQueue: @unchecked Sendable {
    private struct Job {
        let work: () -> Void
        let done: DispatchSemaphore
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [Job] = []
    /// The thread running a write now (its caller's or the writer thread); nil: the writer is
    /// idle. Also lets a write inside a write run where it is.
    private var runner: pthread_t?
    private var started = false
    private var stopped = false
    /// How the writer thread should be scheduled, and what it last set with the kernel's answer
    /// (nil: nothing yet): the thread sets its own scheduling, between two batches.
    private var requested = WriterPriority.normal
    private var applied: (priority: WriterPriority, answer: WriterScheduling)?

    /// Writes waiting for the writer now.
    var queued: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count
    }

    /// Runs `own` here when the writer is idle and nothing waits; otherwise makes the queued form
    /// of the work (`makeQueued`, called on this thread: it captures what the work needs from
    /// it), queues it for the writer thread and waits until it has run.
    func run(_ own: () -> Void, queued makeQueued: () -> (() -> Void)) {
        condition.lock()
        if let runner, pthread_equal(runner, pthread_self()) != 0 {
            // A write inside this thread's own write: run here (it fails in the database layer as
            // it always did; it does not wait for itself).
            condition.unlock()
            own()
            return
        }
        if runner == nil, jobs.isEmpty {
            runner = pthread_self()
            condition.unlock()
            own()
            condition.lock()
            runner = nil
            if !jobs.isEmpty { condition.broadcast() }
            condition.unlock()
            return
        }
        let done = DispatchSemaphore(value: 0)
        jobs.append(Job(work: makeQueued(), done: done))
        startThread()
        condition.broadcast()
        condition.unlock()
        done.wait()
    }

    /// Starts the writer thread now (if it is not running yet), lets it set its scheduling to
    /// `priority` and returns how the kernel schedules it.
    func start(priority: WriterPriority) -> WriterScheduling {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return .normal(reason: "der Schreib-Thread ist beendet") }
        requested = priority
        startThread()
        condition.broadcast()
        while true {
            if let applied, applied.priority == priority { return applied.answer }
            condition.wait()
        }
    }

    /// Called with `condition` locked.
    private func startThread() {
        guard !started else { return }
        started = true
        let thread = Thread { [self] in loop() }
        thread.name = "sqlite-writer"
        thread.start()
    }

    /// Ends the writer thread once the queued writes are done.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        var batch: [Job] = []
        condition.lock()
        while true {
            while jobs.isEmpty || runner != nil, !(stopped && jobs.isEmpty), applied?.priority == requested { condition.wait() }
            if applied?.priority != requested {
                let priority = requested
                condition.unlock()
                let answer = WriterThreadScheduling.apply(priority)
                condition.lock()
                applied = (priority, answer)
                condition.broadcast()
                continue
            }
            if jobs.isEmpty { break }
            // Everything queued so far, in order; later writes queue meanwhile and wait for it.
            swap(&batch, &jobs)
            runner = pthread_self()
            condition.unlock()
            for job in batch {
                job.work()
                job.done.signal()
            }
            batch.removeAll(keepingCapacity: true)
            // Straight on with what queued meanwhile: the lock is held until the next batch is
            // taken, so no caller runs in between.
            condition.lock()
            runner = nil
        }
        condition.unlock()
    }
}

/// Sets the calling thread's scheduling for `WriterPriority` and reads back what the kernel did.
enum WriterThreadScheduling {
    static let realtimePriority: Int32 = 1
    /// SCHED_RESET_ON_FORK (Linux): a process started from the thread gets the normal policy. The
    /// kernel takes it or-ed into the policy and reports it so.
    static let resetOnFork: Int32 = 0x4000_0000

    static func apply(_ priority: WriterPriority) -> WriterScheduling {
        var param = sched_param()
        switch priority {
        case .normal:
            // The normal policy (also from a raised setting).
            param.sched_priority = 0
            _ = pthread_setschedparam(pthread_self(), SCHED_OTHER, &param)
            return .normal(reason: nil)
        case .raised:
            // With one core, a real-time writer busy with a long write would hold up every request.
            guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { return .normal(reason: "nur ein Prozessorkern") }
            param.sched_priority = realtimePriority
            let result = pthread_setschedparam(pthread_self(), SCHED_FIFO | resetOnFork, &param)
            var now = sched_param()
            if result == 0, sched_getscheduler(0) & ~resetOnFork == SCHED_FIFO, sched_getparam(0, &now) == 0 {
                return .realtime(priority: Int(now.sched_priority))
            }
            return .normal(reason: result == EPERM
                ? "keine Berechtigung für Echtzeit-Priorität (LimitRTPRIO=1 in der systemd-Unit, »ulimit -r 1« oder CAP_SYS_NICE)"
                : "Echtzeit-Priorität vom Kernel abgelehnt (\(String(cString: strerror(result))))")
        }
    }
}

/// Lets a value cross from a caller's thread to the thread that runs its write and back; the
/// caller waits until that thread is done with it, so only one thread uses it at a time.
final class Handover<Body, Output>: @unchecked Sendable {
    var body: Body?
    var result: Result<Output, any Error>?
    init(_ body: Body) { self.body = body }
}
