import NahtstelleXML

extension DefinitionReader {
    /// Reads one `<process>`, checks it and builds its definition.
    func readProcess(_ element: XMLElement) -> ProcessDefinition? {
        guard let id = requireID(element) else { return nil }
        currentProcess = id
        defer { currentProcess = nil }
        let builder = ProcessBuilder(id: id, location: location(element))
        checkNahtstelleAttributes(element, id: id, allowed: [])
        checkExtensions(element, id: id)
        readContainer(element, scope: nil, builder: builder, insideUnsupported: false)
        return finish(builder, element: element)
    }

    /// Reads the flow elements of a process or (event) sub-process.
    func readContainer(_ container: XMLElement, scope: String?, builder: ProcessBuilder, insideUnsupported: Bool) {
        let ownerID = container.attribute("id")
        for child in container.children {
            guard child.namespaceURI == Namespace.bpmn else { foreign(child, ownerID: ownerID); continue }
            let name = child.localName
            if ElementCatalog.supportedFlowNodes.contains(name) {
                readFlowNode(child, scope: scope, builder: builder, insideUnsupported: insideUnsupported)
            } else if let unsupported = ElementCatalog.unsupportedFlowNodes[name] {
                readUnsupportedNode(child, name: unsupported.name, fix: unsupported.fix, scope: scope, builder: builder)
            } else if let loop = ElementCatalog.loops[name] {
                error(child, ownerID, "\(loop.name) an «\(ownerID ?? "?")» wird nicht unterstützt", fix: loop.fix)
            } else if ElementCatalog.ignorable[name] != nil || name == "rendering" {
                ignorable(child, ownerID: ownerID)
            } else {
                switch name {
                case "sequenceFlow": readSequenceFlow(child, scope: scope, builder: builder)
                case "laneSet": readLaneSet(child, depth: 0, builder: builder)
                case "extensionElements", "incoming", "outgoing", "supports": break
                default:
                    error(child, child.attribute("id") ?? ownerID, "Das BPMN-Element <\(name)> wird nicht unterstützt",
                          fix: "entfernen oder durch unterstützte Elemente ersetzen")
                }
            }
        }
    }

    /// Reports the children of a flow node that its reader did not consume.
    func readDecorations(of element: XMLElement, id: String, handled: Set<String> = []) {
        for child in element.children {
            guard child.namespaceURI == Namespace.bpmn else { foreign(child, ownerID: id); continue }
            let name = child.localName
            if handled.contains(name) || ["incoming", "outgoing", "extensionElements"].contains(name) { continue }
            if let loop = ElementCatalog.loops[name] {
                error(child, id, "\(loop.name) an «\(id)» wird nicht unterstützt", fix: loop.fix)
            } else if ElementCatalog.ignorable[name] != nil || name == "rendering" {
                ignorable(child, ownerID: id)
            } else {
                error(child, id, "Das Element <\(name)> wird in \(ElementCatalog.name(of: element.localName)) «\(id)» nicht unterstützt",
                      fix: "entfernen")
            }
        }
    }

    private func readUnsupportedNode(_ element: XMLElement, name: String, fix: String, scope: String?, builder: ProcessBuilder) {
        let id = element.attribute("id")?.trimmed
        error(element, id, "\(name) wird nicht unterstützt", fix: fix)
        guard let id, !id.isEmpty else { return }
        let node = ProcessBuilder.GraphNode(id: id, localName: element.localName, scope: scope, location: location(element), isSupported: false)
        builder.add(node)
        if ElementCatalog.unsupportedContainers.contains(element.localName) {
            builder.subProcessScopes[id] = node
            builder.unsupportedScopes.insert(id)
            readContainer(element, scope: id, builder: builder, insideUnsupported: true)
        }
    }

    // MARK: - Flow nodes

    private func readFlowNode(_ element: XMLElement, scope: String?, builder: ProcessBuilder, insideUnsupported: Bool) {
        guard let id = requireID(element) else { return }
        let here = location(element)
        let name = element.localName
        var node = ProcessBuilder.GraphNode(id: id, localName: name, scope: scope, location: here, isSupported: true)
        var kind: FlowNode.Kind?
        var activityDefault: String?
        if ElementCatalog.activities.contains(name) {
            if element.attribute("isForCompensation") == "true" {
                error(element, id, "Kompensationsaktivitäten (isForCompensation) werden nicht unterstützt",
                      fix: "die Rückabwicklung als gewöhnliche Aufgaben modellieren")
            }
            // The implicit inclusive split: checked with the flows (`checkDefaultFlows`).
            if let flow = element.attribute("default")?.trimmed, !flow.isEmpty {
                activityDefault = flow
                builder.defaults.append(.init(nodeID: id, flowID: flow, location: here))
            }
        }
        switch name {
        case "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent":
            let event = readEvent(element, id: id, scope: scope, builder: builder)
            kind = event.kind
            node.hasTrigger = event.hasTrigger
            node.attachedTo = event.attachedTo
        case "userTask":
            kind = readUserTask(element, id: id)
        case "serviceTask":
            kind = readServiceTask(element, id: id)
        case "sendTask":
            kind = readSendTask(element, id: id)
        case "receiveTask":
            kind = readReceiveTask(element, id: id)
        case "task", "manualTask":
            checkNahtstelleAttributes(element, id: id, allowed: [])
            checkExtensions(element, id: id)
            readDecorations(of: element, id: id)
            kind = .abstractTask
        case "exclusiveGateway":
            checkNahtstelleAttributes(element, id: id, allowed: [])
            let defaultFlow = element.attribute("default")?.trimmed
            if let defaultFlow, !defaultFlow.isEmpty {
                builder.defaults.append(.init(nodeID: id, flowID: defaultFlow, location: here))
            }
            readDecorations(of: element, id: id)
            kind = .exclusiveGateway(defaultFlowID: (defaultFlow?.isEmpty ?? true) ? nil : defaultFlow)
        case "parallelGateway":
            checkNahtstelleAttributes(element, id: id, allowed: [])
            readDecorations(of: element, id: id)
            kind = .parallelGateway
        case "subProcess":
            let isEvent = element.attribute("triggeredByEvent") == "true"
            node.isEventSubProcess = isEvent
            checkNahtstelleAttributes(element, id: id, allowed: [])
            checkExtensions(element, id: id)
            builder.subProcessScopes[id] = node
            if insideUnsupported { builder.unsupportedScopes.insert(id) }
            readContainer(element, scope: id, builder: builder, insideUnsupported: insideUnsupported)
            kind = .subProcess(isEventSubProcess: isEvent)
        default:
            break
        }
        builder.add(node)
        if let kind, !insideUnsupported {
            builder.nodes[id] = FlowNode(id: id, name: element.attribute("name"), kind: kind, scopeID: scope,
                                         incoming: [], outgoing: [], boundaryEventIDs: [], defaultFlowID: activityDefault, location: here)
        }
    }

    // MARK: - Sequence flows and lanes

    private func readSequenceFlow(_ element: XMLElement, scope: String?, builder: ProcessBuilder) {
        guard let id = requireID(element) else { return }
        let source = element.attribute("sourceRef")?.trimmed
        let target = element.attribute("targetRef")?.trimmed
        for (attribute, value) in [("sourceRef", source), ("targetRef", target)] where value?.isEmpty ?? true {
            error(element, id, "Der Sequenzfluss «\(id)» hat kein \(attribute)", fix: "den Sequenzfluss an beiden Enden mit einem Element verbinden")
        }
        var condition: Expression?
        let conditionElement = element.child("conditionExpression", in: Namespace.bpmn)
        if let conditionElement { condition = readCondition(conditionElement, flowID: id) }
        checkNahtstelleAttributes(element, id: id, allowed: [])
        readDecorations(of: element, id: id, handled: ["conditionExpression"])
        builder.flows.append(.init(id: id, name: element.attribute("name"), sourceID: (source?.isEmpty ?? true) ? nil : source,
                                   targetID: (target?.isEmpty ?? true) ? nil : target, condition: condition,
                                   hasConditionElement: conditionElement != nil, location: location(element), scope: scope))
    }

    private func readLaneSet(_ element: XMLElement, depth: Int, builder: ProcessBuilder) {
        for lane in element.children {
            guard lane.is("lane", in: Namespace.bpmn) else {
                if lane.is("documentation", in: Namespace.bpmn) { ignorable(lane, ownerID: element.attribute("id")) }
                continue
            }
            guard let id = requireID(lane) else { continue }
            let attributes = checkNahtstelleAttributes(lane, id: id, allowed: ["role"])
            let role = attributes["role"]?.trimmed
            if let role, role.isEmpty || role.hasPrefix("=") {
                error(lane, id, "nahtstelle:role der Lane «\(id)» muss ein fester Rollenname sein",
                      fix: "einen Rollennamen wie referrer, receiver oder signatory eintragen")
            }
            var nodeIDs: [String] = []
            for child in lane.children where child.namespaceURI == Namespace.bpmn {
                switch child.localName {
                case "flowNodeRef":
                    let ref = child.text.trimmed
                    guard !ref.isEmpty else { continue }
                    nodeIDs.append(ref)
                    builder.laneRefs.append(.init(laneID: id, nodeID: ref, location: location(child)))
                case "childLaneSet":
                    readLaneSet(child, depth: depth + 1, builder: builder)
                case "documentation":
                    ignorable(child, ownerID: id)
                default:
                    break
                }
            }
            builder.lanes.append(Lane(id: id, name: lane.attribute("name"), role: (role?.isEmpty ?? true) ? nil : role, flowNodeIDs: nodeIDs))
            builder.laneDepth[id] = depth
        }
    }
}
