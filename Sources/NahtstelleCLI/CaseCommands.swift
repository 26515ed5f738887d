import ArgumentParser
import Foundation
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// Options of the OPTIMA case commands: the database and where workflows, forms and templates are.
struct CaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite-Datei der Installation.")
    var db: String = "var/nahtstelle.sqlite"

    @Option(name: .long, help: "Ordner mit workflows/, forms/ und templates/ (Standard: aktueller Ordner).")
    var root: String = "."

    var resources: OptimaService.Resources { .init(root: root) }

    func prepare() throws {
        for folder in ["workflows", "forms", "templates"] {
            var isDirectory: ObjCBool = false
            let path = (root as NSString).appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("\(path): Ordner fehlt. Bitte im Projektordner ausführen oder --root angeben.")
            }
        }
        let dir = (db as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    }

    func service() throws -> OptimaService {
        try prepare()
        do { return try OptimaService(databasePath: db, resources: resources) } catch let error as CaseServiceError {
            throw CLIError(error.description)
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
        try options.prepare()
        let caseIDs: [String]
        do {
            caseIDs = try DemoScenario.run(databasePath: options.db, resources: options.resources) { print($0) }
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        }
        let service = try options.service()
        var written = 0
        for caseID in caseIDs {
            let folder = (documents as NSString).appendingPathComponent(caseID)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for info in try service.documents("iiz.koordination", caseID: caseID) {
                let doc = try service.document("iiz.koordination", id: info.id)
                let path = (folder as NSString).appendingPathComponent(info.fileName)
                guard FileManager.default.createFile(atPath: path, contents: Data(doc.bytes)) else {
                    throw CLIError("\(path): Datei kann nicht geschrieben werden. Bitte die Berechtigungen prüfen.")
                }
                written += 1
            }
        }
        print("\(written) Dokumente in \(documents)/<Fall>/ geschrieben.")
        print("Weiter: nahtstelle cases --db \(options.db) --user h.lustenberger | nahtstelle inbox --db \(options.db) --user c.studer")
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
                       open.isEmpty ? "" : "offen: " + open].filter { !$0.isEmpty }.joined(separator: "\t"))
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
                print("  \(item.task.id)\t\(item.task.name ?? item.task.elementID)\t\(item.caseID ?? "")\t\(item.personName ?? "")\t\(due)")
            }
            let notes = try service.notifications(user, unreadOnly: true)
            print("Mitteilungen (\(notes.count)):")
            for note in notes { print("  \(ISODateTime.localDate(of: note.createdAt).swissFormatted)\t\(note.text)") }
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        }
    }
}
