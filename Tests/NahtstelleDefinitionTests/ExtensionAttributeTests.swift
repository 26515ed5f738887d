import Testing
import NahtstelleDefinition

/// Each source of each extension value (Nahtstelle, Camunda 7, Zeebe, BPMN standard, lane).
@Suite struct ExtensionAttributeTests {
    /// A process with one task between a start and an end event.
    static func oneTask(_ task: String, before: String = "", lanes: String = "") -> String {
        bpmn("""
            \(lanes)
            <startEvent id="s"/>
            \(task)
            <endEvent id="e"/>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
            """, before: before)
    }

    static func userTask(_ task: String, before: String = "", lanes: String = "") throws -> (UserTaskSpec, ParseResult) {
        let result = parse(oneTask(task, before: before, lanes: lanes))
        let node = try #require(result.document?.process(id: "p")?.nodes["t"])
        guard case .userTask(let spec) = node.kind else { throw DefinitionError(problems: result.problems) }
        return (spec, result)
    }

    static func serviceTask(_ task: String) throws -> (ServiceTaskSpec, ParseResult) {
        let result = parse(oneTask(task))
        let node = try #require(result.document?.process(id: "p")?.nodes["t"])
        guard case .serviceTask(let spec) = node.kind else { throw DefinitionError(problems: result.problems) }
        return (spec, result)
    }

    // MARK: Role

    @Test func roleFromNahtstelle() throws {
        let (spec, result) = try Self.userTask(#"<userTask id="t" nahtstelle:role="receiver"/>"#)
        #expect(spec.role == "receiver")
        #expect(!result.hasErrors)
    }

    @Test func roleFromCamundaCandidateGroups() throws {
        #expect(try Self.userTask(#"<userTask id="t" camunda:candidateGroups="signatory"/>"#).0.role == "signatory")
    }

    @Test func roleFromZeebeAssignmentDefinition() throws {
        let (spec, _) = try Self.userTask(#"<userTask id="t"><extensionElements><zeebe:assignmentDefinition candidateGroups="referrer" assignee="=initiator"/></extensionElements></userTask>"#)
        #expect(spec.role == "referrer")
        #expect(spec.assignee == Expression(text: "initiator", isFEEL: true, location: spec.assignee?.location ?? NahtstelleDefinition.SourceLocation(file: "", line: 0, column: 0)))
    }

    @Test func roleFromPotentialOwnerExpression() throws {
        let (spec, _) = try Self.userTask("""
            <userTask id="t"><potentialOwner><resourceAssignmentExpression><formalExpression>receiver</formalExpression></resourceAssignmentExpression></potentialOwner></userTask>
            """)
        #expect(spec.role == "receiver")
    }

    @Test func roleFromHumanPerformerResourceRef() throws {
        let (spec, _) = try Self.userTask(#"<userTask id="t"><humanPerformer><resourceRef>r1</resourceRef></humanPerformer></userTask>"#,
                                          before: #"<resource id="r1" name="signatory"/>"#)
        #expect(spec.role == "signatory")
    }

    @Test func roleFromInnermostLane() throws {
        let lanes = """
            <laneSet id="ls"><lane id="outer" nahtstelle:role="receiver"><flowNodeRef>t</flowNodeRef>
              <childLaneSet id="cls"><lane id="inner" nahtstelle:role="advisor"><flowNodeRef>t</flowNodeRef></lane></childLaneSet>
            </lane></laneSet>
            """
        let (spec, result) = try Self.userTask(#"<userTask id="t"/>"#, lanes: lanes)
        #expect(spec.role == "advisor")
        #expect(Set(result.document?.process(id: "p")?.lanes.map(\.id) ?? []) == ["outer", "inner"])
    }

    @Test func ownRoleWinsOverLane() throws {
        let lanes = #"<laneSet id="ls"><lane id="l" nahtstelle:role="receiver"><flowNodeRef>t</flowNodeRef></lane></laneSet>"#
        #expect(try Self.userTask(#"<userTask id="t" nahtstelle:role="signatory"/>"#, lanes: lanes).0.role == "signatory")
    }

    @Test func laneNameIsTheRoleOfATaskWithoutOneWithAWarning() throws {
        // As Camunda Modeler, bpmn.io or Signavio draw it: lanes with names, no nahtstelle: attributes.
        let lanes = """
            <laneSet id="ls"><lane id="sachbearbeitung" name="  Sach-
              bearbeitung  RAV "><flowNodeRef>t</flowNodeRef></lane></laneSet>
            """
        let (spec, result) = try Self.userTask(#"<userTask id="t" name="Prüfen"/>"#, lanes: lanes)
        #expect(spec.role == "Sach- bearbeitung RAV")
        #expect(!result.hasErrors)
        let warning = try #require(result.problems(containing: "übernimmt den Namen ihrer Lane").first)
        #expect(warning.severity == .warning)
        #expect(warning.elementID == "t")
        #expect(warning.message.contains("«Sach- bearbeitung RAV»"))
        #expect(warning.fix.contains("nahtstelle:role"))
    }

    @Test func laneRoleWinsOverAnInnerLaneName() throws {
        let lanes = """
            <laneSet id="ls"><lane id="outer" nahtstelle:role="receiver"><flowNodeRef>t</flowNodeRef>
              <childLaneSet id="cls"><lane id="inner" name="Team Nord"><flowNodeRef>t</flowNodeRef></lane></childLaneSet>
            </lane></laneSet>
            """
        let (spec, result) = try Self.userTask(#"<userTask id="t"/>"#, lanes: lanes)
        #expect(spec.role == "receiver")
        #expect(result.problems(containing: "übernimmt den Namen").isEmpty)
    }

    @Test func innermostNamedLaneGivesTheRole() throws {
        let lanes = """
            <laneSet id="ls"><lane id="outer" name="IV-Stelle"><flowNodeRef>t</flowNodeRef>
              <childLaneSet id="cls"><lane id="inner" name="Eingliederung"><flowNodeRef>t</flowNodeRef></lane></childLaneSet>
            </lane></laneSet>
            """
        #expect(try Self.userTask(#"<userTask id="t"/>"#, lanes: lanes).0.role == "Eingliederung")
    }

    @Test func candidateGroupWinsOverLaneName() throws {
        let lanes = #"<laneSet id="ls"><lane id="l" name="Sachbearbeitung"><flowNodeRef>t</flowNodeRef></lane></laneSet>"#
        let (spec, result) = try Self.userTask(#"<userTask id="t" camunda:candidateGroups="advisor"/>"#, lanes: lanes)
        #expect(spec.role == "advisor")
        #expect(result.problems.isEmpty)
    }

    @Test func taskInAnUnnamedLaneWithoutRoleIsAnError() {
        let lanes = #"<laneSet id="ls"><lane id="l"><flowNodeRef>t</flowNodeRef></lane></laneSet>"#
        let result = parse(Self.oneTask(#"<userTask id="t"/>"#, lanes: lanes))
        #expect(result.errors.contains { $0.message.contains("hat keine Rolle") && $0.elementID == "t" })
    }

    @Test func dryRunsNeedNoRoles() throws {
        var options = DefinitionParser.Options()
        options.requireRoles = false
        let result = parse(Self.oneTask(#"<userTask id="t"/>"#), options: options)
        #expect(!result.hasErrors, "\(result.problems)")
        guard case .userTask(let spec) = result.document?.process(id: "p")?.nodes["t"]?.kind else { Issue.record("no user task"); return }
        #expect(spec.role == nil)
    }

    // MARK: Office, assignee, form, due, documents

    @Test func officeAndAssigneeAreFEELOrLiteral() throws {
        let (spec, _) = try Self.userTask(#"<userTask id="t" nahtstelle:role="r" nahtstelle:office="=receiverOffice" nahtstelle:assignee="mmuster"/>"#)
        #expect(spec.office?.text == "receiverOffice")
        #expect(spec.office?.isFEEL == true)
        #expect(spec.assignee?.text == "mmuster")
        #expect(spec.assignee?.isFEEL == false)
    }

    @Test func assigneeFromCamunda() throws {
        #expect(try Self.userTask(#"<userTask id="t" nahtstelle:role="r" camunda:assignee="demo"/>"#).0.assignee?.text == "demo")
    }

    @Test func formFromEachSource() throws {
        #expect(try Self.userTask(#"<userTask id="t" nahtstelle:role="r" nahtstelle:form="antrag-rav"/>"#).0.formKey == "antrag-rav")
        #expect(try Self.userTask(#"<userTask id="t" nahtstelle:role="r" camunda:formKey="embedded:app:forms/x.html"/>"#).0.formKey == "embedded:app:forms/x.html")
        #expect(try Self.userTask(#"<userTask id="t" nahtstelle:role="r"><extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:f1"/></extensionElements></userTask>"#).0.formKey == "camunda-forms:bpmn:f1")
        #expect(try Self.userTask(#"<userTask id="t" nahtstelle:role="r"><extensionElements><zeebe:formDefinition formId="antrag"/></extensionElements></userTask>"#).0.formKey == "antrag")
    }

    @Test func dueFromEachSource() throws {
        let naht = try Self.userTask(#"<userTask id="t" nahtstelle:role="r" nahtstelle:due="P10D"/>"#).0.due
        #expect(naht?.text == "P10D" && naht?.isFEEL == false)
        let camunda = try Self.userTask(#"<userTask id="t" nahtstelle:role="r" camunda:dueDate="2026-12-01T09:00:00Z"/>"#).0.due
        #expect(camunda?.text == "2026-12-01T09:00:00Z")
        let zeebe = try Self.userTask(#"<userTask id="t" nahtstelle:role="r"><extensionElements><zeebe:taskSchedule dueDate="=today() + duration(&quot;P3D&quot;)"/></extensionElements></userTask>"#).0.due
        #expect(zeebe?.text == #"today() + duration("P3D")"#)
        #expect(zeebe?.isFEEL == true)
    }

    @Test func documentsAreSplitAtCommas() throws {
        let (spec, _) = try Self.userTask(#"<userTask id="t" nahtstelle:role="r" nahtstelle:documents=" einladung , gespraechsnotiz,,"/>"#)
        #expect(spec.documents == ["einladung", "gespraechsnotiz"])
    }

    // MARK: Service tasks

    @Test func handlerFromNahtstelleWithParameters() throws {
        let (spec, result) = try Self.serviceTask(#"<serviceTask id="t" nahtstelle:handler="generate-document" nahtstelle:template="kostengutsprache" nahtstelle:format="docx"/>"#)
        #expect(spec.handler == "generate-document")
        #expect(spec.parameters == ["template": "kostengutsprache", "format": "docx"])
        #expect(result.problems.isEmpty)
    }

    @Test func handlerFromCamunda() throws {
        #expect(try Self.serviceTask(#"<serviceTask id="t" camunda:type="send-mail"/>"#).0.handler == "send-mail")
        #expect(try Self.serviceTask(#"<serviceTask id="t" camunda:type="external" camunda:topic="archive"/>"#).0.handler == "archive")
        #expect(try Self.serviceTask(#"<serviceTask id="t" camunda:delegateExpression="${archiveService}"/>"#).0.handler == "archiveService")
        #expect(try Self.serviceTask(#"<serviceTask id="t" camunda:class="ch.example.Archive"/>"#).0.handler == "ch.example.Archive")
    }

    @Test func handlerFromZeebeWithHeaders() throws {
        let (spec, _) = try Self.serviceTask("""
            <serviceTask id="t"><extensionElements><zeebe:taskDefinition type="archive"/>
            <zeebe:taskHeaders><zeebe:header key="folder" value="kgs"/></zeebe:taskHeaders></extensionElements></serviceTask>
            """)
        #expect(spec.handler == "archive")
        #expect(spec.parameters == ["folder": "kgs"])
    }

    // MARK: Messages

    @Test func messageCorrelationKeyFromNahtstelleAndZeebe() throws {
        let result = parse(bpmn(#"<startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/>"#, before: """
            <message id="m1" name="one" nahtstelle:correlationKey="=caseId"/>
            <message id="m2" name="two"><extensionElements><zeebe:subscription correlationKey="= documentReferenceId"/></extensionElements></message>
            <message id="m3" name="three"/>
            """))
        let messages = try #require(result.document?.messages)
        #expect(messages["m1"]?.correlationKey?.text == "caseId")
        #expect(messages["m2"]?.correlationKey?.text == "documentReferenceId")
        #expect(messages["m3"]?.correlationKey == nil)
        #expect(result.problems.isEmpty)
    }

    @Test func sendTaskAndThrowEventKeys() throws {
        let result = parse(bpmn("""
            <startEvent id="s"/>
            <sendTask id="t" messageRef="m" nahtstelle:correlationKey="=caseId" nahtstelle:payload="{a: 1}"/>
            <intermediateThrowEvent id="i"><messageEventDefinition messageRef="m" nahtstelle:correlationKey="otherCase"/></intermediateThrowEvent>
            <endEvent id="e" nahtstelle:payload="{b: 2}"><messageEventDefinition messageRef="m"/></endEvent>
            <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f2" sourceRef="t" targetRef="i"/>
            <sequenceFlow id="f3" sourceRef="i" targetRef="e"/>
            """, before: #"<message id="m" name="msg"/>"#))
        #expect(result.problems.isEmpty, "\(result.problems)")
        let nodes = try #require(result.document?.process(id: "p")?.nodes)
        guard case .sendTask(let send) = nodes["t"]?.kind, case .intermediateThrowEvent(let thrown?) = nodes["i"]?.kind,
            case .endEvent(.message(let end)) = nodes["e"]?.kind
        else { Issue.record("kinds"); return }
        #expect(send.correlationKey?.text == "caseId")
        #expect(send.payload?.text == "{a: 1}")
        #expect(thrown.correlationKey?.text == "otherCase")
        #expect(thrown.correlationKey?.isFEEL == true)
        #expect(end.payload?.text == "{b: 2}")
        #expect(end.messageRef == "m")
    }

    @Test func laneRoleIsRead() throws {
        let result = parse(Self.oneTask(#"<task id="t"/>"#, lanes: #"<laneSet id="ls"><lane id="l" name="Zuweisende Stelle" nahtstelle:role="referrer"><flowNodeRef>t</flowNodeRef></lane></laneSet>"#))
        let lane = try #require(result.document?.process(id: "p")?.lanes.first)
        #expect(lane == Lane(id: "l", name: "Zuweisende Stelle", role: "referrer", flowNodeIDs: ["t"]))
    }

    @Test func unknownNahtstelleAttributeIsAWarning() throws {
        let text = Self.oneTask(#"<userTask id="t" nahtstelle:role="r" nahtstelle:rolle="x"/>"#)
        let result = parse(text)
        let warning = try #require(result.problems(containing: "nahtstelle:rolle").first)
        #expect(warning.severity == .warning)
        #expect(warning.elementID == "t")
        #expect(warning.location.line == line(of: "nahtstelle:rolle", in: text))
        #expect(!result.hasErrors)
    }

    @Test func camundaListenersAreReportedAsNotEvaluated() throws {
        let text = Self.oneTask(#"<task id="t"><extensionElements><camunda:executionListener event="start" class="X"/></extensionElements></task>"#)
        let warning = try #require(parse(text).problems(containing: "camunda:executionListener").first)
        #expect(warning.severity == .warning)
        #expect(warning.elementID == "t")
    }
}
