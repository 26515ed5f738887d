import Foundation
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleSQL

extension SQLApplicationRecords: OutboxRecords {
    package func letters(_ selection: LetterSelection, templates: [String], title: (String) -> String) throws -> [LetterRow] {
        guard !templates.isEmpty else { return [] }
        let (whereClause, arguments): (String, SQLArguments) = switch selection {
        case .office(let office): ("(c.referrer_office_id = ? OR c.receiver_office_id = ?)", [office, office])
        case .document(let id): ("d.id = ?", [id])
        }
        let templateClause = templates.map { _ in "d.template = ?" }.joined(separator: " OR ")
        return try SQLRow.fetchAll(db, sql: """
            SELECT d.id, d.case_id, d.template, d.version, d.file_name, d.size, d.created_at, d.created_by, d.element_id, d.cost_approval_id,
                c.referrer_office_id, c.receiver_office_id, c.referrer_advisor, c.person_last_name, c.person_first_name, c.person_street,
                c.person_postal_code, c.person_city,
                l.channel, l.sent_on, l.sent_by, l.recorded_at, l.recorded_by, u.display_name AS sent_by_name
            FROM case_document d JOIN optima_case c ON c.id = d.case_id
                LEFT JOIN letter_dispatch l ON l.document_id = d.id LEFT JOIN app_user u ON u.username = l.sent_by
            WHERE (\(templateClause)) AND \(whereClause)
            ORDER BY d.id DESC
            """, arguments: SQLArguments(templates) + arguments).map { row in
            let template: String = row["template"]
            let info = DocumentInfo(id: row["id"], caseId: row["case_id"], template: template, title: title(template), version: row["version"],
                                    fileName: row["file_name"], size: row["size"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                    createdBy: row["created_by"], elementID: row["element_id"], costApprovalID: row["cost_approval_id"])
            var dispatch: LetterDispatch?
            if let channel = (row["channel"] as String?).flatMap(DispatchChannel.init(rawValue:)),
                let sentOn = (row["sent_on"] as String?).flatMap({ LocalDate(iso: $0) }) {
                dispatch = LetterDispatch(channel: channel, sentOn: sentOn, sentBy: row["sent_by"], sentByName: row["sent_by_name"],
                                          recordedAt: Date(timeIntervalSince1970: row["recorded_at"]), recordedBy: row["recorded_by"])
            }
            return LetterRow(document: info, referrerOfficeID: row["referrer_office_id"], receiverOfficeID: row["receiver_office_id"],
                             referrerAdvisor: row["referrer_advisor"], personLastName: row["person_last_name"],
                             personFirstName: row["person_first_name"], street: row["person_street"], postalCode: row["person_postal_code"],
                             city: row["person_city"], dispatch: dispatch)
        }
    }

    package func insertLetterDispatch(documentID: Int64, caseID: String, _ d: LetterDispatch) throws {
        try db.execute(sql: """
            INSERT INTO letter_dispatch (document_id, case_id, channel, sent_on, sent_by, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [documentID, caseID, d.channel.rawValue, d.sentOn.description, d.sentBy, d.recordedAt.timeIntervalSince1970, d.recordedBy])
    }

    package func documentPDF(documentID: Int64) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT bytes FROM document_pdf WHERE document_id = ?", arguments: [documentID]).map { [UInt8]($0) }
    }

    package func insertDocumentPDF(documentID: Int64, bytes: [UInt8], at: Date) throws {
        try db.execute(sql: "INSERT INTO document_pdf (document_id, bytes, size, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       arguments: [documentID, Data(bytes), bytes.count, at.timeIntervalSince1970])
    }
}
