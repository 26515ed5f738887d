import Foundation
import NahtstelleDefinition
import NahtstelleFEEL

/// One command's work inside one transaction: moves tokens through the definition until every
/// token of every touched instance waits (task, timer, message, join) or has ended.
///
/// Instances touched by messages thrown during the command are loaded and advanced in the same
/// transaction, so a hand-over and the start of the linked reduced procedure commit together.
final class Execution {
    let engine: Engine
    let tx: any EngineTransaction
    let now: Date
    let actor: String
    let command: String
    var primaryInstanceID: Int64?
    /// The instances this command works on, in the order it reached them (nearly always one:
    /// an array searched by id costs less than a dictionary).
    private(set) var instances: [LoadedInstance] = []
    private var pendingMessages: [(name: String, key: String?, payload: [String: Value], from: Int64)] = []
    private var createdTasks: [TaskRecord] = []
    private var warnings: [String] = []
    private var startedInstances: [Int64] = []
    private var endedInstances: [Int64] = []
    private var endedTaskIDs: [Int64] = []
    /// Guards against message ping-pong between processes.
    private var deliveries = 0

    /// Whether instances may come from the engine's cache (see `Engine.command`).
    let useCache: Bool
    /// Whether any instance came from the cache (a failure may then be a stale copy's).
    private(set) var usedCache = false

    init(engine: Engine, tx: any EngineTransaction, now: Date, actor: String, command: String, useCache: Bool = true) {
        self.useCache = useCache
        self.engine = engine
        self.tx = tx
        self.now = now
        self.actor = actor
        self.command = command
    }

    /// An instance being worked on in this command.
    final class LoadedInstance {
        var record: InstanceRecord
        var state: InstanceState
        let process: CompiledProcess
        let originalVersion: Int64
        let isNew: Bool
        var agenda: [Int] = []
        var changed: [String: Value] = [:]
        var events: [HistoryEvent] = []
        var taskID: Int64?
        var elementID: String?
        var lastEndEvent: String?

        var id: Int64 { record.id }

        /// The committed instance for the engine's cache; its state moves there (the command is over).
        func takeForCache() -> CachedInstance {
            var taken = InstanceState()
            swap(&taken, &state)
            return CachedInstance(record: record, state: taken, process: process)
        }

        init(record: InstanceRecord, state: InstanceState, process: CompiledProcess, isNew: Bool) {
            self.record = record
            self.state = state
            self.process = process
            self.originalVersion = record.version
            self.isNew = isNew
        }
    }

    // MARK: Loading and finishing

    /// Takes an instance this command loaded itself (a migration loads the row and pairs it with
    /// the target version); `finish()` writes it like any other.
    func adopt(_ instance: LoadedInstance) {
        instances.append(instance)
    }

    func loaded(_ id: Int64) -> LoadedInstance? {
        for instance in instances where instance.id == id { return instance }
        return nil
    }

    func load(_ id: Int64) throws -> LoadedInstance {
        if let hit = loaded(id) { return hit }
        if useCache, let cached = engine.takeCached(id) {
            let instance = LoadedInstance(record: cached.record, state: cached.state, process: cached.process, isNew: false)
            instances.append(instance)
            usedCache = true
            return instance
        }
        guard let record = try tx.instance(id: id) else {
            throw EngineError(.notFound, "Prozessinstanz \(id) gibt es nicht.")
        }
        let process = try engine.process(definitionID: record.definitionID, in: tx)
        let instance = LoadedInstance(record: record, state: try engine.decodeState(record), process: process, isNew: false)
        instances.append(instance)
        return instance
    }

    /// What the command did, once `finish()` ran.
    private(set) var result = CommandResult.nothing

    /// `result`, moved out (the command is over).
    func takeResult() -> CommandResult {
        var taken = CommandResult.nothing
        swap(&taken, &result)
        return taken
    }

    /// Delivers queued messages, writes every touched instance and its history line, and sets
    /// `result`. Once the transaction has committed, `instances` hold the states to cache.
    func finish() throws {
        while !pendingMessages.isEmpty {
            let message = pendingMessages.removeFirst()
            let delivered = try deliver(message: message.name, correlationKey: message.key, payload: message.payload, from: message.from)
            if delivered.isEmpty, let sender = loaded(message.from) {
                sender.events.append(.undelivered(message: message.name))
            }
        }
        for instance in instances {
            instance.record.state = instance.state.encode()
            // A new instance was inserted at its start (its tasks need the id); its state is written now.
            instance.record.version = instance.isNew ? instance.originalVersion : instance.originalVersion + 1
            try tx.updateInstance(instance.record, expectedVersion: instance.originalVersion)
            instance.record.state = []  // the cache keeps the decoded state, not the bytes
            try tx.appendHistory(HistoryRecord(at: now, actor: actor, command: command, instanceID: instance.id,
                                               businessKey: instance.record.businessKey, taskID: instance.taskID,
                                               elementID: instance.elementID,
                                               details: HistoryEvent.details(events: instance.events, variables: instance.changed)))
        }
        result = CommandResult(instanceID: primaryInstanceID, status: nil, endEventID: nil, openTasks: [],
                               createdTasks: createdTasks, startedInstances: startedInstances, endedInstances: endedInstances,
                               endedTaskIDs: endedTaskIDs, warnings: warnings)
        if let id = primaryInstanceID, let primary = loaded(id) {
            result.status = primary.record.status
            result.endEventID = primary.record.endEventID
            // The open tasks are those its tokens wait at: most were created by this very command,
            // so only older ones (parallel branches) are read back. Usually they are exactly the
            // created ones, and the list is shared (made in id order) rather than copied.
            // Counted first, without a list: this runs on every command.
            var waiting = 0
            var allCreated = true
            for token in primary.state.tokens.values {
                guard case .task(let taskID) = token.wait else { continue }
                waiting += 1
                if !createdTasks.contains(where: { $0.id == taskID }) { allCreated = false }
            }
            if allCreated && waiting == createdTasks.count {
                result.openTasks = createdTasks
            } else {
                for token in primary.state.tokens.values {
                    guard case .task(let taskID) = token.wait else { continue }
                    if let created = createdTasks.first(where: { $0.id == taskID }) {
                        result.openTasks.append(created)
                    } else if let stored = try tx.task(id: taskID) {
                        result.openTasks.append(stored)
                    }
                }
                if result.openTasks.count > 1 { result.openTasks.sort { $0.id < $1.id } }
            }
        }
    }

    // MARK: Commands

    func startInstance(_ process: CompiledProcess, at start: FlowNode, variables: [String: Value], businessKey: String?) throws -> LoadedInstance {
        var state = InstanceState()
        state.scopes[InstanceState.rootScopeID] = ScopeInstance(id: InstanceState.rootScopeID, elementID: nil, parentScopeID: nil,
                                                                 parentTokenID: nil, isEventSubProcess: false, variables: variables)
        _ = state.makeID()
        var record = InstanceRecord(definitionID: process.record.id, processID: process.record.processID, businessKey: businessKey,
                                    status: .running, version: 1, state: [], startedAt: now, endedAt: nil, endEventID: nil)
        record.id = try tx.insertInstance(record)
        try engine.configuration.onInstanceStarted?(record, tx)
        let instance = LoadedInstance(record: record, state: state, process: process, isNew: true)
        instance.changed = variables
        instance.elementID = start.id
        instance.events.append(.started(process: process.record.processID, version: process.record.version))
        instances.append(instance)
        startedInstances.append(record.id)
        try openEventSubProcesses(instance, scopeID: InstanceState.rootScopeID, scopeElement: nil)
        let tokenID = instance.state.makeID()
        instance.state.tokens[tokenID] = Token(id: tokenID, scopeID: InstanceState.rootScopeID, nodeID: start.id, arrivedVia: nil, wait: .event)
        instance.agenda.append(tokenID)
        try drain(instance)
        return instance
    }

    /// Completes a user task: marks it done in the store, then runs the process on from it.
    @discardableResult
    func complete(taskID: Int64, variables: [String: Value], expectedVersion: Int64?) throws -> TaskRecord {
        let done = try engine.markCompleted(taskID: taskID, in: self, expectedVersion: expectedVersion)
        if primaryInstanceID == nil { primaryInstanceID = done.instanceID }
        try continueAfter(completed: done, variables: variables)
        return done
    }

    /// Runs the process on from a task the store just marked completed.
    func continueAfter(completed task: TaskRecord, variables: [String: Value]) throws {
        let instance = try load(task.instanceID)
        guard instance.record.status == .running, let token = instance.state.tokens[task.tokenID],
            case .task(let waitingTask) = token.wait, waitingTask == task.id
        else {
            throw EngineError(.conflict, "Die Aufgabe \(task.id) gehört zu keinem wartenden Schritt mehr.", element: task.elementID)
        }
        endedTaskIDs.append(task.id)
        instance.taskID = task.id
        instance.elementID = task.elementID
        if !variables.isEmpty {
            for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
                instance.state.setVariable(name, value, from: token.scopeID)
                instance.changed[name] = value
            }
        }
        if let hook = engine.configuration.onTaskCompleted {
            var documents: [String] = []
            if case .userTask(let spec) = try instance.process.step(task.elementID).node.kind { documents = spec.documents }
            try hook(TaskCompletion(task: task, variables: variables, instanceVariables: instance.state.variables(visibleIn: token.scopeID),
                                    documents: documents, actor: actor, at: now), tx)
        }
        try leave(instance, tokenID: token.id)
        try drain(instance)
    }

    func cancelInstance(_ instance: LoadedInstance, reason: String) throws {
        for scope in instance.state.childScopes(of: InstanceState.rootScopeID) { try destroyScope(instance, scope.id) }
        for token in instance.state.tokens(inScope: InstanceState.rootScopeID) { try cancelToken(instance, token.id) }
        try closeScopeSubscriptions(instance, InstanceState.rootScopeID)
        instance.record.status = .cancelled
        instance.record.endedAt = now
        instance.events.append(.cancelled(reason: reason))
        endedInstances.append(instance.record.id)
    }

    // MARK: Timers and messages

    func fire(job: JobRecord) throws {
        let instance = try load(job.instanceID)
        guard instance.record.status == .running else {
            try tx.deleteJob(id: job.id)
            return
        }
        let node = try instance.process.node(job.elementID)
        instance.elementID = node.id
        instance.events.append(.timer(element: node.id))
        // Reschedule cycles before firing, so a failing path does not lose the cycle.
        if job.repeatsLeft != 0, let interval = job.interval, let next = Timers.add(interval, to: job.dueAt) {
            var again = job
            again.dueAt = max(next, job.dueAt.addingTimeInterval(1))
            again.repeatsLeft = job.repeatsLeft > 0 ? job.repeatsLeft - 1 : -1
            try tx.updateJob(again)
        } else {
            try tx.deleteJob(id: job.id)
        }
        try trigger(instance, node: node, target: job.target, payload: [:], isCycleRepeat: job.repeatsLeft != 0)
        try drain(instance)
    }

    func fire(subscription: SubscriptionRecord, payload: [String: Value]) throws {
        let instance = try load(subscription.instanceID)
        let node = try instance.process.node(subscription.elementID)
        instance.elementID = node.id
        instance.events.append(.message(name: subscription.messageName, at: node.id))
        // An event sub-process start and a non-interrupting boundary event keep listening.
        var keep = false
        if case .startEvent(.eventSubProcessStart(_, let interrupting)) = node.kind { keep = !interrupting }
        if case .boundaryEvent(let spec) = node.kind { keep = !spec.interrupting }
        if !keep { try tx.deleteSubscription(id: subscription.id) }
        try trigger(instance, node: node, target: subscription.target, payload: payload, isCycleRepeat: false)
        try drain(instance)
    }

    /// Delivers a message to every instance waiting for it (one subscription per instance) and
    /// starts the processes whose message start event it names. Returns the instances reached.
    func deliver(message name: String, correlationKey: String?, payload: [String: Value], from sender: Int64?) throws -> [Int64] {
        deliveries += 1
        if deliveries > 1000 {
            throw EngineError(.incident, "Nachrichten laufen im Kreis (mehr als 1000 in einem Schritt). Prüfen Sie die Nachrichtenflüsse der Definitionen.")
        }
        var reached: [Int64] = []
        var seen: Set<Int64> = []
        for sub in try tx.subscriptions(messageName: name, correlationKey: correlationKey).sorted(by: { $0.id < $1.id })
        where !seen.contains(sub.instanceID) {
            seen.insert(sub.instanceID)
            try fire(subscription: sub, payload: payload)
            reached.append(sub.instanceID)
        }
        for record in try tx.messageStartDefinitions(messageName: name) {
            let process = try engine.process(record, in: tx)
            guard let start = process.definition.messageStartEvents.first(where: {
                if case .startEvent(.message(let ref)) = $0.kind { return process.messages[ref]?.name == name }
                return false
            }) else { continue }
            // The same message for the same key starts a process once, not again on a repeat.
            if let key = correlationKey,
                try tx.instances(businessKey: key).contains(where: { $0.processID == record.processID && $0.status == .running }) {
                continue
            }
            let instance = try startInstance(process, at: start, variables: payload, businessKey: correlationKey)
            instance.events.append(.startedBy(message: name))
            reached.append(instance.record.id)
        }
        return reached
    }

    private func trigger(_ instance: LoadedInstance, node: FlowNode, target: SubscriptionTarget, payload: [String: Value],
                         isCycleRepeat: Bool) throws {
        switch node.kind {
        case .boundaryEvent(let spec):
            guard case .token(let tokenID) = target, let token = instance.state.tokens[tokenID], token.nodeID == spec.attachedToID else {
                return  // the activity was left meanwhile: the event has nothing to interrupt
            }
            if spec.interrupting {
                try interruptActivity(instance, tokenID: tokenID)
                instance.state.tokens[tokenID] = Token(id: tokenID, scopeID: token.scopeID, nodeID: node.id, arrivedVia: nil, wait: .event)
                setPayload(instance, payload, scopeID: token.scopeID)
                instance.agenda.append(tokenID)
            } else {
                let newID = instance.state.makeID()
                instance.state.tokens[newID] = Token(id: newID, scopeID: token.scopeID, nodeID: node.id, arrivedVia: nil, wait: .event)
                setPayload(instance, payload, scopeID: token.scopeID)
                instance.agenda.append(newID)
            }
        case .startEvent(.eventSubProcessStart(_, let interrupting)):
            guard case .scope(let parentScope) = target, instance.state.scopes[parentScope] != nil, let espID = node.scopeID else { return }
            if interrupting {
                for child in instance.state.childScopes(of: parentScope) { try destroyScope(instance, child.id) }
                for token in instance.state.tokens(inScope: parentScope) { try cancelToken(instance, token.id) }
                try closeScopeSubscriptions(instance, parentScope)
            }
            let scopeID = instance.state.makeID()
            instance.state.scopes[scopeID] = ScopeInstance(id: scopeID, elementID: espID, parentScopeID: parentScope, parentTokenID: nil,
                                                           isEventSubProcess: true, variables: payload)
            for (k, v) in payload { instance.changed[k] = v }
            try openEventSubProcesses(instance, scopeID: scopeID, scopeElement: espID)
            let tokenID = instance.state.makeID()
            instance.state.tokens[tokenID] = Token(id: tokenID, scopeID: scopeID, nodeID: node.id, arrivedVia: nil, wait: .event)
            instance.agenda.append(tokenID)
        case .intermediateCatchEvent, .receiveTask:
            guard case .token(let tokenID) = target, let token = instance.state.tokens[tokenID], token.nodeID == node.id else { return }
            setPayload(instance, payload, scopeID: token.scopeID)
            try leave(instance, tokenID: tokenID)
        case .startEvent:
            return
        default:
            throw EngineError(.incident, "Element \(node.id) kann nicht durch einen Timer oder eine Nachricht ausgelöst werden.", element: node.id)
        }
    }

    private func setPayload(_ instance: LoadedInstance, _ payload: [String: Value], scopeID: Int) {
        for (name, value) in payload.sorted(by: { $0.key < $1.key }) {
            instance.state.setVariable(name, value, from: scopeID)
            instance.changed[name] = value
        }
    }

    // MARK: Token movement

    private func drain(_ instance: LoadedInstance) throws {
        var steps = 0
        var limit = 10_000
        while !instance.agenda.isEmpty {
            steps += 1
            if steps > limit {
                // Without a loop no token passes an element twice: a long straight line (or
                // many parallel branches) needs as many steps as it has elements, a loop
                // without wait state needs them without end. The limit grows with the model.
                let elements = instance.process.definition.nodes.count
                if limit == 10_000, 4 * elements > limit {
                    limit = 4 * elements
                    continue
                }
                throw EngineError(.incident, "Der Prozess läuft ohne Wartezustand im Kreis (mehr als \(limit) Schritte ohne Benutzeraufgabe, Timer oder Nachricht). Prüfen Sie die Schleifen der Definition.")
            }
            let tokenID = instance.agenda.removeFirst()
            guard instance.record.status == .running, let token = instance.state.tokens[tokenID] else { continue }
            try execute(instance, token)
        }
    }

    private func context(_ instance: LoadedInstance, scopeID: Int) -> FEELContext {
        FEELContext(variables: instance.state.variables(visibleIn: scopeID), now: now)
    }

    private func execute(_ instance: LoadedInstance, _ token: Token) throws {
        let step = try instance.process.step(token.nodeID)
        // The common case first, without copying the node (a copy retains a dozen strings and arrays).
        if let template = step.task {
            try createTask(instance, token, template)
            if !step.node.boundaryEventIDs.isEmpty { try openBoundaryEvents(instance, token, step.node) }
            return
        }
        if step.isExclusiveGateway {
            try takeExclusive(instance, token, step)
            return
        }
        let node = step.node
        switch node.kind {
        case .startEvent, .boundaryEvent, .abstractTask:
            try leave(instance, tokenID: token.id)
        case .endEvent(let kind):
            instance.lastEndEvent = node.id
            switch kind {
            case .none:
                instance.state.tokens[token.id] = nil
                try scopeMayBeDone(instance, token.scopeID)
            case .message(let m):
                try throwMessage(instance, m, scopeID: token.scopeID)
                instance.state.tokens[token.id] = nil
                try scopeMayBeDone(instance, token.scopeID)
            case .terminate:
                instance.state.tokens[token.id] = nil
                for child in instance.state.childScopes(of: token.scopeID) { try destroyScope(instance, child.id) }
                for other in instance.state.tokens(inScope: token.scopeID) { try cancelToken(instance, other.id) }
                instance.events.append(.terminated(element: node.id))
                try scopeMayBeDone(instance, token.scopeID)
            }
        case .userTask:
            // Every user task gets a template when its version is compiled.
            throw EngineError(.incident, "Der Benutzerschritt »\(node.name ?? node.id)« wurde nicht vorbereitet.", element: node.id)
        case .serviceTask(let spec):
            guard let handler = engine.configuration.serviceHandlers[spec.handler] else {
                throw EngineError(.incident, "Für den Serviceschritt »\(node.name ?? node.id)« ist kein Handler »\(spec.handler)« registriert.", element: node.id)
            }
            let call = ServiceTaskCall(instanceID: instance.record.id, businessKey: instance.record.businessKey,
                                       processID: instance.record.processID, elementID: node.id, handler: spec.handler,
                                       parameters: spec.parameters, variables: instance.state.variables(visibleIn: token.scopeID),
                                       actor: actor, at: now)
            let output = try handler.execute(call, tx)
            setPayload(instance, output, scopeID: token.scopeID)
            instance.events.append(.service(element: node.id))
            try leave(instance, tokenID: token.id)
        case .sendTask(let m), .intermediateThrowEvent(.some(let m)):
            try throwMessage(instance, m, scopeID: token.scopeID)
            try leave(instance, tokenID: token.id)
        case .intermediateThrowEvent(.none):
            try leave(instance, tokenID: token.id)
        case .receiveTask(let ref):
            try subscribe(instance, messageRef: ref, elementID: node.id, target: .token(token.id), scopeID: token.scopeID)
            instance.state.tokens.update(token.id) { $0.wait = .event }
            try openBoundaryEvents(instance, token, node)
        case .intermediateCatchEvent(let trigger):
            instance.state.tokens.update(token.id) { $0.wait = .event }
            try openTrigger(instance, trigger, elementID: node.id, target: .token(token.id), scopeID: token.scopeID)
        case .exclusiveGateway:
            try takeExclusive(instance, token, step)
        case .parallelGateway:
            if node.incoming.count > 1 {
                instance.state.tokens.update(token.id) { $0.wait = .join }
                let waiting = instance.state.tokens(inScope: token.scopeID).filter { $0.nodeID == node.id && $0.wait == .join }
                var byFlow: [String: Token] = [:]
                for t in waiting where byFlow[t.arrivedVia ?? ""] == nil { byFlow[t.arrivedVia ?? ""] = t }
                guard node.incoming.allSatisfy({ byFlow[$0] != nil }) else { return }
                let survivors = node.incoming.compactMap { byFlow[$0]?.id }.sorted()
                for id in survivors.dropFirst() { instance.state.tokens[id] = nil }
                try spread(instance, tokenID: survivors[0], from: step, along: step.outgoing)
            } else {
                try spread(instance, tokenID: token.id, from: step, along: step.outgoing)
            }
        case .subProcess(let isEvent):
            if isEvent { return }  // entered only by its start event's trigger
            let scopeID = instance.state.makeID()
            instance.state.scopes[scopeID] = ScopeInstance(id: scopeID, elementID: node.id, parentScopeID: token.scopeID,
                                                           parentTokenID: token.id, isEventSubProcess: false, variables: [:])
            instance.state.tokens.update(token.id) { $0.wait = .subProcess(scopeID: scopeID) }
            try openBoundaryEvents(instance, token, node)
            try openEventSubProcesses(instance, scopeID: scopeID, scopeElement: node.id)
            guard let start = instance.process.noneStarts[node.id] else {
                throw EngineError(.incident, "Der Teilprozess »\(node.name ?? node.id)« hat kein Startereignis.", element: node.id)
            }
            let inner = instance.state.makeID()
            instance.state.tokens[inner] = Token(id: inner, scopeID: scopeID, nodeID: start.id, arrivedVia: nil, wait: .event)
            instance.agenda.append(inner)
        }
    }

    /// An exclusive gateway: the first flow whose condition holds, else the default flow.
    private func takeExclusive(_ instance: LoadedInstance, _ token: Token, _ step: Step) throws {
        var chosen: Step.Outgoing? = nil
        var ctx: FEELContext?
        for flow in step.outgoing where flow.id != step.defaultFlowID {
            if let condition = flow.condition {
                if ctx == nil { ctx = context(instance, scopeID: token.scopeID) }
                if condition.evaluate(ctx!) == .bool(true) { chosen = flow; break }
            } else if step.outgoing.count == 1 {
                chosen = flow
            }
        }
        guard let flow = chosen ?? step.outgoing.first(where: { $0.id == step.defaultFlowID }) else {
            throw EngineError(.incident, "Am Entscheid »\(step.node.name ?? step.node.id)« trifft keine Bedingung zu, und es gibt keinen Standardpfad. "
                              + "Prüfen Sie die Eingaben (z. B. die Entscheidvariable) oder ergänzen Sie einen Standardpfad.", element: step.node.id)
        }
        try move(instance, tokenID: token.id, along: flow)
    }

    /// The token leaves its node: boundary listeners close; outgoing flows are taken — those
    /// without condition always, conditional ones when their condition is `true`, the default
    /// flow when no conditional one is (BPMN's implicit inclusive split); no flows means the
    /// token ends here.
    private func leave(_ instance: LoadedInstance, tokenID: Int) throws {
        guard let token = instance.state.tokens[tokenID] else { return }
        let step = try instance.process.step(token.nodeID)
        if !step.node.boundaryEventIDs.isEmpty { try closeBoundaryEvents(instance, tokenID: tokenID, step.node) }
        guard step.hasConditions else {
            try spread(instance, tokenID: tokenID, from: step, along: step.outgoing)
            return
        }
        var ctx: FEELContext?
        var conditionHeld = false
        var taken = step.outgoing.filter { flow in
            if flow.id == step.defaultFlowID { return false }
            guard let condition = flow.condition else { return true }
            if ctx == nil { ctx = context(instance, scopeID: token.scopeID) }
            let holds = condition.evaluate(ctx!) == .bool(true)
            if holds { conditionHeld = true }
            return holds
        }
        if !conditionHeld, let defaultFlow = step.outgoing.first(where: { $0.id == step.defaultFlowID }) {
            // In document order with the others, so the token ids follow the drawing.
            taken = step.outgoing.filter { flow in flow.id == defaultFlow.id || taken.contains { $0.id == flow.id } }
        }
        guard taken.count > 0 else {
            throw EngineError(.incident, "Nach »\(step.node.name ?? step.node.id)« trifft keine Bedingung der ausgehenden Pfade zu.", element: step.node.id)
        }
        try spread(instance, tokenID: tokenID, from: step, along: taken)
    }

    /// Sends the token along the first flow and new tokens along the others; with no flows the
    /// token ends here and its scope may be done.
    private func spread(_ instance: LoadedInstance, tokenID: Int, from step: Step, along flows: [Step.Outgoing]) throws {
        if flows.isEmpty {
            guard let token = instance.state.tokens.removeValue(forKey: tokenID) else { return }
            try scopeMayBeDone(instance, token.scopeID)
            return
        }
        guard let scopeID = instance.state.tokens[tokenID]?.scopeID else { return }
        for (i, flow) in flows.enumerated() {
            var id = tokenID
            if i > 0 {
                id = instance.state.makeID()
                instance.state.tokens[id] = Token(id: id, scopeID: scopeID, nodeID: step.node.id, arrivedVia: nil, wait: .event)
            }
            try move(instance, tokenID: id, along: flow)
        }
    }

    private func move(_ instance: LoadedInstance, tokenID: Int, along flow: Step.Outgoing) throws {
        instance.state.moveToken(tokenID, to: flow.target, via: flow.id)
        instance.agenda.append(tokenID)
    }

    /// A scope with no tokens and no running child scopes is done.
    private func scopeMayBeDone(_ instance: LoadedInstance, _ scopeID: Int) throws {
        guard let scope = instance.state.scopes[scopeID] else { return }
        guard !instance.state.tokens.values.contains(where: { $0.scopeID == scopeID }),
            !instance.state.scopes.values.contains(where: { $0.parentScopeID == scopeID })
        else { return }
        try closeScopeSubscriptions(instance, scopeID)
        if scopeID == InstanceState.rootScopeID {
            instance.record.status = .completed
            instance.record.endedAt = now
            instance.record.endEventID = instance.lastEndEvent
            instance.events.append(.ended(element: instance.lastEndEvent ?? ""))
            endedInstances.append(instance.record.id)
            return
        }
        instance.state.scopes[scopeID] = nil
        if let parentToken = scope.parentTokenID {
            try leave(instance, tokenID: parentToken)
        } else if let parent = scope.parentScopeID {
            try scopeMayBeDone(instance, parent)
        }
    }

    // MARK: Tasks

    private func createTask(_ instance: LoadedInstance, _ token: Token, _ template: TaskTemplate) throws {
        var context: FEELContext?
        var ctx: FEELContext {
            if let context { return context }
            let made = self.context(instance, scopeID: token.scopeID)
            context = made
            return made
        }
        func text(_ attribute: TaskTemplate.Attribute?) -> String? {
            let value: Value
            switch attribute {
            case nil: return nil
            case .literal(let s): return s.isEmpty ? nil : s
            case .feel(let e): value = e.evaluate(ctx)
            }
            switch value {
            case .string(let s): return s.isEmpty ? nil : s
            case .number(let n): return Value.canonical(n)
            default: return nil
            }
        }
        var due: Date? = nil
        if let e = template.due {
            let value = instance.process.evaluate(e, ctx)
            due = Timers.dueDate(value, literal: !e.isFEEL ? e.text : nil, from: now)
            if due == nil {
                // Not a reason to stop the process, but never silent: the history and the
                // command's result say that this task has no deadline, and why.
                let shown = value == .null ? "null" : FEELExpression.excerpt(value.jsonString(tagged: false), limit: 40)
                let message = "Die Frist der Aufgabe «\(template.elementID)» ist nicht berechenbar: »\(FEELExpression.excerpt(e.text))« "
                    + "ergibt \(shown) statt eines Datums oder einer Dauer (1900–2199, höchstens 100 Jahre); die Aufgabe hat keine Frist."
                instance.events.append(.warning(element: template.elementID, message: message))
                warnings.append(message)
            }
        }
        let assignee = text(template.assignee)
        var record = TaskRecord(instanceID: instance.record.id, processID: instance.record.processID, businessKey: instance.record.businessKey,
                                elementID: template.elementID, name: template.name, role: template.role, office: text(template.office),
                                assignee: assignee, formKey: template.formKey, state: .created, dueAt: due, createdAt: now, tokenID: token.id)
        record.id = try tx.insertTask(record)
        let id = record.id
        createdTasks.append(consume record)
        instance.state.tokens.update(token.id) { $0.wait = .task(id) }
        instance.events.append(.task(element: template.elementID, id: id))
    }

    // MARK: Boundary events, event sub-processes, subscriptions

    private func openBoundaryEvents(_ instance: LoadedInstance, _ token: Token, _ node: FlowNode) throws {
        for id in node.boundaryEventIDs {
            guard let boundary = instance.process.definition.nodes[id], case .boundaryEvent(let spec) = boundary.kind else { continue }
            try openTrigger(instance, spec.trigger, elementID: id, target: .token(token.id), scopeID: token.scopeID)
        }
    }

    private func closeBoundaryEvents(_ instance: LoadedInstance, tokenID: Int, _ node: FlowNode) throws {
        let ids = Set(node.boundaryEventIDs)
        for job in try tx.jobs(instanceID: instance.record.id) where job.target == .token(tokenID) && ids.contains(job.elementID) {
            try tx.deleteJob(id: job.id)
        }
        for sub in try tx.subscriptions(instanceID: instance.record.id) where sub.target == .token(tokenID) && ids.contains(sub.elementID) {
            try tx.deleteSubscription(id: sub.id)
        }
    }

    private func openEventSubProcesses(_ instance: LoadedInstance, scopeID: Int, scopeElement: String?) throws {
        for start in instance.process.eventSubProcessStarts[scopeElement ?? ""] ?? [] {
            guard case .startEvent(.eventSubProcessStart(let inner, _)) = start.kind else { continue }
            try openTrigger(instance, inner, elementID: start.id, target: .scope(scopeID), scopeID: scopeID)
        }
    }

    private func closeScopeSubscriptions(_ instance: LoadedInstance, _ scopeID: Int) throws {
        for job in try tx.jobs(instanceID: instance.record.id) where job.target == .scope(scopeID) { try tx.deleteJob(id: job.id) }
        for sub in try tx.subscriptions(instanceID: instance.record.id) where sub.target == .scope(scopeID) {
            try tx.deleteSubscription(id: sub.id)
        }
    }

    func openTrigger(_ instance: LoadedInstance, _ trigger: EventTrigger, elementID: String, target: SubscriptionTarget, scopeID: Int) throws {
        switch trigger {
        case .timer(let timer):
            let schedule = try Timers.schedule(timer, process: instance.process, context: context(instance, scopeID: scopeID), now: now, elementID: elementID)
            _ = try tx.insertJob(JobRecord(instanceID: instance.record.id, elementID: elementID, dueAt: schedule.due, target: target,
                                           repeatsLeft: schedule.repeatsLeft, interval: schedule.interval))
        case .message(let ref):
            try subscribe(instance, messageRef: ref, elementID: elementID, target: target, scopeID: scopeID)
        case .eventSubProcessStart(let inner, _):
            try openTrigger(instance, inner, elementID: elementID, target: target, scopeID: scopeID)
        case .none:
            return
        }
    }

    private func subscribe(_ instance: LoadedInstance, messageRef: String, elementID: String, target: SubscriptionTarget, scopeID: Int) throws {
        guard let message = instance.process.messages[messageRef] else {
            throw EngineError(.incident, "Nachricht \(messageRef) ist nicht definiert.", element: elementID)
        }
        var key: String? = nil
        if let e = message.correlationKey {
            key = Self.keyText(instance.process.evaluate(e, context(instance, scopeID: scopeID)))
        }
        _ = try tx.insertSubscription(SubscriptionRecord(instanceID: instance.record.id, elementID: elementID, messageName: message.name,
                                                         correlationKey: key, target: target))
    }

    private func throwMessage(_ instance: LoadedInstance, _ m: MessageThrow, scopeID: Int) throws {
        guard let message = instance.process.messages[m.messageRef] else {
            throw EngineError(.incident, "Nachricht \(m.messageRef) ist nicht definiert.")
        }
        let ctx = context(instance, scopeID: scopeID)
        let key = (m.correlationKey ?? message.correlationKey).flatMap { Self.keyText(instance.process.evaluate($0, ctx)) }
        var payload = ctx.variables
        if let p = m.payload {
            guard case .context(let members) = instance.process.evaluate(p, ctx) else {
                throw EngineError(.incident, "Die Nutzlast der Nachricht »\(message.name)« ergibt keinen Kontext {…}.")
            }
            payload = members
        }
        instance.events.append(.sent(message: message.name))
        pendingMessages.append((message.name, key, payload, instance.record.id))
    }

    static func keyText(_ value: Value) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): Value.canonical(n)
        case .null: nil
        default: value.jsonString(tagged: false)
        }
    }

    // MARK: Cancelling

    private func interruptActivity(_ instance: LoadedInstance, tokenID: Int) throws {
        guard let token = instance.state.tokens[tokenID] else { return }
        let node = try instance.process.node(token.nodeID)
        try closeBoundaryEvents(instance, tokenID: tokenID, node)
        try cancelWork(instance, token)
    }

    private func cancelWork(_ instance: LoadedInstance, _ token: Token) throws {
        switch token.wait {
        case .task(let taskID):
            if var task = try tx.task(id: taskID), task.state.isOpen {
                let previous = task.version
                task.state = .cancelled
                task.endedAt = now
                task.version += 1
                try tx.updateTask(task, expectedVersion: previous)
                endedTaskIDs.append(task.id)
                instance.events.append(.taskCancelled(element: task.elementID))
            }
        case .subProcess(let scopeID):
            try destroyScope(instance, scopeID)
        case .event, .join:
            break
        }
        for job in try tx.jobs(instanceID: instance.record.id) where job.target == .token(token.id) { try tx.deleteJob(id: job.id) }
        for sub in try tx.subscriptions(instanceID: instance.record.id) where sub.target == .token(token.id) {
            try tx.deleteSubscription(id: sub.id)
        }
    }

    private func cancelToken(_ instance: LoadedInstance, _ tokenID: Int) throws {
        guard let token = instance.state.tokens[tokenID] else { return }
        try cancelWork(instance, token)
        instance.state.tokens[tokenID] = nil
    }

    private func destroyScope(_ instance: LoadedInstance, _ scopeID: Int) throws {
        for child in instance.state.childScopes(of: scopeID) { try destroyScope(instance, child.id) }
        for token in instance.state.tokens(inScope: scopeID) { try cancelToken(instance, token.id) }
        try closeScopeSubscriptions(instance, scopeID)
        instance.state.scopes[scopeID] = nil
    }
}
