import Foundation
import NahtstelleEngine
import NahtstelleStoreTesting
import Testing

/// What the engine relies on from any store, run against each backend (SQLite always,
/// PostgreSQL when `NAHTSTELLE_TEST_POSTGRES_URL` is set): constraints, conflicts, rollback,
/// orderings, values stored exactly.
@Suite("EngineStore contract, on every backend")
struct EngineStoreContractTests {
    @Test(arguments: StoreBackend.available)
    func aTokenHasAtMostOneOpenTask(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        try store.write { tx in _ = try tx.insertTask(StoreSamples.task(instance, token: 1)) }
        #expect(throws: (any Error).self) {
            try store.write { tx in _ = try tx.insertTask(StoreSamples.task(instance, token: 1)) }
        }
        // Once that task has ended, the token may wait at a new one.
        try store.write { tx in
            let open = try tx.openTasks(instanceID: instance)
            #expect(try tx.markCompleted(open[0], by: "anna", at: Date()))
            _ = try tx.insertTask(StoreSamples.task(instance, token: 1))
        }
        #expect(try store.read { try $0.openTasks(instanceID: instance).count } == 1)
    }

    /// PostgreSQL answers a completion before the database has made it and sends it with the next
    /// task's insert; when the task was no longer completable, the caller must still get `false`
    /// (the command runs again), and nothing the body did on the wrong answer may stay.
    @Test(arguments: StoreBackend.available)
    func aCompletionThatCannotBeMadeIsAnsweredFalseEvenWithTheNextInsertBehindIt(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        let task = try store.write { tx in try tx.insertTask(StoreSamples.task(instance, token: 3)) }
        let record = try #require(try store.read { try $0.task(id: task) })
        #expect(try store.write { try $0.markCompleted(record, by: "anna", at: Date()) })
        var answers: [Bool] = []
        try store.write { tx in
            let done = try tx.markCompleted(record, by: "anna", at: Date())
            answers.append(done)
            if done { _ = try tx.insertTask(StoreSamples.task(instance, token: 4)) }
        }
        #expect(answers.last == false)
        #expect(try store.read { try $0.tasks(instanceID: instance) }.map(\.tokenID) == [3])
    }

    @Test(arguments: StoreBackend.available)
    func openAndEndedAreKeptConsistentByTheSchema(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        var bad = StoreSamples.task(instance, token: 2)
        bad.state = .completed  // completed without ended_at / completed_by
        #expect(throws: (any Error).self) { try store.write { tx in _ = try tx.insertTask(bad) } }
        #expect(try store.read { try $0.tasks(instanceID: instance) }.isEmpty)
    }

    @Test(arguments: StoreBackend.available)
    func largeTextAndBytesAreStoredWhole(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let big = String(repeating: "Gesprächsnotiz & <Verlauf> \"zitiert\" ", count: 3_000)  // ~110 KB
        let small = String(repeating: "ä", count: 40)
        let state = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let id = try store.write { tx in
            let instance = try StoreSamples.seedInstance(tx)
            var record = try #require(try tx.instance(id: instance))
            record.state = state
            record.version = 2
            try tx.updateInstance(record, expectedVersion: 1)
            for i in 0..<200 {
                try tx.appendHistory(HistoryRecord(at: Date(), actor: "u\(i)", command: "complete", instanceID: instance, businessKey: "K",
                                                   taskID: nil, elementID: small, details: i == 100 ? big : "{\"i\":\(i)}"))
            }
            return instance
        }
        let lines = try store.read { try $0.history(instanceID: id) }
        #expect(lines.count == 200)
        #expect(lines[100].details == big)
        #expect(lines[199].details == "{\"i\":199}")
        #expect(lines.allSatisfy { $0.elementID == small })
        #expect(lines[7].actor == "u7")
        #expect(try store.read { try $0.instance(id: id)?.state } == state)
    }

    @Test(arguments: StoreBackend.available)
    func datesComeBackExactlyAsWritten(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        // Sub-microsecond fractions (as Date() has them): SQLite keeps the seconds since 1970 as a
        // double, so every store gives back exactly that double (a microsecond timestamp would not).
        let dates = [Date(timeIntervalSince1970: 1_795_000_000.123456789), Date(timeIntervalSince1970: 0.000_000_3), Date()]
            .map { Date(timeIntervalSince1970: $0.timeIntervalSince1970) }
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        let ids = try store.write { tx in
            try dates.enumerated().map { i, date in
                var task = StoreSamples.task(instance, token: i)
                task.dueAt = date
                task.createdAt = date
                return try tx.insertTask(task)
            }
        }
        let stored = try store.read { tx in try ids.map { try #require(try tx.task(id: $0)) } }
        #expect(stored.map(\.dueAt) == dates)
        #expect(stored.map(\.createdAt) == dates)
        #expect(try store.read { try $0.tasks(matching: TaskQuery(dueBefore: dates[0], limit: 10)) }.map(\.id) == [ids[1]])
    }

    @Test(arguments: StoreBackend.available)
    func staleVersionsAreConflictsAndChangeNothing(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        let record = try #require(try store.read { try $0.instance(id: instance) })
        var changed = record
        changed.version = 2
        try store.write { try $0.updateInstance(changed, expectedVersion: 1) }
        let error = #expect(throws: EngineError.self) {
            var again = record
            again.status = .completed
            try store.write { try $0.updateInstance(again, expectedVersion: 1) }
        }
        #expect(error?.code == .conflict)
        #expect(error?.message == EngineError.instanceChangedConcurrently(instance).message)
        #expect(try store.read { try $0.instance(id: instance)?.status } == .running)
        let migrate = #expect(throws: EngineError.self) {
            try store.write { try $0.changeDefinition(instanceID: instance, to: record.definitionID, expectedVersion: 1) }
        }
        #expect(migrate?.code == .conflict)
        let task = try store.write { tx in try tx.insertTask(StoreSamples.task(instance, token: 9)) }
        let taskRecord = try #require(try store.read { try $0.task(id: task) })
        let taskError = #expect(throws: EngineError.self) { try store.write { try $0.updateTask(taskRecord, expectedVersion: 7) } }
        #expect(taskError?.code == .conflict)
        // A task completed (or claimed by another) is not completed again.
        #expect(try store.write { try $0.markCompleted(taskRecord, by: "anna", at: Date()) })
        #expect(try store.write { try !$0.markCompleted(taskRecord, by: "bruno", at: Date()) })
        #expect(try store.read { try $0.task(id: task)?.completedBy } == "anna")
    }

    @Test(arguments: StoreBackend.available)
    func concurrentReadModifyWriteCommandsAllSucceedAsIfOneAfterAnother(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        // Each command reads the instance and writes it back at the version it read, as the
        // engine's commands do. One after another (SQLite's one writer, PostgreSQL's retried
        // serialization failures), none of them may see a conflict.
        let outcomes = await withTaskGroup(of: String.self) { group in
            for i in 0..<8 {
                group.addTask {
                    do {
                        try store.write { tx in
                            var record = try #require(try tx.instance(id: instance))
                            let read = record.version
                            record.version += 1
                            record.endEventID = "by \(i)"
                            try tx.updateInstance(record, expectedVersion: read)
                        }
                        return "ok"
                    } catch { return "\(error)" }
                }
            }
            var all: [String] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes == Array(repeating: "ok", count: 8))
        #expect(try store.read { try $0.instance(id: instance)?.version } == 9)
    }

    @Test(arguments: StoreBackend.available)
    func concurrentDeploymentsOfOneProcessGetTheNextVersionsInTurn(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        // As `Engine.deploy` does: read the newest version, insert the next one.
        let versions = await withTaskGroup(of: String.self) { group in
            for i in 0..<6 {
                group.addTask {
                    do {
                        return try store.write { tx in
                            let version = (try tx.latestDefinition(processID: "p")?.version ?? 0) + 1
                            _ = try tx.insertDefinition(DefinitionRecord(processID: "p", version: version, name: nil, contentHash: "\(i)",
                                                                         source: [UInt8(i)], fileName: "p.bpmn", deployedAt: Date(), deployedBy: "t"),
                                                        messageStartNames: ["start-\(i)"])
                            return "\(version)"
                        }
                    } catch { return "\(error)" }
                }
            }
            var all: [String] = []
            for await version in group { all.append(version) }
            return all
        }
        #expect(versions.sorted() == ["1", "2", "3", "4", "5", "6"])
        #expect(try store.read { try $0.definitions(processID: "p") }.map(\.version) == [1, 2, 3, 4, 5, 6])
    }

    @Test(arguments: StoreBackend.available)
    func aFailedCommandRollsBackEverything(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { tx in
                _ = try tx.insertTask(StoreSamples.task(instance, token: 5))
                throw Boom()
            }
        }
        #expect(try store.read { try $0.tasks(instanceID: instance) }.isEmpty)
        // A failed statement too: the connection is usable afterwards.
        #expect(throws: (any Error).self) {
            try store.write { tx in
                _ = try tx.insertTask(StoreSamples.task(instance, token: 6))
                _ = try tx.insertTask(StoreSamples.task(instance, token: 6))
            }
        }
        try store.write { tx in _ = try tx.insertTask(StoreSamples.task(instance, token: 5)) }
        #expect(try store.read { try $0.tasks(instanceID: instance) }.map(\.tokenID) == [5])
    }

    @Test(arguments: StoreBackend.available)
    func theInboxPagesInDueDateOrderWithUndatedTasksLast(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        try store.write { tx in
            for i in 0..<50 {
                _ = try tx.insertTask(StoreSamples.task(instance, token: i, office: i % 2 == 0 ? "RAV" : "IV",
                                                        due: i % 10 == 0 ? nil : Double(100 - i % 7)))
            }
            for i in 0..<6 {
                _ = try tx.insertTask(StoreSamples.task(instance, token: 100 + i, office: "RAV", role: "optima-contact", due: Double(60 + 10 * i)))
            }
        }
        let all = try store.read { try $0.tasks(instanceID: instance) }
        func inOrder(_ tasks: [TaskRecord]) -> [Int64] {
            tasks.sorted { a, b in
                switch (a.dueAt, b.dueAt) {
                case let (x?, y?): (x, a.id) < (y, b.id)
                case (nil, nil): a.id < b.id
                case (nil, _): false
                case (_, nil): true
                }
            }.map(\.id)
        }
        let advisors = all.filter { $0.office == "RAV" && $0.role == "advisor" }
        // Page by page with the keyset cursor: the same tasks, in order, undated last.
        var pages: [Int64] = []
        var query = TaskQuery(office: "RAV", roles: ["advisor"], limit: 4)
        while true {
            let page = try store.read { try $0.tasks(matching: query) }
            pages += page.map(\.id)
            guard let last = page.last, page.count == 4 else { break }
            query.after = TaskCursor(dueAt: last.dueAt, id: last.id)
        }
        #expect(pages == inOrder(advisors))
        var offset = TaskQuery(office: "RAV", roles: ["advisor"], limit: 5, offset: 5)
        #expect(try store.read { try $0.tasks(matching: offset) }.map(\.id) == Array(inOrder(advisors).dropFirst(5).prefix(5)))
        offset.offset = 0
        #expect(try store.read { try $0.countTasks(matching: offset) } == advisors.count)
        // Several roles: one order across them.
        let both = try store.read { try $0.tasks(matching: TaskQuery(office: "RAV", roles: ["advisor", "optima-contact"], limit: 8)) }
        #expect(both.map(\.id) == Array(inOrder(all.filter { $0.office == "RAV" }).prefix(8)))
        // Overdue only: dated tasks before the moment.
        let overdue = try store.read { try $0.tasks(matching: TaskQuery(office: "RAV", roles: ["advisor"], dueBefore: Date(timeIntervalSince1970: 97))) }
        #expect(overdue.map(\.id) == inOrder(advisors.filter { ($0.dueAt?.timeIntervalSince1970 ?? 1000) < 97 }))
        #expect(try store.read { try $0.tasks(matching: TaskQuery(office: "RAV", roles: [])) }.isEmpty)
    }

    @Test(arguments: StoreBackend.available)
    func jobsAreDueEarliestFirst(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        #expect(try store.read { try $0.nextJobDue() } == nil)
        let ids = try store.write { tx in
            try [30.5, 10.25, 20, 10.25].map { due in
                try tx.insertJob(JobRecord(instanceID: instance, elementID: "timer", dueAt: Date(timeIntervalSince1970: due), target: .scope(0)))
            }
        }
        #expect(try store.read { try $0.nextJobDue() } == Date(timeIntervalSince1970: 10.25))
        let due = try store.read { try $0.dueJobs(before: Date(timeIntervalSince1970: 20), limit: 10) }
        #expect(due.map(\.id) == [ids[1], ids[3], ids[2]])
        #expect(due.first?.target == .scope(0))
        #expect(try store.read { try $0.dueJobs(before: Date(timeIntervalSince1970: 100), limit: 2) }.map(\.id) == [ids[1], ids[3]])
        try store.write { tx in
            try tx.deleteJob(id: ids[1])
            var later = try #require(try tx.job(id: ids[3]))
            later.dueAt = Date(timeIntervalSince1970: 40)
            try tx.updateJob(later)
        }
        #expect(try store.read { try $0.nextJobDue() } == Date(timeIntervalSince1970: 20))
    }

    @Test(arguments: StoreBackend.available)
    func dueJobsAreLeasedToOneNodeUntilTheLeaseEnds(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        let ids = try store.write { tx in
            try [10.0, 20, 30, 500].map { due in
                try tx.insertJob(JobRecord(instanceID: instance, elementID: "timer", dueAt: Date(timeIntervalSince1970: due), target: .scope(0)))
            }
        }
        let at = { (t: Double) in Date(timeIntervalSince1970: t) }
        // Node a takes two of the three due, earliest first; b gets the third, then nothing.
        #expect(try store.write { try $0.leaseDueJobs(now: at(100), limit: 2, owner: "a", until: at(160)) }.map(\.id) == [ids[0], ids[1]])
        #expect(try store.write { try $0.leaseDueJobs(now: at(100), limit: 10, owner: "b", until: at(160)) }.map(\.id) == [ids[2]])
        #expect(try store.write { try $0.leaseDueJobs(now: at(150), limit: 10, owner: "b", until: at(210)) }.isEmpty)
        // a fires its first job (deleted) and re-arms its second (the update ends the lease) …
        try store.write { tx in
            try tx.deleteJob(id: ids[0])
            var rearmed = try #require(try tx.job(id: ids[1]))
            rearmed.dueAt = at(120)
            try tx.updateJob(rearmed)
        }
        #expect(try store.write { try $0.leaseDueJobs(now: at(150), limit: 10, owner: "b", until: at(210)) }.map(\.id) == [ids[1]])
        // … and b dies holding ids[2] (leased until 160): after that, c takes it over.
        #expect(try store.write { try $0.leaseDueJobs(now: at(159), limit: 10, owner: "c", until: at(219)) }.isEmpty)
        #expect(try store.write { try $0.leaseDueJobs(now: at(161), limit: 10, owner: "c", until: at(221)) }.map(\.id) == [ids[2]])
    }

    @Test(arguments: StoreBackend.available)
    func definitionsAndMessagesAreFoundByTheirNewestVersion(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        try store.write { tx in
            for (process, version) in [("b", 1), ("a", 1), ("b", 2), ("Z", 1)] {
                _ = try tx.insertDefinition(DefinitionRecord(processID: process, version: version, name: nil, contentHash: "\(version)",
                                                             source: [UInt8(version)], fileName: "\(process).bpmn", deployedAt: Date(), deployedBy: "t"),
                                            messageStartNames: ["go", "go"])
            }
        }
        // Process ids in byte order (as SQLite compares text), whatever the database's locale.
        #expect(try store.read { try $0.latestDefinitions() }.map { "\($0.processID)\($0.version)" } == ["Z1", "a1", "b2"])
        #expect(try store.read { try $0.messageStartDefinitions(messageName: "go") }.map { "\($0.processID)\($0.version)" } == ["Z1", "a1", "b2"])
        #expect(try store.read { try $0.definitions(processID: "b") }.map(\.version) == [1, 2])
        #expect(try store.read { try $0.latestDefinition(processID: "b")?.source } == [2])
        #expect(throws: (any Error).self) {
            try store.write { tx in
                _ = try tx.insertDefinition(DefinitionRecord(processID: "a", version: 1, name: nil, contentHash: "x", source: [], fileName: "a.bpmn",
                                                             deployedAt: Date(), deployedBy: "t"), messageStartNames: [])
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func subscriptionsMatchTheirKeyOrNone(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let instance = try store.write { try StoreSamples.seedInstance($0) }
        let ids = try store.write { tx in
            try [("m", "k1"), ("m", nil), ("m", "k2"), ("n", "k1")].map { name, key in
                try tx.insertSubscription(SubscriptionRecord(instanceID: instance, elementID: "catch", messageName: name, correlationKey: key,
                                                             target: .token(3)))
            }
        }
        #expect(try store.read { try $0.subscriptions(messageName: "m", correlationKey: "k1") }.map(\.id) == [ids[0], ids[1]])
        #expect(try store.read { try $0.subscriptions(messageName: "m", correlationKey: nil) }.map(\.id) == [ids[1]])
        try store.write { try $0.deleteSubscription(id: ids[1]) }
        #expect(try store.read { try $0.subscriptions(instanceID: instance) }.map(\.id) == [ids[0], ids[2], ids[3]])
        #expect(try store.read { try $0.subscription(id: ids[3])?.target } == .token(3))
    }
}

/// Shown as skipped, with the reason, when the PostgreSQL cases of this suite do not run.
@Test(.enabled(if: StoreBackend.postgresURL != nil, Comment(rawValue: StoreBackend.postgresSkipped)))
func storeSuiteRunsOnPostgreSQL() {
    #expect(StoreBackend.available.contains(.postgres))
}
