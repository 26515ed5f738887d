/// What a backend runs: one statement at a time, inside the transaction the backend holds.
/// `sql` uses `?` placeholders; a backend with numbered ones (PostgreSQL's `$1`) translates.
public protocol SQLConnection {
    var dialect: SQLDialect { get }
    /// Runs a statement that returns no rows; the rows it changed.
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int
    /// Runs a query; its rows with their column names.
    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

/// The two backends, for the few places their SQL differs.
public enum SQLDialect: Sendable {
    case sqlite, postgres
}

/// The application's tables inside one transaction of the store, on either backend.
///
/// The statements are written once, in the SQL both SQLite and PostgreSQL understand:
/// `?` placeholders, `ON CONFLICT … DO NOTHING` rather than `INSERT OR IGNORE`, `RETURNING id`
/// rather than the last row id, `COALESCE`, `lower(x) LIKE lower(?)` (SQLite's LIKE ignores
/// ASCII case, PostgreSQL's does not), whole numbers for booleans.
/// Only valid inside the store's `write`/`read` closure it was handed to.
public final class SQLDatabase {
    let connection: any SQLConnection
    /// The rows the last `execute` changed.
    public private(set) var changesCount = 0

    public init(_ connection: any SQLConnection) {
        self.connection = connection
    }

    public var dialect: SQLDialect { connection.dialect }

    /// SQLite's `INDEXED BY index` after a table name (its planner needs the hint where the
    /// statistics mislead it); nothing on PostgreSQL, which has no such clause.
    public func indexedBy(_ index: String) -> String {
        dialect == .sqlite ? " INDEXED BY \(index)" : ""
    }

    /// Runs one statement; returns (and keeps as `changesCount`) the rows it changed.
    @discardableResult
    public func execute(sql: String, arguments: SQLArguments = []) throws -> Int {
        changesCount = try connection.execute(sql, arguments.values)
        return changesCount
    }

    /// Runs an `INSERT` into a table with an `id` key and returns the new row's id
    /// (`RETURNING id`, which SQLite since 3.35 and PostgreSQL both understand).
    public func insert(sql: String, arguments: SQLArguments = []) throws -> Int64 {
        let rows = try connection.query(sql + " RETURNING id", arguments.values)
        changesCount = rows.count
        guard let id = try rows.first.map({ try $0.decode(Int64.self, "id") }) else {
            throw SQLDecodingError(column: "id", value: .null, type: "Int64")
        }
        return id
    }

    public func fetchAll(sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try connection.query(sql, arguments.values)
    }

    public func fetchOne(sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try connection.query(sql, arguments.values).first
    }
}

/// A store transaction that holds the application's tables too (both engine stores).
public protocol SQLDatabaseProviding {
    var sqlDatabase: SQLDatabase { get }
}

/// One migration of the application's tables, in each backend's dialect.
public struct SQLMigration: Sendable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

extension SQLRow {
    public static func fetchAll(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try db.fetchAll(sql: sql, arguments: arguments)
    }

    public static func fetchOne(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try db.fetchOne(sql: sql, arguments: arguments)
    }
}

extension SQLValueConvertible {
    /// The first column of every row (rows whose value is NULL or of another type are an error).
    public static func fetchAll(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try db.fetchAll(sql: sql, arguments: arguments).map { try $0.first(Self.self) }
    }

    /// The first column of the first row; `nil` without a row or when the value is NULL.
    public static func fetchOne(_ db: SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> Self? {
        guard let row = try db.fetchOne(sql: sql, arguments: arguments), let value = row.values.first else { return nil }
        if case .null = value { return nil }
        return try row.first(Self.self)
    }
}

/// A statement the database refused because it breaks a rule of the schema: a constraint
/// (NOT NULL, CHECK, UNIQUE, FOREIGN KEY) or a trigger of an append-only table. Both backends
/// report these as this error; other failures (a lost connection, a busy file, a serialization
/// failure the store retries) keep their backend's type.
public struct SQLConstraintError: Error, CustomStringConvertible {
    /// The database's own message (for a trigger, its German rule).
    public let message: String
    /// A UNIQUE or PRIMARY KEY violation: on a store with concurrent writers (PostgreSQL) the sign
    /// of a race two commands ran into (both chose the same next number); the store runs the
    /// command again on a fresh snapshot, where the other's row is seen.
    public let isUniqueViolation: Bool

    public init(message: String, isUniqueViolation: Bool = false) {
        self.message = message
        self.isUniqueViolation = isUniqueViolation
    }

    public var description: String { "Die Datenbank lehnt die Änderung ab: \(message)" }
}

/// A value that did not fit the type asked for: a mismatch between a query and the schema.
public struct SQLDecodingError: Error, CustomStringConvertible {
    public let column: String
    public let value: SQLValue
    public let type: String

    public var description: String {
        "Spalte «\(column)»: der Wert \(value) passt nicht zum Typ \(type)."
    }
}

/// One result row: its columns by name, in the query's order.
public struct SQLRow: Sendable, CustomStringConvertible {
    /// `[name:value …]`, for tests that compare whole tables.
    public var description: String {
        "[" + zip(columns, values).map { "\($0):\($1)" }.joined(separator: " ") + "]"
    }

    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of a column by name (the first of that name); `.null` for a column the
    /// query does not have, as GRDB answers.
    public func value(_ column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    /// The column decoded as `T`. A value that does not fit `T` is a mismatch between the query
    /// and the schema, a programming error: it stops the process, as GRDB's subscript does.
    public subscript<T: SQLValueConvertible>(_ column: String) -> T {
        let value = value(column)
        guard let decoded = T.fromSQL(value) else {
            preconditionFailure(SQLDecodingError(column: column, value: value, type: "\(T.self)").description)
        }
        return decoded
    }

    /// The column at `index` (counted from 0) decoded as `T`; a mismatch stops the process.
    public subscript<T: SQLValueConvertible>(_ index: Int) -> T {
        let value = index < values.count ? values[index] : .null
        guard let decoded = T.fromSQL(value) else {
            preconditionFailure(SQLDecodingError(column: "#\(index)", value: value, type: "\(T.self)").description)
        }
        return decoded
    }

    /// The column as `T`, or a thrown `SQLDecodingError`.
    public func decode<T: SQLValueConvertible>(_ type: T.Type, _ column: String) throws -> T {
        let value = value(column)
        guard let decoded = T.fromSQL(value) else { throw SQLDecodingError(column: column, value: value, type: "\(T.self)") }
        return decoded
    }

    func first<T: SQLValueConvertible>(_ type: T.Type) throws -> T {
        let value = values.first ?? .null
        guard let decoded = T.fromSQL(value) else { throw SQLDecodingError(column: columns.first ?? "?", value: value, type: "\(T.self)") }
        return decoded
    }

    /// Whether the column holds NULL (or the query has no such column).
    public func isNull(_ column: String) -> Bool {
        value(column) == .null
    }
}

/// Turns `?` placeholders into PostgreSQL's `$1`, `$2`, …, leaving quoted text, quoted names
/// and comments alone.
public enum SQLPlaceholders {
    public static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        var lineComment = false
        var previous: Character = " "
        for char in sql {
            if lineComment {
                if char == "\n" { lineComment = false }
            } else if let open = quote {
                if char == open { quote = nil }
            } else if char == "'" || char == "\"" {
                quote = char
            } else if char == "-" && previous == "-" {
                lineComment = true
            } else if char == "?" {
                number += 1
                out += "$\(number)"
                previous = char
                continue
            }
            out.append(char)
            previous = char
        }
        return out
    }
}
