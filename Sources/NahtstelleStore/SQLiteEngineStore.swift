import Foundation
import GRDB
import NahtstelleEngine

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a command the
/// engine acknowledged survives a crash or power loss. `:memory:` serves dry runs and benchmarks.
public final class SQLiteEngineStore: EngineStore {
    public let writer: any DatabaseWriter
    public let path: String?

    /// Opens (and migrates) the database at `path`; `nil` gives a private in-memory database.
    /// - Parameter migrations: the application's own tables, registered after the engine's.
    public init(path: String?, migrations: (inout DatabaseMigrator) -> Void = { _ in }) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = path
        if let path {
            writer = try DatabasePool(path: path, configuration: config)
        } else {
            writer = try DatabaseQueue(configuration: config)
        }
        var migrator = DatabaseMigrator()
        Self.registerEngineMigrations(&migrator)
        migrations(&migrator)
        try migrator.migrate(writer)
    }

    public func write<T>(_ body: (any EngineTransaction) throws -> T) throws -> T {
        try writer.write { db in try body(SQLiteTransaction(db: db)) }
    }

    public func read<T>(_ body: (any EngineReadTransaction) throws -> T) throws -> T {
        try writer.read { db in try body(SQLiteTransaction(db: db)) }
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
                    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'terminated', 'cancelled')),
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
                    state TEXT NOT NULL CHECK (state IN ('created', 'claimed', 'completed', 'cancelled')),
                    due_at REAL,
                    created_at REAL NOT NULL,
                    claimed_at REAL,
                    ended_at REAL,
                    completed_by TEXT,
                    token_id INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    CHECK (state != 'completed' OR (ended_at IS NOT NULL AND completed_by IS NOT NULL))
                );
                -- A token waits at most at one open task: a task can never exist twice.
                CREATE UNIQUE INDEX task_open_per_token ON task(instance_id, token_id) WHERE state IN ('created', 'claimed');
                -- The inbox: open tasks of an office and role by due date; and by assignee.
                CREATE INDEX task_inbox ON task(office, role, due_at) WHERE state IN ('created', 'claimed');
                CREATE INDEX task_assignee ON task(assignee, due_at) WHERE state IN ('created', 'claimed');
                CREATE INDEX task_instance ON task(instance_id);
                CREATE INDEX task_business_key ON task(business_key);
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
                CREATE INDEX history_business_key ON history(business_key);
                -- The audit trail is append-only.
                CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
                CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
                """)
        }
    }
}

/// One transaction's view of the store. Only valid inside the `write`/`read` closure it was handed to.
/// The application reaches its own tables through `db` (same transaction as the engine's command).
public struct SQLiteTransaction: EngineTransaction {
    public let db: Database

    // MARK: Definitions

    private static let definitionColumns = "id, process_id, version, name, content_hash, source, file_name, deployed_at, deployed_by"

    private func definitionRecord(_ row: Row) -> DefinitionRecord {
        DefinitionRecord(id: row[0], processID: row[1], version: row[2], name: row[3], contentHash: row[4],
                         source: [UInt8]((row[5] as Data?) ?? Data()), fileName: row[6],
                         deployedAt: Date(timeIntervalSince1970: row[7]), deployedBy: row[8])
    }

    public func definition(id: Int64) throws -> DefinitionRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.definitionColumns) FROM definition WHERE id = ?"), arguments: [id])
            .map(definitionRecord)
    }

    public func latestDefinition(processID: String) throws -> DefinitionRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.definitionColumns) FROM definition WHERE process_id = ? ORDER BY version DESC LIMIT 1"),
                         arguments: [processID]).map(definitionRecord)
    }

    public func definitions(processID: String) throws -> [DefinitionRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.definitionColumns) FROM definition WHERE process_id = ? ORDER BY version"),
                         arguments: [processID]).map(definitionRecord)
    }

    public func latestDefinitions() throws -> [DefinitionRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.definitionColumns) FROM definition d
            WHERE version = (SELECT MAX(version) FROM definition WHERE process_id = d.process_id) ORDER BY process_id
            """)).map(definitionRecord)
    }

    public func messageStartDefinitions(messageName: String) throws -> [DefinitionRecord] {
        // Only the newest version of each process starts new instances.
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.definitionColumns.split(separator: ",").map { "d." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM message_start m JOIN definition d ON d.id = m.definition_id
            WHERE m.message_name = ? AND d.version = (SELECT MAX(version) FROM definition WHERE process_id = d.process_id)
            ORDER BY d.process_id
            """), arguments: [messageName]).map(definitionRecord)
    }

    public func insertDefinition(_ r: DefinitionRecord, messageStartNames: [String]) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO definition (process_id, version, name, content_hash, source, file_name, deployed_at, deployed_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [r.processID, r.version, r.name, r.contentHash, Data(r.source), r.fileName,
                                     r.deployedAt.timeIntervalSince1970, r.deployedBy])
        let id = db.lastInsertedRowID
        for name in Set(messageStartNames) {
            try db.cachedStatement(sql: "INSERT INTO message_start (message_name, definition_id) VALUES (?, ?)").execute(arguments: [name, id])
        }
        return id
    }

    // MARK: Instances

    private static let instanceColumns = "id, definition_id, process_id, business_key, status, version, state, started_at, ended_at, end_event_id"

    private func instanceRecord(_ row: Row) throws -> InstanceRecord {
        guard let status = InstanceStatus(rawValue: row[4]) else {
            throw EngineError(.incident, "Unbekannter Status »\(row[4] as String)« in Instanz \(row[0] as Int64).")
        }
        let ended: Double? = row[8]
        return InstanceRecord(id: row[0], definitionID: row[1], processID: row[2], businessKey: row[3], status: status, version: row[5],
                              state: [UInt8]((row[6] as Data?) ?? Data()), startedAt: Date(timeIntervalSince1970: row[7]),
                              endedAt: ended.map(Date.init(timeIntervalSince1970:)), endEventID: row[9])
    }

    public func instance(id: Int64) throws -> InstanceRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.instanceColumns) FROM instance WHERE id = ?"), arguments: [id])
            .map(instanceRecord)
    }

    public func instances(businessKey: String) throws -> [InstanceRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.instanceColumns) FROM instance WHERE business_key = ? ORDER BY id"),
                         arguments: [businessKey]).map(instanceRecord)
    }

    public func instanceIDs(after afterID: Int64, limit: Int) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM instance WHERE id > ? ORDER BY id LIMIT ?"), arguments: [afterID, limit])
    }

    public func insertInstance(_ r: InstanceRecord) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO instance (definition_id, process_id, business_key, status, version, state, started_at, ended_at, end_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [r.definitionID, r.processID, r.businessKey, r.status.rawValue, r.version, Data(r.state),
                                     r.startedAt.timeIntervalSince1970, r.endedAt?.timeIntervalSince1970, r.endEventID])
        return db.lastInsertedRowID
    }

    public func updateInstance(_ r: InstanceRecord, expectedVersion: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE instance SET status = ?, version = ?, state = ?, ended_at = ?, end_event_id = ?, business_key = ?
            WHERE id = ? AND version = ?
            """).execute(arguments: [r.status.rawValue, r.version, Data(r.state), r.endedAt?.timeIntervalSince1970, r.endEventID,
                                     r.businessKey, r.id, expectedVersion])
        if db.changesCount != 1 {
            throw EngineError(.conflict, "Die Prozessinstanz \(r.id) wurde gleichzeitig geändert. Laden Sie neu und versuchen Sie es nochmals.")
        }
    }

    // MARK: Tasks

    private static let taskColumns = """
        id, instance_id, process_id, business_key, element_id, name, role, office, assignee, form_key, state, due_at, \
        created_at, claimed_at, ended_at, completed_by, token_id, version
        """

    private func taskRecord(_ row: Row) throws -> TaskRecord {
        guard let state = TaskState(rawValue: row[10]) else {
            throw EngineError(.incident, "Unbekannter Aufgabenstatus »\(row[10] as String)«.")
        }
        func date(_ i: Int) -> Date? { (row[i] as Double?).map(Date.init(timeIntervalSince1970:)) }
        return TaskRecord(id: row[0], instanceID: row[1], processID: row[2], businessKey: row[3], elementID: row[4], name: row[5],
                          role: row[6], office: row[7], assignee: row[8], formKey: row[9], state: state, dueAt: date(11),
                          createdAt: Date(timeIntervalSince1970: row[12]), claimedAt: date(13), endedAt: date(14),
                          completedBy: row[15], tokenID: row[16], version: row[17])
    }

    public func task(id: Int64) throws -> TaskRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.taskColumns) FROM task WHERE id = ?"), arguments: [id]).map(taskRecord)
    }

    public func tasks(instanceID: Int64) throws -> [TaskRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.taskColumns) FROM task WHERE instance_id = ? ORDER BY id"),
                         arguments: [instanceID]).map(taskRecord)
    }

    private func whereClause(_ q: TaskQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var args: StatementArguments = []
        clauses.append("state IN (" + q.states.map { _ in "?" }.joined(separator: ",") + ")")
        for s in q.states { _ = args.append(contentsOf: [s.rawValue]) }
        if let office = q.office { clauses.append("office = ?"); _ = args.append(contentsOf: [office]) }
        if let roles = q.roles {
            clauses.append("role IN (" + (roles.isEmpty ? "NULL" : roles.map { _ in "?" }.joined(separator: ",")) + ")")
            _ = args.append(contentsOf: StatementArguments(roles))
        }
        if let assignee = q.assignee {
            clauses.append(q.includeUnassigned ? "(assignee = ? OR assignee IS NULL)" : "assignee = ?")
            _ = args.append(contentsOf: [assignee])
        }
        if let key = q.businessKey { clauses.append("business_key = ?"); _ = args.append(contentsOf: [key]) }
        return (clauses.joined(separator: " AND "), args)
    }

    public func tasks(matching q: TaskQuery) throws -> [TaskRecord] {
        let (clause, args) = whereClause(q)
        var all = args
        _ = all.append(contentsOf: [max(0, min(q.limit, 1000)), max(0, q.offset)])
        return try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.taskColumns) FROM task WHERE \(clause)
            ORDER BY due_at IS NULL, due_at, id LIMIT ? OFFSET ?
            """), arguments: all).map(taskRecord)
    }

    public func countTasks(matching q: TaskQuery) throws -> Int {
        let (clause, args) = whereClause(q)
        return try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM task WHERE \(clause)"), arguments: args) ?? 0
    }

    public func insertTask(_ r: TaskRecord) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO task (instance_id, process_id, business_key, element_id, name, role, office, assignee, form_key, state, due_at,
                              created_at, claimed_at, ended_at, completed_by, token_id, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [r.instanceID, r.processID, r.businessKey, r.elementID, r.name, r.role, r.office, r.assignee, r.formKey,
                                     r.state.rawValue, r.dueAt?.timeIntervalSince1970, r.createdAt.timeIntervalSince1970,
                                     r.claimedAt?.timeIntervalSince1970, r.endedAt?.timeIntervalSince1970, r.completedBy, r.tokenID, r.version])
        return db.lastInsertedRowID
    }

    public func updateTask(_ r: TaskRecord, expectedVersion: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE task SET assignee = ?, state = ?, due_at = ?, claimed_at = ?, ended_at = ?, completed_by = ?, version = ?
            WHERE id = ? AND version = ?
            """).execute(arguments: [r.assignee, r.state.rawValue, r.dueAt?.timeIntervalSince1970, r.claimedAt?.timeIntervalSince1970,
                                     r.endedAt?.timeIntervalSince1970, r.completedBy, r.version, r.id, expectedVersion])
        if db.changesCount != 1 {
            throw EngineError(.conflict, "Die Aufgabe \(r.id) wurde gleichzeitig geändert. Laden Sie neu und versuchen Sie es nochmals.")
        }
    }

    // MARK: Jobs

    private func jobRecord(_ row: Row) -> JobRecord {
        JobRecord(id: row[0], instanceID: row[1], elementID: row[2], dueAt: Date(timeIntervalSince1970: row[3]),
                  target: SubscriptionTarget(encoded: row[4]), repeatsLeft: row[5], interval: row[6])
    }

    private static let jobColumns = "id, instance_id, element_id, due_at, target, repeats_left, interval"

    public func job(id: Int64) throws -> JobRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.jobColumns) FROM job WHERE id = ?"), arguments: [id]).map(jobRecord)
    }

    public func jobs(instanceID: Int64) throws -> [JobRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.jobColumns) FROM job WHERE instance_id = ? ORDER BY id"),
                         arguments: [instanceID]).map(jobRecord)
    }

    public func dueJobs(before date: Date, limit: Int) throws -> [JobRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.jobColumns) FROM job WHERE due_at <= ? ORDER BY due_at, id LIMIT ?"),
                         arguments: [date.timeIntervalSince1970, limit]).map(jobRecord)
    }

    public func nextJobDue() throws -> Date? {
        try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(due_at) FROM job")).map(Date.init(timeIntervalSince1970:))
    }

    public func insertJob(_ r: JobRecord) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO job (instance_id, element_id, due_at, target, repeats_left, interval) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [r.instanceID, r.elementID, r.dueAt.timeIntervalSince1970, r.target.encoded, r.repeatsLeft, r.interval])
        return db.lastInsertedRowID
    }

    public func updateJob(_ r: JobRecord) throws {
        try db.cachedStatement(sql: "UPDATE job SET due_at = ?, repeats_left = ? WHERE id = ?")
            .execute(arguments: [r.dueAt.timeIntervalSince1970, r.repeatsLeft, r.id])
    }

    public func deleteJob(id: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM job WHERE id = ?").execute(arguments: [id])
    }

    // MARK: Subscriptions

    private static let subscriptionColumns = "id, instance_id, element_id, message_name, correlation_key, target"

    private func subscriptionRecord(_ row: Row) -> SubscriptionRecord {
        SubscriptionRecord(id: row[0], instanceID: row[1], elementID: row[2], messageName: row[3], correlationKey: row[4],
                           target: SubscriptionTarget(encoded: row[5]))
    }

    public func subscription(id: Int64) throws -> SubscriptionRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.subscriptionColumns) FROM subscription WHERE id = ?"), arguments: [id])
            .map(subscriptionRecord)
    }

    public func subscriptions(instanceID: Int64) throws -> [SubscriptionRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.subscriptionColumns) FROM subscription WHERE instance_id = ? ORDER BY id"),
                         arguments: [instanceID]).map(subscriptionRecord)
    }

    public func subscriptions(messageName: String, correlationKey: String?) throws -> [SubscriptionRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.subscriptionColumns) FROM subscription
            WHERE message_name = ? AND (correlation_key IS NULL OR correlation_key = ?) ORDER BY id
            """), arguments: [messageName, correlationKey]).map(subscriptionRecord)
    }

    public func insertSubscription(_ r: SubscriptionRecord) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO subscription (instance_id, element_id, message_name, correlation_key, target) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [r.instanceID, r.elementID, r.messageName, r.correlationKey, r.target.encoded])
        return db.lastInsertedRowID
    }

    public func deleteSubscription(id: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM subscription WHERE id = ?").execute(arguments: [id])
    }

    // MARK: History

    private static let historyColumns = "id, at, actor, command, instance_id, business_key, task_id, element_id, details"

    private func historyRecord(_ row: Row) -> HistoryRecord {
        HistoryRecord(id: row[0], at: Date(timeIntervalSince1970: row[1]), actor: row[2], command: row[3], instanceID: row[4],
                      businessKey: row[5], taskID: row[6], elementID: row[7], details: row[8])
    }

    public func history(instanceID: Int64) throws -> [HistoryRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.historyColumns) FROM history WHERE instance_id = ? ORDER BY id"),
                         arguments: [instanceID]).map(historyRecord)
    }

    public func history(businessKey: String) throws -> [HistoryRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.historyColumns) FROM history WHERE business_key = ? ORDER BY id"),
                         arguments: [businessKey]).map(historyRecord)
    }

    public func appendHistory(_ r: HistoryRecord) throws {
        try db.cachedStatement(sql: """
            INSERT INTO history (at, actor, command, instance_id, business_key, task_id, element_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [r.at.timeIntervalSince1970, r.actor, r.command, r.instanceID, r.businessKey, r.taskID, r.elementID, r.details])
    }
}
