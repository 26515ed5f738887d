/// What the reader gathers about one `<process>` before checking the graph and building the
/// `ProcessDefinition`. Knows every flow node, also the unsupported ones (which never reach the
/// model), so that references and reachability are judged on the diagram as drawn.
final class ProcessBuilder {
    /// A flow node as drawn, supported or not.
    struct GraphNode {
        var id: String
        var localName: String
        var scope: String?
        var location: SourceLocation
        /// Whether it is a kind Nahtstelle runs (unsupported ones are already reported).
        var isSupported: Bool
        var isEventSubProcess = false
        var attachedTo: String?
        /// For start events: whether it has an event definition (message, timer …).
        var hasTrigger = false
    }

    struct GraphFlow {
        var id: String
        var name: String?
        var sourceID: String?
        var targetID: String?
        var condition: Expression?
        var hasConditionElement: Bool
        var location: SourceLocation
        var scope: String?
    }

    /// A `default` attribute: of an exclusive gateway or of an activity.
    struct DefaultFlow {
        var nodeID: String
        var flowID: String
        var location: SourceLocation
    }

    struct LaneRef {
        var laneID: String
        var nodeID: String
        var location: SourceLocation
    }

    let id: String
    let location: SourceLocation
    /// Supported nodes as the model will hold them (incoming/outgoing filled in at the end).
    var nodes: [String: FlowNode] = [:]
    var graph: [String: GraphNode] = [:]
    var graphOrder: [String] = []
    var flows: [GraphFlow] = []
    var lanes: [Lane] = []
    var laneDepth: [String: Int] = [:]
    var laneRefs: [LaneRef] = []
    var defaults: [DefaultFlow] = []
    /// Sub-process scopes (also unsupported containers) by id.
    var subProcessScopes: [String: GraphNode] = [:]
    /// Scopes inside unsupported containers: their content never reaches the model.
    var unsupportedScopes: Set<String> = []

    init(id: String, location: SourceLocation) {
        self.id = id
        self.location = location
    }

    func add(_ node: GraphNode) {
        if graph[node.id] == nil { graphOrder.append(node.id) }
        graph[node.id] = node
    }

    /// Whether nodes in `scope` belong to the model (their container is supported).
    func isModelScope(_ scope: String?) -> Bool {
        guard let scope else { return true }
        return !unsupportedScopes.contains(scope)
    }
}
