import Foundation
import NahtstelleDefinition
import NahtstelleFEEL

/// Which running instances of version n of a process can move to version m, and why the others
/// cannot (Camunda 7's migration plan, with every element mapped to the one of the same id).
public struct MigrationPlan: Sendable, Hashable {
    public var processID: String
    public var fromVersion: Int
    public var toVersion: Int
    /// Every running instance of `fromVersion`, in ascending id order.
    public var instances: [MigrationCandidate]

    public var movableCount: Int { instances.reduce(0) { $0 + ($1.canMove ? 1 : 0) } }
}

/// One running instance in a migration's dry run.
public struct MigrationCandidate: Sendable, Hashable {
    public var instanceID: Int64
    public var businessKey: String?
    /// The instance's optimistic version at the dry run. The migration carries it back and
    /// refuses the instance when it moved since (a user changed it meanwhile).
    public var version: Int64
    /// Where its tokens stand, as named in the version it runs on.
    public var waits: [Wait]
    /// Why it cannot move, in German, each naming the element's name and id; empty: it can.
    public var reasons: [String]

    public var canMove: Bool { reasons.isEmpty }

    public struct Wait: Sendable, Hashable {
        public var elementID: String
        public var name: String?
    }
}

/// An instance the migration is asked to move, with the version its dry run saw.
public struct MigrationTicket: Sendable, Hashable {
    public var instanceID: Int64
    public var version: Int64
    public init(instanceID: Int64, version: Int64) {
        self.instanceID = instanceID
        self.version = version
    }
}

/// What the migration did with one instance.
public struct MigrationOutcome: Sendable, Hashable {
    public var instanceID: Int64
    public var businessKey: String?
    public var migrated: Bool
    /// Why it was refused (German); empty when migrated.
    public var reasons: [String]
    /// The instance's version after the migration (its next command must carry this one).
    public var version: Int64?
}

/// A migration refused for one instance: nothing of it was written.
struct MigrationRefusal: Error {
    var reasons: [String]
}

extension Engine {
    /// The dry run: every running instance of `fromVersion` with where it waits and whether every
    /// place it waits at — its tokens' nodes, its scopes (sub-processes), its timers and message
    /// subscriptions — exists in `toVersion` by id and of the same kind. Changes nothing.
    public func migrationPlan(processID: String, from fromVersion: Int, to toVersion: Int) throws -> MigrationPlan {
        try store.read { tx in
            let (from, to) = try migrationVersions(processID: processID, from: fromVersion, to: toVersion, in: tx)
            var candidates: [MigrationCandidate] = []
            var after: Int64 = 0
            while true {
                let page = try tx.runningInstances(definitionID: from.record.id, after: after, limit: 500)
                guard let last = page.last else { break }
                after = last.id
                for record in page {
                    candidates.append(try candidate(record, from: from, to: to, in: tx))
                }
            }
            return MigrationPlan(processID: processID, fromVersion: fromVersion, toVersion: toVersion, instances: candidates)
        }
    }

    /// Moves the given instances from `fromVersion` to `toVersion`, each in its own transaction:
    /// its definition, its open tasks' names and forms (deadlines, role, office and assignee
    /// stay), timers and subscriptions (kept as they are; boundary events and event
    /// sub-process starts that only `toVersion` has are armed now), one history line
    /// («migrate», from and to) and its version bumped. An instance whose version is no longer
    /// the ticket's (changed since the dry run), that no longer runs on `fromVersion` or that
    /// cannot move is refused with the reason; the others go on.
    /// - Parameter inTransaction: called in each migrated instance's transaction (the
    ///   application's own records, e.g. its access log).
    public func migrate(processID: String, from fromVersion: Int, to toVersion: Int, instances tickets: [MigrationTicket], by actor: String,
                        inTransaction: ((InstanceRecord, any EngineTransaction) throws -> Void)? = nil) throws -> [MigrationOutcome] {
        let (from, to) = try store.read { tx in try migrationVersions(processID: processID, from: fromVersion, to: toVersion, in: tx) }
        var outcomes: [MigrationOutcome] = []
        var seen: Set<Int64> = []
        for ticket in tickets where seen.insert(ticket.instanceID).inserted {
            var businessKey: String?
            var changedTasks: [Int64] = []
            do {
                let result = try command(actor: actor, name: "migrate") { exec in
                    let instance = try moveInstance(ticket, from: from, to: to, exec, changedTasks: &changedTasks)
                    businessKey = instance.record.businessKey
                    try inTransaction?(instance.record, exec.tx)
                }
                if !changedTasks.isEmpty { taskCache.withLock { cache in for id in changedTasks { cache[id] = nil } } }
                // The migration is a command like any other: one version step.
                outcomes.append(MigrationOutcome(instanceID: result.instanceID ?? ticket.instanceID, businessKey: businessKey, migrated: true,
                                                 reasons: [], version: ticket.version + 1))
            } catch let refusal as MigrationRefusal {
                outcomes.append(MigrationOutcome(instanceID: ticket.instanceID, businessKey: businessKey, migrated: false, reasons: refusal.reasons))
            } catch let error as EngineError {
                outcomes.append(MigrationOutcome(instanceID: ticket.instanceID, businessKey: businessKey, migrated: false, reasons: [error.description]))
            }
        }
        return outcomes
    }

    /// The two versions of one process, compiled; a clear error when they are the same or unknown.
    func migrationVersions(processID: String, from fromVersion: Int, to toVersion: Int,
                           in tx: any EngineReadTransaction) throws -> (CompiledProcess, CompiledProcess) {
        guard fromVersion != toVersion else {
            throw EngineError(.invalidInput, "Ausgangs- und Zielversion sind gleich (Version \(fromVersion)). Wählen Sie zwei verschiedene Versionen.")
        }
        let versions = try tx.definitions(processID: processID)
        guard !versions.isEmpty else {
            throw EngineError(.notFound, "Prozess «\(processID)» ist nicht bereitgestellt.")
        }
        let known = versions.map(\.version).sorted().map(String.init).joined(separator: ", ")
        func find(_ version: Int, _ role: String) throws -> CompiledProcess {
            guard let record = versions.first(where: { $0.version == version }) else {
                throw EngineError(.invalidInput, "\(role) \(version) von «\(processID)» gibt es nicht. Bereitgestellt sind die Versionen \(known).")
            }
            return try process(record, in: tx)
        }
        return (try find(fromVersion, "Die Ausgangsversion"), try find(toVersion, "Die Zielversion"))
    }

    private func candidate(_ record: InstanceRecord, from: CompiledProcess, to: CompiledProcess,
                           in tx: any EngineReadTransaction) throws -> MigrationCandidate {
        let state: InstanceState
        do { state = try decodeState(record) } catch {
            return MigrationCandidate(instanceID: record.id, businessKey: record.businessKey, version: record.version, waits: [],
                                      reasons: ["Der gespeicherte Zustand der Instanz \(record.id) lässt sich nicht lesen; sie bleibt auf Version \(from.record.version)."])
        }
        let check = Self.migrationCheck(state, jobs: try tx.jobs(instanceID: record.id), subscriptions: try tx.subscriptions(instanceID: record.id),
                                        from: from, to: to)
        return MigrationCandidate(instanceID: record.id, businessKey: record.businessKey, version: record.version, waits: check.waits,
                                  reasons: check.reasons)
    }

    /// One instance's migration inside its command: checks, then moves it.
    private func moveInstance(_ ticket: MigrationTicket, from: CompiledProcess, to: CompiledProcess, _ exec: Execution,
                              changedTasks: inout [Int64]) throws -> Execution.LoadedInstance {
        let tx = exec.tx
        let n = from.record.version, m = to.record.version
        guard let record = try tx.instance(id: ticket.instanceID), record.processID == from.record.processID else {
            throw MigrationRefusal(reasons: ["Prozessinstanz \(ticket.instanceID) von «\(from.record.processID)» gibt es nicht."])
        }
        guard record.status == .running else {
            throw MigrationRefusal(reasons: ["Die Prozessinstanz \(record.id) läuft nicht mehr."])
        }
        guard record.definitionID == from.record.id else {
            throw MigrationRefusal(reasons: ["Die Prozessinstanz \(record.id) läuft nicht (mehr) auf Version \(n), vielleicht schon migriert. Wiederholen Sie den Probelauf."])
        }
        guard record.version == ticket.version else {
            throw MigrationRefusal(reasons: ["Der Fall wurde seit dem Probelauf bearbeitet (Stand \(record.version) statt \(ticket.version)) und bleibt auf Version \(n). Wiederholen Sie den Probelauf."])
        }
        let state = try InstanceState(decoding: record.state)
        let jobs = try tx.jobs(instanceID: record.id)
        let subscriptions = try tx.subscriptions(instanceID: record.id)
        let check = Self.migrationCheck(state, jobs: jobs, subscriptions: subscriptions, from: from, to: to)
        guard check.reasons.isEmpty else { throw MigrationRefusal(reasons: check.reasons) }

        try tx.changeDefinition(instanceID: record.id, to: to.record.id, expectedVersion: record.version)
        var moved = record
        moved.definitionID = to.record.id
        let instance = Execution.LoadedInstance(record: moved, state: state, process: to, isNew: false)
        exec.adopt(instance)
        exec.primaryInstanceID = record.id
        instance.events.append(.migrated(process: record.processID, from: n, to: m))

        // Open tasks take the new name and form; their deadline, role, office and assignee stay.
        for var task in try tx.openTasks(instanceID: record.id) {
            guard let node = to.definition.nodes[task.elementID], case .userTask(let spec) = node.kind,
                task.name != node.name || task.formKey != spec.formKey
            else { continue }
            let previous = task.version
            task.name = node.name
            task.formKey = spec.formKey
            task.version += 1
            try tx.updateTask(task, expectedVersion: previous)
            changedTasks.append(task.id)
        }

        // What only version m listens for is armed now (timers from now on); what both versions
        // have keeps its timer or subscription as it is, so nothing that already fired fires again.
        let old = from.definition.nodes
        for token in state.tokens.values {
            guard token.wait != .join, let node = to.definition.nodes[token.nodeID], node.isActivity else { continue }
            for id in node.boundaryEventIDs where old[id] == nil {
                guard let boundary = to.definition.nodes[id], case .boundaryEvent(let spec) = boundary.kind else { continue }
                try exec.openTrigger(instance, spec.trigger, elementID: id, target: .token(token.id), scopeID: token.scopeID)
            }
        }
        for scope in state.scopes.values {
            // An interrupting event sub-process running in the scope closed its other listeners on purpose.
            let interrupted = state.childScopes(of: scope.id).contains { child in
                guard child.isEventSubProcess, let esp = child.elementID else { return false }
                return from.eventSubProcessStarts[scope.elementID ?? ""]?.contains {
                    if $0.scopeID == esp, case .startEvent(.eventSubProcessStart(_, true)) = $0.kind { return true }
                    return false
                } ?? false
            }
            guard !interrupted else { continue }
            for start in to.eventSubProcessStarts[scope.elementID ?? ""] ?? [] where old[start.id] == nil {
                guard case .startEvent(.eventSubProcessStart(let inner, _)) = start.kind else { continue }
                try exec.openTrigger(instance, inner, elementID: start.id, target: .scope(scope.id), scopeID: scope.id)
            }
        }
        return instance
    }

    /// Where an instance waits and why it cannot move from `from` to `to` (empty: it can).
    static func migrationCheck(_ state: InstanceState, jobs: [JobRecord], subscriptions: [SubscriptionRecord], from: CompiledProcess,
                               to: CompiledProcess) -> (waits: [MigrationCandidate.Wait], reasons: [String]) {
        let old = from.definition.nodes, new = to.definition.nodes
        let n = from.record.version, m = to.record.version
        var reasons: [String] = []
        func add(_ reason: String) { if !reasons.contains(reason) { reasons.append(reason) } }
        func named(_ id: String) -> String {
            let name = (old[id] ?? new[id])?.name.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            return name.map { "«\($0)» (\(id))" } ?? "«\(id)»"
        }
        /// The element exists in version m, of the same kind and in the same sub-process.
        func compare(_ id: String, _ what: String) -> FlowNode? {
            guard let target = new[id] else {
                add("\(what) \(named(id)) fehlt in Version \(m).")
                return nil
            }
            if let source = old[id] {
                let a = kindLabel(source.kind), b = kindLabel(target.kind)
                if a != b { add("\(what) \(named(id)) hat die Art gewechselt: in Version \(n) \(a), in Version \(m) \(b).") }
                if source.scopeID != target.scopeID { add("\(what) \(named(id)) liegt in Version \(m) in einem anderen Teilprozess.") }
            }
            return target
        }

        for scope in state.scopes.values {
            guard let element = scope.elementID else { continue }
            _ = compare(element, scope.isEventSubProcess ? "Der Ereignis-Teilprozess" : "Der Teilprozess")
        }
        var waits: [MigrationCandidate.Wait] = []
        for token in state.tokens.values {
            waits.append(MigrationCandidate.Wait(elementID: token.nodeID, name: old[token.nodeID]?.name))
            guard let target = compare(token.nodeID, "Der Schritt") else { continue }
            if case .join = token.wait, let via = token.arrivedVia, !target.incoming.contains(via) {
                add("An der Zusammenführung \(named(token.nodeID)) ist der Pfad «\(via)» angekommen, den es in Version \(m) nicht mehr gibt.")
            }
        }
        func compareTrigger(_ id: String, _ what: String) -> FlowNode? {
            guard let target = compare(id, what) else { return nil }
            if case .boundaryEvent(let b)? = old[id]?.kind, case .boundaryEvent(let a) = target.kind, a.attachedToID != b.attachedToID {
                add("\(what) \(named(id)) hängt in Version \(m) an «\(a.attachedToID)» statt an «\(b.attachedToID)».")
            }
            return target
        }
        for job in jobs {
            guard let target = compareTrigger(job.elementID, "Der Timer") else { continue }
            if target.timers.isEmpty { add("Der Timer \(named(job.elementID)) ist in Version \(m) kein Timer mehr.") }
        }
        for subscription in subscriptions {
            guard let target = compareTrigger(subscription.elementID, "Das Nachrichtenereignis") else { continue }
            let expected = messageRef(target).flatMap { to.messages[$0]?.name }
            if expected != subscription.messageName {
                add("Das Nachrichtenereignis \(named(subscription.elementID)) wartet auf die Nachricht «\(subscription.messageName)», "
                    + (expected.map { "in Version \(m) auf «\($0)»." } ?? "in Version \(m) auf keine."))
            }
        }
        return (waits, reasons)
    }

    /// The message a waiting element listens for.
    static func messageRef(_ node: FlowNode) -> String? {
        func of(_ trigger: EventTrigger) -> String? {
            switch trigger {
            case .message(let ref): ref
            case .eventSubProcessStart(let inner, _): of(inner)
            default: nil
            }
        }
        switch node.kind {
        case .receiveTask(let ref): return ref
        case .intermediateCatchEvent(let t), .startEvent(let t): return of(t)
        case .boundaryEvent(let spec): return of(spec.trigger)
        default: return nil
        }
    }

    /// The kind of element in words: two elements of one id are compatible when these agree.
    static func kindLabel(_ kind: FlowNode.Kind) -> String {
        func trigger(_ t: EventTrigger) -> String {
            switch t {
            case .none: "einfaches "
            case .timer: "Timer-"
            case .message: "Nachrichten-"
            case .eventSubProcessStart(let inner, _): trigger(inner)
            }
        }
        switch kind {
        case .startEvent(.eventSubProcessStart(let inner, _)): return "\(trigger(inner))Start eines Ereignis-Teilprozesses"
        case .startEvent(let t): return "\(trigger(t))Startereignis"
        case .endEvent: return "Endereignis"
        case .userTask: return "Benutzeraufgabe"
        case .serviceTask: return "Serviceaufgabe"
        case .sendTask: return "Sendeaufgabe"
        case .receiveTask: return "Empfangsaufgabe"
        case .exclusiveGateway: return "Entscheidung (exklusives Gateway)"
        case .parallelGateway: return "parallele Verzweigung oder Zusammenführung"
        case .intermediateCatchEvent(let t): return "\(trigger(t))Zwischenereignis"
        case .intermediateThrowEvent: return "auslösendes Zwischenereignis"
        case .boundaryEvent(let spec): return "\(trigger(spec.trigger))Randereignis"
        case .subProcess(let isEvent): return isEvent ? "Ereignis-Teilprozess" : "Teilprozess"
        case .abstractTask: return "einfache Aufgabe"
        }
    }
}
