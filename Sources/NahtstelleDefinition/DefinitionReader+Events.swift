import NahtstelleXML

extension DefinitionReader {
    struct EventRead {
        var kind: FlowNode.Kind?
        var hasTrigger: Bool
        var attachedTo: String?
    }

    /// What an event's (single) event definition says.
    enum Trigger {
        case none
        case timer(TimerDefinition?)
        /// The message id ("" when missing, already reported) and the definition element.
        case message(String, XMLElement)
        case terminate
        /// Unsupported or broken, already reported.
        case unsupported
    }

    static let eventDefinitionNames: Set<String> = [
        "messageEventDefinition", "timerEventDefinition", "terminateEventDefinition", "signalEventDefinition",
        "errorEventDefinition", "escalationEventDefinition", "compensateEventDefinition", "conditionalEventDefinition",
        "linkEventDefinition", "cancelEventDefinition", "eventDefinitionRef",
    ]

    func readEvent(_ element: XMLElement, id: String, scope: String?, builder: ProcessBuilder) -> EventRead {
        let name = element.localName
        let eventName = ElementCatalog.name(of: name)
        let trigger = readTrigger(element, id: id, eventName: eventName)
        var hasTrigger = true
        if case .none = trigger { hasTrigger = false }
        var allowedAttributes: Set<String> = []
        var kind: FlowNode.Kind?
        var attachedTo: String?
        let scopeNode = scope.flatMap { builder.subProcessScopes[$0] }
        let inEventSubProcess = scopeNode?.isEventSubProcess ?? false
        let inEmbeddedSubProcess = scopeNode != nil && !inEventSubProcess

        func unexpected(_ what: String, fix: String) {
            error(element, id, "\(what) ist als \(eventName) nicht möglich", fix: fix)
        }

        switch name {
        case "startEvent":
            let isInterrupting = element.attribute("isInterrupting") != "false"
            var inner: EventTrigger?
            switch trigger {
            case .none:
                if inEventSubProcess {
                    error(element, id, "Das Startereignis «\(id)» des Ereignis-Teilprozesses «\(scope ?? "")» hat keinen Auslöser",
                          fix: "eine Nachrichten- oder Zeitgeber-Definition hinzufügen")
                } else {
                    inner = EventTrigger.none
                }
            case .timer(let timer): inner = timer.map(EventTrigger.timer)
            case .message(let ref, _): inner = .message(messageRef: ref)
            case .terminate: unexpected("Eine Terminierung", fix: "die Terminierung an ein Endereignis setzen")
            case .unsupported: break
            }
            if hasTrigger && inEmbeddedSubProcess {
                error(element, id, "Das Startereignis «\(id)» eines eingebetteten Teilprozesses darf keinen Auslöser haben",
                      fix: "die Ereignisdefinition entfernen; für ereignisgesteuertes Starten einen Ereignis-Teilprozess (triggeredByEvent=\"true\") verwenden")
                inner = nil
            }
            if let inner {
                kind = inEventSubProcess ? .startEvent(.eventSubProcessStart(inner, isInterrupting: isInterrupting)) : .startEvent(inner)
            }
        case "endEvent":
            switch trigger {
            case .none: kind = .endEvent(.none)
            case .terminate: kind = .endEvent(.terminate)
            case .message(let ref, let definition):
                allowedAttributes = ["correlationKey", "payload"]
                kind = .endEvent(.message(messageThrow(ref, event: element, definition: definition, id: id)))
            case .timer: unexpected("Ein Zeitgeber", fix: "den Zeitgeber als Zwischenereignis vor das Endereignis setzen")
            case .unsupported: break
            }
        case "intermediateCatchEvent":
            switch trigger {
            case .none:
                error(element, id, "Das empfangende Zwischenereignis «\(id)» hat keinen Auslöser",
                      fix: "eine Zeitgeber- oder Nachrichten-Definition hinzufügen, oder ein sendendes Zwischenereignis (Meilenstein) verwenden")
            case .timer(let timer): kind = timer.map { .intermediateCatchEvent(.timer($0)) }
            case .message(let ref, _): kind = .intermediateCatchEvent(.message(messageRef: ref))
            case .terminate: unexpected("Eine Terminierung", fix: "die Terminierung an ein Endereignis setzen")
            case .unsupported: break
            }
        case "intermediateThrowEvent":
            switch trigger {
            case .none: kind = .intermediateThrowEvent(nil)
            case .message(let ref, let definition):
                allowedAttributes = ["correlationKey", "payload"]
                kind = .intermediateThrowEvent(messageThrow(ref, event: element, definition: definition, id: id))
            case .timer: unexpected("Ein Zeitgeber", fix: "ein empfangendes Zwischenereignis (intermediateCatchEvent) verwenden")
            case .terminate: unexpected("Eine Terminierung", fix: "die Terminierung an ein Endereignis setzen")
            case .unsupported: break
            }
        default:  // boundaryEvent
            let attached = element.attribute("attachedToRef")?.trimmed ?? ""
            if attached.isEmpty {
                error(element, id, "Das angeheftete Ereignis «\(id)» hat kein attachedToRef",
                      fix: "das Ereignis im Modeler an den Rand einer Aktivität ziehen")
            } else {
                attachedTo = attached
            }
            let interrupting = element.attribute("cancelActivity") != "false"
            var spec: EventTrigger?
            switch trigger {
            case .none:
                error(element, id, "Das angeheftete Ereignis «\(id)» hat keinen Auslöser",
                      fix: "eine Zeitgeber- oder Nachrichten-Definition hinzufügen")
            case .timer(let timer): spec = timer.map(EventTrigger.timer)
            case .message(let ref, _): spec = .message(messageRef: ref)
            case .terminate: unexpected("Eine Terminierung", fix: "die Terminierung an ein Endereignis setzen")
            case .unsupported: break
            }
            if let spec, !attached.isEmpty {
                kind = .boundaryEvent(BoundaryEventSpec(attachedToID: attached, interrupting: interrupting, trigger: spec))
            }
        }
        checkNahtstelleAttributes(element, id: id, allowed: allowedAttributes)
        checkExtensions(element, id: id)
        readDecorations(of: element, id: id, handled: Self.eventDefinitionNames)
        return EventRead(kind: kind, hasTrigger: hasTrigger, attachedTo: attachedTo)
    }

    private func readTrigger(_ element: XMLElement, id: String, eventName: String) -> Trigger {
        let definitions = element.children.filter {
            $0.namespaceURI == Namespace.bpmn && Self.eventDefinitionNames.contains($0.localName)
        }
        guard let definition = definitions.first else { return .none }
        guard definitions.count == 1 else {
            error(definitions[1], id, "\(eventName) «\(id)» hat mehrere Ereignisdefinitionen (Mehrfach-Ereignis); das wird nicht unterstützt",
                  fix: "für jeden Auslöser ein eigenes Ereignis modellieren")
            return .unsupported
        }
        switch definition.localName {
        case "timerEventDefinition":
            return .timer(readTimer(definition, ownerID: id))
        case "messageEventDefinition":
            let ref = definition.attribute("messageRef")?.trimmed ?? ""
            if ref.isEmpty {
                error(definition, id, "Das Nachrichtenereignis «\(id)» hat keine Nachricht (messageRef fehlt)",
                      fix: "eine <message> definieren und im Ereignis auswählen (messageRef)")
            } else {
                checkMessageRef(ref, at: location(definition), id: id)
            }
            return .message(ref, definition)
        case "terminateEventDefinition":
            return .terminate
        case "eventDefinitionRef":
            error(definition, id, "Ein Verweis auf eine globale Ereignisdefinition (eventDefinitionRef) wird nicht unterstützt",
                  fix: "die Ereignisdefinition direkt im Ereignis angeben")
            return .unsupported
        default:
            let (name, fix) = ElementCatalog.unsupportedEventDefinitions[definition.localName] ?? ("<\(definition.localName)>", "entfernen")
            error(definition, id, "\(name) (\(eventName)) wird nicht unterstützt", fix: fix)
            return .unsupported
        }
    }

    /// A message thrown by an end event, intermediate throw event (keys on the event or its
    /// definition) or send task.
    func messageThrow(_ ref: String, event: XMLElement, definition: XMLElement?, id: String) -> MessageThrow {
        func attribute(_ name: String) -> (String, XMLElement)? {
            if let value = event.attribute(name, namespace: Namespace.nahtstelle) { return (value, event) }
            if let definition, let value = definition.attribute(name, namespace: Namespace.nahtstelle) { return (value, definition) }
            return nil
        }
        let key = attribute("correlationKey").flatMap {
            feelExpression($0.0, at: location($0.1), id: id, what: "Korrelationsschlüssel")
        }
        let payload = attribute("payload").flatMap {
            feelExpression($0.0, at: location($0.1), id: id, what: "Nutzlast (payload)")
        }
        return MessageThrow(messageRef: ref, correlationKey: key, payload: payload)
    }
}
