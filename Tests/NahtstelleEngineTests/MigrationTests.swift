import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStoreTesting
import Testing

@Suite("Migrating running instances between versions, restarted between steps")
struct MigrationTests {
    let start: [String: Value] = ["caseId": "F-1", "receiverOffice": "IV-LU", "referrerOffice": "RAV-WOL", "referrerAdvisor": "anna",
                                  "payingOffice": "RAV-WOL"]

    /// A fixture with its text changed, deployed as the next version.
    func deployChanged(_ h: Harness, _ fixture: String, _ change: (String) -> String) throws {
        let source = String(decoding: try Harness.fixture(fixture), as: UTF8.self)
        let changed = change(source)
        #expect(changed != source)
        try h.engine.deploy(source: Array(changed.utf8), fileName: "\(fixture).bpmn", by: "coordinator")
    }

    func tickets(_ plan: MigrationPlan) -> [MigrationTicket] {
        plan.instances.map { MigrationTicket(instanceID: $0.instanceID, version: $0.version) }
    }

    @Test(arguments: StoreBackend.available) func renamedTaskWithNewDeadlineMovesKeepsItsDueDateAndRunsToItsEnd(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "boundary")
        let started = try h.engine.startInstance(processID: "boundary", variables: start, businessKey: "F-1", by: "anna")
        let id = try #require(started.instanceID)
        let sign = try h.task("sign")
        try h.engine.claim(taskID: sign.id, user: "bruno")
        try deployChanged(h, "boundary") {
            $0.replacingOccurrences(of: #"name="Unterschreiben" nahtstelle:role="signatory" nahtstelle:office="=payingOffice" nahtstelle:due="P10D""#,
                                    with: #"name="Unterschreiben und ablegen" nahtstelle:role="signatory" nahtstelle:office="=payingOffice" nahtstelle:due="P20D""#)
        }
        try h.restart()
        let plan = try h.engine.migrationPlan(processID: "boundary", from: 1, to: 2)
        #expect(plan.instances.count == 1 && plan.movableCount == 1)
        let candidate = try #require(plan.instances.first)
        #expect(candidate.instanceID == id && candidate.businessKey == "F-1")
        #expect(candidate.waits.map(\.elementID) == ["sign"] && candidate.waits.map(\.name) == ["Unterschreiben"])
        // The dry run changed nothing.
        #expect(try h.engine.instance(id: id)?.version == candidate.version)
        #expect(try h.engine.history(instanceID: id).count == 2)

        try h.restart()
        let outcomes = try h.engine.migrate(processID: "boundary", from: 1, to: 2, instances: tickets(plan), by: "iiz")
        #expect(outcomes.map(\.migrated) == [true])
        #expect(outcomes.first?.version == candidate.version + 1)
        let v2 = try #require(try h.engine.store.read { try $0.definitions(processID: "boundary") }.first { $0.version == 2 })
        let instance = try #require(try h.engine.instance(id: id))
        #expect(instance.definitionID == v2.id)
        #expect(instance.version == candidate.version + 1)
        // The open task takes the new name; its deadline (Camunda keeps it too) and its claim stay.
        let moved = try h.task("sign")
        #expect(moved.name == "Unterschreiben und ablegen")
        #expect(moved.dueAt == sign.dueAt && moved.assignee == "bruno" && moved.state == .claimed)
        let last = try #require(try h.engine.history(instanceID: id).last)
        #expect(last.command == "migrate" && last.actor == "iiz")
        #expect(last.details.contains(#""from":1"#) && last.details.contains(#""to":2"#))
        try h.expectConsistent()

        // Its timers still fire, on the new version: two reminders, then the 30-day timeout.
        try h.restart()
        h.clock.advance(days: 10.5)
        #expect(try h.engine.fireDueJobs() == 1)
        #expect(Set(try h.openTasks().map(\.elementID)) == ["sign", "reminder"])
        h.clock.advance(days: 20)
        try h.restart()
        #expect(try h.engine.fireDueJobs() == 2)
        #expect(!(try h.openTasks().map(\.elementID)).contains("sign"))
        for task in try h.openTasks() { try h.engine.complete(taskID: task.id, by: "bruno") }
        let ended = try #require(try h.engine.instance(id: id))
        #expect(ended.status == .completed && ended.definitionID == v2.id)
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func removedStepsAndChangedMessagesAreNamedAndNothingMoves(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "boundary")
        let started = try h.engine.startInstance(processID: "boundary", variables: start, businessKey: "F-1", by: "anna")
        let id = try #require(started.instanceID)
        try deployChanged(h, "boundary") {
            $0.replacingOccurrences(of: #"<userTask id="sign""#, with: #"<serviceTask id="sign" nahtstelle:handler="notify""#)
                .replacingOccurrences(of: #"nahtstelle:role="signatory" nahtstelle:office="=payingOffice" nahtstelle:due="P10D"/>"#, with: "/>")
                .replacingOccurrences(of: #"<boundaryEvent id="timeout""#, with: #"<boundaryEvent id="timeout-neu""#)
                .replacingOccurrences(of: #"sourceRef="timeout""#, with: #"sourceRef="timeout-neu""#)
                .replacingOccurrences(of: #"name="note-added""#, with: #"name="note-changed""#)
        }
        let plan = try h.engine.migrationPlan(processID: "boundary", from: 1, to: 2)
        let reasons = try #require(plan.instances.first).reasons
        #expect(plan.movableCount == 0)
        #expect(reasons.contains { $0.contains("«Unterschreiben» (sign)") && $0.contains("Benutzeraufgabe") && $0.contains("Serviceaufgabe") })
        #expect(reasons.contains { $0.contains("«Frist abgelaufen» (timeout)") && $0.contains("fehlt in Version 2") })
        #expect(reasons.contains { $0.contains("note-added") && $0.contains("note-changed") })
        let before = try #require(try h.engine.instance(id: id))
        let outcomes = try h.engine.migrate(processID: "boundary", from: 1, to: 2, instances: tickets(plan), by: "iiz")
        #expect(outcomes.map(\.migrated) == [false])
        #expect(outcomes.first?.reasons == reasons)
        #expect(try h.engine.instance(id: id) == before)
        #expect(try h.engine.history(instanceID: id).map(\.command) == ["start"])
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func anInstanceChangedAfterTheDryRunIsRefusedTheOthersMove(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        let first = try #require(try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-1", by: "anna").instanceID)
        let second = try #require(try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-2", by: "anna").instanceID)
        try deployChanged(h, "gateways") { $0.replacingOccurrences(of: #"name="Prüfen""#, with: #"name="Antrag prüfen""#) }
        let plan = try h.engine.migrationPlan(processID: "gateways", from: 1, to: 2)
        #expect(plan.movableCount == 2)
        // A user works the first case between the dry run and the migration.
        try h.complete("check", ["decision": "clarify"], key: "F-1")
        try h.restart()
        let outcomes = try h.engine.migrate(processID: "gateways", from: 1, to: 2, instances: tickets(plan), by: "iiz")
        #expect(outcomes.map(\.instanceID) == [first, second])
        #expect(outcomes.map(\.migrated) == [false, true])
        #expect(outcomes[0].reasons.first?.contains("seit dem Probelauf bearbeitet") == true)
        let v1 = try #require(try h.engine.store.read { try $0.definitions(processID: "gateways") }.first { $0.version == 1 })
        #expect(try h.engine.instance(id: first)?.definitionID == v1.id)
        #expect(try h.task("check", key: "F-2").name == "Antrag prüfen")
        // A second run finds the second case moved already: refused, nothing changes.
        let again = try h.engine.migrate(processID: "gateways", from: 1, to: 2, instances: [tickets(plan)[1]], by: "iiz")
        #expect(again.first?.migrated == false && again.first?.reasons.first?.contains("Version 1") == true)
        // The first case's next steps run on version 1, the second's on version 2, each to its end.
        try h.complete("clarify", key: "F-1")
        for key in ["F-1", "F-2"] {
            try h.complete("check", ["decision": "accepted"], key: key)
            try h.complete("left", key: key)
            #expect(try h.complete("right", key: key).status == .completed)
        }
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func aTokenAtAParallelJoinMovesWhenItsFlowStays(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-1", by: "anna")
        try h.complete("check", ["decision": "accepted"])
        try h.complete("left")
        try deployChanged(h, "gateways") { $0.replacingOccurrences(of: #"name="Rechts""#, with: #"name="Rechts neu""#) }
        let plan = try h.engine.migrationPlan(processID: "gateways", from: 1, to: 2)
        #expect(Set(try #require(plan.instances.first).waits.map(\.elementID)) == ["join", "right"])
        #expect(plan.movableCount == 1)
        #expect(try h.engine.migrate(processID: "gateways", from: 1, to: 2, instances: tickets(plan), by: "iiz").map(\.migrated) == [true])
        try h.restart()
        #expect(try h.complete("right").status == .completed)
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func aBoundaryTimerOnlyTheNewVersionHasIsArmedFromNow(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "boundary")
        try h.engine.startInstance(processID: "boundary", variables: start, businessKey: "F-1", by: "anna")
        h.clock.advance(days: 2)
        try deployChanged(h, "boundary") {
            $0.replacingOccurrences(of: #"<sequenceFlow id="f8""#, with: """
                <boundaryEvent id="late" name="Nach fünf Tagen" attachedToRef="sign" cancelActivity="false">
                  <timerEventDefinition><timeDuration>P5D</timeDuration></timerEventDefinition>
                </boundaryEvent>
                <sequenceFlow id="f9" sourceRef="late" targetRef="lateEnd"/>
                <endEvent id="lateEnd"/>
                <sequenceFlow id="f8"
                """)
        }
        let plan = try h.engine.migrationPlan(processID: "boundary", from: 1, to: 2)
        #expect(try h.engine.migrate(processID: "boundary", from: 1, to: 2, instances: tickets(plan), by: "iiz").map(\.migrated) == [true])
        let jobs = try h.engine.store.read { try $0.jobs(instanceID: plan.instances[0].instanceID) }
        let late = try #require(jobs.first { $0.elementID == "late" })
        #expect(late.dueAt == h.clock.now.addingTimeInterval(5 * 86400))
        h.clock.advance(days: 5.5)
        try h.restart()
        #expect(try h.engine.fireDueJobs() == 1)
        #expect(try h.engine.history(instanceID: plan.instances[0].instanceID).last?.elementID == "late")
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func sameOrUnknownVersionsAreRefusedWithTheVersionsThatExist(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        let same = try #require(throws: EngineError.self) { try h.engine.migrationPlan(processID: "gateways", from: 1, to: 1) }
        #expect(same.code == .invalidInput && same.message.contains("gleich"))
        let unknown = try #require(throws: EngineError.self) { try h.engine.migrationPlan(processID: "gateways", from: 1, to: 7) }
        #expect(unknown.code == .invalidInput && unknown.message.contains("Versionen 1"))
        let process = try #require(throws: EngineError.self) { try h.engine.migrationPlan(processID: "gibt-es-nicht", from: 1, to: 2) }
        #expect(process.code == .notFound)
        // An instance of another process, or none at all, is refused; nothing breaks.
        try deployChanged(h, "gateways") { $0.replacingOccurrences(of: #"name="Prüfen""#, with: #"name="Antrag prüfen""#) }
        let outcomes = try h.engine.migrate(processID: "gateways", from: 1, to: 2,
                                            instances: [MigrationTicket(instanceID: 999, version: 1), MigrationTicket(instanceID: -1, version: -5)], by: "iiz")
        #expect(outcomes.map(\.migrated) == [false, false])
    }
}
