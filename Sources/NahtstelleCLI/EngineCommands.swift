import ArgumentParser
import Foundation
import GRDB
import Logging
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore
import ServiceLifecycle

/// Options every command on a database file shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Datenbank der Installation: SQLite-Datei oder postgres://benutzer@host/db.")
    var db: String = "var/nahtstelle.sqlite"

    @Option(name: .long, help: "Benutzername für das Protokoll (bei Fällen: eine erfasste Person, z. B. h.lustenberger).")
    var user: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

    /// The engine for this database. On a database with OPTIMA cases it is the case service's
    /// engine — its documents, notifications and case updates run with every step, timers included.
    /// - Parameter create: only commands that set up an installation (`deploy`) create a missing
    ///   file (and its folder); every other command says the database was not found.
    func engine(create: Bool = false) throws -> Engine {
        try CLIEnvironment.checkDatabase(db, create: create)
        let (holdsCases, postgres) = try inspect()
        guard holdsCases else { return try CLIEnvironment.engine(store: try postgres?.store ?? CLIEnvironment.openStore(db)) }
        do {
            let service = try postgres.map { try OptimaService(storage: $0, resources: .init(root: ".")) }
                ?? OptimaService(databasePath: db, resources: .init(root: "."))
            return service.engine
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        }
    }

    /// Whether the database holds OPTIMA cases, and on PostgreSQL the store opened to find out
    /// (a pool of connections: the engine uses the same one). On SQLite a read-only look that
    /// opens no store.
    private func inspect() throws -> (holdsCases: Bool, postgres: SQLApplicationStorage?) {
        let location = StoreLocation(db)
        guard location.isPostgres else { return (try CLIEnvironment.holdsCases(db), nil) }
        let storage = try CLIEnvironment.openPostgres(location)
        return (try ApplicationTables(storage: storage).holdsCases(), storage)
    }

    /// An engine that only reads: opens the file read-only (a read-only copy or a file without
    /// write permission works), migrates nothing and never creates the file.
    func readingEngine() throws -> Engine {
        try CLIEnvironment.checkDatabase(db, create: false)
        return try CLIEnvironment.engine(store: try CLIEnvironment.openStore(db, access: .readOnly))
    }

    /// An engine for commands that change process state directly. Refused on a case database:
    /// there every step goes through the case service (forms, permissions, documents).
    func directEngine(_ command: String) throws -> Engine {
        try CLIEnvironment.checkDatabase(db, create: false)
        let (holdsCases, postgres) = try inspect()
        if holdsCases {
            throw CLIError("\(StoreLocation(db)) enthält OPTIMA-Fälle: »\(command)« würde Formularprüfung, Berechtigungen und Dokumente umgehen. "
                           + "Aufgaben über die Fallführung erledigen (nahtstelle inbox/cases; im Browser, sobald die Aufgabenliste läuft).")
        }
        return try CLIEnvironment.engine(store: try postgres?.store ?? CLIEnvironment.openStore(db))
    }
}

extension TaskRecord {
    var line: String {
        let due = dueAt.map { " fällig \(ISODateTime.localDate(of: $0).swissFormatted)" } ?? ""
        return [String(id), elementID, name ?? "", "\(office ?? "-")/\(role ?? "-")", assignee ?? "-", state.rawValue + due, businessKey ?? ""]
            .map(CLIText.cell).joined(separator: "\t")
    }
}

struct DeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deploy", abstract: "Stellt BPMN-Definitionen bereit (neue Version bei geändertem Inhalt).")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Die .bpmn-Dateien.") var files: [String]

    func run() throws {
        let engine = try database.engine(create: true)
        for file in files {
            do {
                for d in try engine.deploy(source: try CLIEnvironment.readFile(file), fileName: file, by: database.user) {
                    print("\(d.processID) v\(d.version)\(d.isNew ? "" : " (unverändert)")")
                }
            } catch let error as NahtstelleDefinitionErrorPrinting {
                throw CLIError(error.printable)
            }
        }
    }
}

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Startet eine Prozessinstanz.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Prozess-ID.") var process: String
    @Option(name: .long, help: "Startvariablen (JSON-Datei).") var variables: String?
    @Option(name: .long, help: "Geschäftsschlüssel, z. B. die Fallnummer.") var key: String?
    @Option(name: .long, help: "Wie viele Instanzen mit denselben Variablen (für Last- und Mehrknotentests; ohne --key).") var count: Int = 1

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count \(count): bitte eine Zahl von 1 bis 100000 angeben.") }
        if count > 1, key != nil { throw ValidationError("--key gilt für eine Instanz: mit --count mehr als 1 bitte ohne --key.") }
    }

    func run() throws {
        let engine = try database.directEngine("start")
        let vars = try CLIEnvironment.readVariables(variables)
        for _ in 0..<count {
            let result = try engine.startInstance(processID: process, variables: vars, businessKey: key, by: database.user)
            print("instance \(result.instanceID ?? 0) \(result.status?.rawValue ?? "")")
            for task in result.openTasks { print(task.line) }
            CLIEnvironment.printWarnings(result)
        }
    }
}

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tasks", abstract: "Listet offene Aufgaben (nach Fälligkeit).")
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long) var office: String?
    @Option(name: .long) var role: String?
    @Option(name: .long) var assignee: String?
    @Option(name: .long) var key: String?

    func run() throws {
        let engine = try database.readingEngine()
        let query = TaskQuery(office: office, roles: role.map { [$0] }, assignee: assignee, businessKey: key, limit: 200)
        let tasks = try engine.tasks(query)
        // Nothing on standard output (scripts read the lines), but a person sees why it is empty.
        if tasks.isEmpty { FileHandle.standardError.write(Data("Keine offenen Aufgaben\(office != nil || role != nil || assignee != nil || key != nil ? " für diese Filter" : "").\n".utf8)) }
        for task in tasks { print(task.line) }
    }
}

struct CompleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "complete", abstract: "Erledigt eine Aufgabe mit Variablen.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Aufgaben-Nummer.") var task: Int64
    @Option(name: .long, help: "Variablen (JSON-Datei).") var variables: String?

    func run() throws {
        let engine = try database.directEngine("complete")
        let vars = try CLIEnvironment.readVariables(variables)
        let result = try engine.complete(taskID: task, variables: vars, by: database.user)
        print("instance \(result.instanceID ?? 0) \(result.status?.rawValue ?? "")\(result.endEventID.map { " end: \($0)" } ?? "")")
        for task in result.openTasks { print(task.line) }
        CLIEnvironment.printWarnings(result)
    }
}

struct CorrelateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "correlate", abstract: "Stellt eine Nachricht zu (Name + Schlüssel).")
    @OptionGroup var database: DatabaseOptions
    @Argument var message: String
    @Option(name: .long) var key: String?
    @Option(name: .long, help: "Variablen (JSON-Datei).") var variables: String?

    func run() throws {
        let engine = try database.directEngine("correlate")
        let vars = try CLIEnvironment.readVariables(variables)
        let result = try engine.correlate(message: message, correlationKey: key, variables: vars, by: database.user)
        print("instance \(result.instanceID ?? 0) \(result.status?.rawValue ?? "")")
        CLIEnvironment.printWarnings(result)
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Zeigt das Protokoll einer Instanz oder eines Falls.",
        discussion: "Auf einer Datenbank mit OPTIMA-Fällen braucht es --user einer erfassten Person, die den Fall sehen darf; "
            + "jeder Aufruf wird im Zugriffsprotokoll des Falls festgehalten.")
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Nummer der Prozessinstanz.") var instance: Int64?
    @Option(name: .long, help: "Geschäftsschlüssel, z. B. die Fallnummer OPT-2026-0001.") var key: String?

    func run() throws {
        if instance != nil, key != nil {
            throw CLIError("Bitte entweder --instance oder --key angeben, nicht beide.")
        }
        guard instance != nil || key != nil else { throw CLIError("Geben Sie --instance oder --key an.") }
        try CLIEnvironment.checkDatabase(database.db, create: false)
        let records: [HistoryRecord]
        if try CLIEnvironment.holdsCases(database.db) {
            records = try caseHistory()
        } else {
            let engine = try database.readingEngine()
            if let instance {
                guard try engine.instance(id: instance) != nil else {
                    throw CLIError("Instanz \(instance) gibt es in \(StoreLocation(database.db)) nicht. Die Nummern zeigt »nahtstelle tasks«.")
                }
                records = try engine.history(instanceID: instance)
            } else {
                records = try engine.history(businessKey: key ?? "")
                guard !records.isEmpty else {
                    throw CLIError("Zum Geschäftsschlüssel «\(CLIText.cell(key ?? ""))» gibt es in \(StoreLocation(database.db)) kein Protokoll. Bitte den Schlüssel prüfen.")
                }
            }
        }
        for r in records {
            print([Value.isoDateTime(r.at), r.actor, r.command, r.instanceID.map(String.init) ?? "-", r.elementID ?? "-", r.details]
                .map(CLIText.cell).joined(separator: "\t"))
        }
    }

    /// Case data is read through the case service: only a user who may see the case, and the
    /// read is written to the case's access log (as `cases` and the browser do).
    private func caseHistory() throws -> [HistoryRecord] {
        do {
            let service = try OptimaService(databasePath: database.db, resources: .init(root: "."))
            var caseID = key
            if let instance {
                guard let record = try service.engine.instance(id: instance) else {
                    throw CLIError("Instanz \(instance) gibt es in \(database.db) nicht. Die Nummern zeigt »nahtstelle tasks«.")
                }
                guard let businessKey = record.businessKey else {
                    throw CLIError("Instanz \(instance) gehört zu keinem Fall. Bitte --key mit der Fallnummer angeben.")
                }
                caseID = businessKey
            }
            let records = try service.caseHistory(by: database.user, caseID: caseID ?? "")
            guard let instance else { return records }
            return records.filter { $0.instanceID == instance }
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        }
    }
}

struct TimersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "timers", abstract: "Löst fällige Timer aus (einmal oder laufend mit --watch).")
    @OptionGroup var database: DatabaseOptions
    @Flag(name: .long, help: "Laufend weiterarbeiten, bis Ctrl-C.") var watch = false

    func run() async throws {
        let engine = try database.engine()
        let logger = Logger(label: "nahtstelle.timers")
        let scheduler = TimerScheduler(engine: engine, logger: logger)
        if !watch {
            print("\(try scheduler.catchUp()) Timer ausgelöst")
            return
        }
        let group = ServiceGroup(services: [scheduler], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
