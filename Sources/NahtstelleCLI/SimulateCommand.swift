import ArgumentParser
import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleStore

/// `nahtstelle simulate`: dry-runs a definition on a temporary in-memory store.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Testlauf einer Definition mit vorbereiteten Antworten (ohne Dokumente, ohne Datenbank).",
        discussion: """
            Jede Benutzeraufgabe wird mit dem nächsten Variablensatz erledigt, den ANSWERS.json für ihre Element-ID \
            auflistet ({"check-application": [{"decision": "accepted"}], …}). Zwischenereignisse mit Timer lösen sofort aus; \
            Randereignisse, Nachrichten-Ereignisse und Ereignis-Teilprozesse lösen aus, wenn die Antwortdatei ihre Element-ID nennt. \
            Ausgabe: jede erledigte Aufgabe auf einer Zeile, dann »end: <Endereignis>«.
            """
    )

    @Argument(help: "Die .bpmn-Datei mit dem Prozess.")
    var file: String

    @Option(name: .long, help: "Prozess-ID, wenn die Datei mehrere ausführbare Prozesse enthält.")
    var process: String?

    @Option(name: .long, help: "Startvariablen als JSON-Objekt.")
    var variables: String?

    @Option(name: .long, help: "Antworten pro Element-ID als JSON.")
    var answers: String

    @Option(name: .long, help: "Weitere Definitionen, die Nachrichten empfangen (z. B. die reduzierten Verfahren).")
    var with: [String] = []

    @Flag(name: .long, help: "Entwurf: auch Prozesse mit isExecutable=\"false\" durchspielen (nur Testlauf, nie Bereitstellung).")
    var draft = false

    func run() throws {
        var files: [(bytes: [UInt8], name: String)] = []
        for path in [file] + with {
            files.append((try CLIEnvironment.readFile(path), path))
        }
        let start = try CLIEnvironment.readVariables(variables)
        let answerBytes = try CLIEnvironment.readFile(answers)
        if let offset = Value.invalidUTF8Offset(answerBytes) {
            throw CLIError("\(answers): Ungültiges JSON an Position \(offset): ungültige UTF-8-Zeichenfolge; bitte die Datei als UTF-8 speichern.")
        }
        let answerText = String(decoding: answerBytes, as: UTF8.self)
        var simulation = Simulation(answers: try Simulation.parseAnswers(answerText), startVariables: start)
        let engine = try CLIEnvironment.engine(store: try SQLiteEngineStore(path: nil), draft: draft, dryRun: true)
        var primary: Int64?
        do {
            _ = try simulation.run(engine: engine, files: files, processID: process) { step in
                if primary == nil { primary = step.instanceID }
                if step.instanceID == primary {
                    print(step.isEnd ? "end: \(step.elementID)" : step.elementID)
                } else {
                    FileHandle.standardError.write(Data("[\(step.processID)] \(step.isEnd ? "end: " : "")\(step.elementID)\n".utf8))
                }
            }
        } catch let failure as Simulation.Failure {
            throw CLIError(failure.message)
        }
    }
}
