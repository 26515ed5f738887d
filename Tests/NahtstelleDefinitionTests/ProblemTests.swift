import Testing
import NahtstelleDefinition

/// Every kind of problem the validator reports: message, element id and line.
@Suite struct ProblemTests {
    /// The single problem whose message contains `words`, checked for severity, id and the line
    /// of `lineMarker` in `text`.
    @discardableResult
    func expectProblem(_ text: String, _ words: String, id: String?, lineOf lineMarker: String, severity: Problem.Severity = .error,
                       options: DefinitionParser.Options = .init(), sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Problem? {
        let result = parse(text, options: options)
        let matches = result.problems(containing: words)
        #expect(matches.count >= 1, "no problem containing «\(words)» in \(result.problems)", sourceLocation: sourceLocation)
        guard let problem = matches.first else { return nil }
        #expect(problem.severity == severity, sourceLocation: sourceLocation)
        #expect(problem.elementID == id, sourceLocation: sourceLocation)
        #expect(problem.location.line == line(of: lineMarker, in: text), sourceLocation: sourceLocation)
        #expect(problem.location.file == "test.bpmn", sourceLocation: sourceLocation)
        #expect(!problem.fix.isEmpty, sourceLocation: sourceLocation)
        return problem
    }

    static let flow = #"<startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>"#

    @Test func malformedXMLHasLibxmlLineAndColumn() throws {
        let text = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"p\">\n</definitions>"
        let result = parse(text)
        #expect(result.document == nil)
        let problem = try #require(result.problems.first)
        #expect(problem.location.line == 3)
        #expect(problem.location.column > 0)
        #expect(problem.message.contains("XML"))
        #expect(problem.description.hasPrefix("test.bpmn:3:"))
    }

    @Test func missingID() {
        let text = bpmn("<startEvent id=\"s\"/>\n<task name=\"ohne id\"/>\n<endEvent id=\"e\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/>")
        expectProblem(text, "hat keine id", id: nil, lineOf: "ohne id")
    }

    @Test func duplicateID() {
        let text = bpmn("<startEvent id=\"s\"/>\n<task id=\"s\"/>\n<endEvent id=\"e\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/>")
        let p = expectProblem(text, "kommt mehrfach vor", id: "s", lineOf: "<task id=\"s\"/>")
        #expect(p?.message.contains("Zeile \(line(of: "<startEvent", in: text))") == true)
    }

    @Test func danglingSourceAndTargetRef() {
        let text = bpmn("<startEvent id=\"s\"/><endEvent id=\"e\"/>\n<sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"nirgends\"/>")
        let p = expectProblem(text, "targetRef verweist auf das unbekannte Element «nirgends»", id: "f", lineOf: "nirgends")
        #expect(p?.description.contains("[f]") == true)
        let text2 = bpmn("<startEvent id=\"s\"/><endEvent id=\"e\"/>\n<sequenceFlow id=\"f\" sourceRef=\"weg\" targetRef=\"e\"/>")
        expectProblem(text2, "sourceRef verweist auf das unbekannte Element «weg»", id: "f", lineOf: "weg")
    }

    @Test func danglingAttachedToRef() {
        let text = bpmn(Self.flow + "\n<boundaryEvent id=\"b\" attachedToRef=\"fehlt\"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>")
        expectProblem(text, "attachedToRef verweist auf das unbekannte Element «fehlt»", id: "b", lineOf: "fehlt")
    }

    @Test func danglingMessageRef() {
        let text = bpmn("<startEvent id=\"s\">\n<messageEventDefinition messageRef=\"unbekannt\"/></startEvent><endEvent id=\"e\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/>")
        expectProblem(text, "unbekannte Nachricht «unbekannt»", id: "s", lineOf: "messageRef=\"unbekannt\"")
        let text2 = bpmn("<startEvent id=\"s\"/>\n<receiveTask id=\"r\" messageRef=\"s\"/><endEvent id=\"e\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"r\"/><sequenceFlow id=\"f2\" sourceRef=\"r\" targetRef=\"e\"/>")
        expectProblem(text2, "nicht auf eine Nachricht", id: "r", lineOf: "<receiveTask")
    }

    @Test func danglingDefault() {
        let text = bpmn("""
            <startEvent id="s"/>
            <exclusiveGateway id="g" default="gibtsnicht"/>
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
            <sequenceFlow id="f2" sourceRef="g" targetRef="e"/>
            """)
        expectProblem(text, "unbekannten Sequenzfluss «gibtsnicht»", id: "g", lineOf: "gibtsnicht")
    }

    @Test func danglingProcessRef() {
        let text = bpmn(Self.flow, before: "<collaboration id=\"c\">\n<participant id=\"pool\" processRef=\"anderer\"/></collaboration>")
        expectProblem(text, "unbekannten Prozess «anderer»", id: "pool", lineOf: "anderer")
    }

    @Test func danglingMessageFlowRefs() {
        let text = bpmn(Self.flow, before: "<collaboration id=\"c\"><participant id=\"pool\" processRef=\"p\"/>\n<messageFlow id=\"mf\" sourceRef=\"pool\" targetRef=\"fremd\"/></collaboration>")
        expectProblem(text, "unbekannte Element «fremd»", id: "mf", lineOf: "fremd")
    }

    @Test func danglingFlowNodeRef() {
        let text = bpmn("<laneSet id=\"ls\"><lane id=\"l\" nahtstelle:role=\"r\">\n<flowNodeRef>verloren</flowNodeRef></lane></laneSet>" + Self.flow)
        expectProblem(text, "«verloren» (unbekannt)", id: "l", lineOf: "verloren")
    }

    @Test func sequenceFlowCrossingScopes() {
        let text = bpmn("""
            <startEvent id="s"/>
            <subProcess id="sp"><startEvent id="ss"/><task id="inner"/><endEvent id="se"/>
              <sequenceFlow id="sf1" sourceRef="ss" targetRef="inner"/><sequenceFlow id="sf2" sourceRef="inner" targetRef="se"/></subProcess>
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="sp"/>
            <sequenceFlow id="f2" sourceRef="sp" targetRef="e"/>
            <sequenceFlow id="cross" sourceRef="s" targetRef="inner"/>
            """)
        expectProblem(text, "überschreitet die Grenze", id: "cross", lineOf: "id=\"cross\"")
    }

    @Test func unreachableNode() {
        let text = bpmn(Self.flow + "\n<task id=\"insel\"/>\n<sequenceFlow id=\"f2\" sourceRef=\"insel\" targetRef=\"e\"/>")
        expectProblem(text, "von keinem Startereignis aus erreichbar", id: "insel", lineOf: "insel\"/>")
    }

    @Test func boundaryAndEventSubProcessStartsCountAsEntryPoints() {
        let text = bpmn("""
            <startEvent id="s"/><task id="t"/><endEvent id="e"/>
            <boundaryEvent id="b" attachedToRef="t"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
            <task id="afterTimer"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
            <sequenceFlow id="f3" sourceRef="b" targetRef="afterTimer"/><sequenceFlow id="f4" sourceRef="afterTimer" targetRef="e"/>
            <subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><messageEventDefinition messageRef="m"/></startEvent><endEvent id="ee"/><sequenceFlow id="ef" sourceRef="es" targetRef="ee"/></subProcess>
            """, before: "<message id=\"m\" name=\"m\"/>")
        let result = parse(text)
        #expect(result.problems.isEmpty, "\(result.problems)")
    }

    @Test func nodeThatCannotReachAnEndIsAWarning() {
        let text = bpmn("<startEvent id=\"s\"/><endEvent id=\"e\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/>\n<task id=\"sackgasse\"/>\n<sequenceFlow id=\"f2\" sourceRef=\"s\" targetRef=\"sackgasse\"/>")
        expectProblem(text, "aus wird kein Endereignis erreicht", id: "sackgasse", lineOf: "sackgasse\"/>", severity: .warning)
    }

    @Test func processWithoutStartEvent() {
        let text = bpmn("<task id=\"t\"/>")
        expectProblem(text, "hat kein Startereignis", id: "p", lineOf: "<process")
    }

    @Test func subProcessWithoutNoneStartEvent() {
        let text = bpmn("""
            <startEvent id="s"/>
            <subProcess id="sp"><task id="inner"/></subProcess>
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="sp"/><sequenceFlow id="f2" sourceRef="sp" targetRef="e"/>
            """)
        expectProblem(text, "Der Teilprozess «sp» hat kein Startereignis", id: "sp", lineOf: "<subProcess")
    }

    @Test func triggeredStartInEmbeddedSubProcess() {
        let text = bpmn("""
            <startEvent id="s"/>
            <subProcess id="sp">
            <startEvent id="ss"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></startEvent>
            <endEvent id="se"/><sequenceFlow id="sf" sourceRef="ss" targetRef="se"/></subProcess>
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="sp"/><sequenceFlow id="f2" sourceRef="sp" targetRef="e"/>
            """)
        expectProblem(text, "eines eingebetteten Teilprozesses darf keinen Auslöser haben", id: "ss", lineOf: "<startEvent id=\"ss\">")
    }

    @Test func twoNoneStartEvents() {
        let text = bpmn("<startEvent id=\"s1\"/>\n<startEvent id=\"s2\"/>\n<endEvent id=\"e\"/><sequenceFlow id=\"f1\" sourceRef=\"s1\" targetRef=\"e\"/><sequenceFlow id=\"f2\" sourceRef=\"s2\" targetRef=\"e\"/>")
        expectProblem(text, "mehrere Startereignisse ohne Auslöser", id: "s2", lineOf: "s2\"/>")
    }

    @Test func exclusiveGatewayFlowWithoutConditionOrDefault() {
        let text = bpmn("""
            <startEvent id="s"/>
            <exclusiveGateway id="g"/>
            <endEvent id="e1"/><endEvent id="e2"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
            <sequenceFlow id="ja" sourceRef="g" targetRef="e1"><conditionExpression>=decision = "accepted"</conditionExpression></sequenceFlow>
            <sequenceFlow id="ohne" sourceRef="g" targetRef="e2"/>
            """)
        expectProblem(text, "hat weder eine Bedingung noch ist er der Standardfluss", id: "ohne", lineOf: "id=\"ohne\"")
        #expect(parse(text).problems(containing: "weder").count == 1)
    }

    @Test func defaultFlowNotOutgoingOfItsGateway() {
        let text = bpmn("""
            <startEvent id="s"/>
            <exclusiveGateway id="g" default="f0"/>
            <endEvent id="e1"/><endEvent id="e2"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
            <sequenceFlow id="a" sourceRef="g" targetRef="e1"><conditionExpression>x</conditionExpression></sequenceFlow>
            <sequenceFlow id="b" sourceRef="g" targetRef="e2"><conditionExpression>not(x)</conditionExpression></sequenceFlow>
            """)
        expectProblem(text, "Der Standardfluss «f0» des Gateways «g» ist kein Ausgang", id: "g", lineOf: "default=\"f0\"")
    }

    @Test func conditionThatDoesNotParse() {
        var options = DefinitionParser.Options()
        options.expressionCheck = { $0.contains("===") ? "unerwartetes '='" : nil }
        let text = bpmn("""
            <startEvent id="s"/><exclusiveGateway id="g" default="b"/><endEvent id="e1"/><endEvent id="e2"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
            <sequenceFlow id="a" sourceRef="g" targetRef="e1">
              <conditionExpression>=decision === "accepted"</conditionExpression></sequenceFlow>
            <sequenceFlow id="b" sourceRef="g" targetRef="e2"/>
            """)
        let p = expectProblem(text, "Bedingung: der FEEL-Ausdruck", id: "a", lineOf: "===", options: options)
        #expect(p?.message.contains("unerwartetes '='") == true)
        #expect(p?.message.contains(#"«decision === "accepted"»"#) == true)
    }

    @Test func juelAndForeignLanguageConditions() {
        let juel = bpmn("""
            <startEvent id="s"/><exclusiveGateway id="g" default="b"/><endEvent id="e1"/><endEvent id="e2"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
            <sequenceFlow id="a" sourceRef="g" targetRef="e1"><conditionExpression>${approved}</conditionExpression></sequenceFlow>
            <sequenceFlow id="b" sourceRef="g" targetRef="e2"/>
            """)
        let p = expectProblem(juel, "JUEL", id: "a", lineOf: "${approved}")
        #expect(p?.fix.contains(#"=decision = "accepted""#) == true)
        let xpath = juel.replacingOccurrences(of: "<conditionExpression>${approved}", with: #"<conditionExpression language="http://www.w3.org/1999/XPath">approved"#)
        let q = expectProblem(xpath, "in der Sprache «http://www.w3.org/1999/XPath»", id: "a", lineOf: "XPath")
        #expect(q?.fix.contains("FEEL") == true)
        let feel = juel.replacingOccurrences(of: "<conditionExpression>${approved}", with: #"<conditionExpression language="feel">approved"#)
        #expect(!parse(feel).hasErrors)
    }

    @Test func timersThatDoNotParse() {
        for (element, text) in [("timeDuration", "10 Tage"), ("timeDate", "2026-13-01"), ("timeCycle", "0 0 9 * * ?"), ("timeCycle", "R3/XYZ")] {
            let doc = bpmn("<startEvent id=\"s\"/>\n<intermediateCatchEvent id=\"t\"><timerEventDefinition><\(element)>\(text)</\(element)></timerEventDefinition></intermediateCatchEvent>\n<endEvent id=\"e\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/><sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>")
            // The message says what is wrong with the text, in the words of the parser the engine runs.
            let p = expectProblem(doc, "«\(text)»", id: "t", lineOf: "<intermediateCatchEvent")
            #expect(p?.message.contains("(\(element)): ") == true)
        }
        var options = DefinitionParser.Options()
        options.expressionCheck = { _ in "kaputt" }
        let feel = bpmn("<startEvent id=\"s\"/>\n<intermediateCatchEvent id=\"t\"><timerEventDefinition><timeDate>=date(</timeDate></timerEventDefinition></intermediateCatchEvent>\n<endEvent id=\"e\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/><sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>")
        expectProblem(feel, "Zeitpunkt (timeDate): der FEEL-Ausdruck «date(» ist ungültig: kaputt", id: "t", lineOf: "=date(", options: options)
    }

    @Test func timerWithoutTimeSpecification() {
        let text = bpmn("<startEvent id=\"s\"/><intermediateCatchEvent id=\"t\">\n<timerEventDefinition/></intermediateCatchEvent><endEvent id=\"e\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/><sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>")
        expectProblem(text, "hat keine Zeitangabe", id: "t", lineOf: "<timerEventDefinition/>")
    }

    @Test func dueThatDoesNotParse() {
        let literal = ExtensionAttributeTests.oneTask("<userTask id=\"t\" nahtstelle:role=\"r\"\n nahtstelle:due=\"in zehn Tagen\"/>")
        expectProblem(literal, "Frist (due): «in zehn Tagen» ist kein gültiges Datum", id: "t", lineOf: "<userTask")
        var options = DefinitionParser.Options()
        options.expressionCheck = { $0 == "today() +" ? "Ausdruck endet zu früh" : nil }
        let feel = ExtensionAttributeTests.oneTask("<userTask id=\"t\" nahtstelle:role=\"r\" nahtstelle:due=\"=today() +\"/>")
        expectProblem(feel, "Frist (due): der FEEL-Ausdruck «today() +» ist ungültig", id: "t", lineOf: "<userTask", options: options)
        let juel = ExtensionAttributeTests.oneTask("<userTask id=\"t\" nahtstelle:role=\"r\" camunda:dueDate=\"${dateTime().plusDays(2)}\"/>")
        expectProblem(juel, "JUEL", id: "t", lineOf: "<userTask")
    }

    @Test func officeAndCorrelationExpressionsAreChecked() {
        var options = DefinitionParser.Options()
        options.expressionCheck = { $0.contains("!") ? "unerwartetes Zeichen" : nil }
        let text = ExtensionAttributeTests.oneTask("<userTask id=\"t\" nahtstelle:role=\"r\" nahtstelle:office=\"=office!\"/>",
                                                   before: "<message id=\"m\" name=\"n\"\n nahtstelle:correlationKey=\"case!\"/>")
        expectProblem(text, "Dienststelle (nahtstelle:office): der FEEL-Ausdruck", id: "t", lineOf: "<userTask", options: options)
        expectProblem(text, "Korrelationsschlüssel: der FEEL-Ausdruck «case!»", id: "m", lineOf: "<message", options: options)
    }

    @Test func userTaskWithoutRole() {
        let text = ExtensionAttributeTests.oneTask("<userTask id=\"t\" name=\"Prüfen\"/>")
        let p = expectProblem(text, "hat keine Rolle", id: "t", lineOf: "<userTask")
        #expect(p?.fix.contains("nahtstelle:role") == true)
    }

    @Test func roleThatIsAnExpressionOrAList() {
        expectProblem(ExtensionAttributeTests.oneTask("<userTask id=\"t\" nahtstelle:role=\"=role\"/>"), "ist ein Ausdruck", id: "t", lineOf: "<userTask")
        expectProblem(ExtensionAttributeTests.oneTask("<userTask id=\"t\" camunda:candidateGroups=\"a, b\"/>"), "nennt mehrere Rollen", id: "t", lineOf: "<userTask")
    }

    @Test func unknownFormKey() {
        var options = DefinitionParser.Options()
        options.formExists = { $0 == "antrag" }
        let good = ExtensionAttributeTests.oneTask("<userTask id=\"t\" nahtstelle:role=\"r\" nahtstelle:form=\"antrag\"/>")
        #expect(!parse(good, options: options).hasErrors)
        let bad = ExtensionAttributeTests.oneTask("<userTask id=\"t\" nahtstelle:role=\"r\" nahtstelle:form=\"antrg\"/>")
        expectProblem(bad, "Das Formular «antrg» der Benutzeraufgabe «t» gibt es nicht", id: "t", lineOf: "<userTask", options: options)
    }

    @Test func unknownServiceHandler() {
        var options = DefinitionParser.Options()
        options.serviceHandlers = ["generate-document", "send-reminder"]
        let bad = ExtensionAttributeTests.oneTask("<serviceTask id=\"t\" nahtstelle:handler=\"generate-dokument\"/>")
        let p = expectProblem(bad, "unbekannten Handler «generate-dokument»", id: "t", lineOf: "<serviceTask", options: options)
        #expect(p?.fix.contains("generate-document, send-reminder") == true)
        expectProblem(ExtensionAttributeTests.oneTask("<serviceTask id=\"t\"/>"), "hat keinen Handler", id: "t", lineOf: "<serviceTask")
    }

    @Test func messageEventsWithoutMessage() {
        let text = bpmn("<startEvent id=\"s\"/>\n<intermediateCatchEvent id=\"c\"><messageEventDefinition/></intermediateCatchEvent>\n<endEvent id=\"e\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"c\"/><sequenceFlow id=\"f2\" sourceRef=\"c\" targetRef=\"e\"/>")
        expectProblem(text, "Das Nachrichtenereignis «c» hat keine Nachricht", id: "c", lineOf: "<messageEventDefinition/>")
        expectProblem(ExtensionAttributeTests.oneTask("<sendTask id=\"t\"/>"), "Die Sendeaufgabe «t» hat keine Nachricht", id: "t", lineOf: "<sendTask")
        expectProblem(ExtensionAttributeTests.oneTask("<receiveTask id=\"t\"/>"), "Die Empfangsaufgabe «t» hat keine Nachricht", id: "t", lineOf: "<receiveTask")
    }

    @Test func boundaryEventOnNonActivity() {
        let text = bpmn(Self.flow + "\n<boundaryEvent id=\"b\" attachedToRef=\"e\"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>")
        expectProblem(text, "hängt an Endereignis «e»", id: "b", lineOf: "<boundaryEvent")
    }

    @Test func parallelGatewayWithConditions() {
        let text = bpmn("""
            <startEvent id="s"/><parallelGateway id="g"/><endEvent id="e1"/><endEvent id="e2"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
            <sequenceFlow id="bedingt" sourceRef="g" targetRef="e1"><conditionExpression>x</conditionExpression></sequenceFlow>
            <sequenceFlow id="f2" sourceRef="g" targetRef="e2"/>
            """)
        expectProblem(text, "des parallelen Gateways «g» hat eine Bedingung", id: "bedingt", lineOf: "bedingt")
    }

    @Test func conditionOnFlowFromAnEvent() {
        let text = ExtensionAttributeTests.oneTask("<task id=\"t\"/>").replacingOccurrences(
            of: #"<sequenceFlow id="f1" sourceRef="s" targetRef="t"/>"#,
            with: #"<sequenceFlow id="f1" sourceRef="s" targetRef="t"><conditionExpression>x</conditionExpression></sequenceFlow>"#)
        expectProblem(text, "geht aber weder von einem exklusiven Gateway noch von einer Aktivität aus", id: "f1", lineOf: "id=\"f1\"")
    }

    /// BPMN's implicit inclusive split (MIWG A.2.1): conditional flows and a default flow leaving a task.
    @Test func conditionsAndDefaultOnFlowsFromAnActivity() throws {
        let text = bpmn("""
            <startEvent id="s"/><task id="t" default="f4"/><endEvent id="e1"/><endEvent id="e2"/><endEvent id="e3"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f2" sourceRef="t" targetRef="e1"><conditionExpression>=x > 1</conditionExpression></sequenceFlow>
            <sequenceFlow id="f3" sourceRef="t" targetRef="e2"/>
            <sequenceFlow id="f4" sourceRef="t" targetRef="e3"/>
            """)
        let result = parse(text)
        #expect(!result.hasErrors, "\(result.problems)")
        let node = try #require(result.document?.process(id: "p")?.nodes["t"])
        #expect(node.defaultFlowID == "f4")
    }

    @Test func defaultFlowOfAnActivityMustLeaveIt() {
        let text = bpmn("""
            <startEvent id="s" /><task id="t" default="f1"/><endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
            """)
        expectProblem(text, "Der Standardfluss «f1» von «t» ist kein Ausgang", id: "t", lineOf: "<task")
        let unknown = bpmn("""
            <startEvent id="s" /><task id="t" default="nix"/><endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
            """)
        expectProblem(unknown, "verweist auf den unbekannten Sequenzfluss «nix»", id: "t", lineOf: "<task")
    }

    @Test func eventSubProcessWithoutSuitableStart() {
        let none = bpmn(Self.flow + "\n<subProcess id=\"esp\" triggeredByEvent=\"true\">\n<startEvent id=\"es\"/><endEvent id=\"ee\"/><sequenceFlow id=\"ef\" sourceRef=\"es\" targetRef=\"ee\"/></subProcess>")
        expectProblem(none, "Das Startereignis «es» des Ereignis-Teilprozesses «esp» hat keinen Auslöser", id: "es", lineOf: "<startEvent id=\"es\"/>")
        let missing = bpmn(Self.flow + "\n<subProcess id=\"esp\" triggeredByEvent=\"true\"><task id=\"x\"/></subProcess>")
        expectProblem(missing, "Der Ereignis-Teilprozess «esp» hat kein Startereignis", id: "esp", lineOf: "<subProcess")
    }

    @Test func fileWithoutExecutableProcess() {
        let text = bpmn(Self.flow, executable: false)
        let p = expectProblem(text, "keinen ausführbaren Prozess", id: "defs", lineOf: "<definitions")
        #expect(p?.fix.contains("isExecutable=\"true\"") == true)
        let result = parse(text)
        #expect(result.process(of: result.problems(containing: "keinen ausführbaren")[0]) == nil)
    }

    @Test func notBPMNAtAll() throws {
        let result = parse("<?xml version=\"1.0\"?>\n<html><body/></html>")
        #expect(result.document == nil)
        let p = try #require(result.problems.first)
        #expect(p.message.contains("Keine BPMN-2.0-Datei"))
        #expect(p.message.contains("<html>"))
        #expect(p.location.line == 2)
    }

    @Test func startEventWithIncomingAndEndEventWithOutgoing() {
        let text = bpmn("<startEvent id=\"s\"/>\n<endEvent id=\"e\"/>\n<task id=\"t\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"e\"/><sequenceFlow id=\"f2\" sourceRef=\"e\" targetRef=\"t\"/><sequenceFlow id=\"f3\" sourceRef=\"t\" targetRef=\"s\"/>")
        expectProblem(text, "Das Startereignis «s» hat einen eingehenden", id: "s", lineOf: "<startEvent")
        expectProblem(text, "Das Endereignis «e» hat einen ausgehenden", id: "e", lineOf: "<endEvent")
    }

    @Test func errorsForProcessSeparateProcesses() {
        let text = """
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn" id="d">
            <process id="gut" isExecutable="true"><startEvent id="s1"/><endEvent id="e1"/><sequenceFlow id="f1" sourceRef="s1" targetRef="e1"/></process>
            <process id="schlecht" isExecutable="true"><startEvent id="s2"/><userTask id="t2"/><endEvent id="e2"/><sequenceFlow id="f2" sourceRef="s2" targetRef="t2"/><sequenceFlow id="f3" sourceRef="t2" targetRef="e2"/></process>
            </definitions>
            """
        let result = parse(text)
        #expect(result.hasErrors)
        #expect(result.errors(forProcess: "gut").isEmpty)
        #expect(result.errors(forProcess: "schlecht").map(\.elementID) == ["t2"])
    }

    @Test func allProblemsAreCollectedAndSorted() {
        let text = bpmn("""
            <startEvent id="s"/>
            <userTask id="t1"/>
            <serviceTask id="t2"/>
            <callActivity id="t3"/>
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
            <sequenceFlow id="f2" sourceRef="t1" targetRef="t2"/>
            <sequenceFlow id="f3" sourceRef="t2" targetRef="t3"/>
            <sequenceFlow id="f4" sourceRef="t3" targetRef="e"/>
            """)
        let result = parse(text)
        #expect(result.errors.map(\.elementID) == ["t1", "t2", "t3"])
        let lines = result.problems.map(\.location.line)
        #expect(lines == lines.sorted())
    }

    @Test func descriptionIsCompilerStyle() {
        let p = Problem(.error, at: NahtstelleDefinition.SourceLocation(file: "a.bpmn", line: 3, column: 5), element: "t", "Fehlt", fix: "ergänzen")
        #expect(p.description == "a.bpmn:3:5: error: Fehlt — ergänzen [t]")
    }
}
