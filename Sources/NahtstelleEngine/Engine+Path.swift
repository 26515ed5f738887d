import NahtstelleDefinition
import NahtstelleFEEL

/// Where an instance has been and where it waits, for drawing on its definition's diagram.
public struct InstancePath: Sendable, Hashable {
    /// Nodes and sequence flows the instance passed (without where it waits now).
    public var passed: Set<String>
    /// Where it waits now: open tasks, timers, message catches.
    public var waiting: Set<String>
}

extension Engine {
    /// The way instance `instanceID` took through its version, read from its history (see
    /// `ProcessDefinition.path(through:sentMessages:messages:)`), and where it waits.
    public func path(instanceID: Int64) throws -> InstancePath {
        try store.read { tx in
            guard let instance = try tx.instance(id: instanceID) else {
                throw EngineError(.notFound, "Instanz \(instanceID) gibt es nicht.")
            }
            let process = try process(definitionID: instance.definitionID, in: tx)
            var recorded: Set<String> = []
            var sent: Set<String> = []
            for line in try tx.history(instanceID: instanceID) {
                recorded.formUnion(line.passedElementIDs)
                sent.formUnion(line.sentMessageNames)
            }
            var waiting: Set<String> = []
            if instance.status == .running {
                waiting.formUnion(try tx.openTasks(instanceID: instanceID).map(\.elementID))
                waiting.formUnion(try tx.jobs(instanceID: instanceID).map(\.elementID))
                waiting.formUnion(try tx.subscriptions(instanceID: instanceID).map(\.elementID))
            }
            let passed = process.definition.path(through: recorded, sentMessages: sent, messages: process.messages)
            return InstancePath(passed: passed.subtracting(waiting), waiting: waiting)
        }
    }
}
