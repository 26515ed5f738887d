import Foundation
import NahtstelleDefinition
import NahtstelleFEEL

/// A deployed process version ready to run: the immutable definition plus every FEEL expression
/// in it parsed once. Shared by all instances of that version.
public final class CompiledProcess: Sendable {
    public let record: DefinitionRecord
    public let definition: ProcessDefinition
    public let messages: [String: MessageDefinition]
    /// Parsed expressions by their source text.
    let expressions: [String: FEELExpression]
    /// Per scope (`""` = process): the plain start event and the event sub-process start events,
    /// looked up on every instance and sub-process start.
    let noneStarts: [String: FlowNode]
    let eventSubProcessStarts: [String: [FlowNode]]
    let messageStart: FlowNode?
    /// Every node ready to run, by id.
    private let steps: [String: Step]

    init(record: DefinitionRecord, definition: ProcessDefinition, messages: [String: MessageDefinition],
         functions: [String: FEELFunction]) throws {
        self.record = record
        self.definition = definition
        self.messages = messages
        var parsed: [String: FEELExpression] = [:]
        var problems: [String] = []
        /// Conditions are always FEEL; other attributes only when written with a leading `=`.
        func add(_ e: Expression?, always: Bool = false) {
            guard let e, always || e.isFEEL, parsed[e.text] == nil else { return }
            do throws(FEELError) { parsed[e.text] = try FEELExpression.parse(e.text, functions: functions) } catch {
                problems.append("\(e.location): \(error.message) (in »\(FEELExpression.excerpt(e.text))«)")
            }
        }
        for flow in definition.flows.values { add(flow.condition, always: true) }
        for node in definition.nodes.values {
            switch node.kind {
            case .userTask(let spec):
                add(spec.office)
                add(spec.assignee)
                add(spec.due)
            case .sendTask(let m), .endEvent(.message(let m)), .intermediateThrowEvent(.some(let m)):
                add(m.correlationKey)
                add(m.payload)
            default: break
            }
            for timer in node.timers { add(timer) }
        }
        for message in messages.values { add(message.correlationKey) }
        if !problems.isEmpty {
            throw EngineError(.invalidDefinition, "Ausdrücke lassen sich nicht lesen: " + problems.joined(separator: "; "))
        }
        self.expressions = parsed
        var starts: [String: FlowNode] = [:]
        var espStarts: [String: [FlowNode]] = [:]
        for (scope, _) in definition.nodeIDsByScope {
            let scopeID: String? = scope.isEmpty ? nil : scope
            starts[scope] = definition.noneStartEvent(inScope: scopeID)
            espStarts[scope] = definition.eventSubProcesses(inScope: scopeID).flatMap { esp in
                definition.nodes(inScope: esp.id).filter {
                    if case .startEvent(.eventSubProcessStart) = $0.kind { return true }
                    return false
                }
            }
        }
        noneStarts = starts
        eventSubProcessStarts = espStarts
        messageStart = definition.messageStartEvents.first
        var steps: [String: Step] = [:]
        for node in definition.nodes.values {
            let outgoing = node.outgoing.compactMap { id -> Step.Outgoing? in
                guard let flow = definition.flows[id] else { return nil }
                return Step.Outgoing(id: id, target: flow.targetID, condition: flow.condition.flatMap { parsed[$0.text] })
            }
            steps[node.id] = Step(node: node, outgoing: outgoing, task: TaskTemplate(node, expressions: parsed))
        }
        self.steps = steps
    }

    /// A node ready to run (see `Step`).
    func step(_ id: String) throws -> Step {
        guard let step = steps[id] else {
            throw EngineError(.incident, "Element \(id) fehlt in \(record.processID) v\(record.version).", element: id)
        }
        return step
    }

    /// Evaluates an expression; literals (not marked FEEL) are returned as strings.
    /// The context is only made when the expression is FEEL.
    func evaluate(_ expression: Expression, _ context: @autoclosure () -> FEELContext) -> Value {
        if !expression.isFEEL { return .string(expression.text) }
        guard let parsed = expressions[expression.text] else { return .null }
        return parsed.evaluate(context())
    }

    func node(_ id: String) throws -> FlowNode { try step(id).node }
}

/// A flow node prepared for running: its outgoing flows resolved to their targets and parsed
/// conditions once per deployed version, so moving a token looks up no flow by id and copies no
/// node (a `FlowNode` copy retains a dozen strings and arrays).
final class Step: Sendable {
    struct Outgoing: Sendable {
        let id: String
        let target: String
        /// The parsed `conditionExpression`; `nil` when the flow has none.
        let condition: FEELExpression?
    }

    let node: FlowNode
    /// The outgoing flows in document order.
    let outgoing: [Outgoing]
    /// Whether any outgoing flow carries a condition or one is the default (otherwise a token
    /// takes all of them).
    let hasConditions: Bool
    /// For a user task: what its task records are made of.
    let task: TaskTemplate?
    let isExclusiveGateway: Bool
    /// The default flow: an exclusive gateway's, or an activity's (taken when none of its
    /// conditional flows is).
    let defaultFlowID: String?

    init(node: FlowNode, outgoing: [Outgoing], task: TaskTemplate?) {
        self.node = node
        self.outgoing = outgoing
        self.task = task
        if case .exclusiveGateway(let defaultFlow) = node.kind {
            isExclusiveGateway = true
            defaultFlowID = defaultFlow
        } else {
            isExclusiveGateway = false
            defaultFlowID = node.defaultFlowID
        }
        hasConditions = defaultFlowID != nil || outgoing.contains { $0.condition != nil }
    }
}

/// A user task's attributes ready for making task records: its expressions parsed, held in one
/// object (a `UserTaskSpec` copy retains each of its strings and expressions).
final class TaskTemplate: Sendable {
    enum Attribute: Sendable {
        case literal(String)
        case feel(FEELExpression)
    }

    let elementID: String
    let name: String?
    let role: String?
    let formKey: String?
    let office: Attribute?
    let assignee: Attribute?
    /// Kept as written: a literal due date or duration counts differently from a FEEL value.
    let due: Expression?

    /// `nil` for a node that is not a user task.
    init?(_ node: FlowNode, expressions: [String: FEELExpression]) {
        guard case .userTask(let spec) = node.kind else { return nil }
        func attribute(_ e: Expression?) -> Attribute? {
            guard let e else { return nil }
            guard e.isFEEL else { return .literal(e.text) }
            return expressions[e.text].map { .feel($0) }
        }
        elementID = node.id
        name = node.name
        role = spec.role
        formKey = spec.formKey
        office = attribute(spec.office)
        assignee = attribute(spec.assignee)
        due = spec.due
    }
}

extension FlowNode {
    /// The timer expressions this node carries (catch, boundary or start event).
    var timers: [Expression] {
        func of(_ t: EventTrigger) -> [Expression] {
            switch t {
            case .timer(.date(let e)), .timer(.duration(let e)), .timer(.cycle(let e)): [e]
            case .eventSubProcessStart(let inner, _): of(inner)
            default: []
            }
        }
        switch kind {
        case .startEvent(let t), .intermediateCatchEvent(let t): return of(t)
        case .boundaryEvent(let spec): return of(spec.trigger)
        default: return []
        }
    }
}
