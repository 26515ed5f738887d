import Foundation
import NahtstelleDocuments
import NahtstelleEngine
import NahtstelleFEEL

/// A generated document of a case (without its bytes).
public struct DocumentInfo: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var caseId: String
    public var template: String
    /// German title from `fields.json` (e.g. "Kostengutsprache").
    public var title: String
    public var version: Int
    public var fileName: String
    public var size: Int
    public var createdAt: Date
    public var createdBy: String
    /// The process step that produced it.
    public var elementID: String?
    public var costApprovalID: Int64?
    /// The version of the Word template it was made from (`nil`: made before versions were recorded).
    public var templateVersion: Int? = nil

    package init(id: Int64, caseId: String, template: String, title: String, version: Int, fileName: String, size: Int, createdAt: Date,
                 createdBy: String, elementID: String?, costApprovalID: Int64?, templateVersion: Int? = nil) {
        self.id = id
        self.caseId = caseId
        self.template = template
        self.title = title
        self.version = version
        self.fileName = fileName
        self.size = size
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.elementID = elementID
        self.costApprovalID = costApprovalID
        self.templateVersion = templateVersion
    }
}

/// A document with its bytes (a DOCX file).
public struct CaseDocument: Sendable, Hashable {
    public var info: DocumentInfo
    public var bytes: [UInt8]

    package init(info: DocumentInfo, bytes: [UInt8]) {
        self.info = info
        self.bytes = bytes
    }
}

/// Renders templates with case data and stores the result as the next version of that
/// document of the case — inside the caller's transaction.
struct DocumentGenerator: Sendable {
    let templates: TemplateLibrary
    /// The latest version of each template is the one new documents are made from.
    let versions: TemplateVersions

    func title(_ template: String) -> String { templates.schema?.templates[template]?.title ?? template }

    /// Renders and stores `template` for a case. Throws (and so aborts the whole command) when
    /// the template needs data the case does not have, naming every missing field.
    @discardableResult
    func generate(_ db: any ApplicationRecords, template: String, caseID: String, variables: [String: Value], elementID: String?, actor: String,
                  at: Date, costApprovalID: Int64? = nil) throws -> DocumentInfo {
        let today = ISODateTime.localDate(of: at)
        let context = try TemplateData.load(db, caseID: caseID, variables: variables, actor: actor, costApprovalID: costApprovalID, today: today)
        let bytes: [UInt8]
        let templateVersion: Int
        do {
            let current = try versions.current(db, template)
            templateVersion = current.version
            bytes = try current.template.render(data: context.data(template: template, elementID: elementID))
        } catch let error as DocumentError where error.code == .missingData {
            throw CaseServiceError(
                .documentFailed,
                "Das Dokument «\(title(template))» für den Fall \(caseID) kann nicht erstellt werden: es fehlen Angaben ("
                    + error.missingFields.joined(separator: ", ")
                    + "). Bitte die fehlenden Angaben im Fall, bei den Stellen oder im Formular ergänzen und den Schritt wiederholen; "
                    + "es wurde nichts gespeichert.")
        } catch let error as DocumentError {
            throw CaseServiceError(
                .documentFailed,
                "Das Dokument «\(title(template))» für den Fall \(caseID) kann nicht erstellt werden: \(error.description) "
                    + "Die Koordinationsstelle prüft die Vorlage mit «nahtstelle templates check»; es wurde nichts gespeichert.")
        }
        let version = (try db.lastDocumentVersion(caseID: caseID, template: template) ?? 0) + 1
        var info = DocumentInfo(id: 0, caseId: caseID, template: template, title: title(template), version: version,
                                fileName: "\(caseID)_\(template)_v\(version).docx", size: bytes.count, createdAt: at, createdBy: actor,
                                elementID: elementID, costApprovalID: costApprovalID, templateVersion: templateVersion)
        info.id = try db.insertDocument(info, bytes: bytes)
        return info
    }

    func list(_ db: any ApplicationRecords, caseID: String) throws -> [DocumentInfo] {
        try db.documents(caseID: caseID, title: title)
    }

    func document(_ db: any ApplicationRecords, id: Int64) throws -> CaseDocument? {
        try db.document(id: id, title: title)
    }
}

/// `generate-document` (parameter `template`): the document of a service step.
struct GenerateDocumentHandler: ServiceTaskHandler {
    let generator: DocumentGenerator
    let storage: any ApplicationStorage

    func execute(_ call: ServiceTaskCall, _ tx: any EngineTransaction) throws -> [String: Value] {
        guard let template = call.parameters["template"], !template.isEmpty else {
            throw CaseServiceError(.processFailed, "Der Schritt «\(call.elementID)» nennt keine Vorlage. "
                                   + "Die Koordinationsstelle ergänzt nahtstelle:template in der Definition.")
        }
        guard let caseID = call.businessKey ?? call.variables["caseId"]?.stringValue else {
            throw CaseServiceError(.processFailed, "Der Schritt «\(call.elementID)» gehört zu keinem Fall (Geschäftsschlüssel fehlt).")
        }
        let approval = call.variables["costApprovalId"]?.numberValue.map { NSDecimalNumber(decimal: $0).int64Value }
        try generator.generate(try storage.records(tx), template: template, caseID: caseID, variables: call.variables, elementID: call.elementID,
                               actor: call.actor, at: call.at, costApprovalID: template == "kostengutsprache" ? approval : nil)
        return [:]
    }
}
