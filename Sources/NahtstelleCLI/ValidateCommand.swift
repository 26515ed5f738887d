import ArgumentParser
import Foundation
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleStore

/// `nahtstelle validate FILE...`: every problem of every file, in the form editors jump to.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Prüft BPMN-Definitionen und listet alle Probleme auf (Datei:Zeile:Spalte).",
        discussion: "Beendet sich mit Code 1, wenn ein Fehler gefunden wurde; Warnungen allein ergeben Code 0."
    )

    @Argument(help: "Die .bpmn-Dateien.")
    var files: [String]

    func run() throws {
        let engine = try CLIEnvironment.engine(store: try SQLiteEngineStore(path: nil))
        var errors = 0
        for file in files {
            let result = DefinitionParser(options: engine.parserOptions).parse(fileAt: file)
            for problem in result.problems {
                print(problem.description)
                if problem.severity == .error { errors += 1 }
            }
        }
        if errors > 0 {
            FileHandle.standardError.write(Data("\(errors) Fehler gefunden.\n".utf8))
            throw ExitCode(1)
        }
    }
}
