import Foundation
import NahtstelleEngine
@testable import NahtstellePostgres
import NahtstelleStoreTesting
import Testing

/// On PostgreSQL a task completion that creates the next task is one statement between `BEGIN`
/// and `COMMIT` when the connection holds a task id reserved by the command before it
/// (`TaskIDReservation`): these tests show that the reserved id is used, that the engine's answers
/// stay the same when that statement finds the task or the instance changed, and when the
/// reservation is too old.
@Suite("PostgreSQL store: a completion in one statement")
struct PostgresCompletionStatementTests {
    static let process = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn"
                     id="d" targetNamespace="http://nahtstelle.ch/test">
          <process id="steps" isExecutable="true">
            <startEvent id="start"/>
            <sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
            <userTask id="a" name="Erster Schritt" nahtstelle:role="advisor"/>
            <sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
            <userTask id="b" name="Zweiter Schritt" nahtstelle:role="advisor"/>
            <sequenceFlow id="f3" sourceRef="b" targetRef="c"/>
            <userTask id="c" name="Dritter Schritt" nahtstelle:role="advisor"/>
            <sequenceFlow id="f4" sourceRef="c" targetRef="end"/>
            <endEvent id="end"/>
          </process>
        </definitions>
        """

    /// One connection, so that every command runs on the connection the one before left its
    /// reserved id on.
    static func engine(_ database: ScratchDatabase) throws -> (Engine, PostgresEngineStore) {
        let store = try PostgresEngineStore(url: database.location + "&pool_size=1")
        let engine = Engine(store: store)
        _ = try engine.deploy(source: Array(process.utf8), fileName: "steps.bpmn", by: "test")
        return (engine, store)
    }

    static func start(_ engine: Engine) throws -> Int64 {
        try #require(engine.startInstance(processID: "steps", by: "anna").instanceID)
    }

    /// Completes the instance's open task. Its command's last statement leaves a reserved task
    /// id on the connection.
    @discardableResult
    static func completeOpenTask(_ engine: Engine, _ instance: Int64) throws -> CommandResult {
        try engine.complete(taskID: try openTask(engine, instance).id, by: "anna")
    }

    static func openTask(_ engine: Engine, _ instance: Int64) throws -> TaskRecord {
        let open = try engine.tasks(instanceID: instance).filter { $0.endedAt == nil }
        #expect(open.count == 1)
        return try #require(open.first)
    }

    static func historyLines(_ store: PostgresEngineStore, _ instance: Int64) throws -> Int {
        try store.execute(sql: "SELECT 1 FROM history WHERE instance_id = \(instance) AND command = 'complete'")
    }

    /// The second instance's task is created after the first completion reserved an id, and gets
    /// a higher id from the sequence; the second completion then creates its task with the
    /// reserved, lower id. Without the reservation the ids would follow the order of creation.
    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func aCompletionCreatesItsTaskWithTheIdTheCommandBeforeReserved() throws {
        let database = try ScratchDatabase(.postgres)
        let (engine, store) = try Self.engine(database)
        let first = try Self.start(engine)
        try Self.completeOpenTask(engine, first)
        let second = try Self.start(engine)
        let laterTask = try Self.openTask(engine, second)
        let result = try Self.completeOpenTask(engine, first)
        let created = try #require(result.createdTasks.first)
        #expect(created.elementID == "c")
        #expect(created.id < laterTask.id, "the task of the second completion has the id reserved before the second instance started")
        // Stored as answered: the task is there with that id, open, and its instance waits at it.
        #expect(try Self.openTask(engine, first).id == created.id)
        #expect(try Self.historyLines(store, first) == 2)
        try engine.complete(taskID: created.id, by: "anna")
        #expect(try engine.instance(id: first)?.status == .completed)
        #expect(try engine.invariantViolations() == [])
        // The id the name in the statement refers to is the task table's own sequence.
        #expect(try store.execute(sql: "SELECT 1 WHERE pg_get_serial_sequence('task', 'id')::regclass = 'task_id_seq'::regclass") == 1)
    }

    /// Another node claimed the task after this engine cached it: the one statement finds the
    /// task not completable, nothing of it stays, and the command runs again with the completion
    /// waited for — which gives the engine's own answer, as on SQLite.
    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func aTaskClaimedMeanwhileGivesTheEnginesAnswerAndWritesNothing() throws {
        let database = try ScratchDatabase(.postgres)
        let (engine, store) = try Self.engine(database)
        try Self.completeOpenTask(engine, try Self.start(engine))
        let instance = try Self.start(engine)
        let task = try Self.openTask(engine, instance)
        #expect(try store.execute(sql: "UPDATE task SET state = 'claimed', assignee = 'bruno', claimed_at = 0, version = version + 1 WHERE id = \(task.id)") == 1)
        let error = #expect(throws: EngineError.self) { try engine.complete(taskID: task.id, by: "anna") }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("bruno") == true, "\(error?.message ?? "")")
        #expect(try store.execute(sql: "SELECT 1 FROM task WHERE instance_id = \(instance)") == 1)
        #expect(try Self.historyLines(store, instance) == 0)
        #expect(try engine.invariantViolations() == [])
    }

    /// Another node moved the instance on after this engine cached it: the statement's instance
    /// check fails, nothing of it stays, and the command runs again on what the database holds.
    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func anInstanceChangedMeanwhileRunsTheCommandAgainOnWhatIsStored() throws {
        let database = try ScratchDatabase(.postgres)
        let (engine, store) = try Self.engine(database)
        let instance = try Self.start(engine)
        try Self.completeOpenTask(engine, instance)
        let task = try Self.openTask(engine, instance)
        // Same state, a newer version: only the version check can tell.
        #expect(try store.execute(sql: "UPDATE instance SET version = version + 1 WHERE id = \(instance)") == 1)
        let result = try engine.complete(taskID: task.id, by: "anna")
        #expect(result.createdTasks.map(\.elementID) == ["c"])
        #expect(try Self.openTask(engine, instance).elementID == "c")
        #expect(try Self.historyLines(store, instance) == 2)
        #expect(try engine.invariantViolations() == [])
    }

    /// A reservation is used only within its lifetime (see `TaskIDReservation`): the mail
    /// notices' cursor relies on a task being created soon after its id was taken.
    @Test func aReservedIdIsUsedOnlyWithinItsLifetime() {
        let taken = ContinuousClock.now
        let reservation = TaskIDReservation(id: 7, at: taken)
        #expect(reservation.isFresh(at: taken))
        #expect(reservation.isFresh(at: taken.advanced(by: TaskIDReservation.lifetime - .milliseconds(1))))
        #expect(!reservation.isFresh(at: taken.advanced(by: TaskIDReservation.lifetime)))
        #expect(TaskIDReservation.lifetime <= .seconds(5), "far below the mail cursor's margin of 30 s")
    }

    /// Parameters of a write carried by another statement are renumbered after that one's.
    @Test func carriedParametersAreRenumbered() {
        #expect(PostgresTransaction.shifted("UPDATE t SET a = $1, b = $12 WHERE id = $2 AND x = '$'", by: 22)
                == "UPDATE t SET a = $23, b = $34 WHERE id = $24 AND x = '$'")
        #expect(PostgresTransaction.completion.contains("$37"))
        #expect(!PostgresTransaction.completion.contains("$38"))
    }
}
