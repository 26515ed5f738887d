import Foundation
import NahtstelleFEEL

/// A Word template (`.docx`) compiled once and rendered many times.
///
/// Compiling reads the archive, finds the placeholders in the body, headers and footers (also
/// when Word split them across runs) and keeps a program per part. Rendering runs those programs
/// against the data and writes a new archive with libzip: rendered parts are deflated, every
/// other entry is copied with its compressed bytes untouched, every entry gets the same fixed
/// timestamp, so equal input gives byte-identical output.
///
/// Instances are immutable and `Sendable`: cache one per template and render from any thread.
public final class DocumentTemplate: Sendable {
    /// The template name (file name without `.docx`).
    public let name: String
    /// Paths of all placeholders and sections, in document order (duplicates removed).
    public let fieldPaths: [String]
    let archive: [UInt8]
    let parts: [CompiledPart]
    let entryNames: [String]
    let maxDrawingId: Int
    let maxBookmarkId: Int

    /// Reads and compiles a template file.
    /// - Parameter schema: the data definition; with it, unknown fields are errors and values
    ///   are formatted by their defined type (dates, amounts, choice labels).
    /// - Throws: `DocumentError` with every problem found (`code == .invalidTemplate`).
    public convenience init(contentsOf path: String, schema: TemplateDataSchema? = nil) throws(DocumentError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentError(code: .io, message: "Vorlage nicht lesbar", location: path, fix: "Pfad und Berechtigungen prüfen.")
        }
        try self.init(bytes: Array(data), name: Self.templateName(path), location: path, schema: schema)
    }

    public convenience init(bytes: [UInt8], name: String, location: String? = nil, schema: TemplateDataSchema? = nil) throws(DocumentError) {
        let analysis = try Self.analyse(bytes: bytes, name: name, location: location ?? name, schema: schema)
        guard analysis.problems.isEmpty else {
            throw DocumentError(code: .invalidTemplate,
                message: "Die Vorlage hat \(analysis.problems.count) Problem\(analysis.problems.count == 1 ? "" : "e")",
                location: location ?? name, fix: "Die Probleme in Word beheben; `nahtstelle templates check` zeigt sie alle.",
                problems: analysis.problems)
        }
        self.init(name: name, archive: bytes, analysis: analysis)
    }

    private init(name: String, archive: [UInt8], analysis: Analysis) {
        self.name = name
        self.archive = archive
        self.parts = analysis.parts
        self.entryNames = analysis.entryNames
        var seen = Set<String>()
        self.fieldPaths = analysis.usedPaths.filter { seen.insert($0).inserted }
        self.maxDrawingId = analysis.parts.map(\.maxDocPrId).max() ?? 0
        self.maxBookmarkId = analysis.parts.map(\.maxBookmarkId).max() ?? 0
    }

    static func templateName(_ path: String) -> String {
        var file = path.split(separator: "/").last.map(String.init) ?? path
        if file.lowercased().hasSuffix(".docx") { file.removeLast(5) }
        return file
    }

    struct Analysis {
        var parts: [CompiledPart]
        var entryNames: [String]
        var problems: [TemplateProblem]
        var usedPaths: [String]
    }

    /// Compiles every text part and collects all problems (the template checker's entry point).
    static func analyse(bytes: [UInt8], name: String, location: String, schema: TemplateDataSchema?) throws(DocumentError) -> Analysis {
        let result: Result<Analysis, DocumentError> = bytes.withUnsafeBytes { buffer in
            do throws(DocumentError) {
                let reader = try ZipReader(buffer: buffer, location: location)
                var names: [String] = []
                var parts: [CompiledPart] = []
                var problems: [TemplateProblem] = []
                var used: [String] = []
                var seen = Set<String>()
                for index in 0..<reader.entryCount {
                    guard let entry = reader.name(at: index) else { continue }
                    names.append(entry)
                    if let reason = unsafeEntryReason(entry) {
                        problems.append(TemplateProblem(code: .unsafeEntry, file: location, location: entry, context: "",
                            message: "Eintrag «\(entry.prefix(200))» im ZIP-Archiv \(reason); er würde in jedes erzeugte Dokument kopiert",
                            fix: "Die Vorlage in Word oder LibreOffice öffnen und neu als .docx speichern (das entfernt fremde Einträge)."))
                        continue
                    }
                    // Case-insensitive: Word and unzip on Windows and macOS see `Word/document.xml` as the same file.
                    guard seen.insert(entry.lowercased()).inserted else {
                        problems.append(TemplateProblem(code: .unsafeEntry, file: location, location: entry, context: "",
                            message: "Eintrag «\(entry.prefix(200))» kommt im ZIP-Archiv mehrfach vor; welcher gilt, hängt vom Programm ab",
                            fix: "Die Vorlage in Word oder LibreOffice öffnen und neu als .docx speichern."))
                        continue
                    }
                    guard isTextPart(entry) else { continue }
                    let source = try reader.read(at: index)
                    let (part, partProblems, paths) = try TemplateCompiler.compile(partName: entry, file: location, source: source, schema: schema)
                    if part.isDynamic || !partProblems.isEmpty { parts.append(part) }
                    problems += partProblems
                    used += paths
                }
                for required in ["[Content_Types].xml", "word/document.xml"] where !names.contains(required) {
                    problems.append(TemplateProblem(code: .missingPart, file: location, location: required, context: "",
                        message: "Teil «\(required)» fehlt: keine Word-Datei",
                        fix: "Die Vorlage in Word oder LibreOffice öffnen und als .docx speichern."))
                }
                return .success(Analysis(parts: parts, entryNames: names, problems: problems, usedPaths: used))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The parts that may hold placeholders: body, headers, footers, foot- and endnotes.
    static func isTextPart(_ entry: String) -> Bool {
        guard entry.hasPrefix("word/"), entry.hasSuffix(".xml"), !entry.dropFirst(5).contains("/") else { return false }
        let file = entry.dropFirst(5)
        return file == "document.xml" || file.hasPrefix("header") || file.hasPrefix("footer")
            || file == "footnotes.xml" || file == "endnotes.xml"
    }

    /// Why an entry name is not a safe part name of a package, or `nil` when it is: a part name
    /// is a relative path inside the package (OPC §9.1.1), so no absolute paths, no `..`, no
    /// backslashes, drive letters or control characters.
    static func unsafeEntryReason(_ entry: String) -> String? {
        if entry.isEmpty { return "hat keinen Namen" }
        if entry.hasPrefix("/") || entry.hasPrefix("\\") { return "ist ein absoluter Pfad" }
        if entry.contains("\\") { return "enthält einen Backslash" }
        let segments = entry.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains(where: { $0 == ".." || $0 == "." }) { return "verweist mit «..» aus dem Archiv hinaus" }
        if let first = segments.first, first.count == 2, first.last == ":" { return "ist ein absoluter Pfad" }
        if entry.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "enthält Steuerzeichen" }
        return nil
    }

    // MARK: - Rendering

    /// Renders the template and returns the `.docx` bytes.
    /// - Throws: `DocumentError` with `code == .missingData` naming every missing field.
    public func render(data: Value) throws(DocumentError) -> [UInt8] {
        let rendered = try renderParts(data: data)
        let result: Result<[UInt8], DocumentError> = archive.withUnsafeBytes { buffer in
            do throws(DocumentError) {
                let reader = try ZipReader(buffer: buffer, location: name)
                let writer = try ZipWriter()
                try write(rendered, from: reader, to: writer)
                return .success(try writer.closeReturningBytes())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Renders the template into a file. The file appears complete or not at all (libzip writes a
    /// temporary file beside it and renames it); on missing data nothing is written.
    public func render(data: Value, to path: String) throws(DocumentError) {
        let rendered = try renderParts(data: data)
        let result: Result<Void, DocumentError> = archive.withUnsafeBytes { buffer in
            do throws(DocumentError) {
                let reader = try ZipReader(buffer: buffer, location: name)
                let writer = try ZipWriter(path: path)
                try write(rendered, from: reader, to: writer)
                try writer.close()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Runs the part programs; throws when required data is missing.
    func renderParts(data: Value) throws(DocumentError) -> [String: [UInt8]] {
        var rendered: [String: [UInt8]] = [:]
        var missing: [String] = []
        var nextDrawing = maxDrawingId, nextBookmark = maxBookmarkId
        for part in parts where part.isDynamic {
            var renderer = TemplateRenderer(data: data, nextDrawingId: nextDrawing, nextBookmarkId: nextBookmark,
                                            capacity: part.source.count + part.source.count / 4)
            part.source.withUnsafeBufferPointer { renderer.run(part.ops, $0) }
            if renderer.exceeded {
                throw DocumentError(code: .tooLarge,
                    message: "Das Dokument würde zu gross (mehr als \(TemplateRenderer.maxSectionBodies) wiederholte Abschnitte oder \(TemplateRenderer.maxOutputBytes >> 20) MB in «\(part.name)»)",
                    location: name,
                    fix: "Listen in den Daten kürzen oder verschachtelte Abschnitte in der Vorlage auflösen (`nahtstelle templates check` zeigt sie).")
            }
            nextDrawing = renderer.nextDrawingId
            nextBookmark = renderer.nextBookmarkId
            for field in renderer.missing where !missing.contains(field) { missing.append(field) }
            rendered[part.name] = renderer.out
        }
        guard missing.isEmpty else {
            throw DocumentError(code: .missingData,
                message: "Es fehlen Angaben für \(missing.count) Feld\(missing.count == 1 ? "" : "er"): \(missing.joined(separator: ", "))",
                location: name,
                fix: "Die genannten Felder in den Daten ergänzen (siehe templates/README.md) oder sie in fields.json als \"optional\" kennzeichnen.",
                missingFields: missing)
        }
        return rendered
    }

    private func write(_ rendered: [String: [UInt8]], from reader: ZipReader, to writer: ZipWriter) throws(DocumentError) {
        var written = Set<String>()
        for index in 0..<reader.entryCount {
            // Directory entries and repeated names are not valid in a DOCX package.
            guard let entry = reader.name(at: index), !entry.hasSuffix("/"), written.insert(entry).inserted else { continue }
            if let bytes = rendered[entry] {
                try writer.add(name: entry, bytes: bytes)
            } else {
                try writer.copyRaw(from: reader, index: index, name: entry)
            }
        }
    }
}
