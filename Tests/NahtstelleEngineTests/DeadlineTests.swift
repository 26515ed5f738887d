import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore
import NahtstelleStoreTesting
import Testing

/// Issue 15, items 12, 13 and 16: timers across the clock change, due dates that give no date,
/// long definitions that are not loops.
@Suite("Deadlines, timers and long definitions")
struct DeadlineTests {
    static func bpmn(_ body: String, id: String = "p") -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn" id="d" targetNamespace="http://nahtstelle.ch/tests">
              <process id="\(id)" isExecutable="true">
            \(body)
              </process>
            </definitions>
            """.utf8)
    }

    static func engine(_ backend: StoreBackend, _ clock: TestClock) throws -> Engine {
        var configuration = Engine.Configuration()
        configuration.now = { clock.now }
        return Engine(store: try backend.makeStore(), configuration: configuration)
    }

    static func localHour(_ t: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ISODateTime.officeTimeZone
        return calendar.component(.hour, from: t)
    }

    @Test("A due date that gives no date: task without deadline, a warning in the result and in the history",
          arguments: StoreBackend.available, ["=days / 0", "=if days > 0 then \"abc\" else \"P1D\"", "=dayz + duration(\"P1D\")", "=duration(\"P\" + string(days) + \"Y\")"])
    func failingDueDateIsNeverSilent(_ backend: StoreBackend, _ due: String) throws {
        let clock = TestClock()
        let engine = try Self.engine(backend, clock)
        try engine.deploy(source: Self.bpmn("""
                <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
                <userTask id="t" nahtstelle:role="advisor" nahtstelle:due="\(due.replacingOccurrences(of: "\"", with: "&quot;"))"/>
                <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>
            """), fileName: "p.bpmn", by: "test")
        let result = try engine.startInstance(processID: "p", variables: ["days": 999_999], by: "test")
        let task = try #require(result.openTasks.first)
        #expect(task.dueAt == nil)
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("«t»") == true)
        let history = try engine.history(instanceID: try #require(result.instanceID))
        #expect(history.contains { $0.details.contains("\"warning\"") })
    }

    @Test(arguments: StoreBackend.available) func validDueDateGivesNoWarning(_ backend: StoreBackend) throws {
        let clock = TestClock()
        let engine = try Self.engine(backend, clock)
        try engine.deploy(source: Self.bpmn("""
                <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
                <userTask id="t" nahtstelle:role="advisor" nahtstelle:due="=duration(&quot;P&quot; + string(days) + &quot;D&quot;)"/>
                <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>
            """), fileName: "p.bpmn", by: "test")
        let result = try engine.startInstance(processID: "p", variables: ["days": 10], by: "test")
        #expect(result.openTasks.first?.dueAt == clock.now.addingTimeInterval(10 * 86400))
        #expect(result.warnings.isEmpty)
    }

    @Test("A daily reminder stays at 09:00 Lucerne time across the clock change", arguments: StoreBackend.available, ["2026-03-27", "2026-10-23", "2027-03-26", "2027-10-29"])
    func dailyTimerKeepsLocalTime(_ backend: StoreBackend, _ firstDay: String) throws {
        let clock = TestClock(ISODateTime.parse(firstDay + "T06:00")!)
        let engine = try Self.engine(backend, clock)
        try engine.deploy(source: Self.bpmn("""
                <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
                <userTask id="t" nahtstelle:role="advisor"/>
                <boundaryEvent id="b" attachedToRef="t" cancelActivity="false">
                  <timerEventDefinition><timeCycle>R4/\(firstDay)T09:00/P1D</timeCycle></timerEventDefinition>
                </boundaryEvent>
                <sequenceFlow id="f3" sourceRef="b" targetRef="n"/><manualTask id="n"/><sequenceFlow id="f4" sourceRef="n" targetRef="e2"/><endEvent id="e2"/>
                <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>
            """), fileName: "p.bpmn", by: "test")
        let started = try engine.startInstance(processID: "p", by: "test")
        let instance = try #require(started.instanceID)
        var hours: [Int] = []
        var days: [LocalDate] = []
        while let job = try engine.store.read({ try $0.jobs(instanceID: instance) }).first {
            hours.append(Self.localHour(job.dueAt))
            days.append(ISODateTime.localDate(of: job.dueAt))
            _ = try engine.fire(jobID: job.id)
        }
        #expect(hours == [9, 9, 9, 9])
        let first = try #require(LocalDate(iso: firstDay))
        #expect(days == (0..<4).map { first.adding(days: $0) })
    }

    @Test(arguments: StoreBackend.available) func aLongStraightLineIsNoLoop(_ backend: StoreBackend) throws {
        let count = 10_500
        var body = #"<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t0"/>"#
        for i in 0..<count {
            body += #"\#n<task id="t\#(i)"/>\#n<sequenceFlow id="f\#(i + 1)" sourceRef="t\#(i)" targetRef="\#(i + 1 == count ? "e" : "t\(i + 1)")"/>"#
        }
        body += #"<endEvent id="e"/>"#
        let engine = try Self.engine(backend, TestClock())
        try engine.deploy(source: Self.bpmn(body), fileName: "p.bpmn", by: "test")
        let result = try engine.startInstance(processID: "p", by: "test")
        #expect(result.status == .completed)
    }

    @Test(arguments: StoreBackend.available) func aLoopWithoutWaitStateIsStillStopped(_ backend: StoreBackend) throws {
        let engine = try Self.engine(backend, TestClock())
        try engine.deploy(source: Self.bpmn("""
                <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
                <task id="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="g"/>
                <exclusiveGateway id="g" default="f4"/>
                <sequenceFlow id="f3" sourceRef="g" targetRef="a"><conditionExpression>=true</conditionExpression></sequenceFlow>
                <sequenceFlow id="f4" sourceRef="g" targetRef="e"/><endEvent id="e"/>
            """), fileName: "p.bpmn", by: "test")
        #expect(throws: EngineError.self) { try engine.startInstance(processID: "p", by: "test") }
    }

    @Test(arguments: StoreBackend.available) func simulationCountsStepsWithoutAnswerNotSteps(_ backend: StoreBackend) throws {
        let count = 60
        var body = #"<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t0"/>"#
        for i in 0..<count {
            body += #"\#n<userTask id="t\#(i)" nahtstelle:role="advisor"/>\#n<sequenceFlow id="f\#(i + 1)" sourceRef="t\#(i)" targetRef="\#(i + 1 == count ? "e" : "t\(i + 1)")"/>"#
        }
        body += #"<endEvent id="e"/>"#
        var answers: [String: [[String: Value]]] = [:]
        for i in 0..<count { answers["t\(i)"] = [[:]] }
        var simulation = Simulation(answers: answers)
        simulation.maxSteps = 50
        let steps = try simulation.run(engine: try Self.engine(backend, TestClock()), files: [(Self.bpmn(body), "p.bpmn")], processID: nil)
        #expect(steps.count == count + 1)
        #expect(steps.last?.isEnd == true)
    }
}
