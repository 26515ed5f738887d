import Foundation
import NahtstelleEngine
import NahtstelleSQL
import NahtstelleStore
import NahtstelleStoreTesting
import Testing

/// The application's backend-neutral SQL: placeholders, values and constraint errors the same on
/// both stores.
@Suite("SQL der Anwendung auf beiden Speichern")
struct SQLDatabaseTests {
    @Test func placeholdersAreNumberedOutsideQuotesAndComments() {
        #expect(SQLPlaceholders.numbered("SELECT ? , '?' , \"a?\" , ? -- ?\n, ?") == "SELECT $1 , '?' , \"a?\" , $2 -- ?\n, $3")
        #expect(SQLPlaceholders.numbered("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1")
        #expect(SQLPlaceholders.numbered("x LIKE ? ESCAPE '\\' OR y = ?") == "x LIKE $1 ESCAPE '\\' OR y = $2")
    }

    @Test(arguments: StoreBackend.available)
    func valuesRoundTripAndConstraintsAreOneErrorType(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let tables = { (body: (SQLDatabase) throws -> Void) throws in
            try store.write { tx in try body(try #require(tx as? SQLDatabaseProviding).sqlDatabase) }
        }
        try tables { db in
            let blob = backend == .postgres ? "bytea" : "BLOB", real = backend == .postgres ? "double precision" : "REAL"
            let int = backend == .postgres ? "bigint" : "INTEGER"
            try db.execute(sql: "CREATE TABLE probe (id \(int) PRIMARY KEY, t TEXT NOT NULL CHECK (length(t) < 20), r \(real), b \(blob), f \(int))")
            let id = try db.insert(sql: "INSERT INTO probe (id, t, r, b, f) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [7, "& < > \" ' \u{1}", 0.1 + 0.2, [UInt8]([0, 255, 10]), true])
            #expect(id == 7)
            let row = try #require(try SQLRow.fetchOne(db, sql: "SELECT * FROM probe WHERE id = ?", arguments: [7]))
            #expect(row["t"] as String == "& < > \" ' \u{1}")
            #expect(row["r"] as Double == 0.1 + 0.2)
            #expect(row["b"] as [UInt8] == [0, 255, 10])
            #expect(row["f"] as Bool == true)
            #expect(row["missing"] as String? == nil)
            // Sums and comparisons come back as whole numbers on both (PostgreSQL: numeric and boolean).
            #expect(try Int.fetchOne(db, sql: "SELECT SUM(id) FROM probe") == 7)
            #expect(try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM probe WHERE f = 1)") == true)
            #expect(try db.execute(sql: "UPDATE probe SET f = 0 WHERE id > ?", arguments: [0]) == 1)
            #expect(db.changesCount == 1)
        }
        for bad in ["INSERT INTO probe (id, t) VALUES (7, 'x')", "INSERT INTO probe (id, t) VALUES (8, NULL)",
                    "INSERT INTO probe (id, t) VALUES (9, 'this text is far too long')"] {
            #expect(throws: SQLConstraintError.self) { try tables { db in try db.execute(sql: bad) } }
        }
    }
}
