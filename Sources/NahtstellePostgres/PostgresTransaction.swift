import Foundation
import NahtstelleEngine
import NIOCore
import PostgresNIO

/// One transaction's view of the PostgreSQL store; only valid inside the `write`/`read` closure
/// it was handed to. The same statements, orderings and conflict answers as `SQLiteTransaction`.
public struct PostgresTransaction: EngineTransaction {
    let session: PostgresSession
    /// Whether `markCompleted` answers `true` without waiting for the database (see there).
    let assumesCompletions: Bool

    init(_ session: PostgresSession, assumesCompletions: Bool = false) {
        self.session = session
        self.assumesCompletions = assumesCompletions
    }

    // MARK: Running statements

    private func rows<T>(_ query: PostgresQuery, _ map: (Columns) throws -> T) throws -> [T] {
        try session.query(query).rows.map { try map(Columns(PostgresRandomAccessRow($0))) }
    }

    private func row<T>(_ query: PostgresQuery, _ map: (Columns) throws -> T) throws -> T? {
        try session.query(query).rows.first.map { try map(Columns(PostgresRandomAccessRow($0))) }
    }

    /// Runs a statement and returns how many rows it changed.
    private func execute(_ query: PostgresQuery) throws -> Int {
        try session.query(query).metadata.rows ?? 0
    }

    /// Runs an `INSERT … RETURNING id`.
    private func insert(_ query: PostgresQuery) throws -> Int64 {
        guard let id = try row(query, { try $0.int64(0) }) else {
            throw PostgresStoreError(.statementFailed, "Die Datenbank gab keine neue Nummer zurück.", sql: query.sql)
        }
        return id
    }

    // MARK: Definitions

    private static let definitionColumns = "id, process_id, version, name, content_hash, source, file_name, deployed_at, deployed_by"

    private func definitionRecord(_ r: Columns) throws -> DefinitionRecord {
        DefinitionRecord(id: try r.int64(0), processID: try r.string(1), version: try r.int(2), name: try r.optionalString(3),
                         contentHash: try r.string(4), source: try r.bytes(5), fileName: try r.string(6), deployedAt: try r.date(7),
                         deployedBy: try r.string(8))
    }

    public func definition(id: Int64) throws -> DefinitionRecord? {
        try row("SELECT \(unescaped: Self.definitionColumns) FROM definition WHERE id = \(id)", definitionRecord)
    }

    public func latestDefinition(processID: String) throws -> DefinitionRecord? {
        try row("SELECT \(unescaped: Self.definitionColumns) FROM definition WHERE process_id = \(processID) ORDER BY version DESC LIMIT 1",
                definitionRecord)
    }

    public func latestDefinitionID(processID: String) throws -> Int64? {
        try row("SELECT id FROM definition WHERE process_id = \(processID) ORDER BY version DESC LIMIT 1") { try $0.int64(0) }
    }

    public func definitions(processID: String) throws -> [DefinitionRecord] {
        try rows("SELECT \(unescaped: Self.definitionColumns) FROM definition WHERE process_id = \(processID) ORDER BY version", definitionRecord)
    }

    public func latestDefinitions() throws -> [DefinitionRecord] {
        try rows("""
            SELECT \(unescaped: Self.definitionColumns) FROM definition d
            WHERE version = (SELECT MAX(version) FROM definition WHERE process_id = d.process_id) ORDER BY process_id
            """, definitionRecord)
    }

    public func messageStartDefinitions(messageName: String) throws -> [DefinitionRecord] {
        // Only the newest version of each process starts new instances.
        try rows("""
            SELECT d.id, d.process_id, d.version, d.name, d.content_hash, d.source, d.file_name, d.deployed_at, d.deployed_by
            FROM message_start m JOIN definition d ON d.id = m.definition_id
            WHERE m.message_name = \(messageName) AND d.version = (SELECT MAX(version) FROM definition WHERE process_id = d.process_id)
            ORDER BY d.process_id
            """, definitionRecord)
    }

    public func insertDefinition(_ r: DefinitionRecord, messageStartNames: [String]) throws -> Int64 {
        let id = try insert("""
            INSERT INTO definition (process_id, version, name, content_hash, source, file_name, deployed_at, deployed_by)
            VALUES (\(r.processID), \(Int64(r.version)), \(r.name), \(r.contentHash), \(ByteBuffer(bytes: r.source)), \(r.fileName),
                    \(r.deployedAt.timeIntervalSince1970), \(r.deployedBy)) RETURNING id
            """)
        for name in Set(messageStartNames).sorted() {
            _ = try execute("INSERT INTO message_start (message_name, definition_id) VALUES (\(name), \(id))")
        }
        return id
    }

    // MARK: Instances

    private static let instanceColumns = "id, definition_id, process_id, business_key, status, version, state, started_at, ended_at, end_event_id"

    private func instanceRecord(_ r: Columns) throws -> InstanceRecord {
        let statusText = try r.string(4)
        guard let status = InstanceStatus(rawValue: statusText) else {
            throw EngineError(.incident, "Unbekannter Status »\(statusText)« in Instanz \(try r.int64(0)).")
        }
        return InstanceRecord(id: try r.int64(0), definitionID: try r.int64(1), processID: try r.string(2), businessKey: try r.optionalString(3),
                              status: status, version: try r.int64(5), state: try r.bytes(6), startedAt: try r.date(7),
                              endedAt: try r.optionalDate(8), endEventID: try r.optionalString(9))
    }

    public func instance(id: Int64) throws -> InstanceRecord? {
        try row("SELECT \(unescaped: Self.instanceColumns) FROM instance WHERE id = \(id)", instanceRecord)
    }

    public func instances(businessKey: String) throws -> [InstanceRecord] {
        try rows("SELECT \(unescaped: Self.instanceColumns) FROM instance WHERE business_key = \(businessKey) ORDER BY id", instanceRecord)
    }

    public func instanceIDs(after afterID: Int64, limit: Int) throws -> [Int64] {
        try rows("SELECT id FROM instance WHERE id > \(afterID) ORDER BY id LIMIT \(Int64(limit))") { try $0.int64(0) }
    }

    public func runningInstances(definitionID: Int64, after afterID: Int64, limit: Int) throws -> [InstanceRecord] {
        try rows("""
            SELECT \(unescaped: Self.instanceColumns) FROM instance
            WHERE definition_id = \(definitionID) AND status = 'running' AND id > \(afterID) ORDER BY id LIMIT \(Int64(limit))
            """, instanceRecord)
    }

    public func insertInstance(_ r: InstanceRecord) throws -> Int64 {
        try insert("""
            INSERT INTO instance (definition_id, process_id, business_key, status, version, state, started_at, ended_at, end_event_id)
            VALUES (\(r.definitionID), \(r.processID), \(r.businessKey), \(r.status.rawValue), \(r.version), \(ByteBuffer(bytes: r.state)),
                    \(r.startedAt.timeIntervalSince1970), \(r.endedAt?.timeIntervalSince1970), \(r.endEventID)) RETURNING id
            """)
    }

    /// Not sent at once: held back for the history line that follows it in every engine command
    /// (see `appendHistory`), and sent without waiting for its row count. When no row is at
    /// `expectedVersion`, the statement fails (`nahtstelle_expect_one_row`), which aborts the
    /// transaction, and the next statement or the COMMIT throws the conflict — the same
    /// `EngineError` SQLite's store throws at once.
    public func updateInstance(_ r: InstanceRecord, expectedVersion: Int64) throws {
        // Not the business key: it is set once.
        let binds: [PostgresData] = [.text(r.status.rawValue), .int(r.version), PostgresData(bytes: r.state), .date(r.endedAt),
                                     .text(r.endEventID), .int(r.id), .int(expectedVersion)]
        try session.hold(HeldWrite(kind: .instanceUpdate, sql: Self.updateInstanceChecked, binds: binds,
                                   stale: .conflict(EngineError.instanceChangedConcurrently(r.id))),
                         after: .taskCompletionAndInsert)
    }

    /// The instance update with its seven parameters, alone (`updateInstanceChecked`) or carried
    /// by the history line (`updateInstanceAndAppendHistory`).
    private static let updateInstanceSQL = """
        UPDATE instance SET status = $1, version = $2, state = $3, ended_at = $4, end_event_id = $5
        WHERE id = $6 AND version = $7 RETURNING 1
        """
    private static let updateInstanceChecked = """
        WITH changed AS (\(updateInstanceSQL))
        SELECT nahtstelle_expect_one_row((SELECT count(*) FROM changed))
        """

    public func changeDefinition(instanceID: Int64, to definitionID: Int64, expectedVersion: Int64) throws {
        let changed = try execute("""
            UPDATE instance SET definition_id = \(definitionID) WHERE id = \(instanceID) AND version = \(expectedVersion) AND status = 'running'
            """)
        if changed != 1 { throw EngineError.instanceChangedOrEnded(instanceID) }
    }

    // MARK: Tasks

    static let taskColumns = """
        id, instance_id, process_id, business_key, element_id, name, role, office, assignee, form_key, state, due_at, \
        created_at, claimed_at, ended_at, completed_by, token_id, version
        """

    func taskRecord(_ r: Columns) throws -> TaskRecord {
        let stateText = try r.string(10)
        guard let state = TaskState(rawValue: stateText) else {
            throw EngineError(.incident, "Unbekannter Aufgabenstatus »\(stateText)«.")
        }
        return TaskRecord(id: try r.int64(0), instanceID: try r.int64(1), processID: try r.string(2), businessKey: try r.optionalString(3),
                          elementID: try r.string(4), name: try r.optionalString(5), role: try r.optionalString(6), office: try r.optionalString(7),
                          assignee: try r.optionalString(8), formKey: try r.optionalString(9), state: state, dueAt: try r.optionalDate(11),
                          createdAt: try r.date(12), claimedAt: try r.optionalDate(13), endedAt: try r.optionalDate(14),
                          completedBy: try r.optionalString(15), tokenID: try r.int(16), version: try r.int64(17))
    }

    public func task(id: Int64) throws -> TaskRecord? {
        try row("SELECT \(unescaped: Self.taskColumns) FROM task WHERE id = \(id)", taskRecord)
    }

    public func tasks(instanceID: Int64) throws -> [TaskRecord] {
        try rows("SELECT \(unescaped: Self.taskColumns) FROM task WHERE instance_id = \(instanceID) ORDER BY id", taskRecord)
    }

    public func openTasks(instanceID: Int64) throws -> [TaskRecord] {
        try rows("SELECT \(unescaped: Self.taskColumns) FROM task WHERE instance_id = \(instanceID) AND ended_at IS NULL ORDER BY id", taskRecord)
    }

    public func tasks(matching q: TaskQuery) throws -> [TaskRecord] {
        try rows(TaskQuerySQL.page(q), taskRecord)
    }

    public func countTasks(matching q: TaskQuery) throws -> Int {
        try row(TaskQuerySQL.count(q)) { try $0.int(0) } ?? 0
    }

    public func countTasks(matching q: TaskQuery, upTo cap: Int) throws -> Int {
        try row(TaskQuerySQL.count(q, upTo: cap)) { try $0.int(0) } ?? 0
    }

    /// When the completion of the task before is held back (`markCompleted`), it goes out in the
    /// same statement, ahead of the insert: one round trip for both. The insert then only happens
    /// if the completion changed its row, and no row back means the completion was assumed wrongly.
    ///
    /// If the connection also holds a reserved task id (`TaskIDReservation`, taken by the last
    /// statement of the command before), the insert takes that id and nothing waits for an
    /// answer: completion and insert are held in turn, and the instance update and history line
    /// that end the command carry them (`appendHistory`) — the whole command is one statement
    /// between `BEGIN` and `COMMIT`, checked before the `COMMIT` like every write sent without
    /// waiting.
    public func insertTask(_ r: TaskRecord) throws -> Int64 {
        let binds: [PostgresData] = [
            .int(r.instanceID), .text(r.processID), .text(r.businessKey), .text(r.elementID), .text(r.name), .text(r.role),
            .text(r.office), .text(r.assignee), .text(r.formKey), .text(r.state.rawValue), .date(r.dueAt), .date(r.createdAt),
            .date(r.claimedAt), .date(r.endedAt), .text(r.completedBy), .int(Int64(r.tokenID)), .int(r.version)]
        let rows: [PostgresRow]
        if let completion = session.takeHeld(.taskCompletion)?.first {
            if let id = session.takeReservedTaskID() {
                try session.hold(HeldWrite(kind: .taskCompletionAndInsert, sql: Self.completeTaskAndInsertGivenTaskChecked,
                                           binds: completion.binds + binds + [.int(id)], stale: .assumedCompletion))
                return id
            }
            // The completion's row is changed before the insert reads `completed` (its count is
            // the insert's condition), so a task that follows on the same token does not meet the
            // open one in `task_open_per_token`: the same order as two statements.
            rows = try session.execute(prepared: Self.completeTaskAndInsertTask, completion.binds + binds)
            if rows.isEmpty { throw session.assumedCompletionFailed() }
        } else {
            rows = try session.execute(prepared: Self.insertTaskSQL, binds)
        }
        guard let id = rows.first?.first?.binaryInt64 else {
            throw PostgresStoreError(.statementFailed, "Die Datenbank gab keine neue Nummer zurück.")
        }
        return id
    }

    /// The columns `insertTask` writes, in the order of its 17 values.
    private static let insertedTaskColumns = """
        instance_id, process_id, business_key, element_id, name, role, office, assignee, form_key, state, due_at,
        created_at, claimed_at, ended_at, completed_by, token_id, version
        """
    /// The same 17 values after the completion's four parameters (`$5`–`$21`), typed: a `SELECT`
    /// gives its parameters no type from the columns as `VALUES` does.
    private static let nextTaskValues = """
        $5::bigint, $6::text, $7::text, $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text,
        $15::double precision, $16::double precision, $17::double precision, $18::double precision, $19::text, $20::bigint, $21::bigint
        """
    private static let insertTaskSQL = """
        INSERT INTO task (\(insertedTaskColumns))
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id
        """
    private static let completeTaskAndInsertTask = """
        WITH completed AS (\(completeTaskSQL))
        INSERT INTO task (\(insertedTaskColumns))
        SELECT \(nextTaskValues)
        WHERE (SELECT count(*) FROM completed) = 1
        RETURNING id
        """

    /// The next task's insert with its id given (`$22`, reserved), after the completion (`$1`–`$4`)
    /// and only if that changed its row: the id is not returned, and the statement ends with
    /// the completion's check (`nahtstelle_expect_one_row`) or carries more writes (`appendHistory`).
    private static let completeTaskAndInsertGivenTask = """
        WITH completed AS (\(completeTaskSQL)),
        inserted AS (
            INSERT INTO task (id, \(insertedTaskColumns))
            SELECT $22::bigint, \(nextTaskValues)
            WHERE (SELECT count(*) FROM completed) = 1)
        """
    private static let completeTaskAndInsertGivenTaskChecked = completeTaskAndInsertGivenTask + """

        SELECT nahtstelle_expect_one_row((SELECT count(*) FROM completed))
        """
    /// A whole completion in one statement: the completion and the next task (`$1`–`$22`, as
    /// above), the instance update (`$23`–`$29`) and the history line (`$30`–`$37`). Either
    /// check failing means the command runs again with the completion waited for, which then
    /// gives the engine the real answer (a conflict on the instance included).
    static let completion = completeTaskAndInsertGivenTask + """
        ,
        changed AS (\(shifted(updateInstanceSQL, by: 22))),
        logged AS (\(shifted(appendHistorySQL, by: 29)))
        SELECT nahtstelle_expect_one_row((SELECT count(*) FROM completed)), nahtstelle_expect_one_row((SELECT count(*) FROM changed))
        """

    /// `sql` with every parameter `$n` renumbered `$(n + offset)`, to carry it in a statement
    /// whose first `offset` parameters are another write's.
    static func shifted(_ sql: String, by offset: Int) -> String {
        var out = ""
        var rest = Substring(sql)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let digits = rest[rest.index(after: dollar)...].prefix(while: \.isASCII).prefix(while: \.isNumber)
            out += Int(digits).map { "$\($0 + offset)" } ?? "$" + digits
            rest = rest[digits.endIndex...]
        }
        return out + rest
    }

    public func updateTask(_ r: TaskRecord, expectedVersion: Int64) throws {
        let changed = try execute("""
            UPDATE task SET assignee = \(r.assignee), state = \(r.state.rawValue), due_at = \(r.dueAt?.timeIntervalSince1970),
                            claimed_at = \(r.claimedAt?.timeIntervalSince1970), ended_at = \(r.endedAt?.timeIntervalSince1970),
                            completed_by = \(r.completedBy), version = \(r.version), name = \(r.name), form_key = \(r.formKey)
            WHERE id = \(r.id) AND version = \(expectedVersion)
            """)
        if changed != 1 { throw EngineError.taskChangedConcurrently(r.id) }
    }

    /// With `assumesCompletions` (write transactions until a completion turned out wrong) the
    /// answer is `true` at once and the UPDATE is held back: the insert of the next task carries
    /// it (`insertTask`), or it goes out before the next statement, checked like an instance
    /// update. If the row was not completable after all, the transaction fails with
    /// `AssumedCompletionFailed` before anything commits, and `PostgresEngineStore.write` runs it
    /// again without assuming: then this waits for the row count and answers as SQLite's store.
    public func markCompleted(_ task: TaskRecord, by user: String, at: Date) throws -> Bool {
        // Only if still open, at the version the caller saw, and not claimed by someone else.
        let binds: [PostgresData] = [.date(at), .text(user), .int(task.id), .int(task.version)]
        if assumesCompletions {
            try session.hold(HeldWrite(kind: .taskCompletion, sql: Self.completeTaskChecked, binds: binds, stale: .assumedCompletion))
            return true
        }
        return try session.execute(prepared: Self.completeTaskSQL, binds).count == 1
    }

    /// The completion with its four parameters: waited for (as it is), held and sent alone
    /// (`completeTaskChecked`), or carried by the next task's insert (`completeTaskAndInsertTask`).
    ///
    /// "Still open" is said with `state`, not `ended_at IS NULL` (the same by the table's CHECK):
    /// with `ended_at IS NULL` the partial index `task_inbox` (…, id) matches too, and a generic
    /// plan made while the table was small walked that whole index for the id instead of taking
    /// the primary key — on a connection that plan stays, and the walk grows with the open tasks.
    package static let completeTaskSQL = """
        UPDATE task SET state = 'completed', ended_at = $1, completed_by = $2, assignee = COALESCE(assignee, $2), version = version + 1
        WHERE id = $3 AND version = $4 AND state IN ('created', 'claimed') AND (state = 'created' OR assignee = $2) RETURNING 1
        """
    private static let completeTaskChecked = """
        WITH completed AS (\(completeTaskSQL))
        SELECT nahtstelle_expect_one_row((SELECT count(*) FROM completed))
        """

    // MARK: Jobs

    private static let jobColumns = "id, instance_id, element_id, due_at, target, repeats_left, interval"

    private func jobRecord(_ r: Columns) throws -> JobRecord {
        JobRecord(id: try r.int64(0), instanceID: try r.int64(1), elementID: try r.string(2), dueAt: try r.date(3),
                  target: SubscriptionTarget(encoded: try r.int(4)), repeatsLeft: try r.int(5), interval: try r.optionalString(6))
    }

    public func job(id: Int64) throws -> JobRecord? {
        try row("SELECT \(unescaped: Self.jobColumns) FROM job WHERE id = \(id)", jobRecord)
    }

    public func jobs(instanceID: Int64) throws -> [JobRecord] {
        try rows("SELECT \(unescaped: Self.jobColumns) FROM job WHERE instance_id = \(instanceID) ORDER BY id", jobRecord)
    }

    public func dueJobs(before date: Date, limit: Int) throws -> [JobRecord] {
        try rows("""
            SELECT \(unescaped: Self.jobColumns) FROM job WHERE due_at <= \(date.timeIntervalSince1970) ORDER BY due_at, id LIMIT \(Int64(limit))
            """, jobRecord)
    }

    public func nextJobDue() throws -> Date? {
        try row("SELECT MIN(due_at) FROM job") { try $0.optionalDate(0) } ?? nil
    }

    public func insertJob(_ r: JobRecord) throws -> Int64 {
        try insert("""
            INSERT INTO job (instance_id, element_id, due_at, target, repeats_left, interval)
            VALUES (\(r.instanceID), \(r.elementID), \(r.dueAt.timeIntervalSince1970), \(Int64(r.target.encoded)), \(Int64(r.repeatsLeft)),
                    \(r.interval)) RETURNING id
            """)
    }

    /// `FOR UPDATE SKIP LOCKED`: the rows another node is leasing right now are passed over, not
    /// waited for. A row another node leased and committed after this transaction's snapshot is a
    /// serialization failure, and the store runs the lease again on a fresh snapshot.
    public func leaseDueJobs(now: Date, limit: Int, owner: String, until: Date) throws -> [JobRecord] {
        let at = now.timeIntervalSince1970
        let leased = try rows("""
            UPDATE job SET lease_owner = \(owner), lease_until = \(until.timeIntervalSince1970)
            WHERE id IN (SELECT id FROM job WHERE due_at <= \(at) AND (lease_until IS NULL OR lease_until <= \(at))
                         ORDER BY due_at, id LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.jobColumns)
            """, jobRecord)
        return leased.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
    }

    public func updateJob(_ r: JobRecord) throws {
        _ = try execute("""
            UPDATE job SET due_at = \(r.dueAt.timeIntervalSince1970), repeats_left = \(Int64(r.repeatsLeft)), lease_owner = NULL, lease_until = NULL
            WHERE id = \(r.id)
            """)
    }

    public func deleteJob(id: Int64) throws {
        _ = try execute("DELETE FROM job WHERE id = \(id)")
    }

    // MARK: Subscriptions

    private static let subscriptionColumns = "id, instance_id, element_id, message_name, correlation_key, target"

    private func subscriptionRecord(_ r: Columns) throws -> SubscriptionRecord {
        SubscriptionRecord(id: try r.int64(0), instanceID: try r.int64(1), elementID: try r.string(2), messageName: try r.string(3),
                           correlationKey: try r.optionalString(4), target: SubscriptionTarget(encoded: try r.int(5)))
    }

    public func subscription(id: Int64) throws -> SubscriptionRecord? {
        try row("SELECT \(unescaped: Self.subscriptionColumns) FROM subscription WHERE id = \(id)", subscriptionRecord)
    }

    public func subscriptions(instanceID: Int64) throws -> [SubscriptionRecord] {
        try rows("SELECT \(unescaped: Self.subscriptionColumns) FROM subscription WHERE instance_id = \(instanceID) ORDER BY id", subscriptionRecord)
    }

    public func subscriptions(messageName: String, correlationKey: String?) throws -> [SubscriptionRecord] {
        // `= NULL` is never true, as in SQLite: without a key only the subscriptions without one match.
        try rows("""
            SELECT \(unescaped: Self.subscriptionColumns) FROM subscription
            WHERE message_name = \(messageName) AND (correlation_key IS NULL OR correlation_key = \(correlationKey)) ORDER BY id
            """, subscriptionRecord)
    }

    public func insertSubscription(_ r: SubscriptionRecord) throws -> Int64 {
        try insert("""
            INSERT INTO subscription (instance_id, element_id, message_name, correlation_key, target)
            VALUES (\(r.instanceID), \(r.elementID), \(r.messageName), \(r.correlationKey), \(Int64(r.target.encoded))) RETURNING id
            """)
    }

    public func deleteSubscription(id: Int64) throws {
        _ = try execute("DELETE FROM subscription WHERE id = \(id)")
    }

    // MARK: History

    private static let historyColumns = "id, at, actor, command, instance_id, business_key, task_id, element_id, details"

    private func historyRecord(_ r: Columns) throws -> HistoryRecord {
        HistoryRecord(id: try r.int64(0), at: try r.date(1), actor: try r.string(2), command: try r.string(3), instanceID: try r.optionalInt64(4),
                      businessKey: try r.optionalString(5), taskID: try r.optionalInt64(6), elementID: try r.optionalString(7),
                      details: try r.string(8))
    }

    public func history(instanceID: Int64) throws -> [HistoryRecord] {
        try rows("SELECT \(unescaped: Self.historyColumns) FROM history WHERE instance_id = \(instanceID) ORDER BY id", historyRecord)
    }

    public func history(businessKey: String) throws -> [HistoryRecord] {
        try rows("""
            SELECT \(unescaped: Self.historyColumns) FROM history
            WHERE instance_id IN (SELECT id FROM instance WHERE business_key = \(businessKey)) ORDER BY id
            """, historyRecord)
    }

    /// Sent without waiting for the answer (an INSERT without result): a failure (the trigger,
    /// a constraint) fails the transaction at its next statement or its COMMIT. The instance
    /// update held back just before it (`updateInstance`) goes out in the same statement: one
    /// round trip for both, and a stale version fails the statement as it would fail alone.
    public func appendHistory(_ r: HistoryRecord) throws {
        let binds: [PostgresData] = [.date(r.at), .text(r.actor), .text(r.command), .int(r.instanceID), .text(r.businessKey), .int(r.taskID),
                                     .text(r.elementID), .text(r.details)]
        // The command's last statement also takes the id of the next task a completion on this
        // connection will create, unless the connection holds one (`TaskIDReservation`).
        let reserve = !session.hasReservedTaskID()
        if let writes = session.takeHeld(.taskCompletionAndInsert, .instanceUpdate) {
            try session.send(prepared: reserve ? Self.completionReservingTaskID : Self.completion,
                             writes[0].binds + writes[1].binds + binds, stale: .assumedCompletion, reservesTaskID: reserve)
        } else if let update = session.takeHeld(.instanceUpdate)?.first {
            try session.send(prepared: reserve ? Self.updateInstanceAndAppendHistoryReservingTaskID : Self.updateInstanceAndAppendHistory,
                             update.binds + binds, stale: update.stale, reservesTaskID: reserve)
        } else {
            try session.send(prepared: Self.appendHistorySQL, binds)
        }
    }

    /// The same statements with a last column that reserves a task id (`PostgresSession.send`).
    private static let reservedTaskIDColumn = ", nextval('task_id_seq')"
    private static let completionReservingTaskID = completion + reservedTaskIDColumn
    private static let updateInstanceAndAppendHistoryReservingTaskID = updateInstanceAndAppendHistory + reservedTaskIDColumn

    private static let appendHistorySQL = """
        INSERT INTO history (at, actor, command, instance_id, business_key, task_id, element_id, details)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """
    private static let updateInstanceAndAppendHistory = """
        WITH changed AS (\(updateInstanceSQL)),
        logged AS (INSERT INTO history (at, actor, command, instance_id, business_key, task_id, element_id, details)
                   VALUES ($8, $9, $10, $11, $12, $13, $14, $15))
        SELECT nahtstelle_expect_one_row((SELECT count(*) FROM changed))
        """
}

/// Values for the prepared statements' parameters (postgres-nio takes them as `PostgresData`);
/// `nil` is NULL. Dates as seconds since 1970 (see `PostgresMigrations`).
extension PostgresData {
    static func int(_ value: Int64?) -> PostgresData { value.map { PostgresData(int: Int($0)) } ?? .null }
    static func text(_ value: String?) -> PostgresData { value.map { PostgresData(string: $0) } ?? .null }
    static func date(_ value: Date?) -> PostgresData { value.map { PostgresData(double: $0.timeIntervalSince1970) } ?? .null }
}

/// The columns of one result row, read by position.
struct Columns {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRandomAccessRow) { self.row = row }

    func int64(_ i: Int) throws -> Int64 { try row[i].decode(Int64.self) }
    func int(_ i: Int) throws -> Int { Int(try row[i].decode(Int64.self)) }
    func optionalInt64(_ i: Int) throws -> Int64? { try row[i].decode(Int64?.self) }
    func string(_ i: Int) throws -> String { try row[i].decode(String.self) }
    func optionalString(_ i: Int) throws -> String? { try row[i].decode(String?.self) }
    /// Seconds since 1970 as SQLite stores them (see `PostgresMigrations`).
    func date(_ i: Int) throws -> Date { Date(timeIntervalSince1970: try row[i].decode(Double.self)) }
    func optionalDate(_ i: Int) throws -> Date? { try row[i].decode(Double?.self).map { Date(timeIntervalSince1970: $0) } }
    func bytes(_ i: Int) throws -> [UInt8] {
        guard let buffer = try row[i].decode(ByteBuffer?.self) else { return [] }
        return Array(buffer.readableBytesView)
    }
}

extension PostgresCell {
    /// An 8-byte integer the server sent in binary (big-endian): a new id, whatever format the
    /// statement's description names. `nil` for anything else.
    var binaryInt64: Int64? {
        guard var bytes, bytes.readableBytes == 8 else { return nil }
        return bytes.readInteger(as: Int64.self)
    }
}
