import Foundation
import NahtstelleSQL
import NIOCore
import PostgresNIO

/// The application's tables in the engine's PostgreSQL transaction: `?` numbered to `$n`,
/// values in the storage classes SQLite has (`bigint`, `int`, `boolean` → integer; `numeric`
/// from `SUM` → integer when whole; `double precision` → real; text types → text; `bytea` → blob).
struct PostgresSQLConnection: SQLConnection {
    let session: PostgresSession
    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try Self.constraints { try session.query(Self.query(sql, arguments)).metadata.rows ?? 0 }
    }

    /// Integrity violations (class `23`) and the schema's rule triggers (`NZ002`) as
    /// `SQLConstraintError`; everything else (serialization failures the store retries) as it is.
    private static func constraints<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresStoreError where error.sqlState?.hasPrefix("23") == true || error.sqlState == "NZ002" {
            throw SQLConstraintError(message: error.message, isUniqueViolation: error.sqlState == "23505")
        }
    }

    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let result = try Self.constraints { try session.query(Self.query(sql, arguments)) }
        // Every row has the same columns: their names from the first.
        let columns = result.rows.first.map { row in row.map(\.columnName) } ?? []
        return try result.rows.map { row in SQLRow(columns: columns, values: try row.map { try Self.value($0, sql: sql) }) }
    }

    static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: binds.appendNull()
            case .integer(let int): binds.append(int)
            case .real(let double): binds.append(double)
            case .text(let text): binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: SQLPlaceholders.numbered(sql), binds: binds)
    }

    static func value(_ cell: PostgresCell, sql: String) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .numeric:
                let decimal = try cell.decode(Decimal.self)
                var rounded = Decimal()
                var copy = decimal
                NSDecimalRound(&rounded, &copy, 0, .plain)
                if rounded == decimal, let int = Int64(exactly: NSDecimalNumber(decimal: decimal).int64Value),
                   Decimal(int) == decimal {
                    return .integer(int)
                }
                return .real(NSDecimalNumber(decimal: decimal).doubleValue)
            case .bytea:
                let buffer = try cell.decode(ByteBuffer.self)
                return .blob(Array(buffer.readableBytesView))
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            throw PostgresStoreError(.statementFailed, "Spalte «\(cell.columnName)» (Typ \(cell.dataType)) ist nicht lesbar: \(error)", sql: sql)
        }
    }
}

extension PostgresTransaction: SQLDatabaseProviding {
    public var sqlDatabase: SQLDatabase { SQLDatabase(PostgresSQLConnection(session: session)) }
}
