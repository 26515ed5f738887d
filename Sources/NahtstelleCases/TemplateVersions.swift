import Foundation
import NahtstelleDocuments
import NahtstelleFEEL
import Synchronization

/// One version of a Word template (without its bytes).
public struct TemplateVersionInfo: Sendable, Hashable {
    public var template: String
    public var version: Int
    public var size: Int
    public var fileName: String
    /// When and by whom it was uploaded; `nil` for version 1, the shipped file.
    public var uploadedAt: Date?
    public var uploadedBy: String?
    /// What the checker warned about at the upload (errors refuse an upload).
    public var warnings: [TemplateProblem]
    /// Version 1: the file `templates/<name>.docx` of the installation.
    public var isShipped: Bool { version == 1 }

    package init(template: String, version: Int, size: Int, fileName: String, uploadedAt: Date?, uploadedBy: String?,
                 warnings: [TemplateProblem]) {
        self.template = template
        self.version = version
        self.size = size
        self.fileName = fileName
        self.uploadedAt = uploadedAt
        self.uploadedBy = uploadedBy
        self.warnings = warnings
    }
}

/// The versions of the Word templates, one source per template: version 1 is the shipped file in
/// `templates/` (edited there, it stays version 1), versions 2, 3, … are coordinators' uploads in
/// the table `template_version`. A new document uses the latest version; documents already made
/// keep their bytes (`case_document`) and record the version they were made from.
///
/// The latest version is read in the caller's transaction, so every node of a cluster and every
/// command agrees on it; compiled uploads are cached by name and version (they never change).
package final class TemplateVersions: Sendable {
    let library: TemplateLibrary
    private let compiled = Mutex<[String: DocumentTemplate]>([:])

    init(library: TemplateLibrary) { self.library = library }

    /// The templates a version may be uploaded for: the shipped files (no new names).
    var names: [String] { library.names }

    func isKnown(_ name: String) -> Bool { names.contains(name) }

    func latestVersion(_ db: any ApplicationRecords, _ name: String) throws -> Int {
        try db.latestTemplateVersion(name) ?? 1
    }

    /// The compiled latest version and its number.
    func current(_ db: any ApplicationRecords, _ name: String) throws -> (template: DocumentTemplate, version: Int) {
        let version = try latestVersion(db, name)
        return (try template(db, name, version: version), version)
    }

    /// One compiled version. Version 1 comes from the file (recompiled when the file changed).
    func template(_ db: any ApplicationRecords, _ name: String, version: Int) throws -> DocumentTemplate {
        if version == 1 { return try library.template(name) }
        let key = "\(name)#\(version)"
        if let cached = compiled.withLock({ $0[key] }) { return cached }
        guard let bytes = try bytes(db, name, version: version) else {
            throw CaseServiceError(.notFound, "Vorlage «\(name)» Version \(version) gibt es nicht. Die Versionen stehen unter /templates/\(name).")
        }
        let template = try DocumentTemplate(bytes: bytes, name: name, location: "\(name).docx (Version \(version))", schema: library.schema)
        compiled.withLock { cache in
            if cache.count > 200 { cache.removeAll() }
            cache[key] = template
        }
        return template
    }

    /// The bytes of one version; `nil` when it does not exist.
    func bytes(_ db: any ApplicationRecords, _ name: String, version: Int) throws -> [UInt8]? {
        if version == 1 {
            return FileManager.default.contents(atPath: library.path(of: name)).map { [UInt8]($0) }
        }
        return try db.templateVersionBytes(name, version: version)
    }

    /// Every version of a template, newest first (version 1, the shipped file, last).
    func list(_ db: any ApplicationRecords, _ name: String) throws -> [TemplateVersionInfo] {
        let uploads = try db.uploadedTemplateVersions(name)
        let path = library.path(of: name)
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        return uploads + [TemplateVersionInfo(template: name, version: 1, size: size, fileName: name + ".docx", uploadedAt: nil,
                                              uploadedBy: nil, warnings: [])]
    }

    /// Stores version n+1 (inside the caller's transaction).
    func insert(_ db: any ApplicationRecords, _ name: String, bytes: [UInt8], fileName: String, warnings: [TemplateProblem], by actor: String,
                at: Date) throws -> Int {
        let version = try latestVersion(db, name) + 1
        try db.insertTemplateVersion(TemplateVersionInfo(template: name, version: version, size: bytes.count, fileName: fileName, uploadedAt: at,
                                                         uploadedBy: actor, warnings: warnings), bytes: bytes)
        return version
    }

    package static func json(_ problems: [TemplateProblem]) -> String {
        Value.list(problems.map { p in
            .context(["code": .string(p.code.rawValue), "location": .string(p.location), "context": .string(p.context),
                      "message": .string(p.message), "fix": .string(p.fix)])
        }).jsonString(tagged: false)
    }

    package static func problems(json: String, file: String) -> [TemplateProblem] {
        let items = (try? Value.parseJSON(bytes: Array(json.utf8)))?.listValue ?? []
        return items.compactMap { item in
            guard let o = item.contextValue else { return nil }
            func s(_ key: String) -> String { o[key]?.stringValue ?? "" }
            return TemplateProblem(code: TemplateProblem.Code(rawValue: s("code")), file: file, location: s("location"), context: s("context"),
                                   message: s("message"), fix: s("fix"), severity: .warning)
        }
    }
}
