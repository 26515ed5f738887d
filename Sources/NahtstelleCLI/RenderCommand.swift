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
        let path = template.hasSuffix(".docx") ? template : "templates/\(template).docx"
        var schemas = TemplateFiles.SchemaCache(explicit: schema)
        do {
            guard let bytes = FileManager.default.contents(atPath: data) else {
                throw DocumentError(code: .io, message: "Daten nicht lesbar", location: data, fix: "Pfad zur JSON-Datei prüfen.")
            }
            let value: Value
            do { value = try Value.parseJSON(bytes: Array(bytes)) } catch {
                throw DocumentError(code: .io, message: error.description, location: data, fix: "JSON-Syntax korrigieren.")
            }
            let document = try DocumentTemplate(contentsOf: path, schema: try schemas.schema(for: path))
            try document.render(data: value, to: out)
            print("geschrieben: \(out)")
        } catch let error as DocumentError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
