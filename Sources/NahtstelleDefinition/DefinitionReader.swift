import NahtstelleXML

/// Walks one BPMN `<definitions>` document, builds the model and collects every problem.
///
/// One reader per parse; not shared. Each problem is tagged with the process it was found in
/// (`nil` for file-level problems) so that `ParseResult.errors(forProcess:)` can tell which
/// processes can deploy.
final class DefinitionReader {
    let document: XMLDocument
    let options: DefinitionParser.Options
    let file: String

    /// Every problem with the process it belongs to.
    private(set) var problems: [(Problem, String?)] = []
    /// The process being read (problems found meanwhile belong to it).
    var currentProcess: String?

    /// Every element with an `id` in the file: its local name and where it stands.
    var elementsByID: [String: (localName: String, location: SourceLocation)] = [:]
    var messages: [String: MessageDefinition] = [:]
    /// `<resource id name>` at the top level, for `potentialOwner`'s `resourceRef`.
    var resourceNames: [String: String] = [:]
    var processIDs: Set<String> = []
    /// `<definitions expressionLanguage>`.
    var expressionLanguage: String?

    init(document: XMLDocument, options: DefinitionParser.Options) {
        self.document = document
        self.options = options
        self.file = document.fileName
    }

    // MARK: - Reporting

    func location(_ element: XMLElement) -> SourceLocation {
        let p = element.position
        return SourceLocation(file: file, line: p.line, column: p.column)
    }

    func error(_ location: SourceLocation, _ elementID: String?, _ message: String, fix: String) {
        problems.append((Problem(.error, at: location, element: elementID, message, fix: fix), currentProcess))
    }

    func warning(_ location: SourceLocation, _ elementID: String?, _ message: String, fix: String) {
        problems.append((Problem(.warning, at: location, element: elementID, message, fix: fix), currentProcess))
    }

    func error(_ element: XMLElement, _ elementID: String?, _ message: String, fix: String) {
        error(location(element), elementID, message, fix: fix)
    }

    func warning(_ element: XMLElement, _ elementID: String?, _ message: String, fix: String) {
        warning(location(element), elementID, message, fix: fix)
    }

    /// Reports an element that has no effect on execution.
    func ignorable(_ element: XMLElement, ownerID: String?) {
        let name = ElementCatalog.ignorable[element.localName] ?? "<\(element.qualifiedName)>"
        warning(element, element.attribute("id") ?? ownerID, "\(name) hat keine Wirkung auf die Ausführung",
                fix: "kann so bleiben; wird beim Ausführen ignoriert")
    }

    /// Reports an element from a foreign namespace standing where only BPMN is expected.
    func foreign(_ element: XMLElement, ownerID: String?) {
        warning(element, element.attribute("id") ?? ownerID,
                "Element <\(element.qualifiedName)> aus fremdem Namespace (\(element.namespaceURI ?? "ohne Namespace")) wird ignoriert",
                fix: "herstellerspezifische Angaben gehören in <extensionElements>; sonst entfernen")
    }

    /// The element's `id`, or an error when it has none.
    func requireID(_ element: XMLElement) -> String? {
        if let id = element.attribute("id")?.trimmed, !id.isEmpty { return id }
        error(element, nil, "\(ElementCatalog.name(of: element.localName)) <\(element.qualifiedName)> hat keine id",
              fix: "eine im Dokument eindeutige id vergeben (im Modeler im Feld «ID»)")
        return nil
    }

    // MARK: - Document

    /// Reads the document; `nil` when the root is not BPMN 2.0 `<definitions>`.
    func read() -> DefinitionsDocument? {
        for d in document.diagnostics {
            problems.append((Problem(xmlError: d), nil))
        }
        guard let root = document.root else { return nil }
        guard root.is("definitions", in: Namespace.bpmn) else {
            error(root, root.attribute("id"),
                  "Keine BPMN-2.0-Datei: das Wurzelelement ist <\(root.qualifiedName)> im Namespace \(root.namespaceURI ?? "(keiner)")",
                  fix: "eine BPMN-2.0-Datei angeben (Wurzelelement <definitions> im Namespace \(Namespace.bpmn))")
            return nil
        }
        expressionLanguage = root.attribute("expressionLanguage")
        collectIDs(root)
        let topLevel = root.children
        for child in topLevel where child.namespaceURI == Namespace.bpmn {
            switch child.localName {
            case "message": readMessage(child)
            case "resource":
                if let id = child.attribute("id"), let name = child.attribute("name") { resourceNames[id] = name }
            case "process": if let id = child.attribute("id") { processIDs.insert(id) }
            default: break
            }
        }
        var processes: [ProcessDefinition] = []
        var participants: [Participant] = []
        var messageFlows: [MessageFlow] = []
        for child in topLevel {
            guard child.namespaceURI == Namespace.bpmn else { continue }  // diagrams (BPMN DI) and vendor data
            switch child.localName {
            case "process":
                if let process = readProcess(child) { processes.append(process) }
            case "collaboration":
                readCollaboration(child, participants: &participants, messageFlows: &messageFlows)
            case "message", "resource", "extensionElements": break
            case _ where ElementCatalog.ignorable[child.localName] != nil: ignorable(child, ownerID: root.attribute("id"))
            default:
                warning(child, child.attribute("id") ?? root.attribute("id"), "Element <\(child.qualifiedName)> auf oberster Ebene wird beim Ausführen ignoriert",
                        fix: "kann so bleiben, wenn kein Prozess darauf verweist")
            }
        }
        if !processes.contains(where: \.isExecutable) {
            error(root, root.attribute("id"),
                  processes.isEmpty ? "Die Datei enthält keinen Prozess" : "Die Datei enthält keinen ausführbaren Prozess",
                  fix: processes.isEmpty ? "einen Prozess modellieren" : "beim auszuführenden Prozess isExecutable=\"true\" setzen")
        }
        return DefinitionsDocument(id: root.attribute("id"), processes: processes, messages: messages,
                                   participants: participants, messageFlows: messageFlows)
    }

    /// Registers every `id` of a BPMN or BPMN DI element (vendor extensions may reuse ids freely).
    private func collectIDs(_ element: XMLElement) {
        if element.namespaceURI == Namespace.bpmn || element.namespaceURI == Namespace.bpmnDI, let id = element.attribute("id") {
            let here = location(element)
            if let first = elementsByID[id] {
                error(here, id, "Die id «\(id)» kommt mehrfach vor (zuerst in Zeile \(first.location.line))",
                      fix: "jedem Element eine eigene id geben")
            } else {
                elementsByID[id] = (element.localName, here)
            }
        }
        for child in element.children { collectIDs(child) }
    }

    // MARK: - Messages and collaboration

    private func readMessage(_ element: XMLElement) {
        guard let id = requireID(element) else { return }
        var name = element.attribute("name")?.trimmed ?? ""
        if name.isEmpty {
            warning(element, id, "Nachricht «\(id)» hat keinen Namen; die id wird als Name verwendet",
                    fix: "der Nachricht einen Namen geben (darauf wird korreliert)")
            name = id
        }
        var key: Expression?
        if let raw = element.attribute("correlationKey", namespace: Namespace.nahtstelle) {
            key = feelExpression(raw, at: location(element), id: id, what: "Korrelationsschlüssel")
        } else if let sub = extensionElement(of: element, "subscription", in: Namespace.zeebe),
            let raw = sub.attribute("correlationKey") {
            key = feelExpression(raw, at: location(sub), id: id, what: "Korrelationsschlüssel")
        }
        checkNahtstelleAttributes(element, id: id, allowed: ["correlationKey"])
        checkExtensions(element, id: id)
        messages[id] = MessageDefinition(id: id, name: name, correlationKey: key)
    }

    private func readCollaboration(_ element: XMLElement, participants: inout [Participant], messageFlows: inout [MessageFlow]) {
        for child in element.children {
            guard child.namespaceURI == Namespace.bpmn else { foreign(child, ownerID: element.attribute("id")); continue }
            switch child.localName {
            case "participant":
                guard let id = requireID(child) else { continue }
                let processRef = child.attribute("processRef")
                if let processRef, !processIDs.contains(processRef) {
                    error(child, id, "Pool «\(id)» verweist auf den unbekannten Prozess «\(processRef)»",
                          fix: "processRef auf die id eines <process> in dieser Datei setzen")
                }
                participants.append(Participant(id: id, name: child.attribute("name"), processRef: processRef))
            case "messageFlow":
                guard let id = requireID(child) else { continue }
                let source = child.attribute("sourceRef") ?? ""
                let target = child.attribute("targetRef") ?? ""
                for (attribute, ref) in [("sourceRef", source), ("targetRef", target)] {
                    if ref.isEmpty {
                        error(child, id, "Nachrichtenfluss «\(id)» hat kein \(attribute)", fix: "den Nachrichtenfluss mit beiden Enden verbinden")
                    } else if elementsByID[ref] == nil {
                        error(child, id, "Nachrichtenfluss «\(id)»: \(attribute) verweist auf das unbekannte Element «\(ref)»",
                              fix: "\(attribute) auf die id eines Pools oder Flussknotens setzen")
                    }
                }
                let messageRef = child.attribute("messageRef")
                if let messageRef { checkMessageRef(messageRef, at: location(child), id: id) }
                messageFlows.append(MessageFlow(id: id, name: child.attribute("name"), sourceRef: source, targetRef: target, messageRef: messageRef))
            case "documentation", "textAnnotation", "association", "group":
                ignorable(child, ownerID: element.attribute("id"))
            case "extensionElements":
                break
            default:
                warning(child, child.attribute("id"), "Element <\(child.qualifiedName)> der Kollaboration wird beim Ausführen ignoriert",
                        fix: "kann so bleiben; ausgeführt werden nur die Prozesse")
            }
        }
    }

    /// Checks that a `messageRef` names a `<message>`.
    func checkMessageRef(_ ref: String, at location: SourceLocation, id: String?) {
        guard messages[ref] == nil else { return }
        if let other = elementsByID[ref] {
            error(location, id, "messageRef «\(ref)» verweist auf ein <\(other.localName)>, nicht auf eine Nachricht",
                  fix: "messageRef auf die id einer <message> setzen")
        } else {
            error(location, id, "messageRef verweist auf die unbekannte Nachricht «\(ref)»",
                  fix: "eine <message id=\"\(ref)\" name=\"…\"/> definieren oder eine bestehende Nachricht wählen")
        }
    }

    // MARK: - Extensions

    /// A child of `<extensionElements>`.
    func extensionElement(of element: XMLElement, _ localName: String, in namespace: String) -> XMLElement? {
        element.child("extensionElements", in: Namespace.bpmn)?.child(localName, in: namespace)
    }

    /// Camunda/Zeebe extension elements this parser reads or that carry nothing for execution.
    private static let understoodExtensions: Set<String> = [
        "zeebe:assignmentDefinition", "zeebe:formDefinition", "zeebe:taskSchedule", "zeebe:taskDefinition",
        "zeebe:subscription", "zeebe:taskHeaders", "zeebe:userTask", "zeebe:properties", "zeebe:versionTag",
        "camunda:properties", "camunda:failedJobRetryTimeCycle",
    ]

    /// Warns about Camunda/Zeebe extension elements that would change behaviour in Camunda but
    /// are not evaluated here (listeners, input/output mappings …). Other vendors' extensions
    /// are tool metadata and pass silently.
    func checkExtensions(_ element: XMLElement, id: String?) {
        guard let ext = element.child("extensionElements", in: Namespace.bpmn) else { return }
        for child in ext.children {
            let vendor: String
            switch child.namespaceURI {
            case Namespace.camunda: vendor = "camunda"
            case Namespace.zeebe: vendor = "zeebe"
            default: continue
            }
            guard !Self.understoodExtensions.contains("\(vendor):\(child.localName)") else { continue }
            warning(child, id, "Die Camunda-Erweiterung <\(vendor):\(child.localName)> wird nicht ausgewertet",
                    fix: "Variablen in FEEL-Ausdrücken oder im Formular setzen, Logik in Serviceaufgaben; sonst entfernen")
        }
    }

    /// The `nahtstelle:*` attributes of an element; warns about those not understood there.
    @discardableResult
    func checkNahtstelleAttributes(_ element: XMLElement, id: String?, allowed: Set<String>?) -> [String: String] {
        var result: [String: String] = [:]
        for attribute in element.attributes where attribute.namespaceURI == Namespace.nahtstelle {
            result[attribute.localName] = attribute.value
            if let allowed, !allowed.contains(attribute.localName) {
                let list = allowed.isEmpty ? "keine" : allowed.sorted().map { "nahtstelle:\($0)" }.joined(separator: ", ")
                warning(element, id, "Das Attribut nahtstelle:\(attribute.localName) wird an <\(element.localName)> nicht ausgewertet",
                        fix: "Schreibweise prüfen; hier erlaubt: \(list)")
            }
        }
        return result
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
