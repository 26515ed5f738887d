/// The way an instance took through a process, as the diagrams draw it.
extension ProcessDefinition {
    /// The elements (nodes and sequence flows) of the way an instance took, from what its history
    /// names (`passed`: tasks, timers, service tasks, end events; `sentMessages`: the names of the
    /// messages it sent). What the history does not record is filled in where it lies between
    /// recorded elements: gateways, none start and throw events, untyped tasks, and message throws
    /// whose message was sent; a sub-process counts as passed when a node inside it was; a flow
    /// when both its ends were.
    public func path(through passed: Set<String>, sentMessages: Set<String>, messages: [String: MessageDefinition]) -> Set<String> {
        var known = passed.filter { nodes[$0] != nil }
        // Sub-processes that something inside was reached in, outwards.
        var scopes = known.compactMap { nodes[$0]?.scopeID }
        while let scope = scopes.popLast() {
            if known.insert(scope).inserted, let outer = nodes[scope]?.scopeID { scopes.append(outer) }
        }
        func isConnector(_ node: FlowNode) -> Bool {
            switch node.kind {
            case .exclusiveGateway, .parallelGateway, .abstractTask, .startEvent(.none), .intermediateThrowEvent(nil), .endEvent(.none):
                return true
            case .intermediateThrowEvent(let message?), .endEvent(.message(let message)), .sendTask(let message):
                return messages[message.messageRef].map { sentMessages.contains($0.name) } ?? false
            default:
                return false
            }
        }
        // Connectors reachable from a known node (and the none starts of entered sub-processes) …
        var forward: Set<String> = []
        var queue = known.flatMap { id in (nodes[id]?.outgoing ?? []).compactMap { flows[$0]?.targetID } }
        for scope in known where nodes[scope].map({ if case .subProcess = $0.kind { true } else { false } }) == true {
            if let start = noneStartEvent(inScope: scope), !known.contains(start.id) { queue.append(start.id) }
        }
        while let id = queue.popLast() {
            guard !known.contains(id), let node = nodes[id], isConnector(node), forward.insert(id).inserted else { continue }
            queue.append(contentsOf: node.outgoing.compactMap { flows[$0]?.targetID })
        }
        // … that also lead to a known node, or are the first node of an entered sub-process.
        var backward: Set<String> = []
        queue = known.flatMap { id in (nodes[id]?.incoming ?? []).compactMap { flows[$0]?.sourceID } }
        queue += forward.filter { id in nodes[id].map { $0.incoming.isEmpty && $0.scopeID.map(known.contains) == true } == true }
        while let id = queue.popLast() {
            guard !known.contains(id), let node = nodes[id], isConnector(node), backward.insert(id).inserted else { continue }
            queue.append(contentsOf: node.incoming.compactMap { flows[$0]?.sourceID })
        }
        let all = known.union(forward.intersection(backward))
        return all.union(flows.values.filter { all.contains($0.sourceID) && all.contains($0.targetID) }.map(\.id))
    }
}
