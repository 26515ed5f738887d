import PostgresNIO

/// A problem reaching or using the PostgreSQL database, with what is wrong and how to fix it.
/// Conflicts between commands are not these: they are `EngineError(.conflict)` as with SQLite.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// The URL cannot be read.
        case invalidURL
        /// No connection (server down, wrong port, authentication refused).
        case connectionFailed
        /// The server refused a statement (a constraint, a trigger, a type); `sqlState` says which.
        case statementFailed
        /// Every connection of the pool stayed busy for longer than the wait allows.
        case poolExhausted
        /// The database's schema is newer than this program (a migration it does not know).
        case unknownMigration
    }

    public var code: Code
    public var message: String
    /// PostgreSQL's SQLSTATE (`23505` unique violation, `23514` check violation, `P0001` raised by a trigger …).
    public var sqlState: String?
    /// The statement that failed, without its values.
    public var sql: String?
    /// The constraint a violation names (`definition_process_id_version_key` …).
    public var constraint: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil, sql: String? = nil, constraint: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.sql = sql
        self.constraint = constraint
    }

    public var description: String {
        var text = message
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let sql { text += " — \(sql)" }
        return text
    }

    /// The server's SQLSTATE of an error postgres-nio reported, if it came from the server.
    static func sqlState(of error: any Error) -> String? {
        serverFields(error)?[.sqlState]
    }

    /// The server's error fields, from either of postgres-nio's error types (its prepared
    /// statements report `PostgresError`, its queries `PSQLError`).
    private static func serverFields(_ error: any Error) -> [PostgresMessage.Error.Field: String]? {
        if let psql = error as? PSQLError, let info = psql.serverInfo {
            return [.sqlState: info[.sqlState], .message: info[.message], .detail: info[.detail], .constraintName: info[.constraintName]]
                .compactMapValues { $0 }
        }
        if case .server(let message)? = error as? PostgresError { return message.fields }
        return nil
    }

    /// A statement error as this type: the server's message, state and the statement.
    static func statement(_ error: any Error, sql: String) -> any Error {
        if let already = error as? PostgresStoreError { return already }
        guard let fields = serverFields(error) else {
            guard error is PSQLError || error is PostgresError else { return error }
            return PostgresStoreError(.connectionFailed, "Die Verbindung zur PostgreSQL-Datenbank ist abgebrochen (\(error)). "
                                      + "Bitte prüfen, ob der Server läuft; der Befehl wurde nicht ausgeführt.", sql: sql)
        }
        let detail = fields[.detail].map { " (\($0))" } ?? ""
        return PostgresStoreError(.statementFailed, (fields[.message] ?? "\(error)") + detail, sqlState: fields[.sqlState], sql: sql,
                                  constraint: fields[.constraintName])
    }
}
