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
                problems.append("\(e.location): \(error.message) (in »\(e.text)«)")
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
    }

    /// Evaluates an expression; literals (not marked FEEL) are returned as strings.
    func evaluate(_ expression: Expression, _ context: FEELContext) -> Value {
        if !expression.isFEEL { return .string(expression.text) }
        guard let parsed = expressions[expression.text] else { return .null }
        return parsed.evaluate(context)
    }

    func evaluateCondition(_ expression: Expression, _ context: FEELContext) -> Bool {
        guard let parsed = expressions[expression.text] else { return false }
        return parsed.evaluate(context) == .bool(true)
    }

    func node(_ id: String) throws -> FlowNode {
        guard let node = definition.nodes[id] else {
            throw EngineError(.incident, "Element \(id) fehlt in \(record.processID) v\(record.version).", element: id)
        }
        return node
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
