import ArgumentParser
import Foundation
import NahtstelleDocuments

/// `nahtstelle templates check [FILES]`: every problem of every template at once.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Word-Vorlagen prüfen und auflisten.",
        subcommands: [Check.self, List.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prüft Vorlagen und listet alle Probleme (Exit-Code 1, wenn es welche gibt).")

        @Argument(help: "Vorlagen (.docx); ohne Angabe alle in templates/.")
        var files: [String] = []

        @Option(help: "Datendefinition (Standard: fields.json neben der Vorlage).")
        var schema: String?

        func run() throws {
            let paths = files.isEmpty ? TemplateFiles.all(in: "templates") : files
            guard !paths.isEmpty else {
                print("Keine Vorlagen gefunden (templates/*.docx).")
                throw ExitCode(1)
            }
            var schemas = TemplateFiles.SchemaCache(explicit: schema)
            var total = 0
            for path in paths {
                let problems: [TemplateProblem]
                do {
                    problems = TemplateChecker.check(path: path, schema: try schemas.schema(for: path))
                } catch {
                    print(error.description)
                    total += 1
                    continue
                }
                total += problems.count
                if problems.isEmpty {
                    print("ok      \(path)")
                } else {
                    print("FEHLER  \(path): \(problems.count) Problem\(problems.count == 1 ? "" : "e")")
                    for problem in problems {
                        print("  - \(problem.location): \(problem.message)")
                        if !problem.context.isEmpty { print("      Text: «\(problem.context)»") }
                        print("      Behebung: \(problem.fix)")
                    }
                }
            }
            if total > 0 {
                print("\(total) Problem\(total == 1 ? "" : "e") in \(paths.count) Vorlage\(paths.count == 1 ? "" : "n").")
                throw ExitCode(1)
            }
            print("\(paths.count) Vorlage\(paths.count == 1 ? "" : "n") ohne Probleme.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Listet die Vorlagen und die Felder, die sie verwenden.")

        @Option(help: "Vorlagenordner.")
        var directory = "templates"

        static func library(_ directory: String) throws -> TemplateLibrary {
            do throws(DocumentError) {
                return try TemplateLibrary(directory: directory)
            } catch {
                throw CLIError(error.description)
            }
        }

        func run() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("\(directory): Ordner nicht gefunden. Bitte im Projektordner ausführen oder --directory mit dem Vorlagenordner angeben.")
            }
            let library = try Self.library(directory)
            guard !library.names.isEmpty else {
                throw CLIError("\(directory): keine Vorlagen (*.docx) gefunden.")
            }
            for name in library.names {
                let title = library.schema?.templates[name]?.title ?? ""
                print("\(name)\(title.isEmpty ? "" : " — \(title)")")
                if let template = try? library.template(name) {
                    print("    " + template.fieldPaths.joined(separator: ", "))
                }
            }
        }
    }
}

/// Locating templates and their data definitions.
enum TemplateFiles {
    static func all(in directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".docx") && !$0.hasPrefix("~$") }.sorted().map { directory + "/" + $0 }
    }

    struct SchemaCache {
        var explicit: String?
        var loaded: [String: TemplateDataSchema?] = [:]

        /// The schema given with `--schema`, else `fields.json` beside the template, else none.
        mutating func schema(for templatePath: String) throws(DocumentError) -> TemplateDataSchema? {
            let path = explicit ?? ((templatePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("fields.json")
            if let cached = loaded[path] { return cached }
            let schema: TemplateDataSchema? = explicit != nil || FileManager.default.fileExists(atPath: path)
                ? try TemplateDataSchema(contentsOf: path) : nil
            loaded[path] = schema
            return schema
        }
    }
}
