import Foundation

/// Checks templates and lists every problem at once (`nahtstelle templates check`).
public enum TemplateChecker {
    /// All problems of one template file: syntax, section structure, unknown or misspelt fields,
    /// filters that do not fit the field's type. An unreadable file is one problem.
    public static func check(path: String, schema: TemplateDataSchema?) -> [TemplateProblem] {
        guard let data = FileManager.default.contents(atPath: path) else {
            return [TemplateProblem(code: .missingPart, file: path, location: "Datei", context: "",
                                    message: "Datei nicht lesbar", fix: "Pfad und Berechtigungen prüfen.")]
        }
        do {
            return try DocumentTemplate.analyse(bytes: Array(data), name: DocumentTemplate.templateName(path), location: path, schema: schema).problems
        } catch {
            return [TemplateProblem(code: .missingPart, file: path, location: error.location, context: "", message: error.message, fix: error.fix)]
        }
    }
}
