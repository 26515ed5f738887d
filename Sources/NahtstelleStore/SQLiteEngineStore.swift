import Foundation
import GRDB
import GRDBSQLite
import NahtstelleEngine
import NahtstelleSQLiteSettings
import Synchronization

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a command the
/// engine acknowledged survives a crash or power loss. `:memory:` serves dry runs and benchmarks.
public final class SQLiteEngineStore: EngineStore {
    public let writer: any DatabaseWriter
    public let path: String?
    /// The command path's statements, prepared once on the writer connection.
    private let hot = HotStatements()
    /// Commits of any connection, for caches of reads (files only).
    private let changes: ChangeWatch?
    /// Runs the write transactions of a file one after the other without idle hand-overs
    /// (`WriterQueue`).
    private let writes: WriterQueue?
    /// A class, not the closure itself: a function value kept in a `Mutex` is rewrapped in a
    /// conversion thunk on every `withLock`, a chain that grew with every write.
    private let contextCapture = Mutex<CaptureBox?>(nil)
    private final class CaptureBox: Sendable {
        let capture: ContextCapture
        init(_ capture: @escaping ContextCapture) { self.capture = capture }
    }

    /// Process-wide SQLite settings, made once before the first connection opens: SQLite's
    /// memory statistics off, `file:` URIs on. With statistics on (the default), every allocation inside SQLite
    /// takes a global mutex to count bytes; Nahtstelle never reads them (no soft heap limit, no
    /// `sqlite3_memory_used`). When something opened SQLite earlier, SQLite refuses the changes
    /// and keeps its default: everything works as before, only slower (and without `file:` URIs).
    /// `true` when the settings took.
    public static let processSettings: Bool = SQLiteProcessSettings.apply()

    /// How a command opens the file: reading commands never write (so a read-only copy or a
    /// file without write permission can be read) and never create one.
    public enum Access: Sendable {
        /// Creates the file when missing and migrates the schema.
        case readWrite
        /// Opens an existing file without writing anything; fails with `StoreError` when the
        /// file is missing or its schema is older than this program's.
        case readOnly
    }

    /// Opens (and migrates) the database at `path`; `nil` gives a private in-memory database.
    /// - Parameters:
    ///   - migrations: the application's own tables, registered after the engine's.
    ///   - access: `.readOnly` opens an existing file without migrating or writing.
    public init(path: String?, migrations: (inout DatabaseMigrator) -> Void = { _ in }, access: Access = .readWrite) throws {
        _ = Self.processSettings
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Other processes (parallel commands, the timer loop, the server) write to the same file:
        // wait for their transactions instead of failing with "database is locked".
        config.busyMode = .timeout(Self.busyTimeout)
        if access == .readWrite { config.prepareDatabase(Self.usePageSize) }
        self.path = path
        changes = path.map(ChangeWatch.init(path:))
        writes = path.map { _ in WriterQueue() }
        var migrator = DatabaseMigrator()
        Self.registerEngineMigrations(&migrator)
        migrations(&migrator)
        if let path {
            try Self.checkPath(path, mustExist: access == .readOnly)
            if access == .readOnly {
                config.readonly = true
                var pool: DatabasePool? = nil
                do {
                    let opened = try Self.retryingWhileBusy { try DatabasePool(path: path, configuration: config) }
                    _ = try opened.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
                    pool = opened
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN || error.resultCode == .SQLITE_READONLY {
                    // A folder without write permission (a read-only copy, a backup medium): SQLite
                    // cannot create the -shm file. Nothing can write there either, so the file is
                    // read as immutable — unless a write-ahead log with content is left over, which
                    // only a process with write permission can fold back.
                    guard let uri = Self.immutableURI(path) else { throw error }
                    pool = try DatabasePool(path: uri, configuration: config)
                }
                guard let pool else { throw DatabaseError(resultCode: .SQLITE_CANTOPEN) }
                writer = pool
                let current = try Self.retryingWhileBusy { try writer.read { db in try migrator.hasCompletedMigrations(db) } }
                guard current else {
                    throw StoreError(.outdatedSchema, path: path, "Die Datenbank hat ein älteres Schema als dieses Programm "
                                     + "und wird nur von schreibenden Befehlen aktualisiert. Bitte einmal »nahtstelle deploy --db \(path) workflows/*.bpmn« "
                                     + "mit Schreibrecht ausführen.")
                }
                return
            }
            // Opening a pool sets up WAL mode and may write (GRDB's empty-WAL check); a concurrent
            // opener or the last connection closing elsewhere can answer that with SQLITE_BUSY
            // before any busy handler applies. Opening again a moment later succeeds.
            writer = try Self.retryingWhileBusy { try DatabasePool(path: path, configuration: config) }
        } else {
            writer = try DatabaseQueue(configuration: config)
        }
        try Self.retryingWhileBusy { try Self.makeDurable(writer) }
        try Self.retryingWhileBusy { try migrator.migrate(writer) }
    }

    /// `file:PATH?immutable=1` for a database without a write-ahead log to fold in; `nil` when a
    /// non-empty `-wal` file exists (its commits would be missed) or URIs are not enabled.
    public static func immutableURI(_ path: String) -> String? {
        guard processSettings else { return nil }
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        guard wal == 0 else { return nil }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) else { return nil }
        return "file:" + encoded + "?immutable=1"
    }

    /// The page size of new database files (bytes). SQLite's default is 4096; a command changes
    /// a dozen small rows and index entries all over the file (a task, its instance, their
    /// indexes, the history, the access log), and with synchronous=FULL every changed page goes
    /// into the write-ahead log and is flushed before the command is acknowledged. With 1 KiB
    /// pages that is a quarter of the bytes per commit: measured on this project's test machine,
    /// a commit of 12 changed pages ran at ~4 000/s with 4 KiB pages and ~5 900/s with 1 KiB ones,
    /// while a commit of 2 pages ran at ~6 000/s with either (see docs/engine.md). Large values
    /// (definition sources, documents) take more overflow pages, which costs little.
    /// In memory (no flush) small pages help too: every page a transaction first touches is
    /// copied to the in-memory rollback journal, a quarter as much with 1 KiB.
    public static let pageSize = 1024

    /// Sets `pageSize` on a connection as it opens (`Configuration.prepareDatabase`). It takes
    /// effect only when this creates the database (before WAL mode is set up); a file keeps the
    /// page size it was created with.
    public static func usePageSize(_ db: Database) throws {
        try db.execute(sql: "PRAGMA page_size = \(pageSize)")
    }

    /// Seconds a connection waits for another process's transaction before giving up.
    public static let busyTimeout: TimeInterval = 30

    /// Runs `body` again while SQLite answers SQLITE_BUSY without having waited (a stale
    /// snapshot, another process's recovery or WAL clean-up), for at most `busyTimeout`.
    static func retryingWhileBusy<T>(_ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(busyTimeout)
        var pause: useconds_t = 2_000
        while true {
            do {
                return try body()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                guard Date() < deadline else { throw error }
                usleep(pause)
                pause = min(pause * 2, 100_000)
            }
        }
    }

    /// A clear error before SQLite's own ("disk I/O error", "could not activate WAL Mode at path:").
    static func checkPath(_ path: String, mustExist: Bool) throws {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError(.invalidPath, path: path, "Kein Dateiname für die Datenbank angegeben. Bitte --db mit einem Pfad angeben, z. B. --db var/nahtstelle.sqlite.")
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists, isDirectory.boolValue {
            throw StoreError(.invalidPath, path: path, "\(path) ist ein Ordner, keine Datenbankdatei. Bitte den Pfad zur Datei angeben, z. B. --db \((path as NSString).appendingPathComponent("nahtstelle.sqlite")).")
        }
        if !exists, mustExist {
            throw StoreError(.notFound, path: path, "\(path): Datenbank nicht gefunden. Bitte den Pfad mit --db angeben (z. B. var/nahtstelle.sqlite) "
                             + "oder die Installation zuerst mit »nahtstelle deploy« oder »nahtstelle demo« einrichten.")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !exists, !folder.isEmpty {
            var folderIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &folderIsDirectory), folderIsDirectory.boolValue else {
                throw StoreError(.notFound, path: path, "\(folder): Ordner für die Datenbank fehlt. Bitte den Pfad prüfen oder den Ordner anlegen.")
            }
        }
    }

    /// Every commit synced to disk before it is acknowledged. GRDB switches WAL connections to
    /// `synchronous=NORMAL` while opening them (after `prepareDatabase`), so this runs on the
    /// writer once the pool exists, and reads the setting back to be sure.
    public static func makeDurable(_ writer: any DatabaseWriter) throws {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A larger WAL between checkpoints: fewer checkpoint stalls on the command path.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16000")
            let level = try Int.fetchOne(db, sql: "PRAGMA synchronous")
            guard level == 2 else {
                throw DatabaseError(message: "PRAGMA synchronous = FULL did not take effect (level \(level ?? -1))")
            }
        }
    }

    /// One transaction around `body` (`writeHere`), run on this thread when the writer is idle,
    /// otherwise queued for the store's writer thread (`WriterQueue`); returns when it committed.
    public func write<T>(_ body: (any EngineTransaction) throws -> T) throws -> T {
        // In memory (dry runs, tests of the engine) nothing waits for a flush: run here.
        guard let writes else { return try writeHere(body) }
        return try withoutActuallyEscaping(body) { body in
            let handover = Handover<(any EngineTransaction) throws -> T, T>(body)
            writes.run({ handover.result = Result { try self.writeHere(body) } }, queued: {
                // Run by another thread: the caller's task-local values go with it.
                let rebind = contextCapture.withLock { $0 }?.capture()
                return {
                    let run = { handover.result = Result { try self.writeHere(handover.body!) } }
                    if let rebind { rebind(run) } else { run() }
                }
            })
            // Nothing keeps the caller's closure once the caller goes on.
            handover.body = nil
            return try handover.result!.get()
        }
    }

    /// Starts the writer thread of a file's store with `priority` (`WriterQueue.start`); `nil` in
    /// memory, where writes run on the caller's thread.
    public func startWriter(priority: WriterPriority) -> WriterScheduling? {
        writes?.start(priority: priority)
    }

    /// Writes waiting for the one running now (0 when none runs or nothing waits).
    public var queuedWrites: Int { writes?.queued ?? 0 }

    /// Carries the caller's task-local values to the thread that runs its write: `capture` runs on the
    /// calling thread and returns what binds them again around the write (set once by the
    /// application, which knows its task-local values).
    public func carryTaskLocals(_ capture: @escaping ContextCapture) {
        let box = CaptureBox(capture)
        contextCapture.withLock { $0 = box }
    }

    /// One `BEGIN IMMEDIATE … COMMIT` around `body` on the calling thread, rolled back on any
    /// error. The transaction statements are prepared once and reused (GRDB's own transaction
    /// wrapper prepares them anew each time, which costs as much as a whole engine statement).
    private func writeHere<T>(_ body: (any EngineTransaction) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in
            let tx = SQLiteTransaction(db: db, hot: hot)
            hot.beginTransaction(db)
            try tx.statement(.begin).run()
            do {
                let result = try body(tx)
                try tx.statement(.commit).run()
                return result
            } catch {
                if !db.isInsideTransaction { throw error }
                try? tx.statement(.rollback).run()
                throw error
            }
        }
    }

    public func read<T>(_ body: (any EngineReadTransaction) throws -> T) throws -> T {
        try writer.read { db in try body(SQLiteTransaction(db: db)) }
    }

    deinit {
        writes?.stop()
    }

    /// SQLite's data version on a connection of its own (`ChangeWatch`); `nil` in memory.
    public func changeStamp() -> UInt64? {
        changes?.stamp()
    }

    static func registerEngineMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("engine-1-schema") { db in
            try db.execute(sql: """
                CREATE TABLE definition (
                    id INTEGER PRIMARY KEY,
                    process_id TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version >= 1),
                    name TEXT,
                    content_hash TEXT NOT NULL,
                    source BLOB NOT NULL,
                    file_name TEXT NOT NULL,
                    deployed_at REAL NOT NULL,
                    deployed_by TEXT NOT NULL,
                    UNIQUE (process_id, version)
                );
                CREATE TABLE message_start (
                    message_name TEXT NOT NULL,
                    definition_id INTEGER NOT NULL REFERENCES definition(id),
                    PRIMARY KEY (message_name, definition_id)
                );
                CREATE TABLE instance (
                    id INTEGER PRIMARY KEY,
                    definition_id INTEGER NOT NULL REFERENCES definition(id),
                    process_id TEXT NOT NULL,
                    business_key TEXT,
                    -- OR chains, not IN lists: SQLite builds an ephemeral table per statement for IN in a CHECK.
                    status TEXT NOT NULL CHECK (status = 'running' OR status = 'completed' OR status = 'terminated' OR status = 'cancelled'),
                    version INTEGER NOT NULL,
                    state BLOB NOT NULL,
                    started_at REAL NOT NULL,
                    ended_at REAL,
                    end_event_id TEXT
                );
                CREATE INDEX instance_business_key ON instance(business_key);
                CREATE TABLE task (
                    id INTEGER PRIMARY KEY,
                    instance_id INTEGER NOT NULL REFERENCES instance(id),
                    process_id TEXT NOT NULL,
                    business_key TEXT,
                    element_id TEXT NOT NULL,
                    name TEXT,
                    role TEXT,
                    office TEXT,
                    assignee TEXT,
                    form_key TEXT,
                    state TEXT NOT NULL CHECK (state = 'created' OR state = 'claimed' OR state = 'completed' OR state = 'cancelled'),
                    due_at REAL,
                    created_at REAL NOT NULL,
                    claimed_at REAL,
                    ended_at REAL,
                    completed_by TEXT,
                    token_id INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    CHECK (state != 'completed' OR completed_by IS NOT NULL),
                    -- Open (created or claimed) exactly while not ended: the partial indexes key on ended_at.
                    CHECK ((ended_at IS NULL) = (state = 'created' OR state = 'claimed'))
                );
                -- A token waits at most at one open task: a task can never exist twice.
                CREATE UNIQUE INDEX task_open_per_token ON task(instance_id, token_id) WHERE ended_at IS NULL;
                -- The inbox: open tasks of an office and role by due date. A user works within one
                -- office, so "mine or unassigned" filters this index too; no assignee index to keep up.
                CREATE INDEX task_inbox ON task(office, role, due_at) WHERE ended_at IS NULL;
                CREATE INDEX task_instance ON task(instance_id);
                CREATE TABLE job (
                    id INTEGER PRIMARY KEY,
                    instance_id INTEGER NOT NULL REFERENCES instance(id),
                    element_id TEXT NOT NULL,
                    due_at REAL NOT NULL,
                    target INTEGER NOT NULL,
                    repeats_left INTEGER NOT NULL,
                    interval TEXT
                );
                CREATE INDEX job_due ON job(due_at);
                CREATE INDEX job_instance ON job(instance_id);
                CREATE TABLE subscription (
                    id INTEGER PRIMARY KEY,
                    instance_id INTEGER NOT NULL REFERENCES instance(id),
                    element_id TEXT NOT NULL,
                    message_name TEXT NOT NULL,
                    correlation_key TEXT,
                    target INTEGER NOT NULL
                );
                CREATE INDEX subscription_message ON subscription(message_name, correlation_key);
                CREATE INDEX subscription_instance ON subscription(instance_id);
                CREATE TABLE history (
                    id INTEGER PRIMARY KEY,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    command TEXT NOT NULL,
                    instance_id INTEGER,
                    business_key TEXT,
                    task_id INTEGER,
                    element_id TEXT,
                    details TEXT NOT NULL
                );
                CREATE INDEX history_instance ON history(instance_id);
                -- The audit trail is append-only.
                CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
                CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
                """)
        }
        migrator.registerMigration("engine-2-task-counts") { db in
            // The navigation's counts ("mine or unassigned", overdue) from the index alone: one
            // range per role and assignee, without reading a task row (at 100 000 open tasks the
            // walk over task_inbox read a row per task to check its assignee).
            try db.execute(sql: "CREATE INDEX task_open_count ON task(office, role, assignee, due_at) WHERE ended_at IS NULL")
        }
        migrator.registerMigration("engine-3-running-instances") { db in
            // The running instances of a deployed version (the definitions page, the diagram's
            // counts, a migration's candidates) without a scan of every instance ever started.
            try db.execute(sql: "CREATE INDEX instance_running ON instance(definition_id) WHERE status = 'running'")
        }
        migrator.registerMigration("engine-4-job-leases") { db in
            // Which node holds a due job while it fires it, and until when (see leaseDueJobs).
            try db.execute(sql: "ALTER TABLE job ADD COLUMN lease_owner TEXT; ALTER TABLE job ADD COLUMN lease_until REAL")
        }
        migrator.registerMigration("engine-5-one-inbox-index") { db in
            // One index of open tasks for both the inbox and the navigation's counts, as on
            // PostgreSQL: in due order (`id` breaks ties, so the walk needs no sort), then the
            // assignee, so "mine or unassigned" is checked in the index before any row is read,
            // and `ended_at` (always NULL here), without which SQLite reads every row to check the
            // partial index's own condition: with both, the counts come from the index alone.
            // Two indexes on the same tasks cost every command that creates, claims or ends a
            // task one more page to write and flush.
            try db.execute(sql: """
                DROP INDEX task_open_count;
                DROP INDEX task_inbox;
                CREATE INDEX task_inbox ON task(office, role, due_at, id, assignee, ended_at) WHERE ended_at IS NULL;
                """)
        }
    }
}

/// One transaction's view of the store. Only valid inside the `write`/`read` closure it was handed to.
/// The application reaches its own tables through `db` (same transaction as the engine's command).
public struct SQLiteTransaction: EngineTransaction {
    public let db: Database
    /// The writer's prepared command statements; `nil` in read transactions (other connections).
    let hot: HotStatements?

    public init(db: Database) {
        self.db = db
        hot = nil
    }

    init(db: Database, hot: HotStatements) {
        self.db = db
        self.hot = hot
    }

    private func statement(_ sql: String) throws -> RawStatement { try RawStatement(db, sql) }

    // Straight from SQLite: GRDB's getters check the calling queue first, which costs more than
    // the answer on the command path.
    private var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(db.sqliteConnection) }
    private var changes: Int32 { sqlite3_changes(db.sqliteConnection) }

    /// A statement of the command path: prepared once on the writer, from GRDB's cache elsewhere.
    /// Its callers bind straight from the record: a binding closure would capture (copy) it.
    func statement(_ query: HotQuery) throws -> RawStatement {
        if let hot { return RawStatement(prepared: try hot.handle(query, db), db: db, arena: hot) }
        return try RawStatement(db, query.sql)
    }

    /// Runs a query and maps every row.
    private func rows<T>(_ sql: String, bind: (RawStatement) throws -> Void = { _ in }, _ map: (RawStatement) throws -> T) throws -> [T] {
        let st = try statement(sql)
        defer { st.reset() }
        try bind(st)
        var out: [T] = []
        while try st.step() { out.append(try map(st)) }
        return out
    }

    private func row<T>(_ sql: String, bind: (RawStatement) throws -> Void, _ map: (RawStatement) throws -> T) throws -> T? {
        let st = try statement(sql)
        defer { st.reset() }
        try bind(st)
        return try st.step() ? try map(st) : nil
    }

    private func execute(_ sql: String, bind: (RawStatement) throws -> Void) throws {
        let st = try statement(sql)
        try bind(st)
        try st.run()
    }

    // MARK: Definitions

    private static let definitionColumns = "id, process_id, version, name, content_hash, source, file_name, deployed_at, deployed_by"

    private func definitionRecord(_ r: RawStatement) -> DefinitionRecord {
        DefinitionRecord(id: r.int64(0), processID: r.string(1), version: r.int(2), name: r.optionalString(3), contentHash: r.string(4),
                         source: r.blob(5), fileName: r.string(6), deployedAt: r.date(7), deployedBy: r.string(8))
    }

    private static let definitionByID = "SELECT \(definitionColumns) FROM definition WHERE id = ?"
    public func definition(id: Int64) throws -> DefinitionRecord? {
        try row(Self.definitionByID, bind: { try $0.bind(1, id) }, definitionRecord)
    }

    private static let latestDefinitionSQL = "SELECT \(definitionColumns) FROM definition WHERE process_id = ? ORDER BY version DESC LIMIT 1"
    public func latestDefinition(processID: String) throws -> DefinitionRecord? {
        try row(Self.latestDefinitionSQL, bind: { try $0.bind(1, processID) }, definitionRecord)
    }

    public func latestDefinitionID(processID: String) throws -> Int64? {
        let st = try statement(.latestDefinitionID)
        defer { st.reset() }
        try st.bind(1, processID)
        return try st.step() ? st.int64(0) : nil
    }

    private static let definitionsSQL = "SELECT \(definitionColumns) FROM definition WHERE process_id = ? ORDER BY version"
    public func definitions(processID: String) throws -> [DefinitionRecord] {
        try rows(Self.definitionsSQL, bind: { try $0.bind(1, processID) }, definitionRecord)
    }

    private static let latestDefinitionsSQL = """
        SELECT \(definitionColumns) FROM definition d
        WHERE version = (SELECT MAX(version) FROM definition WHERE process_id = d.process_id) ORDER BY process_id
        """
    public func latestDefinitions() throws -> [DefinitionRecord] {
        try rows(Self.latestDefinitionsSQL, definitionRecord)
    }

    private static let messageStartSQL = """
        SELECT d.id, d.process_id, d.version, d.name, d.content_hash, d.source, d.file_name, d.deployed_at, d.deployed_by
        FROM message_start m JOIN definition d ON d.id = m.definition_id
        WHERE m.message_name = ? AND d.version = (SELECT MAX(version) FROM definition WHERE process_id = d.process_id)
        ORDER BY d.process_id
        """
    public func messageStartDefinitions(messageName: String) throws -> [DefinitionRecord] {
        // Only the newest version of each process starts new instances.
        try rows(Self.messageStartSQL, bind: { try $0.bind(1, messageName) }, definitionRecord)
    }

    public func insertDefinition(_ r: DefinitionRecord, messageStartNames: [String]) throws -> Int64 {
        try execute("""
            INSERT INTO definition (process_id, version, name, content_hash, source, file_name, deployed_at, deployed_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """) { st in
            try st.bind(1, r.processID); try st.bind(2, r.version); try st.bind(3, r.name); try st.bind(4, r.contentHash)
            try st.bind(5, blob: r.source); try st.bind(6, r.fileName); try st.bind(7, r.deployedAt); try st.bind(8, r.deployedBy)
        }
        let id = lastInsertedRowID
        for name in Set(messageStartNames).sorted() {
            try execute("INSERT INTO message_start (message_name, definition_id) VALUES (?, ?)") { try $0.bind(1, name); try $0.bind(2, id) }
        }
        return id
    }

    // MARK: Instances

    private static let instanceColumns = "id, definition_id, process_id, business_key, status, version, state, started_at, ended_at, end_event_id"

    private func instanceRecord(_ r: RawStatement) throws -> InstanceRecord {
        guard let status = InstanceStatus(rawValue: r.string(4)) else {
            throw EngineError(.incident, "Unbekannter Status »\(r.string(4))« in Instanz \(r.int64(0)).")
        }
        return InstanceRecord(id: r.int64(0), definitionID: r.int64(1), processID: r.string(2), businessKey: r.optionalString(3),
                              status: status, version: r.int64(5), state: r.blob(6), startedAt: r.date(7), endedAt: r.optionalDate(8),
                              endEventID: r.optionalString(9))
    }

    private static let instanceByID = "SELECT \(instanceColumns) FROM instance WHERE id = ?"
    public func instance(id: Int64) throws -> InstanceRecord? {
        try row(Self.instanceByID, bind: { try $0.bind(1, id) }, instanceRecord)
    }

    private static let instancesByKey = "SELECT \(instanceColumns) FROM instance WHERE business_key = ? ORDER BY id"
    public func instances(businessKey: String) throws -> [InstanceRecord] {
        try rows(Self.instancesByKey, bind: { try $0.bind(1, businessKey) }, instanceRecord)
    }

    public func instanceIDs(after afterID: Int64, limit: Int) throws -> [Int64] {
        try rows("SELECT id FROM instance WHERE id > ? ORDER BY id LIMIT ?", bind: { try $0.bind(1, afterID); try $0.bind(2, limit) }) { $0.int64(0) }
    }

    private static let runningByDefinition = "SELECT \(instanceColumns) FROM instance WHERE definition_id = ? AND status = 'running' AND id > ? ORDER BY id LIMIT ?"
    public func runningInstances(definitionID: Int64, after afterID: Int64, limit: Int) throws -> [InstanceRecord] {
        try rows(Self.runningByDefinition, bind: { try $0.bind(1, definitionID); try $0.bind(2, afterID); try $0.bind(3, limit) },
                 instanceRecord)
    }

    public func insertInstance(_ r: InstanceRecord) throws -> Int64 {
        let st = try statement(.insertInstance)
        try st.bind(1, r.definitionID); try st.bind(2, r.processID); try st.bind(3, r.businessKey); try st.bind(4, r.status.rawValue)
        try st.bind(5, r.version); try st.bind(6, blob: r.state); try st.bind(7, r.startedAt); try st.bind(8, r.endedAt); try st.bind(9, r.endEventID)
        try st.run()
        return lastInsertedRowID
    }

    public func updateInstance(_ r: InstanceRecord, expectedVersion: Int64) throws {
        let st = try statement(.updateInstance)
        try st.bind(1, r.status.rawValue); try st.bind(2, r.version); try st.bind(3, blob: r.state); try st.bind(4, r.endedAt)
        try st.bind(5, r.endEventID); try st.bind(6, r.id); try st.bind(7, expectedVersion)
        try st.run()
        if changes != 1 {
            throw EngineError.instanceChangedConcurrently(r.id)
        }
    }

    public func changeDefinition(instanceID: Int64, to definitionID: Int64, expectedVersion: Int64) throws {
        try execute("UPDATE instance SET definition_id = ? WHERE id = ? AND version = ? AND status = 'running'") { st in
            try st.bind(1, definitionID); try st.bind(2, instanceID); try st.bind(3, expectedVersion)
        }
        if changes != 1 {
            throw EngineError.instanceChangedOrEnded(instanceID)
        }
    }

    // MARK: Tasks

    private static let taskColumns = """
        id, instance_id, process_id, business_key, element_id, name, role, office, assignee, form_key, state, due_at, \
        created_at, claimed_at, ended_at, completed_by, token_id, version
        """

    private func taskRecord(_ r: RawStatement) throws -> TaskRecord {
        guard let state = TaskState(rawValue: r.string(10)) else {
            throw EngineError(.incident, "Unbekannter Aufgabenstatus »\(r.string(10))«.")
        }
        return TaskRecord(id: r.int64(0), instanceID: r.int64(1), processID: r.string(2), businessKey: r.optionalString(3),
                          elementID: r.string(4), name: r.optionalString(5), role: r.optionalString(6), office: r.optionalString(7),
                          assignee: r.optionalString(8), formKey: r.optionalString(9), state: state, dueAt: r.optionalDate(11),
                          createdAt: r.date(12), claimedAt: r.optionalDate(13), endedAt: r.optionalDate(14),
                          completedBy: r.optionalString(15), tokenID: r.int(16), version: r.int64(17))
    }

    private static let taskByID = "SELECT \(taskColumns) FROM task WHERE id = ?"
    public func task(id: Int64) throws -> TaskRecord? {
        try row(Self.taskByID, bind: { try $0.bind(1, id) }, taskRecord)
    }

    private static let tasksByInstance = "SELECT \(taskColumns) FROM task WHERE instance_id = ? ORDER BY id"
    public func tasks(instanceID: Int64) throws -> [TaskRecord] {
        try rows(Self.tasksByInstance, bind: { try $0.bind(1, instanceID) }, taskRecord)
    }

    private static let openTasksSQL = "SELECT \(taskColumns) FROM task WHERE instance_id = ? AND ended_at IS NULL ORDER BY id"
    public func openTasks(instanceID: Int64) throws -> [TaskRecord] {
        try rows(Self.openTasksSQL, bind: { try $0.bind(1, instanceID) }, taskRecord)
    }

    /// The inbox queries: a WHERE clause built from the query's fields, bound in order.
    private func whereClause(_ q: TaskQuery) -> (String, (RawStatement, inout Int32) throws -> Void) {
        // Open tasks as the partial indexes define them; other state sets spelled out (no IN lists).
        let openOnly = Set(q.states) == [.created, .claimed]
        var clauses = [openOnly ? "ended_at IS NULL" : "(" + q.states.map { _ in "state = ?" }.joined(separator: " OR ") + ")"]
        if q.office != nil { clauses.append("office = ?") }
        if let roles = q.roles { clauses.append("(" + (roles.isEmpty ? "0" : roles.map { _ in "role = ?" }.joined(separator: " OR ")) + ")") }
        if q.unassignedOnly {
            clauses.append("assignee IS NULL")
        } else if q.assignee != nil {
            clauses.append(q.includeUnassigned ? "(assignee = ? OR assignee IS NULL)" : "assignee = ?")
        }
        // By way of the instance: one index less to maintain on every task write.
        if q.businessKey != nil { clauses.append("instance_id IN (SELECT id FROM instance WHERE business_key = ?)") }
        if q.processID != nil { clauses.append("process_id = ?") }
        if q.dueBefore != nil { clauses.append("due_at < ?") }
        return (clauses.joined(separator: " AND "), { st, i in
            if !openOnly { for s in q.states { try st.bind(i, s.rawValue); i += 1 } }
            if let office = q.office { try st.bind(i, office); i += 1 }
            for role in q.roles ?? [] { try st.bind(i, role); i += 1 }
            if !q.unassignedOnly, let assignee = q.assignee { try st.bind(i, assignee); i += 1 }
            if let key = q.businessKey { try st.bind(i, key); i += 1 }
            if let process = q.processID { try st.bind(i, process); i += 1 }
            if let due = q.dueBefore { try st.bind(i, due); i += 1 }
        })
    }

    public func tasks(matching q: TaskQuery) throws -> [TaskRecord] {
        let (clause, binder) = whereClause(q)
        let limit = max(0, min(q.limit, 1000))
        if q.offset > 0 {
            return try rows("SELECT \(Self.taskColumns) FROM task WHERE \(clause) ORDER BY due_at IS NULL, due_at, id LIMIT ? OFFSET ?", bind: { st in
                var i: Int32 = 1
                try binder(st, &i)
                try st.bind(i, limit)
                try st.bind(i + 1, max(0, q.offset))
            }, taskRecord)
        }
        // Several roles: "role = ? OR role = ?" would make SQLite sort every open task of the
        // office's roles before the first page. One index-ordered walk per role instead, each
        // stopping after a page, merged in the same order.
        if q.office != nil, let roles = q.roles, roles.count > 1 {
            var merged: [TaskRecord] = []
            for role in Set(roles) {
                var one = q
                one.roles = [role]
                merged += try tasks(matching: one)
            }
            merged.sort { a, b in
                if (a.dueAt == nil) != (b.dueAt == nil) { return b.dueAt == nil }
                if let x = a.dueAt, let y = b.dueAt, x != y { return x < y }
                return a.id < b.id
            }
            return Array(merged.prefix(limit))
        }
        // Keyset order in two walks that the inbox index (office, role, due_at, id, assignee) delivers
        // in order, so a page stops after `limit` rows instead of sorting every open task of the
        // office: first the tasks with a due date, then those without.
        var result: [TaskRecord] = []
        if q.after == nil || q.after?.dueAt != nil {
            let cursor = q.after?.dueAt != nil ? " AND due_at >= ? AND (due_at > ? OR id > ?)" : ""
            result = try rows(Self.walkSQL(q, clause, dated: true, cursor: cursor),
                              bind: { st in
                var i: Int32 = 1
                try binder(st, &i)
                if let after = q.after, let due = after.dueAt { try st.bind(i, due); try st.bind(i + 1, due); try st.bind(i + 2, after.id); i += 3 }
                try st.bind(i, limit)
            }, taskRecord)
        }
        if result.count < limit && q.dueBefore == nil {
            let cursor = q.after?.dueAt == nil && q.after != nil ? " AND id > ?" : ""
            let remaining = limit - result.count
            let undated = try rows(Self.walkSQL(q, clause, dated: false, cursor: cursor), bind: { st in
                var i: Int32 = 1
                try binder(st, &i)
                if let after = q.after, after.dueAt == nil { try st.bind(i, after.id); i += 1 }
                try st.bind(i, remaining)
            }, taskRecord)
            result += undated
        }
        return result
    }

    /// One walk of the inbox in index order: the dated tasks by due date, or the undated by id.
    /// Open tasks of one office and role name the inbox index: misled by its statistics, SQLite
    /// could otherwise pick another index (`task_instance`, the primary key) and sort every open task.
    static func walkSQL(_ q: TaskQuery, _ clause: String, dated: Bool, cursor: String) -> String {
        let source = q.office != nil && q.roles?.count == 1 && Set(q.states) == [.created, .claimed] ? "task INDEXED BY task_inbox" : "task"
        return dated
            ? "SELECT \(taskColumns) FROM \(source) WHERE \(clause) AND due_at IS NOT NULL\(cursor) ORDER BY due_at, id LIMIT ?"
            : "SELECT \(taskColumns) FROM \(source) WHERE \(clause) AND due_at IS NULL\(cursor) ORDER BY id LIMIT ?"
    }

    /// `EXPLAIN QUERY PLAN` of the statements the inbox runs for `q` (its first page's walks, or
    /// its capped count): for tests and diagnosis, so the plans checked are the ones used.
    public func queryPlan(forTasksMatching q: TaskQuery, counting: Bool) throws -> [String] {
        var statements: [String]
        if counting {
            statements = [countSQL(q).sql]
        } else {
            let (clause, _) = whereClause(q)
            statements = [Self.walkSQL(q, clause, dated: true, cursor: ""), Self.walkSQL(q, clause, dated: false, cursor: "")]
        }
        return try statements.flatMap { sql in
            try rows("EXPLAIN QUERY PLAN " + sql) { $0.string(3) }
        }
    }

    public func countTasks(matching q: TaskQuery) throws -> Int {
        let (clause, binder) = whereClause(q)
        return try row("SELECT COUNT(*) FROM task WHERE \(clause)", bind: { st in
            var i: Int32 = 1
            try binder(st, &i)
        }) { $0.int(0) } ?? 0
    }

    /// The count up to `cap`: a navigation shows "999+" without walking every open task.
    /// Open tasks of an office by role and assignee are counted as one range of `task_inbox` per
    /// role (the index answers alone, assignee included); other queries as they are.
    public func countTasks(matching q: TaskQuery, upTo cap: Int) throws -> Int {
        let (sql, binders) = countSQL(q)
        return try row(sql, bind: { st in
            var i: Int32 = 1
            for binder in binders { try binder(st, &i) }
            try st.bind(i, max(0, cap))
        }) { $0.int(0) } ?? 0
    }

    private func countSQL(_ q: TaskQuery) -> (sql: String, binders: [(RawStatement, inout Int32) throws -> Void]) {
        let parts = Self.countRanges(q)
        var binders: [(RawStatement, inout Int32) throws -> Void] = []
        let inner: String
        if parts.isEmpty {
            let (clause, binder) = whereClause(q)
            binders.append(binder)
            inner = "SELECT 1 FROM task WHERE \(clause)"
        } else {
            inner = parts.map { part -> String in
                let (clause, binder) = whereClause(part)
                binders.append(binder)
                return "SELECT 1 FROM task INDEXED BY task_inbox WHERE \(clause)"
            }.joined(separator: " UNION ALL ")
        }
        return ("SELECT COUNT(*) FROM (\(inner) LIMIT ?)", binders)
    }

    /// `q` split into one query per role when it asks for open tasks of one office by roles and
    /// assignee (each one range of `task_inbox`, the assignee checked in the index); empty when
    /// it does not have that shape.
    static func countRanges(_ q: TaskQuery) -> [TaskQuery] {
        guard q.office != nil, let roles = q.roles, !roles.isEmpty, Set(q.states) == [.created, .claimed], q.businessKey == nil,
              q.unassignedOnly || q.assignee != nil else { return [] }
        return roles.map { role in
            var one = q
            one.roles = [role]
            return one
        }
    }

    public func insertTask(_ r: TaskRecord) throws -> Int64 {
        let st = try statement(.insertTask)
        try st.bind(1, r.instanceID); try st.bind(2, r.processID); try st.bind(3, r.businessKey); try st.bind(4, r.elementID); try st.bind(5, r.name)
        try st.bind(6, r.role); try st.bind(7, r.office); try st.bind(8, r.assignee); try st.bind(9, r.formKey); try st.bind(10, r.state.rawValue)
        try st.bind(11, r.dueAt); try st.bind(12, r.createdAt); try st.bind(13, r.claimedAt); try st.bind(14, r.endedAt); try st.bind(15, r.completedBy)
        try st.bind(16, r.tokenID); try st.bind(17, r.version)
        try st.run()
        return lastInsertedRowID
    }

    public func updateTask(_ r: TaskRecord, expectedVersion: Int64) throws {
        try execute("""
            UPDATE task SET assignee = ?, state = ?, due_at = ?, claimed_at = ?, ended_at = ?, completed_by = ?, version = ?, name = ?, form_key = ?
            WHERE id = ? AND version = ?
            """) { st in
            try st.bind(1, r.assignee); try st.bind(2, r.state.rawValue); try st.bind(3, r.dueAt); try st.bind(4, r.claimedAt); try st.bind(5, r.endedAt)
            try st.bind(6, r.completedBy); try st.bind(7, r.version); try st.bind(8, r.name); try st.bind(9, r.formKey); try st.bind(10, r.id)
            try st.bind(11, expectedVersion)
        }
        if changes != 1 {
            throw EngineError.taskChangedConcurrently(r.id)
        }
    }

    public func markCompleted(_ task: TaskRecord, by user: String, at: Date) throws -> Bool {
        let st = try statement(.markCompleted)
        try st.bind(1, at); try st.bind(2, user); try st.bind(3, task.id); try st.bind(4, task.version)
        try st.run()
        return changes == 1
    }

    // MARK: Jobs

    private static let jobColumns = "id, instance_id, element_id, due_at, target, repeats_left, interval"

    private func jobRecord(_ r: RawStatement) -> JobRecord {
        JobRecord(id: r.int64(0), instanceID: r.int64(1), elementID: r.string(2), dueAt: r.date(3),
                  target: SubscriptionTarget(encoded: r.int(4)), repeatsLeft: r.int(5), interval: r.optionalString(6))
    }

    private static let jobByID = "SELECT \(jobColumns) FROM job WHERE id = ?"
    public func job(id: Int64) throws -> JobRecord? { try row(Self.jobByID, bind: { try $0.bind(1, id) }, jobRecord) }

    private static let jobsByInstance = "SELECT \(jobColumns) FROM job WHERE instance_id = ? ORDER BY id"
    public func jobs(instanceID: Int64) throws -> [JobRecord] {
        try rows(Self.jobsByInstance, bind: { try $0.bind(1, instanceID) }, jobRecord)
    }

    private static let dueJobsSQL = "SELECT \(jobColumns) FROM job WHERE due_at <= ? ORDER BY due_at, id LIMIT ?"
    public func dueJobs(before date: Date, limit: Int) throws -> [JobRecord] {
        try rows(Self.dueJobsSQL, bind: { try $0.bind(1, date); try $0.bind(2, limit) }, jobRecord)
    }

    public func nextJobDue() throws -> Date? {
        try row("SELECT MIN(due_at) FROM job", bind: { _ in }) { $0.optionalDate(0) } ?? nil
    }

    public func insertJob(_ r: JobRecord) throws -> Int64 {
        try execute("INSERT INTO job (instance_id, element_id, due_at, target, repeats_left, interval) VALUES (?, ?, ?, ?, ?, ?)") { st in
            try st.bind(1, r.instanceID); try st.bind(2, r.elementID); try st.bind(3, r.dueAt); try st.bind(4, r.target.encoded)
            try st.bind(5, r.repeatsLeft); try st.bind(6, r.interval)
        }
        return lastInsertedRowID
    }

    public func leaseDueJobs(now: Date, limit: Int, owner: String, until: Date) throws -> [JobRecord] {
        let leased = try rows("""
            UPDATE job SET lease_owner = ?, lease_until = ?
            WHERE id IN (SELECT id FROM job WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY due_at, id LIMIT ?)
            RETURNING \(Self.jobColumns)
            """, bind: { st in
                try st.bind(1, owner); try st.bind(2, until); try st.bind(3, now); try st.bind(4, now); try st.bind(5, limit)
            }, jobRecord)
        return leased.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
    }

    public func updateJob(_ r: JobRecord) throws {
        try execute("UPDATE job SET due_at = ?, repeats_left = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?") { st in
            try st.bind(1, r.dueAt); try st.bind(2, r.repeatsLeft); try st.bind(3, r.id)
        }
    }

    public func deleteJob(id: Int64) throws {
        try execute("DELETE FROM job WHERE id = ?") { try $0.bind(1, id) }
    }

    // MARK: Subscriptions

    private static let subscriptionColumns = "id, instance_id, element_id, message_name, correlation_key, target"

    private func subscriptionRecord(_ r: RawStatement) -> SubscriptionRecord {
        SubscriptionRecord(id: r.int64(0), instanceID: r.int64(1), elementID: r.string(2), messageName: r.string(3),
                           correlationKey: r.optionalString(4), target: SubscriptionTarget(encoded: r.int(5)))
    }

    private static let subscriptionByID = "SELECT \(subscriptionColumns) FROM subscription WHERE id = ?"
    public func subscription(id: Int64) throws -> SubscriptionRecord? {
        try row(Self.subscriptionByID, bind: { try $0.bind(1, id) }, subscriptionRecord)
    }

    private static let subscriptionsByInstance = "SELECT \(subscriptionColumns) FROM subscription WHERE instance_id = ? ORDER BY id"
    public func subscriptions(instanceID: Int64) throws -> [SubscriptionRecord] {
        try rows(Self.subscriptionsByInstance, bind: { try $0.bind(1, instanceID) }, subscriptionRecord)
    }

    private static let subscriptionsByMessage = """
        SELECT \(subscriptionColumns) FROM subscription
        WHERE message_name = ? AND (correlation_key IS NULL OR correlation_key = ?) ORDER BY id
        """
    public func subscriptions(messageName: String, correlationKey: String?) throws -> [SubscriptionRecord] {
        try rows(Self.subscriptionsByMessage, bind: { try $0.bind(1, messageName); try $0.bind(2, correlationKey) }, subscriptionRecord)
    }

    public func insertSubscription(_ r: SubscriptionRecord) throws -> Int64 {
        try execute("INSERT INTO subscription (instance_id, element_id, message_name, correlation_key, target) VALUES (?, ?, ?, ?, ?)") { st in
            try st.bind(1, r.instanceID); try st.bind(2, r.elementID); try st.bind(3, r.messageName); try st.bind(4, r.correlationKey)
            try st.bind(5, r.target.encoded)
        }
        return lastInsertedRowID
    }

    public func deleteSubscription(id: Int64) throws {
        try execute("DELETE FROM subscription WHERE id = ?") { try $0.bind(1, id) }
    }

    // MARK: History

    private static let historyColumns = "id, at, actor, command, instance_id, business_key, task_id, element_id, details"

    private func historyRecord(_ r: RawStatement) -> HistoryRecord {
        HistoryRecord(id: r.int64(0), at: r.date(1), actor: r.string(2), command: r.string(3), instanceID: r.optionalInt64(4),
                      businessKey: r.optionalString(5), taskID: r.optionalInt64(6), elementID: r.optionalString(7), details: r.string(8))
    }

    private static let historyByInstance = "SELECT \(historyColumns) FROM history WHERE instance_id = ? ORDER BY id"
    public func history(instanceID: Int64) throws -> [HistoryRecord] {
        try rows(Self.historyByInstance, bind: { try $0.bind(1, instanceID) }, historyRecord)
    }

    private static let historyByKey = """
        SELECT \(historyColumns) FROM history WHERE instance_id IN (SELECT id FROM instance WHERE business_key = ?) ORDER BY id
        """
    public func history(businessKey: String) throws -> [HistoryRecord] {
        try rows(Self.historyByKey, bind: { try $0.bind(1, businessKey) }, historyRecord)
    }

    public func appendHistory(_ r: HistoryRecord) throws {
        let st = try statement(.appendHistory)
        try st.bind(1, r.at); try st.bind(2, r.actor); try st.bind(3, r.command); try st.bind(4, r.instanceID); try st.bind(5, r.businessKey)
        try st.bind(6, r.taskID); try st.bind(7, r.elementID); try st.bind(8, r.details)
        try st.run()
    }
}
