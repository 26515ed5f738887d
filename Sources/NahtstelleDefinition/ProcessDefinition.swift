import NahtstelleFEEL

/// One parsed BPMN `<definitions>` file: its processes, messages and collaboration.
///
/// Immutable and `Sendable`: the runtime shares one instance between all process instances of a
/// definition version and points into it by element id.
public struct DefinitionsDocument: Sendable {
    /// The `<definitions id>`.
    public var id: String?
    public var processes: [ProcessDefinition]
    /// Messages by their `id` (what `messageRef` points at).
    public var messages: [String: MessageDefinition]
    /// Participants of the collaboration (pool → process), when there is one.
    public var participants: [Participant]
    public var messageFlows: [MessageFlow]

    public init(id: String?, processes: [ProcessDefinition], messages: [String: MessageDefinition],
                participants: [Participant], messageFlows: [MessageFlow]) {
        self.id = id
        self.processes = processes
        self.messages = messages
        self.participants = participants
        self.messageFlows = messageFlows
    }

    public func process(id: String) -> ProcessDefinition? { processes.first { $0.id == id } }
}

public struct Participant: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var processRef: String?
    public init(id: String, name: String?, processRef: String?) {
        self.id = id
        self.name = name
        self.processRef = processRef
    }
}

public struct MessageFlow: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var sourceRef: String
    public var targetRef: String
    public var messageRef: String?
    public init(id: String, name: String?, sourceRef: String, targetRef: String, messageRef: String?) {
        self.id = id
        self.name = name
        self.sourceRef = sourceRef
        self.targetRef = targetRef
        self.messageRef = messageRef
    }
}

/// A `<message>`: the name is what correlation matches on.
public struct MessageDefinition: Sendable, Hashable {
    public var id: String
    public var name: String
    /// FEEL expression giving the correlation key on the receiving side (nahtstelle:correlationKey,
    /// or zeebe:subscription correlationKey). `nil`: the message matches by name alone.
    public var correlationKey: Expression?
    public init(id: String, name: String, correlationKey: Expression?) {
        self.id = id
        self.name = name
        self.correlationKey = correlationKey
    }
}

/// One executable `<process>`, flattened: every flow node and sequence flow of the process and of
/// all its (event) sub-processes is in `nodes` / `flows`, each node knowing its containing scope.
public struct ProcessDefinition: Sendable {
    public var id: String
    public var name: String?
    public var isExecutable: Bool
    /// All flow nodes by id (also those inside sub-processes).
    public var nodes: [String: FlowNode]
    /// All sequence flows by id.
    public var flows: [String: SequenceFlow]
    public var lanes: [Lane]
    /// Where the `<process>` element stands in the file.
    public var location: SourceLocation

    public init(id: String, name: String?, isExecutable: Bool, nodes: [String: FlowNode],
                flows: [String: SequenceFlow], lanes: [Lane], location: SourceLocation) {
        self.id = id
        self.name = name
        self.isExecutable = isExecutable
        self.nodes = nodes
        self.flows = flows
        self.lanes = lanes
        self.location = location
        var byScope: [String: [String]] = [:]
        for node in nodes.values { byScope[node.scopeID ?? "", default: []].append(node.id) }
        self.nodeIDsByScope = byScope.mapValues { $0.sorted() }
    }

    /// Node ids per scope (`""` = the process itself; else the sub-process id), sorted.
    public private(set) var nodeIDsByScope: [String: [String]]

    /// Nodes directly inside a scope (`nil` = the process level).
    public func nodes(inScope scopeID: String?) -> [FlowNode] {
        (nodeIDsByScope[scopeID ?? ""] ?? []).compactMap { nodes[$0] }
    }

    /// The none start event of a scope (process or embedded sub-process), if any.
    public func noneStartEvent(inScope scopeID: String?) -> FlowNode? {
        nodes(inScope: scopeID).first {
            if case .startEvent(.none) = $0.kind { return true }
            return false
        }
    }

    /// Start events of this process (not of sub-processes) that a message starts.
    public var messageStartEvents: [FlowNode] {
        nodes(inScope: nil).filter {
            if case .startEvent(.message) = $0.kind { return true }
            return false
        }
    }

    /// Event sub-processes directly inside a scope.
    public func eventSubProcesses(inScope scopeID: String?) -> [FlowNode] {
        nodes(inScope: scopeID).filter {
            if case .subProcess(isEventSubProcess: true) = $0.kind { return true }
            return false
        }
    }
}

/// A `<lane>`: stands for a participant **role** (referrer, receiver, signatory …).
public struct Lane: Sendable, Hashable {
    public var id: String
    public var name: String?
    /// `nahtstelle:role` on the lane; otherwise `nil` (a user task without a role of its own
    /// then takes the lane's name as its role, with a warning).
    public var role: String?
    /// Ids of the flow nodes the lane holds (`flowNodeRef`).
    public var flowNodeIDs: [String]
    public init(id: String, name: String?, role: String?, flowNodeIDs: [String]) {
        self.id = id
        self.name = name
        self.role = role
        self.flowNodeIDs = flowNodeIDs
    }
}

public struct SequenceFlow: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var sourceID: String
    public var targetID: String
    /// The `<conditionExpression>` (FEEL); `nil` for an unconditional flow.
    public var condition: Expression?
    public var location: SourceLocation
    public init(id: String, name: String?, sourceID: String, targetID: String, condition: Expression?, location: SourceLocation) {
        self.id = id
        self.name = name
        self.sourceID = sourceID
        self.targetID = targetID
        self.condition = condition
        self.location = location
    }
}

/// Any node a token can stand on.
public struct FlowNode: Sendable {
    public var id: String
    public var name: String?
    public var kind: Kind
    /// The id of the containing (event) sub-process; `nil` at process level.
    public var scopeID: String?
    /// Incoming / outgoing sequence-flow ids, in document order.
    public var incoming: [String]
    public var outgoing: [String]
    /// Boundary events attached to this activity.
    public var boundaryEventIDs: [String]
    /// An activity's default flow (`default`): taken when none of its conditional outgoing
    /// flows is (BPMN's implicit inclusive split). An exclusive gateway's is in its `Kind`.
    public var defaultFlowID: String?
    public var location: SourceLocation

    public init(id: String, name: String?, kind: Kind, scopeID: String?, incoming: [String], outgoing: [String],
                boundaryEventIDs: [String], defaultFlowID: String? = nil, location: SourceLocation) {
        self.id = id
        self.defaultFlowID = defaultFlowID
        self.name = name
        self.kind = kind
        self.scopeID = scopeID
        self.incoming = incoming
        self.outgoing = outgoing
        self.boundaryEventIDs = boundaryEventIDs
        self.location = location
    }

    /// What the node is, with what only that kind carries.
    public enum Kind: Sendable {
        case startEvent(EventTrigger)
        case endEvent(EndEventKind)
        case userTask(UserTaskSpec)
        /// A handler the application registers under this name (e.g. `generate-document`).
        case serviceTask(ServiceTaskSpec)
        case sendTask(MessageThrow)
        case receiveTask(messageRef: String)
        case exclusiveGateway(defaultFlowID: String?)
        case parallelGateway
        /// Intermediate catch: timer or message.
        case intermediateCatchEvent(EventTrigger)
        /// Intermediate throw: none (a milestone) or message.
        case intermediateThrowEvent(MessageThrow?)
        case boundaryEvent(BoundaryEventSpec)
        /// Embedded sub-process; `isEventSubProcess` for `triggeredByEvent="true"`.
        case subProcess(isEventSubProcess: Bool)
        /// An abstract `<task>` or `<manualTask>`: does nothing, the token passes straight through
        /// (BPMN semantics of an untyped task).
        case abstractTask
    }

    /// Activities are what boundary events attach to and what holds a token while it works.
    public var isActivity: Bool {
        switch kind {
        case .userTask, .serviceTask, .sendTask, .receiveTask, .subProcess, .abstractTask: true
        default: false
        }
    }
}

public enum EventTrigger: Sendable {
    case none
    case timer(TimerDefinition)
    /// The message's id (`messageRef`), see `DefinitionsDocument.messages`.
    case message(messageRef: String)
    /// Only for event sub-process start events: whether the sub-process interrupts its parent
    /// (`isInterrupting`, default true).
    indirect case eventSubProcessStart(EventTrigger, isInterrupting: Bool)
}

public enum EndEventKind: Sendable {
    case none
    case terminate
    case message(MessageThrow)
}

/// A message sent by a send task, message end event or message throw event.
public struct MessageThrow: Sendable, Hashable {
    public var messageRef: String
    /// FEEL giving the correlation key on the sending side (`nahtstelle:correlationKey` on the
    /// throwing element, else the message's own key evaluated in the sender's variables).
    public var correlationKey: Expression?
    /// FEEL context expression for the variables sent along (`nahtstelle:payload`); `nil`: all
    /// variables of the sender.
    public var payload: Expression?
    public init(messageRef: String, correlationKey: Expression?, payload: Expression?) {
        self.messageRef = messageRef
        self.correlationKey = correlationKey
        self.payload = payload
    }
}

public struct BoundaryEventSpec: Sendable {
    public var attachedToID: String
    /// `cancelActivity` (default true).
    public var interrupting: Bool
    /// `.timer` or `.message` (others are reported as problems and never reach the model).
    public var trigger: EventTrigger
    public init(attachedToID: String, interrupting: Bool, trigger: EventTrigger) {
        self.attachedToID = attachedToID
        self.interrupting = interrupting
        self.trigger = trigger
    }
}

/// `timeDate`, `timeDuration` or `timeCycle`. The expression text is ISO 8601 (`P10D`,
/// `R3/PT1H`, `2026-12-01T09:00:00Z`) or, prefixed with `=`, FEEL.
public enum TimerDefinition: Sendable {
    case date(Expression)
    case duration(Expression)
    case cycle(Expression)
}

/// What a user task asks and who works it.
public struct UserTaskSpec: Sendable {
    /// Participant role (`nahtstelle:role`, Camunda `candidateGroups`, Zeebe assignment
    /// `candidateGroups`, or the lane's `nahtstelle:role`).
    public var role: String?
    /// FEEL giving the office id that owns the task (`nahtstelle:office`), e.g. `=receiverOffice`.
    public var office: Expression?
    /// FEEL giving the assignee's username (`nahtstelle:assignee`, Camunda `assignee`, Zeebe assignee).
    public var assignee: Expression?
    /// Form id in `forms/` (`nahtstelle:form`, Camunda `formKey`, Zeebe `formKey`/`formId`).
    public var formKey: String?
    /// FEEL giving the due date or date-time (`nahtstelle:due`, Camunda `dueDate`, Zeebe `dueDate`);
    /// a duration (`P10D`) counts from the task's creation.
    public var due: Expression?
    /// Templates to generate when the task completes (`nahtstelle:documents`, comma-separated).
    public var documents: [String]
    public init(role: String?, office: Expression?, assignee: Expression?, formKey: String?, due: Expression?, documents: [String]) {
        self.role = role
        self.office = office
        self.assignee = assignee
        self.formKey = formKey
        self.due = due
        self.documents = documents
    }
}

public struct ServiceTaskSpec: Sendable {
    /// The handler name (`nahtstelle:handler`, Camunda `camunda:type`/`delegateExpression`
    /// text, Zeebe `taskDefinition type`).
    public var handler: String
    /// Extra handler parameters (`nahtstelle:template="kostengutsprache"` → `["template": …]`).
    public var parameters: [String: String]
    public init(handler: String, parameters: [String: String]) {
        self.handler = handler
        self.parameters = parameters
    }
}

/// A FEEL expression as written in the file, with where it stands (for error messages).
/// The runtime parses it once per definition version and caches the parsed form.
public struct Expression: Sendable, Hashable {
    /// The text without a leading `=`.
    public var text: String
    /// Whether the source marked it FEEL (leading `=`) — for timers, the difference between an
    /// ISO literal and an expression.
    public var isFEEL: Bool
    public var location: SourceLocation
    public init(text: String, isFEEL: Bool, location: SourceLocation) {
        self.text = text
        self.isFEEL = isFEEL
        self.location = location
    }
}

/// Where something stands in a file. Line and column are 1-based; 0 when unknown.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}
