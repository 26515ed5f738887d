import Foundation
import NahtstelleFEEL

/// The templates of one directory (`templates/`) with their data definition (`fields.json`).
///
/// Templates are compiled on first use and cached; a template file changed on disk (a
/// coordinator saved it in Word) is recompiled on the next render.
public final class TemplateLibrary: Sendable {
    public let directory: String
    public let schema: TemplateDataSchema?
    private let cache = TemplateCache()

    /// - Parameter directory: folder with `<name>.docx` files and, optionally, `fields.json`.
    public init(directory: String) throws(DocumentError) {
        self.directory = directory
        let schemaPath = (directory as NSString).appendingPathComponent("fields.json")
        schema = FileManager.default.fileExists(atPath: schemaPath) ? try TemplateDataSchema(contentsOf: schemaPath) : nil
    }

    /// Names of the templates in the directory (without `.docx`), sorted.
    public var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".docx") && !$0.hasPrefix("~$") && !$0.hasPrefix(".~lock") }.map { String($0.dropLast(5)) }.sorted()
    }

    public func path(of name: String) -> String { (directory as NSString).appendingPathComponent(name + ".docx") }

    /// The compiled template, from the cache when the file is unchanged.
    public func template(_ name: String) throws(DocumentError) -> DocumentTemplate {
        guard !name.contains("/"), !name.hasPrefix(".") else {
            throw DocumentError(code: .io, message: "Ungültiger Vorlagenname «\(name)»", location: directory, fix: "Nur den Namen ohne Pfad angeben, z. B. kostengutsprache.")
        }
        let path = self.path(of: name)
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if let cached = cache.get(name), cached.modified == modified { return cached.template }
        let template = try DocumentTemplate(contentsOf: path, schema: schema)
        cache.set(name, (modified, template))
        return template
    }

    public func render(_ name: String, data: Value) throws(DocumentError) -> [UInt8] {
        try template(name).render(data: data)
    }

    public func render(_ name: String, data: Value, to path: String) throws(DocumentError) {
        try template(name).render(data: data, to: path)
    }
}

/// The compiled templates by name. `Synchronization.Mutex` needs macOS 15 (the package allows 14),
/// so an `NSLock` guards the dictionary.
///
/// `@unchecked Sendable` is sound: `entries` is only read or written while `lock` is held, and the
/// stored values (`Date?`, `DocumentTemplate`) are themselves `Sendable`.
final class TemplateCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (modified: Date?, template: DocumentTemplate)] = [:]

    func get(_ name: String) -> (modified: Date?, template: DocumentTemplate)? {
        lock.lock()
        defer { lock.unlock() }
        return entries[name]
    }

    func set(_ name: String, _ entry: (modified: Date?, template: DocumentTemplate)) {
        lock.lock()
        defer { lock.unlock() }
        entries[name] = entry
    }
}
