import Foundation
import NahtstelleFEEL

extension Engine {
    /// Runs an application command: the application's own writes and any number of engine
    /// operations in **one** transaction — all of it commits, or none of it (e.g. "submit the
    /// application": store the case, start its process, file the Antragsformular).
    /// - Returns: the body's result and what the engine did (primary instance = the first one touched).
    public func perform<T>(actor: String, name: String, _ body: (EngineCommand) throws -> T) throws -> (T, CommandResult) {
        var value: T?
        let result = try command(actor: actor, name: name) { exec in
            value = try body(EngineCommand(exec))
        }
        guard let value else { throw EngineError(.incident, "Befehl \(name) lieferte kein Ergebnis.") }
        return (value, result)
    }
}

/// The engine operations available inside `Engine.perform`, all in its transaction.
public struct EngineCommand {
    let exec: Execution

    init(_ exec: Execution) { self.exec = exec }

    /// The transaction, for the application's own tables (`SQLiteTransaction.db` with SQLite).
    public var transaction: any EngineTransaction { exec.tx }
    public var now: Date { exec.now }
    public var actor: String { exec.actor }

    /// Starts the newest version of a process at its plain start event; returns the instance id.
    @discardableResult
    public func startInstance(processID: String, variables: [String: Value], businessKey: String?) throws -> Int64 {
        guard let record = try exec.tx.latestDefinition(processID: processID) else {
            throw EngineError(.notFound, "Prozess »\(processID)« ist nicht bereitgestellt.")
        }
        let process = try exec.engine.process(record, in: exec.tx)
        guard let start = process.definition.noneStartEvent(inScope: nil) else {
            throw EngineError(.invalidInput, "Prozess »\(processID)« hat kein einfaches Startereignis.")
        }
        let instance = try exec.startInstance(process, at: start, variables: variables, businessKey: businessKey)
        if exec.primaryInstanceID == nil { exec.primaryInstanceID = instance.record.id }
        return instance.record.id
    }

    /// Completes a user task (same rules as `Engine.complete`); returns the completed record.
    @discardableResult
    public func complete(taskID: Int64, variables: [String: Value], expectedVersion: Int64? = nil) throws -> TaskRecord {
        try exec.complete(taskID: taskID, variables: variables, expectedVersion: expectedVersion)
    }

    /// Delivers a message; throws `notFound` when nothing waits for it.
    @discardableResult
    public func correlate(message: String, correlationKey: String?, variables: [String: Value]) throws -> [Int64] {
        let reached = try exec.deliver(message: message, correlationKey: correlationKey, payload: variables, from: nil)
        if reached.isEmpty {
            throw EngineError(.notFound, "Keine Prozessinstanz wartet auf die Nachricht »\(message)«"
                              + (correlationKey.map { " mit Schlüssel »\($0)«" } ?? "") + ".")
        }
        if exec.primaryInstanceID == nil { exec.primaryInstanceID = reached.first }
        return reached
    }

    /// Variables of an instance as they stand now in this transaction.
    public func variables(instanceID: Int64) throws -> [String: Value] {
        try exec.load(instanceID).state.root?.variables ?? [:]
    }
}
