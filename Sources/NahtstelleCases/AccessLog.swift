import Foundation
import Synchronization

/// Who asks, from where: bound by the server around each service call (a task-local value, so
/// that it reaches the access log without being passed through every method).
public struct AccessContext: Sendable, Hashable {
    public var clientAddress: String?
    public var requestID: String?
    public init(clientAddress: String?, requestID: String?) {
        self.clientAddress = clientAddress
        self.requestID = requestID
    }

    @TaskLocal public static var current: AccessContext?
}

/// One line of the append-only access log.
public struct AccessEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var username: String
    public var caseID: String?
    public var action: String
    public var documentID: Int64?
    public var clientAddress: String?
    public var requestID: String?

    public init(id: Int64 = 0, at: Date, username: String, caseID: String?, action: String, documentID: Int64? = nil,
                clientAddress: String? = nil, requestID: String? = nil) {
        self.id = id
        self.at = at
        self.username = username
        self.caseID = caseID
        self.action = action
        self.documentID = documentID
        self.clientAddress = clientAddress
        self.requestID = requestID
    }
}

/// Writes access-log entries. Direct by default (each entry one transaction, as the CLI needs);
/// with `batching` on (the server), reads are collected and written together by `flush()`, which
/// the server calls every 100 ms and on shutdown, so that a GET does not wait for an fsync.
public final class AccessLogWriter: Sendable {
    let writer: ApplicationTables
    private let pending = Mutex<[AccessEntry]>([])
    private let batchingEnabled = Mutex(false)

    init(tables: ApplicationTables) { self.writer = tables }

    /// Collect entries for `flush()` instead of writing each at once.
    public var batching: Bool {
        get { batchingEnabled.withLock { $0 } }
        set { batchingEnabled.withLock { $0 = newValue } }
    }

    /// Records a read: batched when batching is on.
    func record(_ entry: AccessEntry) throws {
        if batching {
            pending.withLock { $0.append(entry) }
        } else {
            try writer.write { try $0.insertAccess(entry) }
        }
    }

    /// Writes the collected entries in one transaction; returns how many. On failure the entries
    /// stay queued for the next flush.
    @discardableResult
    public func flush() throws -> Int {
        let batch = pending.withLock { entries -> [AccessEntry] in
            let taken = entries
            entries.removeAll(keepingCapacity: true)
            return taken
        }
        guard !batch.isEmpty else { return 0 }
        do {
            try writer.write { db in for e in batch { try db.insertAccess(e) } }
        } catch {
            pending.withLock { $0.insert(contentsOf: batch, at: 0) }
            throw error
        }
        return batch.count
    }
}
