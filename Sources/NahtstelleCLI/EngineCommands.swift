import ArgumentParser
import Foundation
import GRDB
import Logging
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore
import ServiceLifecycle

/// Options every command on a database file shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite-Datei der Installation.")
    var db: String = "var/nahtstelle.sqlite"

    @Option(name: .long, help: "Benutzername für das Protokoll.")
    var user: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

    /// The engine for this database. On a database with OPTIMA cases it is the case service's
    /// engine — its documents, notifications and case updates run with every step, timers included.
    func engine() throws -> Engine {
        let dir = (db as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        if try holdsCases() {
            return try OptimaService(databasePath: db, resources: .init(root: ".")).engine
        }
        return try CLIEnvironment.engine(store: try SQLiteEngineStore(path: db))
    }

    /// An engine for commands that change process state directly. Refused on a case database:
    /// there every step goes through the case service (forms, permissions, documents).
    func directEngine(_ command: String) throws -> Engine {
        if try holdsCases() {
            throw CLIError("\(db) enthält OPTIMA-Fälle: »\(command)« würde Formularprüfung, Berechtigungen und Dokumente umgehen. "
                           + "Aufgaben über die Fallführung erledigen (nahtstelle inbox/cases; im Browser, sobald die Aufgabenliste läuft).")
        }
        return try engine()
    }

    private func holdsCases() throws -> Bool {
        guard FileManager.default.fileExists(atPath: db) else { return false }
        _ = SQLiteEngineStore.processSettings  // before SQLite's first connection
        // A read-only look: no migrations, no second store on the same file.
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: db, configuration: configuration).read { db in try db.tableExists("optima_case") }
    }
}

extension TaskRecord {
    var line: String {
        let due = dueAt.map { " fällig \(ISODateTime.localDate(of: $0).swissFormatted)" } ?? ""
        return "\(id)\t\(elementID)\t\(name ?? "")\t\(office ?? "-")/\(role ?? "-")\t\(assignee ?? "-")\t\(state.rawValue)\(due)\t\(businessKey ?? "")"
    }
}

struct DeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deploy", abstract: "Stellt BPMN-Definitionen bereit (neue Version bei geändertem Inhalt).")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Die .bpmn-Dateien.") var files: [String]

    func run() throws {
        let engine = try database.engine()
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

    func run() throws {
        let engine = try database.directEngine("start")
        let vars = try CLIEnvironment.readVariables(variables)
        let result = try engine.startInstance(processID: process, variables: vars, businessKey: key, by: database.user)
        print("instance \(result.instanceID ?? 0) \(result.status?.rawValue ?? "")")
        for task in result.openTasks { print(task.line) }
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
        let engine = try database.engine()
        let query = TaskQuery(office: office, roles: role.map { [$0] }, assignee: assignee, businessKey: key, limit: 200)
        for task in try engine.tasks(query) { print(task.line) }
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
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Zeigt das Protokoll einer Instanz oder eines Falls.")
    @OptionGroup var database: DatabaseOptions
    @Option(name: .long) var instance: Int64?
    @Option(name: .long) var key: String?

    func run() throws {
        let engine = try database.engine()
        let records: [HistoryRecord]
        if let instance { records = try engine.history(instanceID: instance) } else if let key { records = try engine.history(businessKey: key) } else {
            throw CLIError("Geben Sie --instance oder --key an.")
        }
        for r in records {
            print("\(Value.isoDateTime(r.at))\t\(r.actor)\t\(r.command)\t\(r.instanceID.map(String.init) ?? "-")\t\(r.elementID ?? "-")\t\(r.details)")
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
