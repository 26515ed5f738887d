import Testing
import NahtstelleDefinition

/// Supported, ignorable and unsupported elements, each in a small inline definition.
@Suite struct ElementTests {
    /// start → X → end, with X given.
    static func around(_ element: String, id: String = "x") -> String {
        bpmn("""
            <startEvent id="s"/>
            \(element)
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="\(id)"/>
            <sequenceFlow id="f2" sourceRef="\(id)" targetRef="e"/>
            """, before: #"<message id="m" name="msg"/>"#)
    }

    static func kind(of element: String, id: String = "x") throws -> FlowNode.Kind {
        let result = parse(around(element, id: id))
        #expect(!result.hasErrors, "\(result.problems)")
        return try #require(result.document?.process(id: "p")?.nodes[id]?.kind)
    }

    @Test func plainTaskAndManualTaskAreAbstract() throws {
        guard case .abstractTask = try Self.kind(of: #"<task id="x"/>"#) else { Issue.record("task"); return }
        guard case .abstractTask = try Self.kind(of: #"<manualTask id="x"/>"#) else { Issue.record("manualTask"); return }
    }

    @Test func receiveTask() throws {
        guard case .receiveTask("m") = try Self.kind(of: #"<receiveTask id="x" messageRef="m"/>"#) else { Issue.record(); return }
    }

    @Test func sendTask() throws {
        guard case .sendTask(let t) = try Self.kind(of: #"<sendTask id="x" messageRef="m"/>"#) else { Issue.record(); return }
        #expect(t == MessageThrow(messageRef: "m", correlationKey: nil, payload: nil))
    }

    @Test func intermediateCatchEvents() throws {
        guard case .intermediateCatchEvent(.message("m")) = try Self.kind(of: #"<intermediateCatchEvent id="x"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>"#) else {
            Issue.record("message"); return
        }
        let timers = [
            ("timeDate", "2026-12-01T09:00:00Z"), ("timeDuration", "PT1H"), ("timeCycle", "R3/PT1H"),
            ("timeCycle", "R/P1D"), ("timeCycle", "R3/2026-01-01T00:00:00Z/P1D"), ("timeDate", "=meetingDate"),
        ]
        for (element, text) in timers {
            let kind = try Self.kind(of: #"<intermediateCatchEvent id="x"><timerEventDefinition><\#(element)>\#(text)</\#(element)></timerEventDefinition></intermediateCatchEvent>"#)
            guard case .intermediateCatchEvent(.timer(let timer)) = kind else { Issue.record("\(element)"); continue }
            switch (element, timer) {
            case ("timeDate", .date(let e)), ("timeDuration", .duration(let e)), ("timeCycle", .cycle(let e)):
                #expect(e.text == (text.hasPrefix("=") ? String(text.dropFirst()) : text))
                #expect(e.isFEEL == text.hasPrefix("="))
            default: Issue.record("wrong timer kind for \(element)")
            }
        }
    }

    @Test func intermediateThrowEvents() throws {
        guard case .intermediateThrowEvent(nil) = try Self.kind(of: #"<intermediateThrowEvent id="x"/>"#) else { Issue.record("none"); return }
        guard case .intermediateThrowEvent(let t?) = try Self.kind(of: #"<intermediateThrowEvent id="x"><messageEventDefinition messageRef="m"/></intermediateThrowEvent>"#) else {
            Issue.record("message"); return
        }
        #expect(t.messageRef == "m")
    }

    @Test func startEventsNoneMessageTimer() throws {
        for (definition, check) in [
            ("", { (t: EventTrigger) -> Bool in if case .none = t { true } else { false } }),
            (#"<messageEventDefinition messageRef="m"/>"#, { if case .message("m") = $0 { true } else { false } }),
            (#"<timerEventDefinition><timeCycle>R/P1D</timeCycle></timerEventDefinition>"#, { if case .timer(.cycle) = $0 { true } else { false } }),
        ] {
            let text = bpmn(#"<startEvent id="s">\#(definition)</startEvent><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>"#,
                            before: #"<message id="m" name="msg"/>"#)
            let result = parse(text)
            #expect(!result.hasErrors, "\(result.problems)")
            guard case .startEvent(let trigger) = result.document?.process(id: "p")?.nodes["s"]?.kind else { Issue.record("start"); continue }
            #expect(check(trigger), "\(definition)")
        }
    }

    @Test func endEventsNoneTerminateMessage() throws {
        for (definition, expected) in [("", "none"), ("<terminateEventDefinition/>", "terminate"), (#"<messageEventDefinition messageRef="m"/>"#, "message")] {
            let text = bpmn(#"<startEvent id="s"/><endEvent id="e">\#(definition)</endEvent><sequenceFlow id="f" sourceRef="s" targetRef="e"/>"#,
                            before: #"<message id="m" name="msg"/>"#)
            let result = parse(text)
            #expect(!result.hasErrors, "\(result.problems)")
            guard case .endEvent(let kind) = result.document?.process(id: "p")?.nodes["e"]?.kind else { Issue.record("end"); continue }
            switch (kind, expected) {
            case (.none, "none"), (.terminate, "terminate"), (.message, "message"): break
            default: Issue.record("expected \(expected), got \(kind)")
            }
        }
    }

    @Test func boundaryEventsTimerAndMessage() throws {
        let text = bpmn("""
            <startEvent id="s"/>
            <userTask id="t" nahtstelle:role="r"/>
            <boundaryEvent id="b1" attachedToRef="t"><timerEventDefinition><timeDuration>P10D</timeDuration></timerEventDefinition></boundaryEvent>
            <boundaryEvent id="b2" attachedToRef="t" cancelActivity="false"><messageEventDefinition messageRef="m"/></boundaryEvent>
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
            <sequenceFlow id="f3" sourceRef="b1" targetRef="e"/>
            <sequenceFlow id="f4" sourceRef="b2" targetRef="e"/>
            """, before: #"<message id="m" name="msg"/>"#)
        let result = parse(text)
        #expect(!result.hasErrors, "\(result.problems)")
        let nodes = try #require(result.document?.process(id: "p")?.nodes)
        #expect(nodes["t"]?.boundaryEventIDs == ["b1", "b2"])
        guard case .boundaryEvent(let b1) = nodes["b1"]?.kind, case .boundaryEvent(let b2) = nodes["b2"]?.kind else { Issue.record(); return }
        #expect(b1.interrupting && !b2.interrupting)
        #expect(b1.attachedToID == "t")
        guard case .timer(.duration) = b1.trigger, case .message("m") = b2.trigger else { Issue.record("triggers"); return }
    }

    @Test func eventSubProcessWithTimerStart() throws {
        let text = bpmn("""
            <startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>
            <subProcess id="esp" triggeredByEvent="true">
              <startEvent id="es"><timerEventDefinition><timeDuration>P90D</timeDuration></timerEventDefinition></startEvent>
              <endEvent id="ee"/>
              <sequenceFlow id="ef" sourceRef="es" targetRef="ee"/>
            </subProcess>
            """)
        let result = parse(text)
        #expect(!result.hasErrors, "\(result.problems)")
        let process = try #require(result.document?.process(id: "p"))
        guard case .subProcess(isEventSubProcess: true) = process.nodes["esp"]?.kind else { Issue.record("esp"); return }
        guard case .startEvent(.eventSubProcessStart(.timer(.duration), isInterrupting: true)) = process.nodes["es"]?.kind else {
            Issue.record("start"); return
        }
        #expect(process.nodes["es"]?.scopeID == "esp")
    }

    @Test func anyPrefixOrDefaultNamespace() throws {
        let text = """
            <x:definitions xmlns:x="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
              <x:process id="p" isExecutable="true"><x:startEvent id="s"/><x:endEvent id="e"/><x:sequenceFlow id="f" sourceRef="s" targetRef="e"/></x:process>
            </x:definitions>
            """
        let result = parse(text)
        #expect(result.problems.isEmpty)
        #expect(result.document?.process(id: "p")?.nodes.count == 2)
    }

    @Test func nonExecutableProcessesAreParsedToo() throws {
        let text = bpmn(#"<startEvent id="s"/><userTask id="t"/><endEvent id="e"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>"#,
                        executable: false)
        let result = parse(text)
        #expect(result.document?.process(id: "p")?.isExecutable == false)
        #expect(result.document?.process(id: "p")?.nodes.count == 3)
        #expect(!result.problems(containing: "keine Rolle").isEmpty)
    }

    // MARK: Ignorable elements

    static let ignorables: [(element: String, words: String)] = [
        (#"<documentation>Hinweis</documentation>"#, "Dokumentation"),
        (#"<textAnnotation id="ta"><text>Hinweis</text></textAnnotation>"#, "Textanmerkung"),
        (#"<association id="as" sourceRef="ta2" targetRef="s"/>"#, "Assoziation"),
        (#"<group id="g"/>"#, "Gruppe"),
        (#"<dataObject id="do"/>"#, "Datenobjekt (dataObject)"),
        (#"<dataObjectReference id="dor"/>"#, "Datenobjekt-Referenz"),
        (#"<dataStoreReference id="dsr"/>"#, "Datenspeicher-Referenz"),
        (#"<ioSpecification id="io"/>"#, "Ein-/Ausgabe-Spezifikation"),
        (#"<property id="prop" name="x"/>"#, "Eigenschaft"),
    ]

    @Test(arguments: ignorables)
    func ignorableElementIsAWarning(element: String, words: String) throws {
        let text = bpmn(#"<startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>"# + "\n" + element)
        let result = parse(text)
        #expect(!result.hasErrors, "\(result.problems)")
        let warning = try #require(result.problems(containing: words).first)
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("hat keine Wirkung auf die Ausführung"))
        #expect(warning.location.line == line(of: element, in: text))
    }

    @Test func dataAssociationsOnTasksAreWarnings() throws {
        let text = Self.around(#"<task id="x"><dataInputAssociation id="dia"><targetRef>x</targetRef></dataInputAssociation><dataOutputAssociation id="doa"><targetRef>x</targetRef></dataOutputAssociation></task>"#)
        let result = parse(text)
        #expect(!result.hasErrors)
        #expect(result.problems(containing: "Dateneingabe-Zuordnung").first?.elementID == "dia")
        #expect(result.problems(containing: "Datenausgabe-Zuordnung").first?.elementID == "doa")
    }

    @Test func categoryAtTopLevelIsAWarning() throws {
        let text = bpmn(#"<startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>"#, before: #"<category id="cat"/>"#)
        let result = parse(text)
        #expect(result.problems(containing: "Kategorie").first?.severity == .warning)
        #expect(!result.hasErrors)
    }

    // MARK: Unsupported elements

    static let unsupportedNodes: [(element: String, words: String, fix: String)] = [
        (#"<callActivity id="x" calledElement="other"/>"#, "Aufruf-Aktivität", "eingebetteten Teilprozess"),
        (#"<scriptTask id="x"/>"#, "Skriptaufgabe", "Serviceaufgabe"),
        (#"<businessRuleTask id="x"/>"#, "Geschäftsregel-Aufgabe", "exklusives Gateway"),
        (#"<inclusiveGateway id="x"/>"#, "inklusives Gateway", "exklusiven und parallelen"),
        (#"<eventBasedGateway id="x"/>"#, "ereignisbasiertes Gateway", "Empfangsaufgabe"),
        (#"<complexGateway id="x"/>"#, "komplexes Gateway", "exklusiven und parallelen"),
        (#"<transaction id="x"><startEvent id="ts"/></transaction>"#, "Transaktion", "eingebetteten Teilprozess"),
        (#"<adHocSubProcess id="x"><task id="at"/></adHocSubProcess>"#, "Ad-hoc-Teilprozess", "eingebetteten Teilprozess"),
        (#"<intermediateThrowEvent id="x"><signalEventDefinition/></intermediateThrowEvent>"#, "Signalereignis", "Nachrichtenereignis"),
        (#"<intermediateThrowEvent id="x"><escalationEventDefinition/></intermediateThrowEvent>"#, "Eskalationsereignis", "Nachrichtenereignis"),
        (#"<intermediateThrowEvent id="x"><compensateEventDefinition/></intermediateThrowEvent>"#, "Kompensationsereignis", "gewöhnliche Aufgaben"),
        (#"<intermediateCatchEvent id="x"><conditionalEventDefinition/></intermediateCatchEvent>"#, "Bedingungsereignis", "exklusives Gateway"),
        (#"<intermediateCatchEvent id="x"><linkEventDefinition name="l"/></intermediateCatchEvent>"#, "Link-Ereignis", "Sequenzfluss"),
        (#"<intermediateCatchEvent id="x"><signalEventDefinition/></intermediateCatchEvent>"#, "Signalereignis", "Nachrichtenereignis"),
        (#"<task id="x"><multiInstanceLoopCharacteristics/></task>"#, "Mehrfachinstanz", "mehrmals modellieren"),
        (#"<task id="x"><standardLoopCharacteristics/></task>"#, "Schleife", "Rückfluss"),
        (#"<subProcess id="x"><multiInstanceLoopCharacteristics/><startEvent id="ss"/><endEvent id="se"/><sequenceFlow id="sf" sourceRef="ss" targetRef="se"/></subProcess>"#, "Mehrfachinstanz", "mehrmals"),
    ]

    @Test(arguments: unsupportedNodes)
    func unsupportedElementIsAnErrorWithLineIdAndFix(element: String, words: String, fix: String) throws {
        let text = Self.around(element)
        let result = parse(text)
        let problem = try #require(result.problems(containing: words).first, "\(result.problems)")
        #expect(problem.severity == .error)
        #expect(problem.message.contains("nicht unterstützt"))
        #expect(problem.elementID == "x")
        #expect(problem.location.line == line(of: element, in: text))
        #expect(problem.location.column > 0)
        #expect(problem.fix.contains(fix))
        #expect(!result.errors(forProcess: "p").isEmpty)
        // The node never reaches the model, but nothing is silently dropped around it.
        #expect(result.problems(containing: "unbekannte").isEmpty, "\(result.problems)")
    }

    @Test func errorBoundaryAndErrorEndEventsAreErrors() throws {
        let text = bpmn("""
            <startEvent id="s"/>
            <task id="t"/>
            <boundaryEvent id="b" attachedToRef="t"><errorEventDefinition/></boundaryEvent>
            <endEvent id="e"><errorEventDefinition/></endEvent>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
            <sequenceFlow id="f3" sourceRef="b" targetRef="e"/>
            """)
        let result = parse(text)
        #expect(result.problems(containing: "Fehlerereignis").map(\.elementID) == ["b", "e"])
    }

    @Test func errorStartInEventSubProcessIsAnError() throws {
        let text = bpmn("""
            <startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>
            <subProcess id="esp" triggeredByEvent="true"><startEvent id="es"><errorEventDefinition/></startEvent><endEvent id="ee"/><sequenceFlow id="ef" sourceRef="es" targetRef="ee"/></subProcess>
            """)
        let problem = try #require(parse(text).problems(containing: "Fehlerereignis").first)
        #expect(problem.elementID == "es")
        #expect(problem.location.line == line(of: "<errorEventDefinition/>", in: text))
    }
}
