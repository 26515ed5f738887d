import Foundation
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleOptima
import NahtstelleSQL

extension SQLApplicationRecords: DeskRecords {
    package func saveFollowUp(_ f: FollowUp, username: String) throws {
        switch f.target {
        case .task(let taskID):
            try db.execute(sql: """
                INSERT INTO follow_up (username, task_id, until, set_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (username, task_id) WHERE task_id IS NOT NULL DO UPDATE SET until = excluded.until, set_at = excluded.set_at
                """, arguments: [username, taskID, f.until.description, f.setAt.timeIntervalSince1970])
        case .case(let caseID):
            try db.execute(sql: """
                INSERT INTO follow_up (username, case_id, until, set_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (username, case_id) WHERE case_id IS NOT NULL DO UPDATE SET until = excluded.until, set_at = excluded.set_at
                """, arguments: [username, caseID, f.until.description, f.setAt.timeIntervalSince1970])
        }
    }

    package func deleteFollowUp(_ target: FollowUp.Target, username: String) throws {
        switch target {
        case .task(let taskID):
            try db.execute(sql: "DELETE FROM follow_up WHERE username = ? AND task_id = ?", arguments: [username, taskID])
        case .case(let caseID):
            try db.execute(sql: "DELETE FROM follow_up WHERE username = ? AND case_id = ?", arguments: [username, caseID])
        }
    }

    package func followUps(username: String, after day: LocalDate) throws -> [FollowUp] {
        try SQLRow.fetchAll(db, sql: "SELECT * FROM follow_up WHERE username = ? AND until > ? ORDER BY until, id",
                            arguments: [username, day.description]).compactMap { row in
            guard let until = LocalDate(iso: row["until"] as String) else { return nil }
            let target: FollowUp.Target
            if let task: Int64 = row["task_id"] { target = .task(task) } else if let c: String = row["case_id"] { target = .case(c) } else { return nil }
            return FollowUp(target: target, until: until, setAt: Date(timeIntervalSince1970: row["set_at"]))
        }
    }

    package func hiddenTasks(username: String, after day: LocalDate) throws -> [Int64: LocalDate] {
        var out: [Int64: LocalDate] = [:]
        for row in try SQLRow.fetchAll(db, sql: "SELECT task_id, until FROM follow_up WHERE username = ? AND until > ? AND task_id IS NOT NULL",
                                       arguments: [username, day.description]) {
            if let until = LocalDate(iso: row["until"] as String) { out[row["task_id"]] = until }
        }
        return out
    }

    package func insertCaseNote(caseID: String, author: String, officeID: String, text: String, at: Date) throws -> Int64 {
        try db.insert(sql: "INSERT INTO case_note (case_id, author, office_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
                      arguments: [caseID, author, officeID, text, at.timeIntervalSince1970])
    }

    package func caseNotes(caseID: String) throws -> [CaseNote] {
        try SQLRow.fetchAll(db, sql: """
            SELECT n.*, u.display_name FROM case_note n LEFT JOIN app_user u ON u.username = n.author WHERE n.case_id = ? ORDER BY n.id
            """, arguments: [caseID]).map { row in
            CaseNote(id: row["id"], caseId: row["case_id"], author: row["author"], authorName: row["display_name"], officeId: row["office_id"],
                     text: row["text"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    package func savedFilters(username: String) throws -> [SavedFilter] {
        try SQLRow.fetchAll(db, sql: "SELECT * FROM saved_filter WHERE username = ? ORDER BY lower(name), name, id", arguments: [username])
            .map(savedFilter)
    }

    package func saveFilter(username: String, name: String, role: Role?, process: String?, due: TaskFilter.Due?, assignee: TaskFilter.Assignee?,
                            at: Date) throws -> SavedFilter? {
        try db.execute(sql: """
            INSERT INTO saved_filter (username, name, role, process, due, assignee, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (username, name) DO UPDATE SET role = excluded.role, process = excluded.process, due = excluded.due,
                assignee = excluded.assignee, saved_at = excluded.saved_at
            """, arguments: [username, name, role?.rawValue, process, due?.rawValue, assignee?.rawValue, at.timeIntervalSince1970])
        return try SQLRow.fetchOne(db, sql: "SELECT * FROM saved_filter WHERE username = ? AND name = ?", arguments: [username, name])
            .map(savedFilter)
    }

    package func deleteFilter(id: Int64, username: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM saved_filter WHERE id = ? AND username = ?", arguments: [id, username])
        return db.changesCount == 1
    }

    private func savedFilter(_ row: SQLRow) -> SavedFilter {
        SavedFilter(id: row["id"], name: row["name"], role: (row["role"] as String?).flatMap(Role.init(rawValue:)), process: row["process"],
                    due: (row["due"] as String?).flatMap(TaskFilter.Due.init(rawValue:)),
                    assignee: (row["assignee"] as String?).flatMap(TaskFilter.Assignee.init(rawValue:)),
                    savedAt: Date(timeIntervalSince1970: row["saved_at"]))
    }
}
