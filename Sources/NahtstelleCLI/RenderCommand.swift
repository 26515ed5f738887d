import ArgumentParser
import Foundation
import NahtstelleDocuments
import NahtstelleFEEL

/// `nahtstelle render TEMPLATE --data DATA.json --out OUT.docx`.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Füllt eine Word-Vorlage mit Daten (JSON) und schreibt ein .docx.")

    @Argument(help: "Vorlage: Pfad zu einer .docx-Datei oder Name in templates/ (z. B. kostengutsprache).")
    var template: String

    @Option(help: "Daten als JSON (z. B. templates/samples/kostengutsprache.json).")
    var data: String

    @Option(help: "Ausgabedatei (.docx); wird vollständig oder gar nicht geschrieben.")
    var out: String

    @Option(help: "Datendefinition (Standard: fields.json neben der Vorlage).")
    var schema: String?

    func run() throws {
        let path = try templatePath()
        try checkOutput()
        var schemas = TemplateFiles.SchemaCache(explicit: schema)
        do {
            guard let bytes = FileManager.default.contents(atPath: data) else {
                throw DocumentError(code: .io, message: "Daten nicht lesbar", location: data, fix: "Pfad zur JSON-Datei prüfen.")
            }
            let value: Value
            do { value = try Value.parseJSON(bytes: Array(bytes)) } catch {
                throw DocumentError(code: .io, message: error.description, location: data, fix: "JSON-Syntax korrigieren.")
            }
            let fields = try schemas.schema(for: path)
            if let fields {
                let problems = TemplateDataValidation.problems(value, schema: fields)
                guard problems.isEmpty else {
                    throw DocumentError(code: .invalidData,
                        message: "\(problems.count) ungültige Angabe\(problems.count == 1 ? "" : "n"):\n  " + problems.joined(separator: "\n  "),
                        location: data, fix: "Die genannten Werte in den Daten korrigieren (Typen und erlaubte Werte: templates/fields.json).",
                        missingFields: problems.map { String($0.prefix { $0 != ":" }) })
                }
            }
            let document = try DocumentTemplate(contentsOf: path, schema: fields)
            try document.render(data: value, to: out)
            print("geschrieben: \(out)")
        } catch let error as DocumentError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    /// The template file: a path to a `.docx`, or a name in `templates/` (listed when unknown).
    private func templatePath() throws -> String {
        if template.lowercased().hasSuffix(".docx") {
            guard FileManager.default.fileExists(atPath: template) else {
                throw CLIError("\(template): Vorlage nicht gefunden. Bitte den Pfad prüfen oder einen Namen aus templates/ angeben.")
            }
            return template
        }
        let names = TemplateFiles.all(in: "templates").map { DocumentTemplateName.of($0) }
        guard !template.contains("/"), names.contains(template) else {
            let list = names.isEmpty ? "keine (templates/ fehlt: im Projektordner ausführen)" : names.joined(separator: ", ")
            throw CLIError("Vorlage «\(template)» gibt es nicht. Verfügbare Vorlagen: \(list).")
        }
        return "templates/\(template).docx"
    }

    /// `--out` must name a file in an existing folder: checked before rendering, so the message
    /// is about the path, not about libzip's temporary file.
    private func checkOutput() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError("--out: \(out) ist ein Ordner. Bitte einen Dateinamen angeben, z. B. --out \((out as NSString).appendingPathComponent("\(template).docx")).")
        }
        let folder = (out as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("--out: Der Ordner \(folder) existiert nicht. Bitte ihn anlegen oder einen anderen Pfad angeben.")
            }
        }
        guard FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
            throw CLIError("--out: In \(folder.isEmpty ? "den aktuellen Ordner" : folder) darf nicht geschrieben werden. Bitte die Berechtigungen prüfen.")
        }
    }
}

/// Template names as `templates list` shows them.
enum DocumentTemplateName {
    static func of(_ path: String) -> String {
        var file = (path as NSString).lastPathComponent
        if file.lowercased().hasSuffix(".docx") { file.removeLast(5) }
        return file
    }
}
