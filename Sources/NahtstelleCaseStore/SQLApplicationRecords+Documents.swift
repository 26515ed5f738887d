import Foundation
import NahtstelleCases
import NahtstelleSQL

extension SQLApplicationRecords: DocumentRecords, TemplateRecords {
    package func lastDocumentVersion(caseID: String, template: String) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT MAX(version) FROM case_document WHERE case_id = ? AND template = ?", arguments: [caseID, template])
    }

    package func insertDocument(_ d: DocumentInfo, bytes: [UInt8]) throws -> Int64 {
        try db.insert(sql: """
            INSERT INTO case_document (case_id, template, version, file_name, bytes, size, created_at, created_by, element_id, cost_approval_id,
                                       template_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [d.caseId, d.template, d.version, d.fileName, Data(bytes), bytes.count, d.createdAt.timeIntervalSince1970, d.createdBy,
                             d.elementID, d.costApprovalID, d.templateVersion])
    }

    package func documents(caseID: String, title: (String) -> String) throws -> [DocumentInfo] {
        try SQLRow.fetchAll(db, sql: """
            SELECT id, case_id, template, version, file_name, size, created_at, created_by, element_id, cost_approval_id, template_version
            FROM case_document WHERE case_id = ? ORDER BY id
            """, arguments: [caseID]).map { documentInfo($0, title: title) }
    }

    package func document(id: Int64, title: (String) -> String) throws -> CaseDocument? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM case_document WHERE id = ?", arguments: [id]) else { return nil }
        let data: Data = row["bytes"]
        return CaseDocument(info: documentInfo(row, title: title), bytes: [UInt8](data))
    }

    private func documentInfo(_ row: SQLRow, title: (String) -> String) -> DocumentInfo {
        let template: String = row["template"]
        return DocumentInfo(id: row["id"], caseId: row["case_id"], template: template, title: title(template), version: row["version"],
                            fileName: row["file_name"], size: row["size"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                            createdBy: row["created_by"], elementID: row["element_id"], costApprovalID: row["cost_approval_id"],
                            templateVersion: row["template_version"])
    }

    // MARK: Template versions

    package func latestTemplateVersion(_ name: String) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT MAX(version) FROM template_version WHERE template = ?", arguments: [name])
    }

    package func templateVersionBytes(_ name: String, version: Int) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT bytes FROM template_version WHERE template = ? AND version = ?", arguments: [name, version])
            .map { [UInt8]($0) }
    }

    package func uploadedTemplateVersions(_ name: String) throws -> [TemplateVersionInfo] {
        try SQLRow.fetchAll(db, sql: """
            SELECT version, size, file_name, uploaded_at, uploaded_by, warnings_json FROM template_version
            WHERE template = ? ORDER BY version DESC
            """, arguments: [name]).map { row in
            TemplateVersionInfo(template: name, version: row["version"], size: row["size"], fileName: row["file_name"],
                                uploadedAt: Date(timeIntervalSince1970: row["uploaded_at"]), uploadedBy: row["uploaded_by"],
                                warnings: TemplateVersions.problems(json: row["warnings_json"], file: name + ".docx"))
        }
    }

    package func insertTemplateVersion(_ v: TemplateVersionInfo, bytes: [UInt8]) throws {
        try db.execute(sql: """
            INSERT INTO template_version (template, version, bytes, size, file_name, uploaded_at, uploaded_by, warnings_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [v.template, v.version, Data(bytes), bytes.count, v.fileName, v.uploadedAt?.timeIntervalSince1970,
                             v.uploadedBy, TemplateVersions.json(v.warnings)])
    }
}
