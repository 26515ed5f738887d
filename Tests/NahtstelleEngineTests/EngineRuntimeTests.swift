import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStoreTesting
import Testing

@Suite("Runtime on real .bpmn fixtures, restarted between steps")
struct EngineRuntimeTests {
    let start: [String: Value] = ["caseId": "F-1", "receiverOffice": "IV-LU", "referrerOffice": "RAV-WOL", "referrerAdvisor": "anna",
                                  "payingOffice": "RAV-WOL"]

    @Test(arguments: StoreBackend.available) func clarifyLoopThenParallelSplitAndJoin(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        let started = try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-1", by: "anna")
        let check = try #require(started.openTasks.first)
        #expect(check.elementID == "check")
        #expect(check.office == "IV-LU")
        #expect(check.role == "optima-contact")
        #expect(check.dueAt == h.clock.now.addingTimeInterval(10 * 86400))
        try h.restart()
        try h.complete("check", ["decision": "clarify"])
        let clarify = try h.task("clarify")
        #expect(clarify.assignee == "anna")
        #expect(clarify.office == "RAV-WOL")
        try h.restart()
        try h.complete("clarify", ["note": "Arztzeugnis nachgereicht"])
        try h.restart()
        try h.complete("check", ["decision": "accepted"])
        #expect(Set(try h.openTasks().map(\.elementID)) == ["left", "right"])
        try h.restart()
        let afterLeft = try h.complete("left")
        #expect(afterLeft.status == .running)
        #expect(try h.openTasks().map(\.elementID) == ["right"])
        try h.restart()
        let done = try h.complete("right")
        #expect(done.status == .completed)
        #expect(done.endEventID == "done")
        #expect(try h.openTasks().isEmpty)
        let vars = try h.engine.variables(instanceID: try #require(started.instanceID))
        #expect(vars["decision"] == "accepted")
        #expect(vars["note"] == "Arztzeugnis nachgereicht")
        let history = try h.engine.history(businessKey: "F-1")
        #expect(history.map(\.command) == ["start", "complete", "complete", "complete", "complete", "complete"])
        #expect(history.allSatisfy { $0.actor == "anna" || $0.actor == "tester" })
        #expect(history[1].details.contains("\"decision\":\"clarify\""))
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func rejectionEndsAtItsEndEvent(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-2", by: "anna")
        let result = try h.complete("check", ["decision": "rejected", "rejectionReason": "no-capacity"])
        #expect(result.status == .completed)
        #expect(result.endEventID == "rejected")
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func completingTwiceIsAConflictAndChangesNothing(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        let started = try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-3", by: "anna")
        let check = try #require(started.openTasks.first)
        try h.engine.complete(taskID: check.id, variables: ["decision": "clarify"], by: "bruno")
        let before = try h.engine.history(businessKey: "F-3").count
        let error = try #require(throws: EngineError.self) {
            try h.engine.complete(taskID: check.id, variables: ["decision": "accepted"], by: "carla")
        }
        #expect(error.code == .conflict)
        #expect(error.message.contains("bereits erledigt"))
        #expect(try h.engine.history(businessKey: "F-3").count == before)
        #expect(try h.engine.variables(instanceID: started.instanceID!)["decision"] == "clarify")
        let unknown = try #require(throws: EngineError.self) { try h.engine.complete(taskID: 999_999, by: "carla") }
        #expect(unknown.code == .notFound)
    }

    @Test(arguments: StoreBackend.available) func concurrentCompletionsOfOneTaskLetExactlyOneWin(_ backend: StoreBackend) async throws {
        let h = try Harness(backend, "gateways")
        let started = try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-4", by: "anna")
        let taskID = try #require(started.openTasks.first).id
        let engine = h.engine
        let outcomes = await withTaskGroup(of: String.self) { group in
            for i in 0..<8 {
                group.addTask {
                    do {
                        try engine.complete(taskID: taskID, variables: ["decision": "clarify", "by": .number(Decimal(i))], by: "user\(i)")
                        return "ok"
                    } catch let e as EngineError { return e.code.rawValue } catch { return "\(error)" }
                }
            }
            var all: [String] = []
            for await o in group { all.append(o) }
            return all
        }
        #expect(outcomes.filter { $0 == "ok" }.count == 1)
        #expect(outcomes.filter { $0 == "conflict" }.count == 7)
        #expect(try h.openTasks().map(\.elementID) == ["clarify"])
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func claimedTaskBelongsToItsClaimer(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "F-5", by: "anna")
        let check = try h.task("check")
        let claimed = try h.engine.claim(taskID: check.id, user: "bruno")
        #expect(claimed.state == .claimed)
        let error = try #require(throws: EngineError.self) { try h.engine.claim(taskID: check.id, user: "carla") }
        #expect(error.code == .conflict)
        #expect(throws: EngineError.self) { try h.engine.complete(taskID: check.id, variables: ["decision": "rejected"], by: "carla") }
        try h.restart()
        #expect(try h.engine.complete(taskID: check.id, variables: ["decision": "rejected"], by: "bruno").status == .completed)
        #expect(try h.engine.task(id: check.id)?.completedBy == "bruno")
    }

    @Test(arguments: StoreBackend.available) func boundaryTimersRemindTwiceThenInterrupt(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "boundary")
        try h.engine.startInstance(processID: "boundary", variables: start, businessKey: "F-1", by: "anna")
        #expect(try h.engine.fireDueJobs() == 0)
        h.clock.advance(days: 10.5)
        try h.restart()
        #expect(try h.engine.fireDueJobs() == 1)
        #expect(Set(try h.openTasks().map(\.elementID)) == ["sign", "reminder"])
        h.clock.advance(days: 10)
        try h.restart()
        #expect(try h.engine.fireDueJobs() == 1)
        #expect(try h.openTasks().filter { $0.elementID == "reminder" }.count == 2)
        h.clock.advance(days: 10)  // R2: no third reminder; the 30-day timeout interrupts
        try h.restart()
        #expect(try h.engine.fireDueJobs() == 1)
        let open = try h.openTasks().map(\.elementID)
        #expect(!open.contains("sign"))
        #expect(open.contains("escalate"))
        let signTasks = try h.engine.tasks(TaskQuery(states: [.cancelled]))
        #expect(signTasks.map(\.elementID) == ["sign"])
        // After the interruption nothing waits for the sign task any more.
        #expect(try h.engine.fireDueJobs() == 0)
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func nonInterruptingMessageBoundaryLeavesTheTaskOpen(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "boundary")
        try h.engine.startInstance(processID: "boundary", variables: start, businessKey: "F-1", by: "anna")
        try h.engine.correlate(message: "note-added", correlationKey: "F-1", variables: ["note": "Bitte bis Freitag"], by: "bruno")
        #expect(Set(try h.openTasks().map(\.elementID)) == ["sign", "readNote"])
        let wrongKey = try #require(throws: EngineError.self) {
            try h.engine.correlate(message: "note-added", correlationKey: "F-99", by: "bruno")
        }
        #expect(wrongKey.code == .notFound)
        try h.restart()
        try h.complete("sign")
        // The instance still runs: readNote is open.
        try h.complete("readNote")
        #expect(try h.openTasks().isEmpty)
        #expect(try h.engine.tasks(TaskQuery(states: [.completed], limit: 10)).count == 2)
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func eventSubProcessInstancesKeepTheirOwnVariables(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "scopes")
        let started = try h.engine.startInstance(processID: "scopes", variables: start.merging(["decision": "none"]) { $1 },
                                                 businessKey: "F-1", by: "anna")
        try h.engine.correlate(message: "cost-approval-requested", correlationKey: "F-1", variables: ["measure": "Coaching"], by: "x")
        try h.engine.correlate(message: "cost-approval-requested", correlationKey: "F-1", variables: ["measure": "Kurs"], by: "x")
        let signs = try h.openTasks().filter { $0.elementID == "signKgs" }
        #expect(signs.count == 2)
        try h.restart()
        try h.engine.complete(taskID: signs[0].id, variables: ["decision": "approved"], by: "sig")
        try h.engine.complete(taskID: signs[1].id, variables: ["decision": "rejected"], by: "sig")
        #expect(try h.openTasks().filter { $0.elementID == "book" }.count == 1)
        // The cost approvals' decisions stayed in their own scopes.
        #expect(try h.engine.variables(instanceID: started.instanceID!)["decision"] == "none")
        try h.complete("meeting", ["decision": "continue"])
        try h.restart()
        try h.complete("meeting", ["decision": "close"])
        // The case work waits for the running cost approval before it ends.
        #expect(try h.openTasks().map(\.elementID) == ["book"])
        try h.complete("book")
        #expect(try h.openTasks().map(\.elementID) == ["handBack"])
        let late = try #require(throws: EngineError.self) {
            try h.engine.correlate(message: "cost-approval-requested", correlationKey: "F-1", by: "x")
        }
        #expect(late.code == .notFound)
        #expect(try h.complete("handBack").endEventID == "closed")
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func linkedProcessStartsByMessageAndEndsWithTheCase(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "linked")
        let main = try h.engine.startInstance(processID: "main", variables: start.merging(["caseId": "F-7"]) { $1 }, businessKey: "F-7", by: "anna")
        let handover = try h.complete("handover", ["nextMeetingAt": "2026-11-01T10:00:00Z"])
        #expect(handover.startedInstances.count == 1)
        let instances = try h.engine.store.read { try $0.instances(businessKey: "F-7") }
        #expect(instances.map(\.processID) == ["main", "reduced"])
        try h.restart()
        // The meeting date lies in the past: the timer fires at the next scheduler round.
        #expect(try h.engine.fireDueJobs() == 1)
        try h.restart()
        let ended = try h.complete("status")
        #expect(ended.status == .completed)
        let resume = try h.task("resume")
        #expect(resume.processID == "reduced")
        #expect(resume.office == "RAV-WOL")
        #expect(try h.complete("resume").status == .completed)
        #expect(try h.engine.instance(id: main.instanceID!)?.endEventID == "ended")
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func terminateEndEventCancelsTheOtherBranch(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "terminate")
        try h.engine.startInstance(processID: "terminate", businessKey: "T", by: "anna")
        let result = try h.complete("a")
        #expect(result.status == .completed)
        #expect(result.endEventID == "stop")
        #expect(try h.engine.tasks(TaskQuery(states: [.cancelled])).map(\.elementID) == ["b"])
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func redeployingCreatesVersionsAndRunningInstancesKeepTheirs(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        let old = try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "OLD", by: "anna")
        let same = try h.engine.deploy(source: try Harness.fixture("gateways"), fileName: "gateways.bpmn", by: "coord")
        #expect(same.map(\.isNew) == [false])
        #expect(same.map(\.version) == [1])
        var changed = String(decoding: try Harness.fixture("gateways"), as: UTF8.self)
        changed = changed.replacingOccurrences(of: "name=\"Prüfen\"", with: "name=\"Antrag prüfen\"")
        let v2 = try h.engine.deploy(source: Array(changed.utf8), fileName: "gateways.bpmn", by: "coord")
        #expect(v2.map(\.version) == [2])
        let new = try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "NEW", by: "anna")
        #expect(new.openTasks.first?.name == "Antrag prüfen")
        #expect(try h.task("check", key: "OLD").name == "Prüfen")
        try h.restart()
        #expect(try h.complete("check", ["decision": "rejected"], key: "OLD").endEventID == "rejected")
        #expect(try h.engine.instance(id: old.instanceID!)?.definitionID != (try h.engine.instance(id: new.instanceID!)?.definitionID))
    }

    @Test(arguments: StoreBackend.available) func inboxListsAnOfficesOpenTasksByDueDateInPages(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        for i in 0..<5 {
            try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "Q-\(i)", by: "anna")
            h.clock.advance(days: -1)  // each later-started case is due a day earlier
        }
        let page1 = try h.engine.tasks(TaskQuery(office: "IV-LU", roles: ["optima-contact"], limit: 2))
        let page2 = try h.engine.tasks(TaskQuery(office: "IV-LU", roles: ["optima-contact"], limit: 2, offset: 2))
        #expect(page1.map(\.businessKey) == ["Q-4", "Q-3"])
        #expect(page2.map(\.businessKey) == ["Q-2", "Q-1"])
        #expect(try h.engine.countTasks(TaskQuery(office: "IV-LU", roles: ["optima-contact"])) == 5)
        #expect(try h.engine.tasks(TaskQuery(office: "RAV-WOL", roles: ["optima-contact"])).isEmpty)
        #expect(try h.engine.tasks(TaskQuery(office: "IV-LU", roles: ["advisor"])).isEmpty)
    }

    @Test(arguments: StoreBackend.available) func unknownProcessAndMessageStartOnlyProcessGiveClearErrors(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "linked")
        let unknown = try #require(throws: EngineError.self) { try h.engine.startInstance(processID: "nope", by: "anna") }
        #expect(unknown.code == .notFound)
        #expect(unknown.message.contains("nicht bereitgestellt"))
        let messageOnly = try #require(throws: EngineError.self) { try h.engine.startInstance(processID: "reduced", by: "anna") }
        #expect(messageOnly.message.contains("Nachricht"))
    }

    @Test(arguments: StoreBackend.available) func simulationWalksAnsweredPathsAndNamesTheMissingAnswer(_ backend: StoreBackend) throws {
        let h = try Harness(backend)
        var simulation = Simulation(answers: [
            "check": [["decision": "clarify"], ["decision": "accepted"]],
            "clarify": [[:]], "left": [[:]], "right": [[:]],
        ], startVariables: start)
        let steps = try simulation.run(engine: h.engine, files: [(try Harness.fixture("gateways"), "gateways.bpmn")], processID: nil)
        #expect(steps.map(\.elementID) == ["check", "clarify", "check", "left", "right", "done"])
        #expect(steps.last?.isEnd == true)

        let h2 = try Harness(backend)
        var short = Simulation(answers: ["check": [["decision": "clarify"]]], startVariables: start)
        let failure = try #require(throws: Simulation.Failure.self) {
            try short.run(engine: h2.engine, files: [(try Harness.fixture("gateways"), "gateways.bpmn")], processID: nil)
        }
        #expect(failure.message.contains("»clarify«"))
    }
}

@Suite("Two engines on one database (as two nodes would be)")
struct TwoNodeTests {
    @Test(arguments: StoreBackend.available) func staleCachesAreDetectedAndTheCommandRetried(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "gateways")
        let other = try Harness.open(h.database, h.clock)  // a second node: its own caches
        let start: [String: Value] = ["receiverOffice": "IV-LU", "referrerOffice": "RAV-WOL", "referrerAdvisor": "anna"]
        try h.engine.startInstance(processID: "gateways", variables: start, businessKey: "N-1", by: "anna")
        try h.complete("check", ["decision": "clarify"])  // node 1 caches the instance
        // Node 2 moves the instance on; node 1's cached copy is now stale.
        try other.complete(taskID: try h.task("clarify").id, variables: ["note": "von Knoten 2"], by: "bruno")
        // Node 1 must not work on its stale copy: the version check catches it, the retry reads fresh.
        let result = try h.complete("check", ["decision": "accepted"])
        #expect(Set(result.openTasks.map(\.elementID)) == ["left", "right"])
        #expect(try h.engine.variables(instanceID: result.instanceID!)["note"] == "von Knoten 2")
        // And node 2 completes what node 1 created (its task cache misses, it reads the row).
        try other.complete(taskID: try h.task("left").id, by: "carla")
        #expect(try h.complete("right").status == .completed)
        try h.expectConsistent()
    }
}

@Suite("Timers whose path fails")
struct FailingTimerTests {
    @Test(arguments: StoreBackend.available) func aFailingTimerIsPostponedAndRecordedNotRetriedEveryRound(_ backend: StoreBackend) throws {
        let h = try Harness(backend)
        // A timer that leads into a service task whose handler fails (a mail server that is down).
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn" id="d" targetNamespace="t">
              <process id="failing" isExecutable="true">
                <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
                <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
                <sequenceFlow id="f2" sourceRef="wait" targetRef="work"/>
                <serviceTask id="work" nahtstelle:handler="notify"/>
                <sequenceFlow id="f3" sourceRef="work" targetRef="e"/><endEvent id="e"/>
              </process>
            </definitions>
            """
        try h.engine.deploy(source: Array(xml.utf8), fileName: "failing.bpmn", by: "t")
        struct Broken: ServiceTaskHandler {
            func execute(_ call: ServiceTaskCall, _ tx: any EngineTransaction) throws -> [String: Value] {
                throw EngineError(.incident, "Mailserver nicht erreichbar")
            }
        }
        var configuration = Engine.Configuration()
        let clock = h.clock
        configuration.now = { clock.now }
        configuration.serviceHandlers = ["notify": Broken()]
        let engine = Engine(store: h.engine.store, configuration: configuration)
        let started = try engine.startInstance(processID: "failing", businessKey: "T-1", by: "anna")
        h.clock.advance(days: 1)
        #expect(try engine.fireDueJobs() == 0)  // failed, postponed
        #expect(try engine.fireDueJobs() == 0)  // not due again yet: no retry storm
        let history = try engine.history(instanceID: started.instanceID!)
        #expect(history.last?.command == "timer-failed")
        #expect(history.last?.details.contains("Mailserver nicht erreichbar") == true)
        h.clock.advance(days: 1)
        // Still failing later: postponed again, the instance still waits at its timer, nothing half-done.
        #expect(try engine.fireDueJobs() == 0)
        #expect(try engine.instance(id: started.instanceID!)?.status == .running)
        #expect(try engine.store.read { try $0.jobs(instanceID: started.instanceID!) }.count == 1)
    }
}
