import Foundation
import Logging
import NahtstelleDefinition
import NahtstelleDocuments
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// The OPTIMA application: the façade the HTTP layer and the CLI call.
///
/// Every state-changing method is **one** transaction through `Engine.perform`: the case row,
/// the process step, the documents it generates and the notifications it sends commit together
/// or not at all. Reads enforce the visibility rule (§3). Errors are `CaseServiceError` with a
/// German message that says how to fix the input; nothing is changed then.
public final class OptimaService: Sendable {
    public let engine: Engine
    public let store: any EngineStore
    /// The application's tables outside engine commands.
    package let tables: ApplicationTables
    /// Where the state lives (a SQLite file, memory, PostgreSQL; see `NahtstelleCaseStore`).
    package let storage: any ApplicationStorage
    public let repository: StoredCaseReader
    public let templates: TemplateLibrary
    public let forms: FormCatalog
    public let deadlines: Deadlines
    let generator: DocumentGenerator
    let clock: @Sendable () -> Date
    /// The append-only access log (reads batched by the server, see `AccessLogWriter`).
    public let accessLog: AccessLogWriter

    /// Where the shipped definitions, forms and templates live.
    public struct Resources: Sendable {
        public var workflows: String
        public var forms: String
        public var templates: String
        public init(workflows: String, forms: String, templates: String) {
            self.workflows = workflows
            self.forms = forms
            self.templates = templates
        }

        /// `workflows/`, `forms/`, `templates/` of a checkout or installation root.
        public init(root: String) {
            let base = root as NSString
            self.init(workflows: base.appendingPathComponent("workflows"), forms: base.appendingPathComponent("forms"),
                      templates: base.appendingPathComponent("templates"))
        }
    }

    public let resources: Resources
    /// The background PDF conversions of document versions (LibreOffice).
    public let pdfQueue: DocumentPDFQueue

    /// Builds the engine with the OPTIMA handlers on an opened (and migrated) storage; the
    /// storage targets open one (`OptimaService(location:…)` in `NahtstelleCaseStore`).
    /// - Parameter now: the clock (tests move it to fire deadlines and timers).
    package init(storage: any ApplicationStorage, resources: Resources, now: @escaping @Sendable () -> Date = { Date() },
                 logger: Logger = Logger(label: "nahtstelle.cases"), pdfQueue: DocumentPDFQueue = DocumentPDFQueue()) throws {
        let forms: FormCatalog
        do { forms = try FormCatalog(directory: resources.forms) } catch {
            throw CaseServiceError(.invalidInput, error.description)
        }
        let templates: TemplateLibrary
        do { templates = try TemplateLibrary(directory: resources.templates) } catch {
            throw CaseServiceError(.documentFailed, error.description)
        }
        let store = storage.store
        // The access log's request context reaches a write that another thread runs (WriterQueue).
        store.carryTaskLocals {
            let context = AccessContext.current
            return { work in AccessContext.$current.withValue(context) { work() } }
        }
        let generator = DocumentGenerator(templates: templates, versions: TemplateVersions(library: templates))
        var configuration = Engine.Configuration()
        configuration.now = now
        configuration.functions = LucerneCalendar.feelFunctions
        configuration.formExists = { forms.form($0) != nil }
        configuration.serviceHandlers = ["generate-document": GenerateDocumentHandler(generator: generator, storage: storage),
                                         "notify": NotifyHandler(storage: storage)]
        let hook = CaseTaskHook(generator: generator, storage: storage)
        configuration.onTaskCompleted = { completion, tx in try hook.handle(completion, tx) }
        // A reduced procedure starts by message at the hand-over: link it to its case in the same transaction.
        configuration.onInstanceStarted = { instance, tx in
            guard instance.processID.hasPrefix("reduced-"), let key = instance.businessKey else { return }
            try storage.records(tx).linkReducedInstance(caseID: key, instanceID: instance.id)
        }
        configuration.logger = logger
        self.engine = Engine(store: store, configuration: configuration)
        self.store = store
        self.tables = ApplicationTables(storage: storage)
        self.storage = storage
        self.repository = StoredCaseReader(tables: tables)
        self.templates = templates
        self.forms = forms
        self.deadlines = Deadlines()
        self.generator = generator
        self.clock = now
        self.accessLog = AccessLogWriter(tables: tables)
        self.resources = resources
        self.pdfQueue = pdfQueue
    }

    var today: LocalDate { ISODateTime.localDate(of: clock()) }

    // MARK: Transactions

    /// One application command: the body's own writes and engine steps in one transaction.
    /// Errors of every layer come out as `CaseServiceError`.
    /// - Parameter caseOf: the case the command changed; through the server (an `AccessContext`
    ///   is bound) the write is entered in the access log inside the same transaction.
    func perform<T>(_ actor: String, _ name: String, caseOf: ((T) -> String?)? = nil,
                    _ body: (EngineCommand, any ApplicationRecords) throws -> T) throws -> (T, CommandResult) {
        do {
            return try engine.perform(actor: actor, name: name) { cmd in
                let db = try storage.records(cmd.transaction)
                let value = try body(cmd, db)
                if let caseOf, AccessContext.current != nil {
                    try db.insertAccess(accessEntry(actor, name, caseID: caseOf(value), at: cmd.now))
                }
                return value
            }
        } catch {
            throw CaseServiceError.wrapping(error)
        }
    }

    func read<T>(_ body: (any ApplicationRecords) throws -> T) throws -> T {
        do { return try tables.read(body) } catch { throw CaseServiceError.wrapping(error) }
    }

    /// The application's tables and the engine's records from one snapshot.
    func snapshot<T>(_ body: (any ApplicationRecords, any EngineReadTransaction) throws -> T) throws -> T {
        do { return try tables.snapshot(body) } catch { throw CaseServiceError.wrapping(error) }
    }

    // MARK: Deployment

    /// Deploys every `*.bpmn` of `directory` (default: the shipped `workflows/`). Unchanged files
    /// create no new version.
    @discardableResult
    public func deployWorkflows(directory: String? = nil, by actor: String = "coordinator") throws -> [Engine.Deployment] {
        let dir = directory ?? resources.workflows
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".bpmn") }.sorted()
        guard !files.isEmpty else {
            throw CaseServiceError(.notFound, "Im Ordner \(dir) liegen keine .bpmn-Dateien. Bitte den Ordner der Workflows angeben.")
        }
        var result: [Engine.Deployment] = []
        for file in files {
            let path = (dir as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CaseServiceError(.notFound, "\(path): Datei nicht lesbar. Bitte die Berechtigungen prüfen.")
            }
            let contract = ProcessContract.problems(bytes: [UInt8](data), fileName: file)
            if !contract.isEmpty {
                throw CaseServiceError(.invalidInput, "\(file) kann nicht bereitgestellt werden:\n" + contract.map(\.description).joined(separator: "\n"))
            }
            do {
                result += try engine.deploy(source: [UInt8](data), fileName: file, by: actor)
            } catch let error as DefinitionErrorDescribing {
                throw CaseServiceError(.invalidInput, "\(file) kann nicht bereitgestellt werden:\n" + error.problemList)
            } catch {
                throw CaseServiceError.wrapping(error)
            }
        }
        return result
    }

    // MARK: Directory

    /// The user with this name; `notFound` when unknown.
    public func staff(_ username: String) throws -> StaffMember {
        guard let member = try read({ try $0.staff(username) }) else { throw Self.unknownUser(username) }
        return member
    }

    static func unknownUser(_ username: String) -> CaseServiceError {
        CaseServiceError(.notFound, "Benutzer «\(username)» ist nicht erfasst. Bitte den Benutzernamen prüfen "
                         + "oder die Koordinationsstelle um ein Konto bitten.", field: "user")
    }

    public func offices() throws -> [OfficeEntry] { try read { try $0.offices() } }

    public func office(_ id: String) throws -> OfficeEntry {
        guard let office = try read({ try $0.office(id) }) else {
            throw CaseServiceError(.notFound, "Die Stelle «\(id)» ist nicht erfasst. Verfügbare Stellen: "
                                   + ((try? offices().map(\.id).joined(separator: ", ")) ?? "keine") + ".", field: "office")
        }
        return office
    }

    public func staff(office: String) throws -> [StaffMember] { try read { try $0.staff(office: office) } }

    /// The names of the offices and of the assignees that `tasks` name, by id and username, from
    /// one read (ids not found are left out).
    public func names(of tasks: [TaskRecord]) throws -> (offices: [String: String], users: [String: String]) {
        let officeIDs = Set(tasks.compactMap(\.office)), usernames = Set(tasks.compactMap(\.assignee))
        guard !officeIDs.isEmpty || !usernames.isEmpty else { return ([:], [:]) }
        return try read { records in
            var offices: [String: String] = [:], users: [String: String] = [:]
            for id in officeIDs { offices[id] = try records.office(id)?.name }
            for name in usernames { users[name] = try records.staff(name)?.displayName }
            return (offices, users)
        }
    }

    /// Adds or updates offices and users (idempotent), in one transaction.
    public func saveDirectory(offices: [OfficeEntry], staff: [StaffMember], by actor: String = "coordinator") throws {
        _ = try perform(actor, "directory") { _, db in
            for office in offices { try db.save(office) }
            for member in staff { try db.save(member) }
        }
    }
}

/// Definition errors list every problem, one per line.
protocol DefinitionErrorDescribing: Error { var problemList: String { get } }

extension DefinitionError: DefinitionErrorDescribing {
    var problemList: String { problems.map(\.description).joined(separator: "\n") }
}
