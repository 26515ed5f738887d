import Testing
import NahtstelleDefinition

/// The realistic fixtures parse without errors into the expected model.
@Suite struct FixtureTests {
    @Test func kostengutspracheParsesIntoTheModel() throws {
        let result = DefinitionParser().parse(fileAt: TestPaths.fixtures + "/kostengutsprache.bpmn")
        #expect(result.problems.isEmpty, "\(result.problems)")
        let document = try #require(result.document)
        #expect(document.id == "Definitions_Kostengutsprache")
        #expect(document.messages["Message_KGSDecision"]?.name == "kgs-decision")
        #expect(document.messages["Message_KGSDecision"]?.correlationKey?.text == "caseId")
        let process = try #require(document.process(id: "Kostengutsprache"))
        #expect(process.isExecutable)
        #expect(process.name == "Kostengutsprache")
        #expect(process.nodes.count == 10)
        #expect(process.flows.count == 8)
        #expect(process.lanes.map(\.role) == ["receiver", "signatory"])
        #expect(process.noneStartEvent(inScope: nil)?.id == "Start_MeasureNeeded")
        #expect(result.errors(forProcess: "Kostengutsprache").isEmpty)

        let sign = try #require(process.nodes["Task_SignKGS"])
        guard case .userTask(let spec) = sign.kind else { Issue.record("not a user task"); return }
        #expect(spec.role == "signatory")  // from the lane
        #expect(spec.office == Expression(text: "referrerOffice", isFEEL: true, location: spec.office?.location ?? sign.location))
        #expect(spec.formKey == "kgs-entscheid")
        #expect(spec.due?.text == "P10D")
        #expect(spec.due?.isFEEL == false)
        #expect(spec.documents == ["kostengutsprache"])
        #expect(sign.boundaryEventIDs == ["Timer_SignatureOverdue"])
        #expect(sign.incoming == ["Flow_ToSign"])
        #expect(sign.outgoing == ["Flow_ToGateway"])
        #expect(sign.location.line == 28)
        #expect(sign.location.column == 5)

        guard case .exclusiveGateway(let defaultFlow) = process.nodes["Gateway_Signed"]?.kind else { Issue.record("gateway"); return }
        #expect(defaultFlow == "Flow_Rejected")
        #expect(process.flows["Flow_Signed"]?.condition?.text == "decision = \"signed\"")
        #expect(process.flows["Flow_Rejected"]?.condition == nil)

        guard case .serviceTask(let service) = process.nodes["Task_SendReminder"]?.kind else { Issue.record("service"); return }
        #expect(service.handler == "send-reminder")
        #expect(service.parameters == ["template": "kgs-erinnerung"])

        guard case .boundaryEvent(let boundary) = process.nodes["Timer_SignatureOverdue"]?.kind,
            case .timer(.duration(let duration)) = boundary.trigger
        else { Issue.record("boundary"); return }
        #expect(boundary.attachedToID == "Task_SignKGS")
        #expect(!boundary.interrupting)
        #expect(duration.text == "P10D")

        guard case .endEvent(.message(let thrown)) = process.nodes["End_Rejected"]?.kind else { Issue.record("end"); return }
        #expect(thrown.messageRef == "Message_KGSDecision")
        #expect(thrown.payload?.text == "{decision: decision, reason: reason}")
    }

    @Test func standortgespraechParsesScopesAndEvents() throws {
        let result = DefinitionParser().parse(fileAt: TestPaths.fixtures + "/standortgespraech.bpmn")
        #expect(result.problems.isEmpty, "\(result.problems)")
        let document = try #require(result.document)
        #expect(document.participants.map(\.id) == ["Participant_Receiver", "Participant_Client"])
        #expect(document.participants.first?.processRef == "Fallarbeit")
        #expect(document.messageFlows.first?.messageRef == "Message_Invitation")
        let process = try #require(document.process(id: "Fallarbeit"))
        #expect(process.messageStartEvents.map(\.id) == ["Start_Handover"])
        #expect(process.noneStartEvent(inScope: nil) == nil)
        #expect(process.noneStartEvent(inScope: "Sub_Meeting")?.id == "Sub_Start")
        #expect(process.nodes(inScope: "Sub_Meeting").map(\.id) == ["Sub_End", "Sub_Start", "Task_Invite", "Task_Meeting", "Timer_MeetingDate"])
        #expect(process.eventSubProcesses(inScope: nil).map(\.id) == ["EventSub_Revoked"])
        #expect(process.nodes["Task_Meeting"]?.scopeID == "Sub_Meeting")

        guard case .startEvent(.eventSubProcessStart(.message(let ref), let interrupting)) = process.nodes["EventSub_Start"]?.kind else {
            Issue.record("event sub-process start"); return
        }
        #expect(ref == "Message_Revoked")
        #expect(!interrupting)
        guard case .intermediateCatchEvent(.timer(.date(let date))) = process.nodes["Timer_MeetingDate"]?.kind else { Issue.record("timer"); return }
        #expect(date.isFEEL && date.text == "nextMeetingDate")
        guard case .sendTask(let send) = process.nodes["Task_Invite"]?.kind else { Issue.record("send"); return }
        #expect(send.messageRef == "Message_Invitation")
        #expect(send.payload?.text == "{date: nextMeetingDate}")
        guard case .receiveTask(let received) = process.nodes["Task_WaitForClosing"]?.kind else { Issue.record("receive"); return }
        #expect(received == "Message_Revoked")
        guard case .endEvent(.terminate) = process.nodes["End_Closed"]?.kind else { Issue.record("terminate"); return }
        guard case .intermediateThrowEvent(nil) = process.nodes["Milestone_CaseWork"]?.kind else { Issue.record("milestone"); return }
        guard case .abstractTask = process.nodes["Task_HandBack"]?.kind else { Issue.record("manual task"); return }
        guard case .parallelGateway = process.nodes["Gateway_Fork"]?.kind else { Issue.record("parallel"); return }
        #expect(process.nodes["Gateway_Fork"]?.outgoing == ["Flow_2", "Flow_3"])
        #expect(process.nodes["Sub_Meeting"]?.incoming == ["Flow_3", "Flow_Continue"])
        guard case .userTask(let meeting) = process.nodes["Task_Meeting"]?.kind else { Issue.record("user task"); return }
        #expect(meeting.due?.isFEEL == true)
        #expect(meeting.due?.text == "nextMeetingDate")
        #expect(process.flows["Flow_Continue"]?.condition?.text == "continue")
    }
}
