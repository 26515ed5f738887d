import Foundation
import NahtstelleFEEL

/// All forms of a directory (`forms/*.json`), loaded and checked at once.
public struct FormCatalog: Sendable {
    private let forms: [String: FormDefinition]

    public init(forms: [FormDefinition]) {
        self.forms = Dictionary(forms.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Loads every `*.json` in `directory`. A form may `"extends": "<key>"` another form: it gets
    /// the base form's sections first, then its own.
    /// - Throws: `FormCatalogError` listing every problem in every file.
    public init(directory: String) throws(FormCatalogError) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var problems: [FormProblem] = []
        if files.isEmpty {
            problems.append(FormProblem(file: directory, path: "/", message: "Keine Formulare gefunden", fix: "Formulare als forms/<key>.json ablegen."))
        }
        var sources: [String: (FormDefinition.Source, String)] = [:]
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(FormProblem(file: file, path: "/", message: "Datei nicht lesbar", fix: "Berechtigungen prüfen."))
                continue
            }
            let json: Value
            do { json = try Value.parseJSON(bytes: Array(data)) } catch {
                problems.append(FormProblem(file: file, path: "Position \(error.offset)", message: error.message, fix: "JSON-Syntax korrigieren (Kommas, Anführungszeichen, Klammern)."))
                continue
            }
            guard let source = FormDefinition.readSource(json, file: file, problems: &problems) else { continue }
            if source.key + ".json" != file {
                problems.append(FormProblem(file: file, path: "key", message: "Schlüssel «\(source.key)» passt nicht zum Dateinamen", fix: "Datei in \(source.key).json umbenennen oder den Schlüssel anpassen."))
            }
            sources[source.key] = (source, file)
        }
        var resolved: [FormDefinition] = []
        for key in sources.keys.sorted() {
            guard let (source, file) = sources[key] else { continue }
            var sections: [FormSection] = []
            var chain: [String] = [key]
            var base = source.extends
            while let b = base {
                guard !chain.contains(b) else {
                    problems.append(FormProblem(file: file, path: "extends", message: "Zyklische Erweiterung: \((chain + [b]).joined(separator: " → "))", fix: "\"extends\" so setzen, dass keine Schleife entsteht."))
                    break
                }
                guard let (baseSource, _) = sources[b] else {
                    problems.append(FormProblem(file: file, path: "extends", message: "Basisformular «\(b)» gibt es nicht", fix: "Einen vorhandenen Schlüssel angeben: \(sources.keys.sorted().joined(separator: ", "))."))
                    break
                }
                sections = baseSource.sections + sections
                chain.append(b)
                base = baseSource.extends
            }
            let form = FormDefinition(key: key, title: source.title, description: source.description, sections: sections + source.sections)
            problems += form.consistencyProblems(file: file)
            resolved.append(form)
        }
        guard problems.isEmpty else { throw FormCatalogError(problems: problems) }
        self.init(forms: resolved)
    }

    /// The form for a key (`kostengutsprache-antrag`), or `nil`.
    public func form(_ key: String) -> FormDefinition? { forms[key] }

    /// All form keys, sorted.
    public var keys: [String] { forms.keys.sorted() }
}
