import Foundation
import NahtstelleDocuments
import NahtstelleFEEL
import NahtstelleOptima

/// What a coordinator's template upload did: stored as a new version (or none for the same
/// bytes as the version in use), or refused with every problem located.
public enum TemplateUpload: Sendable {
    /// `isNew == false`: the bytes equal the latest version, nothing was stored.
    case stored(version: Int, isNew: Bool, warnings: [TemplateProblem])
    /// Errors (and warnings) with location and fix; nothing was stored.
    case refused([TemplateProblem])
}

/// A Word template with its versions, newest first.
public struct TemplateOverview: Sendable {
    public var name: String
    /// German title and description from `fields.json`.
    public var title: String
    public var description: String
    public var versions: [TemplateVersionInfo]
    /// The version new documents are made from.
    public var current: TemplateVersionInfo { versions[0] }
    /// Whether `templates/samples/<name>.json` exists (preview and the sample check need it).
    public var hasSample: Bool
}

extension AccessPolicy {
    /// The Word templates belong to the procedure's definition: the coordination office manages them.
    public static func canManageTemplates(_ user: User) -> Bool { canManageDefinitions(user) }
}

extension OptimaService {
    /// Size limits of an uploaded template (packed, unpacked, entries).
    public static let templateUploadLimits = TemplateUploadLimits()

    private func requireTemplates(_ username: String) throws {
        let user = try staff(username)
        try require(AccessPolicy.canManageTemplates(user.user), "Die Word-Vorlagen verwaltet die IIZ-Koordinationsstelle.")
    }

    /// The name of a known template, else «not found» (uploads never create new names).
    private func knownTemplate(_ name: String) throws -> String {
        guard generator.versions.isKnown(name) else {
            throw CaseServiceError(.notFound, "Die Vorlage «\(name.prefix(64))» gibt es nicht. Eine neue Version kann nur zu einer bestehenden "
                                   + "Vorlage hochgeladen werden: \(generator.versions.names.joined(separator: ", ")).", field: "name")
        }
        return name
    }

    private func overview(_ db: any ApplicationRecords, _ name: String) throws -> TemplateOverview {
        let meta = templates.schema?.templates[name]
        return TemplateOverview(name: name, title: meta?.title ?? name, description: meta?.description ?? "",
                                versions: try generator.versions.list(db, name), hasSample: templateSample(name) != nil)
    }

    /// Every template with its versions (coordinators).
    public func templateOverviews(by username: String) throws -> [TemplateOverview] {
        try requireTemplates(username)
        let names = generator.versions.names
        return try read { db in try names.map { try overview(db, $0) } }
    }

    /// One template with its versions (coordinators).
    public func templateOverview(by username: String, name: String) throws -> TemplateOverview {
        try requireTemplates(username)
        let name = try knownTemplate(name)
        return try read { db in try overview(db, name) }
    }

    /// The fields (placeholders and sections) one version uses, in document order.
    public func templateFields(by username: String, name: String, version: Int) throws -> [String] {
        let (_, bytes) = try templateSource(by: username, name: name, version: version)
        return TemplateChecker.fieldPaths(bytes: bytes, name: name, schema: templates.schema)
    }

    /// The `.docx` of one version as it was uploaded (version 1: the shipped file).
    public func templateSource(by username: String, name: String, version: Int) throws -> (info: TemplateVersionInfo, bytes: [UInt8]) {
        try requireTemplates(username)
        let name = try knownTemplate(name)
        return try read { db in
            guard let info = try generator.versions.list(db, name).first(where: { $0.version == version }),
                let bytes = try generator.versions.bytes(db, name, version: version)
            else {
                throw CaseServiceError(.notFound, "Vorlage «\(name)» Version \(version) gibt es nicht. Die Versionen stehen unter /templates/\(name).",
                                       field: "version")
            }
            return (info, bytes)
        }
    }

    /// The sample data of a template (`templates/samples/<name>.json`), if there is one.
    func templateSample(_ name: String) -> Value? {
        let path = ((resources.templates as NSString).appendingPathComponent("samples") as NSString).appendingPathComponent(name + ".json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? Value.parseJSON(bytes: [UInt8](data))
    }

    /// Every problem an upload of `bytes` as a new version of `name` would have, errors and
    /// warnings, without storing anything.
    public func checkTemplate(by username: String, name: String, bytes: [UInt8]) throws -> [TemplateProblem] {
        try requireTemplates(username)
        let name = try knownTemplate(name)
        let previous = try read { db in try generator.versions.bytes(db, name, version: try generator.versions.latestVersion(db, name)) } ?? []
        return TemplateChecker.check(bytes: bytes, name: name, schema: templates.schema, sample: templateSample(name),
                                     previousFields: TemplateChecker.fieldPaths(bytes: previous, name: name, schema: templates.schema),
                                     limits: Self.templateUploadLimits)
    }

    /// Stores `bytes` as version n+1 of `name` when the checker finds no error; the same bytes as
    /// the latest version store nothing. New documents use the new version from the commit on;
    /// documents already made keep theirs. The upload is entered in the access log.
    public func uploadTemplate(by username: String, name: String, bytes: [UInt8], fileName: String) throws -> TemplateUpload {
        let problems = try checkTemplate(by: username, name: name, bytes: bytes)
        if problems.contains(where: { $0.severity == .error }) { return .refused(problems) }
        let file = Self.templateFileName(fileName, name: name)
        let entry = accessEntry(username, "upload-template", caseID: nil)
        do {
            return try tables.write { db -> TemplateUpload in
                let latest = try generator.versions.latestVersion(db, name)
                if try generator.versions.bytes(db, name, version: latest) == bytes {
                    return .stored(version: latest, isNew: false, warnings: problems)
                }
                let version = try generator.versions.insert(db, name, bytes: bytes, fileName: file, warnings: problems, by: username, at: clock())
                try db.insertAccess(entry)
                return .stored(version: version, isNew: true, warnings: problems)
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// One version rendered with the template's sample data (`templates/samples/<name>.json`).
    public func templatePreview(by username: String, name: String, version: Int) throws -> [UInt8] {
        try requireTemplates(username)
        let name = try knownTemplate(name)
        guard let sample = templateSample(name) else {
            throw CaseServiceError(.notFound, "Zur Vorlage «\(name)» gibt es keine Beispieldaten (templates/samples/\(name).json). "
                                   + "Die Datei mit scripts/templates/build_samples.py erzeugen.")
        }
        let template = try read { db in
            let latest = try generator.versions.latestVersion(db, name)
            guard version >= 1, version <= latest else {
                throw CaseServiceError(.notFound, "Vorlage «\(name)» Version \(version) gibt es nicht.", field: "version")
            }
            return try generator.versions.template(db, name, version: version)
        }
        do throws(DocumentError) { return try template.render(data: sample) } catch {
            throw CaseServiceError(.documentFailed, "Die Vorschau von «\(name)» Version \(version) kann nicht erstellt werden: \(error.description)")
        }
    }

    /// A safe file name to keep with a version: letters, digits, `.-_`, ending in `.docx`.
    static func templateFileName(_ fileName: String, name: String) -> String {
        var cleaned = String(fileName.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            .prefix(90).map(Character.init))
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        if cleaned.isEmpty { cleaned = name }
        return cleaned.lowercased().hasSuffix(".docx") ? cleaned : cleaned + ".docx"
    }
}
