import ArgumentParser
import Foundation
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import NahtstelleStore

/// A user-facing CLI error: printed as is, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// What every command shares: reading input files and building an engine.
enum CLIEnvironment {
    /// The service-task handlers definitions may name.
    static let serviceHandlerNames = ["generate-document", "notify"]

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): Datei nicht gefunden oder nicht lesbar.")
        }
        return [UInt8](data)
    }

    static func readJSON(_ path: String) throws -> Value {
        let bytes = try readFile(path)
        do {
            return try Value.parseJSON(bytes: bytes)
        } catch {
            throw CLIError("\(path): \(error.description)")
        }
    }

    /// Variables from a JSON file holding one object; none when no file is given.
    static func readVariables(_ path: String?) throws -> [String: Value] {
        guard let path else { return [:] }
        guard case .context(let variables) = try readJSON(path) else {
            throw CLIError("\(path): Variablen müssen ein JSON-Objekt {…} sein.")
        }
        return variables
    }

    static func engine(store: any EngineStore, draft: Bool = false) throws -> Engine {
        var configuration = Engine.Configuration()
        configuration.draft = draft
        for name in serviceHandlerNames { configuration.serviceHandlers[name] = NoOpServiceTaskHandler() }
        configuration.functions = LucerneCalendar.feelFunctions
        return Engine(store: store, configuration: configuration)
    }
}

/// Definition errors print every problem, one per line.
protocol NahtstelleDefinitionErrorPrinting: Error { var printable: String { get } }
