import NahtstelleFEEL
import NahtstelleXML

extension DefinitionReader {
    static let userTaskAttributes: Set<String> = ["role", "office", "assignee", "form", "due", "documents"]

    /// A role must be one fixed name (it selects who sees the task).
    private func role(_ raw: String, source: String, at element: XMLElement, id: String) -> String? {
        let text = raw.trimmed
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("=") || isJUEL(text) {
            error(element, id, "Die Rolle der Benutzeraufgabe «\(id)» (\(source)) ist ein Ausdruck «\(FEELExpression.excerpt(text))»; erlaubt ist nur ein fester Rollenname",
                  fix: "einen Rollennamen wie referrer, receiver oder signatory eintragen; die Dienststelle mit nahtstelle:office bestimmen")
            return nil
        }
        if text.contains(",") {
            error(element, id, "Die Benutzeraufgabe «\(id)» nennt mehrere Rollen «\(FEELExpression.excerpt(text))» (\(source)); erlaubt ist genau eine",
                  fix: "eine einzige Rolle angeben")
            return nil
        }
        return text
    }

    /// Role from `potentialOwner` / `humanPerformer` / `performer`: the formal expression's text,
    /// else the name of the referenced `<resource>`.
    private func performerRole(_ element: XMLElement, id: String) -> String? {
        for child in element.children where child.namespaceURI == Namespace.bpmn
            && ["potentialOwner", "humanPerformer", "performer"].contains(child.localName) {
            if let expression = child.child("resourceAssignmentExpression", in: Namespace.bpmn)?.child("formalExpression", in: Namespace.bpmn) {
                var text = expression.text.trimmed
                // Camunda's potentialOwner convention: group(name), user(name).
                if text.hasPrefix("group(") && text.hasSuffix(")") { text = String(text.dropFirst(6).dropLast()) }
                if let role = role(text, source: "<\(child.localName)>", at: child, id: id) { return role }
            }
            if let ref = child.child("resourceRef", in: Namespace.bpmn)?.text.trimmed, !ref.isEmpty {
                if let name = resourceNames[ref] { return role(name, source: "<\(child.localName)>", at: child, id: id) }
                error(child, id, "<\(child.localName)> der Benutzeraufgabe «\(id)» verweist auf die unbekannte Ressource «\(ref)»",
                      fix: "eine <resource id=\"\(ref)\" name=\"rolle\"/> definieren oder nahtstelle:role setzen")
            }
        }
        return nil
    }

    func readUserTask(_ element: XMLElement, id: String) -> FlowNode.Kind {
        let here = location(element)
        let naht = checkNahtstelleAttributes(element, id: id, allowed: Self.userTaskAttributes)
        let assignment = extensionElement(of: element, "assignmentDefinition", in: Namespace.zeebe)
        let formDefinition = extensionElement(of: element, "formDefinition", in: Namespace.zeebe)
        let schedule = extensionElement(of: element, "taskSchedule", in: Namespace.zeebe)

        var role: String?
        if let raw = naht["role"] {
            role = self.role(raw, source: "nahtstelle:role", at: element, id: id)
        } else if let raw = element.attribute("candidateGroups", namespace: Namespace.camunda) {
            role = self.role(raw, source: "camunda:candidateGroups", at: element, id: id)
        } else if let assignment, let raw = assignment.attribute("candidateGroups") {
            role = self.role(raw, source: "zeebe:assignmentDefinition candidateGroups", at: assignment, id: id)
        } else {
            role = performerRole(element, id: id)
        }
        // A missing role may still come from the lane (checked when the process is complete).

        let office = naht["office"].flatMap { valueExpression($0, at: here, id: id, what: "Dienststelle (nahtstelle:office)") }
        let assigneeRaw = naht["assignee"] ?? element.attribute("assignee", namespace: Namespace.camunda) ?? assignment?.attribute("assignee")
        let assignee = assigneeRaw.flatMap { valueExpression($0, at: here, id: id, what: "Bearbeiter/in (assignee)") }

        var formKey = naht["form"] ?? element.attribute("formKey", namespace: Namespace.camunda)
            ?? element.attribute("formRef", namespace: Namespace.camunda)
            ?? formDefinition?.attribute("formKey") ?? formDefinition?.attribute("formId")
        formKey = formKey?.trimmed
        if formKey?.isEmpty == true { formKey = nil }
        if let formKey {
            if formKey.hasPrefix("=") || isJUEL(formKey) {
                error(element, id, "Der Formularschlüssel «\(formKey)» der Benutzeraufgabe «\(id)» ist ein Ausdruck; erlaubt ist nur ein fester Name",
                      fix: "den Namen eines Formulars aus forms/ eintragen")
            } else if let formExists = options.formExists, !formExists(formKey) {
                error(element, id, "Das Formular «\(formKey)» der Benutzeraufgabe «\(id)» gibt es nicht",
                      fix: "den Namen eines Formulars aus forms/ eintragen (ohne Endung) oder das Formular anlegen")
            }
        }

        let dueRaw = naht["due"] ?? element.attribute("dueDate", namespace: Namespace.camunda) ?? schedule?.attribute("dueDate")
        let due = dueRaw.flatMap {
            valueExpression($0, at: here, id: id, what: "Frist (due)", literalCheck: ISO8601Literal.dueProblem,
                            literalFix: "als Dauer ab Erstellung (P10D) oder Datum (2026-12-01) schreiben, oder als FEEL mit =")
        }
        if let due, due.isFEEL, let problem = ISO8601Literal.constantDueProblem(due.text) {
            error(here, id, "Frist (due) der Benutzeraufgabe «\(id)»: \(problem)",
                  fix: "einen Ausdruck angeben, der ein Datum oder eine Dauer ergibt, z. B. =today() + duration(\"P10D\")")
        }

        let documents = (naht["documents"] ?? "").split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        checkExtensions(element, id: id)
        readDecorations(of: element, id: id, handled: ["potentialOwner", "humanPerformer", "performer", "rendering"])
        return .userTask(UserTaskSpec(role: role, office: office, assignee: assignee, formKey: formKey, due: due, documents: documents))
    }

    func readServiceTask(_ element: XMLElement, id: String) -> FlowNode.Kind {
        let naht = checkNahtstelleAttributes(element, id: id, allowed: nil)
        var handler: String?
        var source = "nahtstelle:handler"
        if let h = naht["handler"] {
            handler = h
        } else if let type = element.attribute("type", namespace: Namespace.camunda) {
            // camunda:type="external" names its worker by topic.
            if type == "external", let topic = element.attribute("topic", namespace: Namespace.camunda) {
                handler = topic
                source = "camunda:topic"
            } else {
                handler = type
                source = "camunda:type"
            }
        } else if let expression = element.attribute("delegateExpression", namespace: Namespace.camunda) {
            var text = expression.trimmed
            if (text.hasPrefix("${") || text.hasPrefix("#{")) && text.hasSuffix("}") { text = String(text.dropFirst(2).dropLast()).trimmed }
            handler = text
            source = "camunda:delegateExpression"
        } else if let className = element.attribute("class", namespace: Namespace.camunda) {
            handler = className
            source = "camunda:class"
        } else if let definition = extensionElement(of: element, "taskDefinition", in: Namespace.zeebe), let type = definition.attribute("type") {
            handler = type
            source = "zeebe:taskDefinition type"
        }
        handler = handler?.trimmed
        var parameters: [String: String] = [:]
        for (key, value) in naht where key != "handler" { parameters[key] = value }
        if let headers = extensionElement(of: element, "taskHeaders", in: Namespace.zeebe) {
            for header in headers.children("header", in: Namespace.zeebe) {
                if let key = header.attribute("key"), parameters[key] == nil { parameters[key] = header.attribute("value") ?? "" }
            }
        }
        if let name = handler, !name.isEmpty {
            if name.hasPrefix("=") || isJUEL(name) {
                error(element, id, "Der Handler der Serviceaufgabe «\(id)» (\(source)) ist ein Ausdruck «\(FEELExpression.excerpt(name))»; erlaubt ist nur ein fester Name",
                      fix: "nahtstelle:handler auf den Namen eines registrierten Handlers setzen")
            } else if let known = options.serviceHandlers, !known.contains(name) {
                let list = known.sorted().joined(separator: ", ")
                error(element, id, "Die Serviceaufgabe «\(id)» verlangt den unbekannten Handler «\(FEELExpression.excerpt(name))» (\(source))",
                      fix: known.isEmpty ? "es sind keine Handler registriert" : "einen registrierten Handler wählen: \(list)")
            }
        } else {
            error(element, id, "Die Serviceaufgabe «\(id)» hat keinen Handler",
                  fix: "nahtstelle:handler=\"…\" setzen (z.B. generate-document), oder eine Benutzeraufgabe verwenden")
        }
        checkExtensions(element, id: id)
        readDecorations(of: element, id: id)
        return .serviceTask(ServiceTaskSpec(handler: handler ?? "", parameters: parameters))
    }

    func readSendTask(_ element: XMLElement, id: String) -> FlowNode.Kind {
        checkNahtstelleAttributes(element, id: id, allowed: ["correlationKey", "payload"])
        let ref = element.attribute("messageRef")?.trimmed ?? ""
        if ref.isEmpty {
            error(element, id, "Die Sendeaufgabe «\(id)» hat keine Nachricht (messageRef fehlt)",
                  fix: "eine <message> definieren und in der Sendeaufgabe auswählen, oder für andere Arbeit eine Serviceaufgabe verwenden")
        } else {
            checkMessageRef(ref, at: location(element), id: id)
        }
        checkExtensions(element, id: id)
        readDecorations(of: element, id: id)
        return .sendTask(messageThrow(ref, event: element, definition: nil, id: id))
    }

    func readReceiveTask(_ element: XMLElement, id: String) -> FlowNode.Kind {
        checkNahtstelleAttributes(element, id: id, allowed: [])
        let ref = element.attribute("messageRef")?.trimmed ?? ""
        if ref.isEmpty {
            error(element, id, "Die Empfangsaufgabe «\(id)» hat keine Nachricht (messageRef fehlt)",
                  fix: "eine <message> definieren und in der Empfangsaufgabe auswählen")
        } else {
            checkMessageRef(ref, at: location(element), id: id)
        }
        if element.attribute("instantiate") == "true" {
            error(element, id, "Eine Empfangsaufgabe, die den Prozess startet (instantiate=\"true\"), wird nicht unterstützt",
                  fix: "ein Nachrichten-Startereignis verwenden")
        }
        checkExtensions(element, id: id)
        readDecorations(of: element, id: id)
        return .receiveTask(messageRef: ref)
    }
}
