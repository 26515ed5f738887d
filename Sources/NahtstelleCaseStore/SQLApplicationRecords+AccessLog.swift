import Foundation
import NahtstelleCases
import NahtstelleSQL

extension SQLApplicationRecords: AccessLogRecords {
    package func insertAccess(_ e: AccessEntry) throws {
        try db.execute(sql: """
            INSERT INTO case_access (at, username, case_id, action, document_id, client_address, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [e.at.timeIntervalSince1970, e.username, e.caseID, e.action, e.documentID, e.clientAddress, e.requestID])
    }

    package func accessEntries(caseID: String?, username: String?, from: Date?, to: Date?, limit: Int?) throws -> [AccessEntry] {
        var clauses = ["1 = 1"]
        var arguments: SQLArguments = []
        if let caseID { clauses.append("case_id = ?"); arguments.append(contentsOf: [caseID]) }
        if let username { clauses.append("username = ?"); arguments.append(contentsOf: [username]) }
        if let from { clauses.append("at >= ?"); arguments.append(contentsOf: [from.timeIntervalSince1970]) }
        if let to { clauses.append("at < ?"); arguments.append(contentsOf: [to.timeIntervalSince1970]) }
        var sql = "SELECT * FROM case_access WHERE \(clauses.joined(separator: " AND ")) ORDER BY id DESC"
        if let limit { sql += " LIMIT ?"; arguments.append(contentsOf: [limit]) }
        return try SQLRow.fetchAll(db, sql: sql, arguments: arguments).map { row in
            AccessEntry(id: row["id"], at: Date(timeIntervalSince1970: row["at"]), username: row["username"], caseID: row["case_id"],
                        action: row["action"], documentID: row["document_id"], clientAddress: row["client_address"],
                        requestID: row["request_id"])
        }
    }
}
