import Foundation
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleOptima

/// What a coordinator's upload did: deployed (a new version, or none when the content is the
/// same), or refused with every problem located.
public enum DefinitionUpload: Sendable {
    case deployed([Engine.Deployment])
    case refused([Problem])
}

extension OptimaService {
    /// Every problem of a definition (errors and warnings) as the engine judges it at deploy,
    /// without deploying (coordinators).
    public func validateDefinition(by username: String, source: [UInt8], fileName: String) throws -> [Problem] {
        let user = try staff(username)
        try require(AccessPolicy.canManageDefinitions(user.user), "Definitionen prüfen und bereitstellen die IIZ-Koordinationsstellen.")
        return checkDefinition(source: source, fileName: fileName).problems
    }

    /// The parsed file and every problem of it: the parser's and the application's contract.
    func checkDefinition(source: [UInt8], fileName: String) -> (document: DefinitionsDocument?, problems: [Problem]) {
        let parsed = DefinitionParser(options: engine.parserOptions).parse(bytes: source, fileName: fileName)
        return (parsed.document, parsed.problems + ProcessContract.problems(bytes: source, fileName: fileName))
    }

    /// The engine configuration of a run without the application (the CLI, a coordinator's dry
    /// run): OPTIMA's calendar functions, and service tasks that do nothing (no documents, no
    /// notices).
    public static func standaloneEngineConfiguration(requireRoles: Bool) -> Engine.Configuration {
        var configuration = Engine.Configuration()
        configuration.requireRoles = requireRoles
        configuration.functions = LucerneCalendar.feelFunctions
        for name in ["generate-document", "notify"] { configuration.serviceHandlers[name] = NoOpServiceTaskHandler() }
        return configuration
    }

    /// Deploys when the file has no error: version n+1, or nothing new for identical content.
    public func uploadDefinition(by username: String, source: [UInt8], fileName: String) throws -> DefinitionUpload {
        let problems = try validateDefinition(by: username, source: source, fileName: fileName)
        if problems.contains(where: { $0.severity == .error }) { return .refused(problems) }
        do { return .deployed(try engine.deploy(source: source, fileName: fileName, by: username)) } catch let error as DefinitionError {
            return .refused(error.problems)
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// One deployed version with its source (any signed-in user: definitions hold no case data).
    public func definitionVersion(by username: String, processID: String, version: Int) throws -> DefinitionRecord {
        _ = try staff(username)
        let found = try store.read { tx in try tx.definitions(processID: processID).first { $0.version == version } }
        guard let found else {
            throw CaseServiceError(.notFound, "Definition «\(processID)» Version \(version) gibt es nicht. Die Versionen stehen unter /definitions.",
                                   field: "version")
        }
        return found
    }

    /// Running instances per deployed version (definition id).
    public func runningInstancesByDefinition(by username: String) throws -> [Int64: Int] {
        _ = try staff(username)
        return try read { try $0.runningInstancesByDefinition() }
    }
}

/// What waits at one element of a deployed version: instances, open tasks, overdue tasks.
public struct NodeCounts: Sendable, Hashable {
    public var waiting = 0
    public var open = 0
    public var overdue = 0

    package init(waiting: Int = 0, open: Int = 0, overdue: Int = 0) {
        self.waiting = waiting
        self.open = open
        self.overdue = overdue
    }
}

extension OptimaService {
    /// Per element of one deployed version: instances waiting there (at a task, a timer or a
    /// message), open tasks and how many are overdue. Aggregates only (coordinators). Walks the
    /// version's running instances by index (`instance_running`) and their open tasks, timers
    /// and subscriptions by instance: the cost follows the running cases of that version, not
    /// the size of the database.
    public func nodeCounts(by username: String, definitionID: Int64) throws -> [String: NodeCounts] {
        let user = try staff(username)
        try require(AccessPolicy.canManageDefinitions(user.user), "Die Zahlen je Schritt sieht die IIZ-Koordinationsstelle.")
        let now = clock()
        return try read { try $0.nodeCounts(definitionID: definitionID, now: now) }
    }
}
