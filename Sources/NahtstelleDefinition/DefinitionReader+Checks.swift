import NahtstelleXML

extension DefinitionReader {
    /// Checks the process as a graph and builds the model.
    func finish(_ b: ProcessBuilder, element: XMLElement) -> ProcessDefinition {
        checkFlows(b)
        checkDefaultFlows(b)
        checkGateways(b)
        checkBoundaryEvents(b)
        checkStartsAndEnds(b)
        checkReachability(b)
        resolveLanes(b)

        // The model: every well-formed flow whose container is supported, in document order.
        var flows: [String: SequenceFlow] = [:]
        for flow in b.flows where b.isModelScope(flow.scope) {
            guard let source = flow.sourceID, let target = flow.targetID, flows[flow.id] == nil else { continue }
            flows[flow.id] = SequenceFlow(id: flow.id, name: flow.name, sourceID: source, targetID: target,
                                          condition: flow.condition, location: flow.location)
            b.nodes[source]?.outgoing.append(flow.id)
            b.nodes[target]?.incoming.append(flow.id)
        }
        return ProcessDefinition(id: b.id, name: element.attribute("name"), isExecutable: options.draft || element.attribute("isExecutable") == "true",
                                 nodes: b.nodes, flows: flows, lanes: b.lanes, location: b.location)
    }

    private func describe(_ node: ProcessBuilder.GraphNode) -> String {
        "\(ElementCatalog.name(of: node.localName)) «\(node.id)»"
    }

    /// Sources and targets exist, are flow nodes of this process and share a scope.
    private func checkFlows(_ b: ProcessBuilder) {
        for flow in b.flows {
            var ends: [ProcessBuilder.GraphNode] = []
            for (attribute, ref) in [("sourceRef", flow.sourceID), ("targetRef", flow.targetID)] {
                guard let ref else { continue }
                if let node = b.graph[ref] {
                    ends.append(node)
                } else if let other = elementsByID[ref] {
                    error(flow.location, flow.id, "Der Sequenzfluss «\(flow.id)»: \(attribute) verweist auf «\(ref)», ein <\(other.localName)> das kein Flussknoten dieses Prozesses ist",
                          fix: "Sequenzflüsse verbinden nur Ereignisse, Aufgaben und Gateways desselben Prozesses; zwischen Pools einen Nachrichtenfluss verwenden")
                } else {
                    error(flow.location, flow.id, "Der Sequenzfluss «\(flow.id)»: \(attribute) verweist auf das unbekannte Element «\(ref)»",
                          fix: "\(attribute) auf die id eines Flussknotens setzen oder den Sequenzfluss löschen")
                }
            }
            if ends.count == 2 {
                let (source, target) = (ends[0], ends[1])
                if source.scope != flow.scope || target.scope != flow.scope {
                    error(flow.location, flow.id,
                          "Der Sequenzfluss «\(flow.id)» überschreitet die Grenze eines Teilprozesses (\(source.id) in \(source.scope ?? b.id), \(target.id) in \(target.scope ?? b.id))",
                          fix: "Sequenzflüsse enden an der Teilprozess-Grenze: innen ein Endereignis, aussen vom Teilprozess weiterführen")
                }
                if flow.condition != nil || flow.hasConditionElement {
                    switch source.localName {
                    case "exclusiveGateway": break
                    // Conditional flows leaving an activity: each one whose condition holds is taken
                    // (BPMN's implicit inclusive split).
                    case _ where ElementCatalog.activities.contains(source.localName): break
                    case "parallelGateway":
                        error(flow.location, flow.id, "Der Ausgang «\(flow.id)» des parallelen Gateways «\(source.id)» hat eine Bedingung; parallele Gateways nehmen immer alle Ausgänge",
                              fix: "die Bedingung entfernen oder ein exklusives Gateway verwenden")
                    default:
                        if source.isSupported {
                            error(flow.location, flow.id, "Der Sequenzfluss «\(flow.id)» hat eine Bedingung, geht aber weder von einem exklusiven Gateway noch von einer Aktivität aus (\(describe(source)))",
                                  fix: "nach \(source.id) ein exklusives Gateway einfügen und die Bedingung an dessen Ausgang setzen")
                        }
                    }
                }
            }
        }
    }

    /// A default flow (of an exclusive gateway or an activity) leaves the element that names it.
    private func checkDefaultFlows(_ b: ProcessBuilder) {
        for defaultFlow in b.defaults {
            let id = defaultFlow.nodeID
            let isGateway = b.graph[id]?.localName == "exclusiveGateway"
            let owner = isGateway ? "des Gateways «\(id)»" : "von «\(id)»"
            guard let flow = b.flows.first(where: { $0.id == defaultFlow.flowID }) else {
                error(defaultFlow.location, id, "Der Standardfluss \(owner) verweist auf den unbekannten Sequenzfluss «\(defaultFlow.flowID)»",
                      fix: "default auf die id eines ausgehenden Sequenzflusses setzen oder entfernen")
                continue
            }
            if flow.sourceID != id {
                error(defaultFlow.location, id, "Der Standardfluss «\(flow.id)» \(owner) ist kein Ausgang \(isGateway ? "dieses Gateways" : "dieser Aktivität")",
                      fix: "default auf einen der ausgehenden Sequenzflüsse \(isGateway ? "des Gateways" : "der Aktivität") setzen")
            } else if flow.hasConditionElement {
                warning(flow.location, flow.id, "Der Standardfluss «\(flow.id)» hat eine Bedingung; sie wird nie ausgewertet",
                        fix: "die Bedingung am Standardfluss entfernen")
            }
        }
    }

    /// Exclusive gateways: every outgoing flow of a split has a condition or is the default.
    private func checkGateways(_ b: ProcessBuilder) {
        let defaultsByGateway = Dictionary(b.defaults.map { ($0.nodeID, $0) }, uniquingKeysWith: { first, _ in first })
        for id in b.graphOrder {
            guard let node = b.graph[id], node.localName == "exclusiveGateway" else { continue }
            let outgoing = b.flows.filter { $0.sourceID == id }
            let defaultFlow = defaultsByGateway[id]
            guard outgoing.count > 1 else { continue }
            for flow in outgoing where !flow.hasConditionElement && flow.id != defaultFlow?.flowID {
                error(flow.location, flow.id, "Der Ausgang «\(flow.id)» des exklusiven Gateways «\(id)» hat weder eine Bedingung noch ist er der Standardfluss",
                      fix: "eine FEEL-Bedingung setzen (z.B. =decision = \"accepted\") oder den Fluss als Standardfluss (default) des Gateways markieren")
            }
        }
    }

    /// Boundary events sit on activities of the same scope.
    private func checkBoundaryEvents(_ b: ProcessBuilder) {
        for id in b.graphOrder {
            guard let node = b.graph[id], node.localName == "boundaryEvent", let attached = node.attachedTo else { continue }
            guard let host = b.graph[attached] else {
                if let other = elementsByID[attached] {
                    error(node.location, id, "Das angeheftete Ereignis «\(id)» hängt an «\(attached)», einem <\(other.localName)> ausserhalb dieses Prozesses",
                          fix: "das Ereignis an eine Aktivität desselben Prozesses heften")
                } else {
                    error(node.location, id, "Das angeheftete Ereignis «\(id)»: attachedToRef verweist auf das unbekannte Element «\(attached)»",
                          fix: "attachedToRef auf die id einer Aktivität setzen")
                }
                continue
            }
            if !ElementCatalog.activities.contains(host.localName) {
                error(node.location, id, "Das angeheftete Ereignis «\(id)» hängt an \(describe(host)); Ereignisse lassen sich nur an Aktivitäten heften",
                      fix: "das Ereignis an eine Aufgabe oder einen Teilprozess heften")
            } else if host.scope != node.scope {
                error(node.location, id, "Das angeheftete Ereignis «\(id)» steht in einem anderen Teilprozess als seine Aktivität «\(attached)»",
                      fix: "das Ereignis neben der Aktivität im selben Teilprozess platzieren")
            } else {
                b.nodes[attached]?.boundaryEventIDs.append(id)
            }
        }
    }

    /// Start events without incoming, end events without outgoing flows; each scope has the
    /// start events it needs.
    private func checkStartsAndEnds(_ b: ProcessBuilder) {
        var incoming: [String: Int] = [:]
        var outgoing: [String: Int] = [:]
        for flow in b.flows {
            if let s = flow.sourceID { outgoing[s, default: 0] += 1 }
            if let t = flow.targetID { incoming[t, default: 0] += 1 }
        }
        var startsByScope: [String: [ProcessBuilder.GraphNode]] = [:]
        for id in b.graphOrder {
            guard let node = b.graph[id] else { continue }
            switch node.localName {
            case "startEvent":
                startsByScope[node.scope ?? "", default: []].append(node)
                if incoming[id, default: 0] > 0 {
                    error(node.location, id, "Das Startereignis «\(id)» hat einen eingehenden Sequenzfluss", fix: "den eingehenden Fluss auf ein anderes Element führen")
                }
            case "boundaryEvent":
                if incoming[id, default: 0] > 0 {
                    error(node.location, id, "Das angeheftete Ereignis «\(id)» hat einen eingehenden Sequenzfluss", fix: "den eingehenden Fluss entfernen")
                }
            case "endEvent":
                if outgoing[id, default: 0] > 0 {
                    error(node.location, id, "Das Endereignis «\(id)» hat einen ausgehenden Sequenzfluss",
                          fix: "den ausgehenden Fluss entfernen oder statt des Endereignisses ein Zwischenereignis verwenden")
                }
            case "subProcess" where node.isEventSubProcess:
                if incoming[id, default: 0] + outgoing[id, default: 0] > 0 {
                    error(node.location, id, "Der Ereignis-Teilprozess «\(id)» hat Sequenzflüsse; er wird nur durch sein Startereignis ausgelöst",
                          fix: "die Sequenzflüsse am Ereignis-Teilprozess entfernen")
                }
            default: break
            }
        }
        // Process level.
        let processStarts = startsByScope[""] ?? []
        if processStarts.isEmpty {
            error(b.location, b.id, "Der Prozess «\(b.id)» hat kein Startereignis",
                  fix: "ein Startereignis hinzufügen (ohne Auslöser für von Hand gestartete Fälle, Nachricht für von aussen gestartete)")
        }
        let noneStarts = processStarts.filter { !$0.hasTrigger }
        for extra in noneStarts.dropFirst() {
            error(extra.location, extra.id, "Der Prozess «\(b.id)» hat mehrere Startereignisse ohne Auslöser («\(noneStarts[0].id)» und «\(extra.id)»)",
                  fix: "nur ein Startereignis ohne Auslöser behalten")
        }
        // Sub-processes.
        for (scopeID, scope) in b.subProcessScopes.sorted(by: { $0.value.location.line < $1.value.location.line })
        where !b.unsupportedScopes.contains(scopeID) {
            let starts = startsByScope[scopeID] ?? []
            if scope.isEventSubProcess {
                if starts.isEmpty {
                    error(scope.location, scopeID, "Der Ereignis-Teilprozess «\(scopeID)» hat kein Startereignis",
                          fix: "ein Nachrichten- oder Zeitgeber-Startereignis hinzufügen")
                }
                for extra in starts.dropFirst() {
                    error(extra.location, extra.id, "Der Ereignis-Teilprozess «\(scopeID)» hat mehr als ein Startereignis",
                          fix: "genau ein Nachrichten- oder Zeitgeber-Startereignis behalten")
                }
            } else {
                if starts.isEmpty {
                    error(scope.location, scopeID, "Der Teilprozess «\(scopeID)» hat kein Startereignis",
                          fix: "im Teilprozess ein Startereignis ohne Auslöser hinzufügen")
                }
                for extra in starts.dropFirst() {
                    error(extra.location, extra.id, "Der Teilprozess «\(scopeID)» hat mehr als ein Startereignis",
                          fix: "genau ein Startereignis ohne Auslöser behalten")
                }
            }
        }
    }

    /// Every node is reachable from an entry point (start events, boundary events, event
    /// sub-processes); every node can reach an end event (warning).
    private func checkReachability(_ b: ProcessBuilder) {
        var successors: [String: [String]] = [:]
        var predecessors: [String: [String]] = [:]
        for flow in b.flows {
            guard let s = flow.sourceID, let t = flow.targetID, b.graph[s] != nil, b.graph[t] != nil else { continue }
            successors[s, default: []].append(t)
            predecessors[t, default: []].append(s)
        }
        func closure(from seeds: [String], along edges: [String: [String]]) -> Set<String> {
            var seen = Set(seeds)
            var queue = seeds
            while let next = queue.popLast() {
                for n in edges[next] ?? [] where seen.insert(n).inserted { queue.append(n) }
            }
            return seen
        }
        let entries = b.graphOrder.filter {
            guard let n = b.graph[$0] else { return false }
            return n.localName == "startEvent" || n.localName == "boundaryEvent" || n.isEventSubProcess
        }
        let reachable = closure(from: entries, along: successors)
        let ends = b.graphOrder.filter { b.graph[$0]?.localName == "endEvent" }
        let finishing = closure(from: ends, along: predecessors)
        for id in b.graphOrder {
            guard let node = b.graph[id] else { continue }
            if !reachable.contains(id) {
                error(node.location, id, "\(describe(node)) ist von keinem Startereignis aus erreichbar",
                      fix: "einen eingehenden Sequenzfluss ergänzen oder das Element entfernen")
            }
            if !finishing.contains(id) && !node.isEventSubProcess {
                warning(node.location, id, "Von \(describe(node)) aus wird kein Endereignis erreicht",
                        fix: "einen ausgehenden Sequenzfluss ergänzen, der zu einem Endereignis führt")
            }
        }
    }

    /// Lane references exist; user tasks without a role of their own take the role of the
    /// innermost lane holding them that has one (`nahtstelle:role`), else the name of the
    /// innermost named lane (as models from other modelers carry no roles), with a warning.
    private func resolveLanes(_ b: ProcessBuilder) {
        var lanesOfNode: [String: [Lane]] = [:]
        for ref in b.laneRefs {
            if b.graph[ref.nodeID] == nil {
                let what = elementsByID[ref.nodeID].map { "ein <\($0.localName)>, kein Flussknoten dieses Prozesses" } ?? "unbekannt"
                error(ref.location, ref.laneID, "Die Lane «\(ref.laneID)» verweist auf «\(ref.nodeID)» (\(what))",
                      fix: "den flowNodeRef entfernen oder auf die id eines Flussknotens setzen")
            }
        }
        for lane in b.lanes {
            for nodeID in lane.flowNodeIDs { lanesOfNode[nodeID, default: []].append(lane) }
        }
        for id in b.graphOrder {
            guard var node = b.nodes[id], case .userTask(var spec) = node.kind else { continue }
            if spec.role == nil {
                let lanes = lanesOfNode[id] ?? []
                func innermost(_ candidates: [Lane]) -> Lane? {
                    candidates.max { (b.laneDepth[$0.id] ?? 0) < (b.laneDepth[$1.id] ?? 0) }
                }
                if let lane = innermost(lanes.filter { $0.role != nil }) {
                    spec.role = lane.role
                } else if let lane = innermost(lanes.filter { Self.roleName(fromLane: $0.name) != nil }),
                    let name = Self.roleName(fromLane: lane.name) {
                    spec.role = name
                    warning(node.location, id, "Die Benutzeraufgabe «\(id)» hat keine Rolle und übernimmt den Namen ihrer Lane «\(name)» als Rolle",
                            fix: "die Rolle ausdrücklich setzen: nahtstelle:role=\"…\" an der Aufgabe oder an der Lane «\(lane.id)» (oder camunda:candidateGroups)")
                }
                node.kind = .userTask(spec)
                b.nodes[id] = node
            }
            if spec.role == nil && options.requireRoles {
                error(node.location, id, "Die Benutzeraufgabe «\(id)» hat keine Rolle; niemand würde sie sehen",
                      fix: "nahtstelle:role=\"…\" an der Aufgabe oder an ihrer Lane setzen (z.B. referrer, receiver, signatory), oder die Aufgabe in eine Lane mit Namen legen")
            }
        }
    }

    /// A lane's name as a role: whitespace (line breaks modelers put into long names) folded to
    /// single spaces; `nil` when it has no name.
    static func roleName(fromLane name: String?) -> String? {
        guard let name else { return nil }
        let folded = name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return folded.isEmpty ? nil : folded
    }
}
