import Foundation
import NahtstelleDefinition
import NahtstelleFEEL

/// A dry run of a definition: every user task is completed with the next variable set the
/// answers list for its element id; intermediate timers fire at once; boundary timers, message
/// catches, receive tasks and event sub-process starts fire when the answers list their id.
/// Documents and notifications are not produced (service tasks do nothing).
public struct Simulation {
    public struct Step: Sendable, Hashable {
        public var instanceID: Int64
        public var processID: String
        /// A completed user task's element id, or the end event that ended the instance.
        public var elementID: String
        public var isEnd: Bool
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var steps: [Step]
        public var description: String { message }
    }

    public var answers: [String: [[String: Value]]]
    public var startVariables: [String: Value]
    public var businessKey: String
    public var maxSteps = 10_000

    public init(answers: [String: [[String: Value]]], startVariables: [String: Value] = [:], businessKey: String = "SIM-1") {
        self.answers = answers
        self.startVariables = startVariables
        self.businessKey = businessKey
    }

    /// Reads an answers file: `{"taskId": [{…}, {…}], …}`.
    public static func parseAnswers(_ text: String) throws -> [String: [[String: Value]]] {
        guard case .context(let root) = try Value.parseJSON(text) else {
            throw Failure(message: "Die Antworten müssen ein JSON-Objekt sein: {\"elementId\": [{…}, …]}.", steps: [])
        }
        var result: [String: [[String: Value]]] = [:]
        for (key, value) in root {
            guard case .list(let items) = value else {
                throw Failure(message: "Antworten für »\(key)« müssen eine Liste sein: \"\(key)\": [{…}].", steps: [])
            }
            result[key] = try items.enumerated().map { i, item in
                guard case .context(let vars) = item else {
                    throw Failure(message: "Antwort \(i + 1) für »\(key)« ist kein Objekt {…} mit Variablen.", steps: [])
                }
                return vars
            }
        }
        return result
    }

    /// Deploys `files` into `engine` (the first one holds the process to run), starts `processID`
    /// (or the first executable process of the first file with a plain start event) and runs it.
    /// `onStep` sees each step as it happens.
    public mutating func run(engine: Engine, files: [(bytes: [UInt8], name: String)], processID: String?,
                             onStep: (Step) -> Void = { _ in }) throws -> [Step] {
        var firstDeployment: [Engine.Deployment] = []
        for (i, file) in files.enumerated() {
            let deployed = try engine.deploy(source: file.bytes, fileName: file.name, by: "simulation")
            if i == 0 { firstDeployment = deployed }
        }
        let target = processID ?? firstDeployment.first?.processID
        guard let target else { throw Failure(message: "Die Datei enthält keinen ausführbaren Prozess.", steps: []) }
        if processID != nil, !firstDeployment.contains(where: { $0.processID == target }) {
            throw Failure(message: "Prozess »\(target)« steht nicht in \(files.first?.name ?? "der Datei"). Vorhanden: "
                          + firstDeployment.map(\.processID).joined(separator: ", "), steps: [])
        }
        // A process that only a message starts (a reduced procedure) starts as if that message came.
        let plainStart = try engine.store.read { tx in
            try tx.latestDefinition(processID: target).map { try engine.process($0, in: tx).definition.noneStartEvent(inScope: nil) != nil }
        } ?? true
        let started = try engine.startInstance(processID: target, variables: startVariables, businessKey: businessKey,
                                               messageStart: !plainStart, by: "simulation")
        guard let primary = started.instanceID else { throw Failure(message: "Die Instanz wurde nicht gestartet.", steps: []) }
        var steps: [Step] = []
        var remaining = answers
        // The instances of this run: the one started here and those its messages started.
        var tracked: Set<Int64> = [primary]
        func take(_ id: String) -> [String: Value]? {
            guard var list = remaining[id], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            remaining[id] = list
            return first
        }
        func record(_ step: Step) {
            steps.append(step)
            onStep(step)
        }
        func noteEnds(_ result: CommandResult) throws {
            tracked.formUnion(result.startedInstances)
            for id in result.endedInstances {
                guard let instance = try engine.instance(id: id) else { continue }
                record(Step(instanceID: id, processID: instance.processID, elementID: instance.endEventID ?? "", isEnd: true))
            }
        }
        try noteEnds(started)
        // Steps since the last answer was used: a definition that loops through timers alone
        // never needs one. A long line of user tasks uses one per step and is no loop.
        var withoutAnswer = 0
        while true {
            withoutAnswer += 1
            if withoutAnswer > maxSteps {
                throw Failure(message: "Mehr als \(maxSteps) Schritte ohne Antwort (nur Timer und Ereignisse): läuft die Definition im Kreis?", steps: steps)
            }
            let running = try engine.store.read { tx in
                try tracked.sorted().compactMap { try tx.instance(id: $0) }.filter { $0.status == .running }
            }
            if running.isEmpty { break }
            let primaryRunning = running.contains { $0.id == primary }
            var progressed = false
            // 1. Intermediate timers fire at once.
            for instance in running where !progressed {
                let (process, jobs) = try engine.store.read { tx in
                    (try engine.process(definitionID: instance.definitionID, in: tx), try tx.jobs(instanceID: instance.id))
                }
                for job in jobs {
                    if case .intermediateCatchEvent = process.definition.nodes[job.elementID]?.kind {
                        try noteEnds(try engine.fire(jobID: job.id, by: "simulation"))
                        progressed = true
                        break
                    }
                }
            }
            if progressed { continue }
            // 2. Events the answers name.
            for instance in running where !progressed {
                for sub in try engine.store.read({ try $0.subscriptions(instanceID: instance.id) }) where remaining[sub.elementID]?.isEmpty == false {
                    let vars = take(sub.elementID) ?? [:]
                    withoutAnswer = 0
                    try noteEnds(try engine.trigger(subscriptionID: sub.id, variables: vars, by: "simulation"))
                    progressed = true
                    break
                }
                if progressed { break }
                for job in try engine.store.read({ try $0.jobs(instanceID: instance.id) }) where remaining[job.elementID]?.isEmpty == false {
                    _ = take(job.elementID)
                    withoutAnswer = 0
                    try noteEnds(try engine.fire(jobID: job.id, by: "simulation"))
                    progressed = true
                    break
                }
            }
            if progressed { continue }
            // 3. User tasks, oldest first, that have an answer left (only the open ones are read:
            // reading every task of the instance made each step slower than the one before).
            let open = try engine.store.read { tx in
                try running.flatMap { try tx.openTasks(instanceID: $0.id) }
            }.sorted { $0.id < $1.id }
            if let task = open.first(where: { remaining[$0.elementID]?.isEmpty == false }) {
                let vars = take(task.elementID) ?? [:]
                withoutAnswer = 0
                let result = try engine.complete(taskID: task.id, variables: vars, by: "simulation")
                record(Step(instanceID: task.instanceID, processID: task.processID, elementID: task.elementID, isEnd: false))
                try noteEnds(result)
                continue
            }
            if !primaryRunning { break }  // linked processes may wait on; the dry run is over
            if let task = open.first(where: { $0.instanceID == primary }) ?? open.first {
                throw Failure(message: "Die Aufgabe »\(task.elementID)«\(task.name.map { " (\($0))" } ?? "") hat keine Antwort mehr. "
                              + "Ergänzen Sie in der Antwortdatei \"\(task.elementID)\": [{…}] um einen weiteren Variablensatz.", steps: steps)
            }
            let waits = try engine.store.read { tx in
                (try tx.subscriptions(instanceID: primary).map { "Nachricht »\($0.messageName)« bei \($0.elementID)" })
                    + (try tx.jobs(instanceID: primary).map { "Timer \($0.elementID)" })
            }
            throw Failure(message: "Der Prozess wartet und kommt ohne Antwort nicht weiter: " + waits.joined(separator: ", ")
                          + ". Ergänzen Sie eine Antwort mit dieser Element-ID, damit der Testlauf sie auslöst.", steps: steps)
        }
        return steps
    }
}
