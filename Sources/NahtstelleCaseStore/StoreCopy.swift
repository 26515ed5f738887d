import Foundation
import NahtstelleEngine
import NahtstelleSQL
import NahtstelleCases

/// `nahtstelle store copy`: moves an installation from its SQLite file to an empty PostgreSQL
/// database (or any store to any empty store): every table of the engine and the application,
/// row by row with the same ids, in one transaction on the target, verified by counts.
public enum StoreCopy {
    /// One table's rows on both sides after the copy.
    public struct TableCount: Sendable, Equatable {
        public var table: String
        public var rows: Int
    }

    /// Rows read and written per round trip (documents are up to some MB each).
    static let batchSize = 200

    /// Copies everything from `source` to `target` and returns the row count of every table.
    /// Nothing is written unless every table copies and its count matches.
    /// - Throws: `CaseServiceError(.conflict)` when the target holds data already.
    public static func copy(from source: StoreLocation, to target: StoreLocation) throws -> [TableCount] {
        guard source != target else {
            throw CaseServiceError(.invalidInput, "Quelle und Ziel sind dieselbe Datenbank (\(source)). Bitte ein anderes Ziel angeben.")
        }
        let from = try source.open()
        let to = try target.open()
        // One read transaction on the source for the whole copy: a consistent snapshot, also of a
        // SQLite installation that is running meanwhile.
        return try from.readSQL { src in
            // The source's tables in an order where each comes after the tables it refers to.
            let tables = try orderedTables(src)
            return try to.writeSQL { out in
                for table in tables {
                    let existing = try Int.fetchOne(out, sql: "SELECT COUNT(*) FROM \(quoted(table))") ?? 0
                    guard existing == 0 else {
                        throw CaseServiceError(.conflict, "Das Ziel \(target) enthält schon Daten (Tabelle \(table): \(existing) Zeilen). "
                                               + "Bitte in eine leere Datenbank kopieren; es wurde nichts geschrieben.")
                    }
                }
                return try tables.map { table in try copyTable(table, from: src, to: out) }
            }
        }
    }

    private static func copyTable(_ table: String, from src: SQLDatabase, to out: SQLDatabase) throws -> TableCount {
        let names = try columnNames(src, table)
        let list = names.map(quoted).joined(separator: ", ")
        let insert = "INSERT INTO \(quoted(table)) (\(list)) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
        let key = try orderKey(src, table)
        var copied = 0
        var last: SQLValue?
        while true {
            // Pages by id where the key is the id (history, documents: many rows), by position in
            // the key's order otherwise (small tables).
            let rows: [SQLRow]
            if key == quoted("id") {
                rows = try SQLRow.fetchAll(src, sql: "SELECT \(list) FROM \(quoted(table))\(last == nil ? "" : " WHERE id > ?") ORDER BY id LIMIT ?",
                                           arguments: SQLArguments(values: (last.map { [$0] } ?? []) + [.integer(Int64(batchSize))]))
            } else {
                rows = try SQLRow.fetchAll(src, sql: "SELECT \(list) FROM \(quoted(table)) ORDER BY \(key) LIMIT ? OFFSET ?", arguments: [batchSize, copied])
            }
            for row in rows { try out.execute(sql: insert, arguments: SQLArguments(values: row.values)) }
            copied += rows.count
            last = rows.last?.value("id")
            if rows.count < batchSize { break }
        }
        let written = try Int.fetchOne(out, sql: "SELECT COUNT(*) FROM \(quoted(table))") ?? -1
        guard written == copied else {
            throw CaseServiceError(.processFailed, "Tabelle \(table): \(copied) Zeilen gelesen, \(written) geschrieben. Es wurde nichts geschrieben.")
        }
        if out.dialect == .postgres, names.contains("id"), try identityColumn(out, table) {
            // The ids were copied as they were: the next new row continues after the highest.
            try out.execute(sql: "SELECT setval(pg_get_serial_sequence(?, 'id'), GREATEST((SELECT MAX(id) FROM \(quoted(table))), 1), "
                            + "(SELECT MAX(id) FROM \(quoted(table))) IS NOT NULL)", arguments: [table])
        }
        return TableCount(table: table, rows: copied)
    }

    /// The row counts of every table of the store, in the copy's order (for the comparison after a copy).
    public static func counts(_ store: any EngineStore) throws -> [TableCount] {
        return try SQLApplicationStorage(store: store, location: .memory).readSQL { db in
            try orderedTables(db).map { TableCount(table: $0, rows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(quoted($0))") ?? 0) }
        }
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The tables of the engine and the application (not the migration bookkeeping), each after
    /// the tables its foreign keys name.
    static func orderedTables(_ db: SQLDatabase) throws -> [String] {
        var references: [String: Set<String>] = [:]
        switch db.dialect {
        case .sqlite:
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY name
                """)
            for name in names {
                references[name] = Set(try String.fetchAll(db, sql: "SELECT \"table\" FROM pragma_foreign_key_list(?)", arguments: [name]))
            }
        case .postgres:
            let names = try String.fetchAll(db, sql: """
                SELECT table_name::text FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name != 'nahtstelle_migration' ORDER BY 1
                """)
            for name in names { references[name] = [] }
            for row in try SQLRow.fetchAll(db, sql: """
                SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                """) {
                references[row["child"] as String, default: []].insert(row["parent"])
            }
        }
        var ordered: [String] = []
        var placed = Set<String>()
        while placed.count < references.count {
            let ready = references.keys.filter { !placed.contains($0) && references[$0, default: []].subtracting([$0]).isSubset(of: placed) }.sorted()
            guard !ready.isEmpty else {
                throw CaseServiceError(.processFailed, "Die Fremdschlüssel der Tabellen bilden einen Kreis; keine Kopierreihenfolge möglich.")
            }
            ordered += ready
            placed.formUnion(ready)
        }
        return ordered
    }

    static func columnNames(_ db: SQLDatabase, _ table: String) throws -> [String] {
        switch db.dialect {
        case .sqlite:
            try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
        case .postgres:
            try String.fetchAll(db, sql: """
                SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                """, arguments: [table])
        }
    }

    /// A stable order to page through a table: its primary key (or all its columns).
    static func orderKey(_ db: SQLDatabase, _ table: String) throws -> String {
        switch db.dialect {
        case .sqlite:
            let key = try SQLRow.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", arguments: [table])
                .map { quoted($0["name"]) }
            return key.isEmpty ? "rowid" : key.joined(separator: ", ")
        case .postgres:
            let key = try String.fetchAll(db, sql: """
                SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)
                """, arguments: [table]).map(quoted)
            return key.isEmpty ? try columnNames(db, table).map(quoted).joined(separator: ", ") : key.joined(separator: ", ")
        }
    }

    static func identityColumn(_ db: SQLDatabase, _ table: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT pg_get_serial_sequence(?, 'id') IS NOT NULL", arguments: [table]) ?? false
    }
}
