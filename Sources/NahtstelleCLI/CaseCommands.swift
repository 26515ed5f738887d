import ArgumentParser
import Foundation
import GRDB
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import NahtstelleStore

/// Options of the OPTIMA case commands: the database and where workflows, forms and templates are.
struct CaseOptions: ParsableArguments {
    @Option(name: .long, help: "Datenbank der Installation: SQLite-Datei oder postgres://benutzer@host/db.")
    var db: String = "var/nahtstelle.sqlite"

    @Option(name: .long, help: "Ordner mit workflows/, forms/ und templates/ (Standard: aktueller Ordner).")
    var root: String = "."

    var resources: OptimaService.Resources { .init(root: root) }

    /// Checks the resource folders and the database path.
    /// - Parameter create: only `demo` sets up an installation and may create the file.
    func prepare(create: Bool = false) throws {
        for folder in ["workflows", "forms", "templates"] {
            var isDirectory: ObjCBool = false
            let path = (root as NSString).appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("\(path): Ordner fehlt. Bitte im Projektordner ausführen oder --root angeben.")
            }
        }
        try CLIEnvironment.checkDatabase(db, create: create)
    }

    func service(create: Bool = false) throws -> OptimaService {
        try prepare(create: create)
        do { return try OptimaService(databasePath: db, resources: resources) } catch let error as CaseServiceError {
            throw CLIError(error.description)
        } catch let error as StoreError {
            throw CLIError(error.message)
        } catch let error as DatabaseError {
            throw CLIError(CLIEnvironment.databaseMessage(error, path: db))
        }
    }
}

/// `nahtstelle demo --db PATH`: demo offices, users and cases, with their documents on disk.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Legt Demo-Stellen, -Benutzer und -Fälle an und schreibt deren Dokumente nach var/documents/.",
        discussion: "Die Fälle laufen über die letzten 100 Tage durch ihre Prozesse. Ein zweiter Aufruf legt nichts doppelt an.")

    @OptionGroup var options: CaseOptions

    @Option(name: .long, help: "Ordner für die erzeugten Dokumente (je Fall ein Unterordner).")
    var documents: String = "var/documents"

    func run() throws {
        try options.prepare(create: true)
        // Before any case is created: a documents "folder" that is a file, or one that cannot
        // be written, would fail only after the whole walk.
        try Self.prepareFolder(documents)
        let caseIDs: [String]
        do {
            caseIDs = try DemoScenario.run(databasePath: options.db, resources: options.resources) { print($0) }
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        } catch let error as StoreError {
            throw CLIError(error.message)
        } catch let error as DatabaseError {
            throw CLIError(CLIEnvironment.databaseMessage(error, path: options.db))
        }
        let service = try options.service()
        var written = 0
        for caseID in caseIDs {
            let folder = (documents as NSString).appendingPathComponent(caseID)
            try Self.prepareFolder(folder)
            // As the local operator: no user of the demo sees every case.
            for doc in try service.operatorDocuments(caseID: caseID) {
                let path = (folder as NSString).appendingPathComponent(doc.info.fileName)
                guard FileManager.default.createFile(atPath: path, contents: Data(doc.bytes)) else {
                    throw CLIError("\(path): Datei kann nicht geschrieben werden. Bitte die Berechtigungen prüfen.")
                }
                written += 1
            }
        }
        print("\(written) Dokumente in \(documents)/<Fall>/ geschrieben.")
        let db = StoreLocation(options.db).description  // a PostgreSQL URL without its password
        print("Weiter: nahtstelle cases --db \(db) --user h.lustenberger | nahtstelle inbox --db \(db) --user c.studer")
    }

    /// Creates `path` as a folder (with its parents) or says in words why it cannot be one.
    static func prepareFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError("--documents: \(path) ist eine Datei, kein Ordner. Bitte einen Ordner angeben (z. B. var/documents).")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CLIError("--documents: Ordner \(path) kann nicht angelegt werden (ein Teil des Pfads ist eine Datei oder es fehlt das Schreibrecht). "
                           + "Bitte einen beschreibbaren Ordner angeben.")
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw CLIError("--documents: In \(path) darf nicht geschrieben werden. Bitte die Berechtigungen prüfen oder einen anderen Ordner angeben.")
        }
    }
}

/// `nahtstelle cases --user U`: the cases a user may see.
struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "Listet die Fälle, die eine Person sehen darf (zuweisende oder aufnehmende Stelle).")

    @OptionGroup var options: CaseOptions

    @Option(name: .long, help: "Benutzername (z. B. h.lustenberger).")
    var user: String

    func run() throws {
        let service = try options.service()
        do {
            let cases = try service.cases(user)
            if cases.isEmpty { print("Keine sichtbaren Fälle.") }
            for stored in cases {
                let c = stored.optimaCase
                let view = try service.caseView(user, caseID: c.id)
                let open = view.openTasks.map { $0.name ?? $0.elementID }.joined(separator: ", ")
                print([c.id, c.person.fullName, "\(view.referrerOffice.name) → \(view.receiverOffice.name)", Glossary.label(c.processKind),
                       Glossary.label(c.state), "Zielgruppe " + (c.targetGroup?.rawValue ?? "–"), "\(view.documents.count) Dokumente",
                       open.isEmpty ? "" : "offen: " + open].filter { !$0.isEmpty }.map(CLIText.cell).joined(separator: "\t"))
            }
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        }
    }
}

/// `nahtstelle inbox --user U`: open tasks and unread notifications of a user.
struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "Zeigt die offenen Aufgaben (fällige zuerst) und ungelesenen Mitteilungen einer Person.")

    @OptionGroup var options: CaseOptions

    @Option(name: .long, help: "Benutzername (z. B. c.studer).")
    var user: String

    func run() throws {
        let service = try options.service()
        do {
            let items = try service.inbox(user)
            print("Aufgaben (\(items.count)):")
            for item in items {
                let due = item.dueAt.map { "fällig " + ISODateTime.localDate(of: $0).swissFormatted + (item.isOverdue ? " (überfällig)" : "") } ?? "ohne Frist"
                print("  " + [String(item.task.id), item.task.name ?? item.task.elementID, item.caseID ?? "", item.personName ?? "", due]
                    .map(CLIText.cell).joined(separator: "\t"))
            }
            let notes = try service.notifications(user, unreadOnly: true)
            print("Mitteilungen (\(notes.count)):")
            for note in notes { print("  \(ISODateTime.localDate(of: note.createdAt).swissFormatted)\t\(CLIText.cell(note.text))") }
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        }
    }
}
