import Foundation
import NahtstelleEngine

/// Rows the store suites write: a deployed process with one running instance, and its tasks.
enum StoreSamples {
    static func seedInstance(_ tx: any EngineTransaction, key: String = "K") throws -> Int64 {
        let now = Date()
        let def = try tx.latestDefinitionID(processID: "p") ?? tx.insertDefinition(
            DefinitionRecord(processID: "p", version: 1, name: nil, contentHash: "h", source: [1, 2], fileName: "p.bpmn", deployedAt: now,
                             deployedBy: "t"), messageStartNames: [])
        return try tx.insertInstance(InstanceRecord(definitionID: def, processID: "p", businessKey: key, status: .running, version: 1,
                                                    state: [], startedAt: now, endedAt: nil, endEventID: nil))
    }

    static func task(_ instance: Int64, token: Int, office: String = "RAV", role: String = "advisor", due: Double? = 0) -> TaskRecord {
        TaskRecord(instanceID: instance, processID: "p", businessKey: "K", elementID: "t\(token)", name: "T", role: role, office: office,
                   assignee: nil, formKey: nil, state: .created, dueAt: due.map { Date(timeIntervalSince1970: $0) }, createdAt: Date(),
                   tokenID: token)
    }
}
