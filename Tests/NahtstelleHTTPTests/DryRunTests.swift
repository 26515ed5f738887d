import Foundation
@testable import NahtstelleCases
import NahtstelleEngine
import Testing

/// A coordinator's dry run of an edited definition (as `nahtstelle simulate`): the steps with
/// the edited names, the path on the diagram (gateways, the message branch taken, flows), where a
/// run gets stuck; bad answers refused field by field; nothing of the installation changed.
@Suite struct DryRunTests {
    static func example(_ name: String) throws -> (answers: String, variables: String) {
        let base = repositoryRoot + "/workflows/examples/optima-alv." + name
        return (try String(contentsOfFile: base + ".answers.json", encoding: .utf8),
                try String(contentsOfFile: base + ".variables.json", encoding: .utf8))
    }

    @Test func runsTheEditedDefinitionAndReportsItsPath() throws {
        let s = try TestServer()
        let original = try String(contentsOfFile: repositoryRoot + "/workflows/optima-alv.bpmn", encoding: .utf8)
        let renamed = original.replacingOccurrences(of: "name=\"Antrag prüfen\"", with: "name=\"Antrag prüfen und entscheiden\"")
        #expect(renamed != original)
        let (answers, variables) = try Self.example("accepted-closed")
        func counts() throws -> (Int, Int) {
            (try s.service.definitions(by: "iiz.koordination").count,
             try s.service.engine.store.read { tx in try tx.instanceIDs(after: 0, limit: 10_000).count })
        }
        let before = try counts()

        let run = try s.service.dryRunDefinition(by: "iiz.koordination", source: Array(renamed.utf8), fileName: "optima-alv.bpmn",
                                                 processID: "optima-alv", answers: answers, variables: variables)
        #expect(run.ended && run.failure == nil && run.problems.isEmpty)
        let primary = run.steps.filter(\.isPrimary)
        #expect(primary.map(\.elementID) == ["check-application", "plan-handover", "handover-meeting", "invite-status-meeting", "status-meeting",
                                             "invite-status-meeting", "status-meeting", "hand-back-documents", "end-closed"])
        #expect(primary.first?.name == "Antrag prüfen und entscheiden")
        #expect(primary.last?.isEnd == true)
        // The path: tasks, the gateways between them, the SD branch (its message was sent), not the IV one.
        for id in ["check-application", "check-decision", "flow-check-application-check-decision", "throw-reduced-sd-start", "end-closed"] {
            #expect(run.passed.contains(id), "\(id)")
        }
        for id in ["throw-reduced-iv-start", "generate-rejection-notice", "clarify-application"] { #expect(!run.passed.contains(id), "\(id)") }
        #expect(run.waiting.isEmpty)
        #expect(try counts() == before)

        // Stuck: one answer only; the run says why and where it waits.
        let stuck = try s.service.dryRunDefinition(by: "iiz.koordination", source: Array(renamed.utf8), fileName: "optima-alv.bpmn",
                                                   processID: "optima-alv", answers: #"{"check-application": [{"decision": "accepted", "advisor": "p.baumann"}]}"#,
                                                   variables: variables)
        #expect(!stuck.ended)
        #expect(stuck.failure?.contains("plan-handover") == true)
        #expect(stuck.waiting == ["plan-handover"])
        #expect(stuck.passed.contains("check-application") && !stuck.passed.contains("plan-handover"))

        // A definition with an error does not run: its problems instead.
        let broken = renamed.replacingOccurrences(of: "targetRef=\"check-application\"", with: "targetRef=\"gibt-es-nicht\"")
        let refused = try s.service.dryRunDefinition(by: "iiz.koordination", source: Array(broken.utf8), fileName: "optima-alv.bpmn",
                                                     processID: "optima-alv", answers: answers, variables: variables)
        #expect(!refused.problems.isEmpty && refused.steps.isEmpty && !refused.ended)
        #expect(try counts() == before)
    }

    @Test func refusesBadAnswersAndOtherRoles() throws {
        let s = try TestServer()
        let source = Array(try String(contentsOfFile: repositoryRoot + "/workflows/optima-alv.bpmn", encoding: .utf8).utf8)
        func refusal(_ answers: String, _ variables: String, user: String = "iiz.koordination") -> CaseServiceError? {
            do {
                _ = try s.service.dryRunDefinition(by: user, source: source, fileName: "optima-alv.bpmn", processID: "optima-alv",
                                                   answers: answers, variables: variables)
                return nil
            } catch { return error as? CaseServiceError }
        }
        let bad = refusal("[1, 2", "3")
        #expect(bad?.code == .invalidForm)
        #expect(Set(bad?.fieldErrors.map(\.field) ?? []) == ["answers", "variables"])
        #expect(bad?.fieldErrors.first { $0.field == "answers" }?.message.contains("Position") == true)
        #expect(refusal("", "")?.fieldErrors.map(\.field) == ["answers"])
        #expect(refusal(#"{"check-application": {"decision": "accepted"}}"#, "")?.fieldErrors.first?.message.contains("Liste") == true)
        #expect(refusal(#"{"a": []}"#, "", user: "s.wicki")?.code == .forbidden)
        #expect(refusal(#"{"a": []}"#, "", user: "iiz.koordination") == nil)
        let wrongProcess: CaseServiceError?
        do {
            _ = try s.service.dryRunDefinition(by: "iiz.koordination", source: source, fileName: "optima-alv.bpmn", processID: "optima-iv",
                                               answers: #"{"a": []}"#, variables: "")
            wrongProcess = nil
        } catch { wrongProcess = error as? CaseServiceError }
        #expect(wrongProcess?.message.contains("optima-iv") == true)
    }

    @Test func shippedExamplesAreOfferedByName() throws {
        let s = try TestServer()
        let names = s.service.dryRunExamples(processID: "optima-alv")
        #expect(names.contains("accepted-closed") && names.contains("rejected"))
        #expect(s.service.dryRunExample(processID: "optima-alv", name: "accepted-closed")?.answers.contains("check-application") == true)
        #expect(s.service.dryRunExample(processID: "optima-alv", name: "../../etc/passwd") == nil)
        #expect(s.service.dryRunExamples(processID: "gibt-es-nicht").isEmpty)
    }
}
