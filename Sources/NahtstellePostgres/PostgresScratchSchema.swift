import Logging
import PostgresNIO

/// A schema of its own on a shared database, for a test that must see no other test's rows:
/// tests run in parallel, each on a fresh schema, and leave nothing behind.
public enum PostgresScratchSchema {
    /// Creates the schema `name` (letters, digits, `_`) on the database at `url` and returns the
    /// URL whose connections work in it (`options=-c search_path=name`).
    public static func create(_ name: String, on url: String) throws -> String {
        try run("CREATE SCHEMA \(try identifier(name))", on: url)
        let separator = url.contains("?") ? "&" : "?"
        return url + separator + "options=-c%20search_path%3D" + name
    }

    /// Drops the schema `name` with everything in it.
    public static func drop(_ name: String, on url: String) throws {
        try run("DROP SCHEMA IF EXISTS \(try identifier(name)) CASCADE", on: url)
    }

    private static func identifier(_ name: String) throws -> String {
        guard !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
            throw PostgresStoreError(.invalidURL, "»\(name)« ist kein Schemaname aus Kleinbuchstaben, Ziffern und _.")
        }
        return name
    }

    private static func run(_ sql: String, on url: String) throws {
        var location = try PostgresLocation(url: url)
        location.poolSize = 1
        let pool = try ConnectionPool(location, logger: Logger(label: "nahtstelle.postgres.scratch"))
        _ = try pool.withSession { session in try session.query(PostgresQuery(unsafeSQL: sql)) }
    }
}
