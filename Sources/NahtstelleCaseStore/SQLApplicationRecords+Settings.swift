import Foundation
import NahtstelleCases
import NahtstelleSQL

extension SQLApplicationRecords: SettingsRecords {
    package func settingValues() throws -> [String: String] {
        var values: [String: String] = [:]
        for row in try SQLRow.fetchAll(db, sql: "SELECT key, value FROM installation_setting") { values[row["key"]] = row["value"] }
        return values
    }

    package func saveSetting(key: String, value: String, by actor: String, at: Date) throws {
        try db.execute(sql: """
            INSERT INTO installation_setting (key, value, changed_at, changed_by) VALUES (?, ?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at, changed_by = excluded.changed_by
            """, arguments: [key, value, at.timeIntervalSince1970, actor])
    }
}
