import Foundation
import Synchronization

/// Converts DOCX document versions to PDF with LibreOffice headless, in the background: at most
/// `parallel` conversions at once (one per core), at most `capacity` waiting, each ended after
/// `timeout`. Every run gets its own HOME and LibreOffice profile (`-env:UserInstallation`), so
/// parallel runs do not lock each other's profile.
public final class DocumentPDFQueue: Sendable {
    /// Where a document's conversion stands (no entry: not asked for, or done and stored).
    public enum State: Sendable, Hashable {
        case queued
        case running
        /// The German message and when it failed (asked again after `retryAfterFailure`, it is retried).
        case failed(String, Date)
    }

    public struct Job: Sendable {
        public var documentID: Int64
        public var fileName: String
        public var docx: [UInt8]
        /// Stores the PDF (called on the worker thread).
        public var store: @Sendable ([UInt8]) throws -> Void
        public init(documentID: Int64, fileName: String, docx: [UInt8], store: @escaping @Sendable ([UInt8]) throws -> Void) {
            self.documentID = documentID
            self.fileName = fileName
            self.docx = docx
            self.store = store
        }
    }

    public enum SubmitResult: Sendable, Hashable {
        case queued(position: Int)
        case running
        case failed(String, retryAfter: Int)
        case full
    }

    private struct Queue {
        var pending: [Job] = []
        var running = 0
        var states: [Int64: State] = [:]
    }

    private let queue = Mutex(Queue())
    /// The LibreOffice program; nil when none is installed.
    public let soffice: String?
    public let parallel: Int
    public let capacity: Int
    public let timeout: Int
    public let retryAfterFailure: TimeInterval

    /// - Parameters:
    ///   - soffice: the program (default: `soffice` or `libreoffice` on the PATH, or `$NAHTSTELLE_SOFFICE`).
    ///   - timeout: seconds per conversion.
    public init(soffice: String? = DocumentPDFQueue.findSoffice(), parallel: Int = ProcessInfo.processInfo.activeProcessorCount,
                capacity: Int = 64, timeout: Int = 120, retryAfterFailure: TimeInterval = 60) {
        self.soffice = soffice
        self.parallel = max(1, parallel)
        self.capacity = max(1, capacity)
        self.timeout = max(5, timeout)
        self.retryAfterFailure = retryAfterFailure
    }

    public static func findSoffice() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["NAHTSTELLE_SOFFICE"] {
            return explicit.isEmpty || !FileManager.default.isExecutableFile(atPath: explicit) ? nil : explicit
        }
        let path = env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["soffice", "libreoffice"] {
            for dir in path.split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// What a user is told where LibreOffice is missing.
    public static let missingMessage = "Die PDF-Umwandlung ist auf diesem Server nicht eingerichtet: LibreOffice (soffice) fehlt. "
        + "Die Betriebsstelle installiert das Debian-Paket «libreoffice-writer-nogui» (oder «libreoffice-writer»). "
        + "Das Dokument steht weiterhin als DOCX zum Herunterladen bereit."

    public func state(_ documentID: Int64) -> State? { queue.withLock { $0.states[documentID] } }

    /// Queues a conversion unless one is queued or running (or failed a moment ago).
    public func submit(_ job: Job) -> SubmitResult {
        let now = Date()
        let (result, startWorker) = queue.withLock { (q: inout Queue) -> (SubmitResult, Bool) in
            switch q.states[job.documentID] {
            case .queued?:
                return (.queued(position: (q.pending.firstIndex { $0.documentID == job.documentID } ?? 0) + 1), false)
            case .running?:
                return (.running, false)
            case .failed(let message, let at)? where now.timeIntervalSince(at) < retryAfterFailure:
                return (.failed(message, retryAfter: max(1, Int((retryAfterFailure - now.timeIntervalSince(at)).rounded(.up)))), false)
            default:
                break
            }
            guard q.pending.count < capacity else { return (.full, false) }
            q.pending.append(job)
            q.states[job.documentID] = .queued
            let start = q.running < parallel
            if start { q.running += 1 }
            return (.queued(position: q.pending.count), start)
        }
        if startWorker {
            let worker = Thread { [self] in self.work() }
            worker.name = "nahtstelle-pdf"
            worker.start()
        }
        return result
    }

    private func work() {
        while let job = queue.withLock({ (q: inout Queue) -> Job? in
            guard !q.pending.isEmpty else { q.running -= 1; return nil }
            let job = q.pending.removeFirst()
            q.states[job.documentID] = .running
            return job
        }) {
            do {
                let pdf = try convert(job.docx, fileName: job.fileName)
                try job.store(pdf)
                queue.withLock { _ = $0.states.removeValue(forKey: job.documentID) }
            } catch {
                let message = (error as? CaseServiceError)?.message ?? "Die PDF-Umwandlung ist fehlgeschlagen (\(error))."
                queue.withLock { $0.states[job.documentID] = .failed(message, Date()) }
            }
        }
    }

    /// One conversion in a private folder (removed afterwards).
    public func convert(_ docx: [UInt8], fileName: String) throws -> [UInt8] {
        guard let soffice else { throw CaseServiceError(.processFailed, Self.missingMessage) }
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("nahtstelle-pdf-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in"), output = dir.appendingPathComponent("out"), home = dir.appendingPathComponent("home")
        for d in [input, output, home] { try fm.createDirectory(at: d, withIntermediateDirectories: true) }
        // A plain ASCII name: soffice names its output after the input.
        let base = "dokument"
        try Data(docx).write(to: input.appendingPathComponent(base + ".docx"))
        let log = dir.appendingPathComponent("soffice.log")
        _ = fm.createFile(atPath: log.path, contents: nil)
        let process = Process()
        // coreutils `timeout` ends soffice and its children (oosplash, soffice.bin) together.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-k", "5", String(timeout), soffice, "-env:UserInstallation=\(home.appendingPathComponent("profile").absoluteString)",
                             "--headless", "--norestore", "--nologo", "--nolockcheck", "--convert-to", "pdf", "--outdir", output.path,
                             input.appendingPathComponent(base + ".docx").path]
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path
        env["TMPDIR"] = dir.path
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        let status = process.terminationStatus
        if status == 124 || status == 137 {
            throw CaseServiceError(.processFailed, "Die PDF-Umwandlung von «\(fileName)» dauerte länger als \(timeout) Sekunden und wurde "
                                   + "abgebrochen. Bitte später nochmals versuchen; das DOCX steht bereit.")
        }
        guard let pdf = fm.contents(atPath: output.appendingPathComponent(base + ".pdf").path), pdf.count > 4,
            pdf.prefix(4) == Data("%PDF".utf8)
        else {
            let detail = (try? String(contentsOf: log, encoding: .utf8)).map { String($0.suffix(300)).trimmingCharacters(in: .whitespacesAndNewlines) }
            throw CaseServiceError(.processFailed, "LibreOffice hat aus «\(fileName)» kein PDF erstellt (Exit \(status)"
                                   + (detail.map { $0.isEmpty ? "" : ": \($0)" } ?? "") + "). Bitte später nochmals versuchen; das DOCX steht bereit.")
        }
        return [UInt8](pdf)
    }
}
