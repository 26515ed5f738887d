import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStoreTesting
import Testing

/// Conditional and default flows leaving a task (BPMN's implicit inclusive split, MIWG A.2.1),
/// in a model drawn without `nahtstelle:` attributes: roles come from the lane names.
@Suite("Implicit split after a task")
struct ImplicitSplitTests {
    func openElements(_ h: Harness, _ key: String) throws -> [String] {
        try h.openTasks(key).map(\.elementID).sorted()
    }

    @Test(arguments: StoreBackend.available) func trueConditionsAndUnconditionalFlowsAreTakenNotTheDefault(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "implicit-split")
        try h.engine.startInstance(processID: "implicit-split", variables: [:], businessKey: "S-1", by: "anna")
        #expect(try h.task("review", key: "S-1").role == "Fallaufnahme")
        try h.restart()
        try h.complete("review", ["amount": 500, "urgent": true], key: "S-1")
        #expect(try openElements(h, "S-1") == ["costs", "file", "urgent"])
        #expect(try h.task("costs", key: "S-1").role == "Nachbearbeitung")
        try h.restart()
        for element in ["costs", "file"] { try h.complete(element, key: "S-1") }
        let last = try h.complete("urgent", key: "S-1")
        #expect(last.status == .completed)
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func defaultFlowWhenNoConditionHolds(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "implicit-split")
        try h.engine.startInstance(processID: "implicit-split", variables: [:], businessKey: "S-2", by: "anna")
        try h.complete("review", ["amount": 20], key: "S-2")  // urgent undefined: null, not true
        #expect(try openElements(h, "S-2") == ["file", "standard"])
        try h.restart()
        try h.complete("file", key: "S-2")
        #expect(try h.complete("standard", key: "S-2").status == .completed)
        try h.expectConsistent()
    }

    @Test(arguments: StoreBackend.available) func oneTrueConditionSuppressesTheDefault(_ backend: StoreBackend) throws {
        let h = try Harness(backend, "implicit-split")
        try h.engine.startInstance(processID: "implicit-split", variables: [:], businessKey: "S-3", by: "anna")
        try h.complete("review", ["amount": 101, "urgent": false], key: "S-3")
        #expect(try openElements(h, "S-3") == ["costs", "file"])
    }
}
