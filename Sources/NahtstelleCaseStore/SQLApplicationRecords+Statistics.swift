import Foundation
import NahtstelleCases
import NahtstelleSQL

/// Walks a version's running instances by index (`instance_running`) and their open tasks,
/// timers and subscriptions by instance: the cost follows the running cases of that version, not
/// the size of the database.
extension SQLApplicationRecords: ProcessStatisticsRecords {
    package func runningInstancesByDefinition() throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for row in try SQLRow.fetchAll(db, sql: """
            SELECT definition_id, COUNT(*) AS n FROM instance\(db.indexedBy("instance_running")) WHERE status = 'running' GROUP BY definition_id
            """) {
            counts[row["definition_id"]] = row["n"]
        }
        return counts
    }

    package func nodeCounts(definitionID: Int64, now: Date) throws -> [String: NodeCounts] {
        var counts: [String: NodeCounts] = [:]
        for row in try SQLRow.fetchAll(db, sql: """
            SELECT t.element_id AS e, COUNT(DISTINCT t.instance_id) AS w, COUNT(*) AS n, SUM(CASE WHEN t.due_at < ? THEN 1 ELSE 0 END) AS late
            FROM instance i\(db.indexedBy("instance_running")) JOIN task t ON t.instance_id = i.id
            WHERE i.definition_id = ? AND i.status = 'running' AND t.ended_at IS NULL GROUP BY t.element_id
            """, arguments: [now.timeIntervalSince1970, definitionID]) {
            counts[row["e"], default: NodeCounts()] = NodeCounts(waiting: row["w"], open: row["n"], overdue: row["late"] ?? 0)
        }
        for table in ["job", "subscription"] {
            for row in try SQLRow.fetchAll(db, sql: """
                SELECT x.element_id AS e, COUNT(DISTINCT x.instance_id) AS w
                FROM instance i\(db.indexedBy("instance_running")) JOIN \(table) x ON x.instance_id = i.id
                WHERE i.definition_id = ? AND i.status = 'running' GROUP BY x.element_id
                """, arguments: [definitionID]) {
                counts[row["e"], default: NodeCounts()].waiting += row["w"]
            }
        }
        return counts
    }
}
