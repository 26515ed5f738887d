import Foundation
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// A coordinator's dry run of a definition (edited or deployed) with an answers list, as
/// `nahtstelle simulate` does it: which steps the case takes, where it ends or gets stuck.
public struct DefinitionDryRun: Sendable {
    public struct Step: Sendable, Hashable {
        public var processID: String
        public var elementID: String
        /// The element's name in its definition, when it has one.
        public var name: String?
        public var isEnd: Bool
        /// The step belongs to the process that was run (not to a linked one its messages started).
        public var isPrimary: Bool
    }

    /// The process that ran.
    public var processID: String
    public var steps: [Step]
    /// Why the run stopped before an end event (German); `nil` when it ended.
    public var failure: String?
    /// Elements of the run process that the instance passed (tasks, events, gateways it acted on).
    public var passed: Set<String>
    /// Where the instance of the run process still waits (open tasks) when it did not end.
    public var waiting: Set<String>
    /// The definition's errors: when there is one, nothing ran.
    public var problems: [Problem]

    public var ended: Bool { failure == nil && problems.isEmpty }
}

extension OptimaService {
    /// Longest answers or start variables a dry run accepts (characters).
    public static let maxDryRunInputLength = 200_000

    /// Runs `source` on a private in-memory store with the latest deployed version of every other
    /// process beside it (so that messages reach the linked procedures), completing each user task
    /// with the next answer for its element id (`{"elementId": [{…}, …]}`), firing timers at once.
    /// Nothing of the installation changes and no document is made (coordinators).
    public func dryRunDefinition(by username: String, source: [UInt8], fileName: String, processID: String?,
                                 answers: String, variables: String) throws -> DefinitionDryRun {
        let user = try staff(username)
        try require(AccessPolicy.canManageDefinitions(user.user), "Probeläufe von Definitionen machen die IIZ-Koordinationsstellen.")
        var fieldErrors: [CaseServiceError.FieldError] = []
        var parsedAnswers: [String: [[String: Value]]] = [:]
        var startVariables: [String: Value] = [:]
        if answers.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            fieldErrors.append(.init(field: "answers", code: "required",
                                     message: "Antworten: bitte die Antworten je Element-ID als JSON angeben, z. B. {\"check-application\": [{\"decision\": \"accepted\"}]}, oder ein Beispiel laden."))
        } else if answers.count > Self.maxDryRunInputLength {
            fieldErrors.append(.init(field: "answers", code: "tooLong", message: "Antworten: höchstens \(Self.maxDryRunInputLength) Zeichen."))
        } else {
            do { parsedAnswers = try Simulation.parseAnswers(answers) } catch let failure as Simulation.Failure {
                fieldErrors.append(.init(field: "answers", code: "invalidType", message: "Antworten: \(failure.message)"))
            } catch {
                fieldErrors.append(.init(field: "answers", code: "invalidType", message: "Antworten: \(error)"))
            }
        }
        if !variables.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if variables.count > Self.maxDryRunInputLength {
                fieldErrors.append(.init(field: "variables", code: "tooLong", message: "Startvariablen: höchstens \(Self.maxDryRunInputLength) Zeichen."))
            } else {
                switch Result(catching: { try Value.parseJSON(variables) }) {
                case .success(.context(let values)): startVariables = values
                case .success: fieldErrors.append(.init(field: "variables", code: "invalidType",
                                                        message: "Startvariablen: ein JSON-Objekt {…} angeben, z. B. {\"personName\": \"Muster\"}."))
                case .failure(let error): fieldErrors.append(.init(field: "variables", code: "invalidType", message: "Startvariablen: \(error)"))
                }
            }
        }
        if !fieldErrors.isEmpty {
            throw CaseServiceError(.invalidForm, "Der Probelauf braucht gültige Antworten.", fieldErrors: fieldErrors)
        }

        let checked = checkDefinition(source: source, fileName: fileName)
        let problems = checked.problems.filter { $0.severity == .error }
        let target = processID ?? checked.document?.processes.first { $0.isExecutable }?.id ?? ""
        guard problems.isEmpty, let document = checked.document else {
            return DefinitionDryRun(processID: target, steps: [], failure: nil, passed: [], waiting: [], problems: problems)
        }
        if let processID, document.process(id: processID) == nil {
            throw CaseServiceError(.invalidInput, "Die Datei enthält den Prozess «\(processID)» nicht. Vorhanden: "
                                   + document.processes.map(\.id).joined(separator: ", ") + ".", field: "xml")
        }

        // The linked procedures: the latest deployed version of every process the file does not hold.
        let own = Set(document.processes.map(\.id))
        let others = try store.read { tx in try tx.latestDefinitions() }.filter { !own.contains($0.processID) }
        var seen: Set<String> = []
        var files: [(bytes: [UInt8], name: String)] = [(source, fileName)]
        for record in others where seen.insert(record.contentHash).inserted { files.append((record.source, record.fileName)) }

        var configuration = Self.standaloneEngineConfiguration(requireRoles: false)
        configuration.now = clock
        let sandbox = Engine(store: try storage.sandboxStore(), configuration: configuration)

        var simulation = Simulation(answers: parsedAnswers, startVariables: startVariables, businessKey: "PROBELAUF")
        simulation.maxSteps = 2_000
        var steps: [Simulation.Step] = []
        var failure: String?
        do {
            steps = try simulation.run(engine: sandbox, files: files, processID: target.isEmpty ? nil : target)
        } catch let error as Simulation.Failure {
            steps = error.steps
            failure = error.message
        } catch let error as DefinitionError {
            return DefinitionDryRun(processID: target, steps: [], failure: nil, passed: [], waiting: [], problems: error.problems)
        } catch let error as EngineError {
            failure = error.description
        }

        // Names, the path and where the run process waits, read from the sandbox.
        func name(_ processID: String, _ elementID: String, _ tx: any EngineReadTransaction) throws -> String? {
            try tx.latestDefinition(processID: processID).flatMap { try sandbox.definition(of: $0, in: tx).nodes[elementID]?.name }
        }
        let businessKey = simulation.businessKey
        let primary = try sandbox.store.read { tx in
            try tx.instances(businessKey: businessKey).filter { $0.processID == target }.map(\.id).min()
        }
        let path = try primary.map { try sandbox.path(instanceID: $0) }
        return try sandbox.store.read { tx in
            let shown = try steps.map { s in
                DefinitionDryRun.Step(processID: s.processID, elementID: s.elementID, name: try name(s.processID, s.elementID, tx),
                                      isEnd: s.isEnd, isPrimary: s.instanceID == primary)
            }
            return DefinitionDryRun(processID: target, steps: shown, failure: failure, passed: path?.passed ?? [],
                                    waiting: failure == nil ? [] : path?.waiting ?? [], problems: [])
        }
    }
}

extension OptimaService {
    /// The shipped example runs of a process (`workflows/examples/<processId>.<name>.answers.json`),
    /// by name, sorted.
    public func dryRunExamples(processID: String) -> [String] {
        let folder = (resources.workflows as NSString).appendingPathComponent("examples")
        let prefix = processID + ".", suffix = ".answers.json"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) && $0.count > prefix.count + suffix.count }
            .map { String($0.dropFirst(prefix.count).dropLast(suffix.count)) }.sorted()
    }

    /// One shipped example's answers and start variables (empty when it has none); `nil` for a
    /// name that is not among `dryRunExamples(processID:)`.
    public func dryRunExample(processID: String, name: String) -> (answers: String, variables: String)? {
        guard dryRunExamples(processID: processID).contains(name) else { return nil }
        let base = ((resources.workflows as NSString).appendingPathComponent("examples") as NSString)
            .appendingPathComponent("\(processID).\(name)")
        guard let answers = FileManager.default.contents(atPath: base + ".answers.json") else { return nil }
        let variables = FileManager.default.contents(atPath: base + ".variables.json") ?? Data()
        return (String(decoding: answers, as: UTF8.self), String(decoding: variables, as: UTF8.self))
    }
}
