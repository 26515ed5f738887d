import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore
import NahtstelleStoreTesting
import Synchronization
import Testing

/// A movable clock shared by every engine a test opens.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = ISODateTime.parse("2026-11-24T09:00:00Z")!) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0 = $0.addingTimeInterval(days * 86400) } }
}

/// An engine on a private database (a temp SQLite file, or a fresh PostgreSQL schema) that a
/// test can restart between any two steps — a fresh store, a fresh engine, nothing kept in
/// memory — to prove the outcome does not depend on it.
final class Harness {
    let database: ScratchDatabase
    let clock = TestClock()
    private(set) var engine: Engine

    init(_ backend: StoreBackend, _ fixtures: String...) throws {
        database = try ScratchDatabase(backend)
        engine = try Harness.open(database, clock)
        for fixture in fixtures { try engine.deploy(source: Harness.fixture(fixture), fileName: "\(fixture).bpmn", by: "test") }
    }

    /// An engine on a copy of an existing SQLite database file (a fixture), nothing deployed.
    init(copying file: String) throws {
        database = try ScratchDatabase(copyingSQLite: file)
        engine = try Harness.open(database, clock)
    }

    static func fixturePath(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(relative)").path
    }

    static func open(_ database: ScratchDatabase, _ clock: TestClock) throws -> Engine {
        var configuration = Engine.Configuration()
        configuration.now = { clock.now }
        configuration.serviceHandlers = ["notify": NoOpServiceTaskHandler(), "generate-document": NoOpServiceTaskHandler()]
        return Engine(store: try database.openStore(), configuration: configuration)
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).bpmn")
        return [UInt8](try Data(contentsOf: url))
    }

    /// Drops the engine and its store and opens new ones on the same database.
    func restart() throws {
        engine = try Harness.open(database, clock)
    }

    func openTasks(_ key: String? = nil) throws -> [TaskRecord] {
        try engine.tasks(TaskQuery(businessKey: key, limit: 1000))
    }

    /// The one open task at `elementID`.
    func task(_ elementID: String, key: String? = nil) throws -> TaskRecord {
        let matching = try openTasks(key).filter { $0.elementID == elementID }
        guard matching.count == 1 else {
            throw EngineError(.notFound, "expected one open \(elementID), found \(matching.count); open: \(try openTasks(key).map(\.elementID))")
        }
        return matching[0]
    }

    @discardableResult
    func complete(_ elementID: String, _ variables: [String: Value] = [:], key: String? = nil, user: String = "tester") throws -> CommandResult {
        try engine.complete(taskID: try task(elementID, key: key).id, variables: variables, by: user)
    }

    func expectConsistent(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try engine.invariantViolations() == [], sourceLocation: sourceLocation)
    }
}

/// Shown as skipped, with the reason, when the PostgreSQL cases of this suite do not run.
@Test(.enabled(if: StoreBackend.postgresURL != nil, Comment(rawValue: StoreBackend.postgresSkipped)))
func engineSuiteRunsOnPostgreSQL() {
    #expect(StoreBackend.available.contains(.postgres))
}
