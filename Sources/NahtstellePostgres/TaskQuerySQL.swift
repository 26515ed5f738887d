import NahtstelleEngine
import PostgresNIO

/// The inbox statements for a `TaskQuery`: the same rows in the same order as the SQLite store's
/// (due date ascending, tasks without one last, then id; keyset paging after a `TaskCursor`).
///
/// PostgreSQL's B-tree orders NULLs last in an ascending index, which is exactly the page order,
/// so one statement walks `task_inbox (office, role, due_at, id)` in order and stops after a page
/// (SQLite needs two walks, dated then undated, for the same).
enum TaskQuerySQL {
    /// A statement under construction: SQL text with `$n` placeholders and their values.
    struct Builder {
        var query = PostgresQuery(unsafeSQL: "")

        mutating func sql(_ text: String) { query.sql += text }

        /// Appends a placeholder for `value` and returns it (`$3`).
        mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            query.binds.append(value)
            return "$\(query.binds.count)"
        }
    }

    /// The conditions every statement of `q` shares (without its cursor).
    static func whereClause(_ q: TaskQuery, _ b: inout Builder) -> String {
        var clauses: [String] = []
        if Set(q.states) == [.created, .claimed] {
            clauses.append("ended_at IS NULL")  // open tasks as the partial indexes define them
        } else {
            clauses.append("(" + (q.states.isEmpty ? "FALSE" : q.states.map { "state = " + b.bind($0.rawValue) }.joined(separator: " OR ")) + ")")
        }
        if let office = q.office { clauses.append("office = " + b.bind(office)) }
        if let roles = q.roles {
            clauses.append("(" + (roles.isEmpty ? "FALSE" : roles.map { "role = " + b.bind($0) }.joined(separator: " OR ")) + ")")
        }
        if q.unassignedOnly {
            clauses.append("assignee IS NULL")
        } else if let assignee = q.assignee {
            let placeholder = b.bind(assignee)
            clauses.append(q.includeUnassigned ? "(assignee = \(placeholder) OR assignee IS NULL)" : "assignee = \(placeholder)")
        }
        if let key = q.businessKey { clauses.append("instance_id IN (SELECT id FROM instance WHERE business_key = \(b.bind(key)))") }
        if let process = q.processID { clauses.append("process_id = " + b.bind(process)) }
        if let due = q.dueBefore { clauses.append("due_at < " + b.bind(due.timeIntervalSince1970)) }
        return clauses.joined(separator: " AND ")
    }

    /// One page of `q`: after its cursor (ignored with an offset, as SQLite's store does), at most
    /// `limit` (capped at 1000) rows.
    static func page(_ q: TaskQuery) -> PostgresQuery {
        var b = Builder()
        b.sql("SELECT \(PostgresTransaction.taskColumns) FROM task WHERE ")
        let clause = whereClause(q, &b)
        b.sql(clause)
        if q.offset == 0, let after = q.after {
            if let due = after.dueAt {
                let d = b.bind(due.timeIntervalSince1970)
                b.sql(" AND (due_at > \(d) OR (due_at = \(d) AND id > \(b.bind(after.id))) OR due_at IS NULL)")
            } else {
                b.sql(" AND due_at IS NULL AND id > \(b.bind(after.id))")
            }
        }
        b.sql(" ORDER BY due_at, id LIMIT \(b.bind(Int64(max(0, min(q.limit, 1000)))))")
        if q.offset > 0 { b.sql(" OFFSET \(b.bind(Int64(q.offset)))") }
        return b.query
    }

    static func count(_ q: TaskQuery) -> PostgresQuery {
        var b = Builder()
        b.sql("SELECT COUNT(*) FROM task WHERE ")
        let clause = whereClause(q, &b)
        b.sql(clause)
        return b.query
    }

    /// The count stopped at `cap` rows: the index walk ends there.
    static func count(_ q: TaskQuery, upTo cap: Int) -> PostgresQuery {
        var b = Builder()
        b.sql("SELECT COUNT(*) FROM (SELECT 1 FROM task WHERE ")
        let clause = whereClause(q, &b)
        b.sql(clause)
        b.sql(" LIMIT \(b.bind(Int64(max(0, cap))))) capped")
        return b.query
    }
}
