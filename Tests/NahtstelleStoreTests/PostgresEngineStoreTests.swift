import Foundation
import NahtstelleEngine
import NahtstellePostgres
import NahtstelleStoreTesting
import Testing

/// What only the PostgreSQL store has: its URL, its schema's own guarantees, its migrations.
/// (What every store must do is in `EngineStoreContractTests`.)
@Suite("PostgreSQL store: URL, schema, migrations")
struct PostgresEngineStoreTests {
    @Test func urlsAreReadAsLibpqReadsThem() throws {
        let full = try PostgresLocation(url: "postgres://anna:ge%2Fheim@db.example.ch:6543/nahtstelle?sslmode=require&pool_size=3&options=-c%20search_path%3Dx")
        #expect(full.user == "anna" && full.password == "ge/heim" && full.host == "db.example.ch" && full.port == 6543)
        #expect(full.database == "nahtstelle" && full.sslMode == .require && full.poolSize == 3)
        #expect(full.settings.map { "\($0.0)=\($0.1)" } == ["search_path=x"])
        #expect(full.description == "postgres://anna@db.example.ch:6543/nahtstelle")
        let plain = try PostgresLocation(url: "postgresql://nahtstelle@localhost/db")
        #expect(plain.port == 5432 && plain.password == nil && plain.sslMode == .prefer && plain.unixSocketFolder == nil)
        #expect(try PostgresLocation(url: "postgres://n@%2Frun%2Fpostgresql/db").unixSocketFolder == "/run/postgresql")
        #expect(try PostgresLocation(url: "postgres://n@localhost/db?host=/run/postgresql").unixSocketFolder == "/run/postgresql")
    }

    @Test(arguments: ["sqlite:var/x.sqlite", "postgres://localhost/db", "postgres://n@localhost/", "postgres://n@localhost/db?sslmode=sometimes",
                      "postgres://n@localhost/db?colour=blue", "postgres://n:geheim@localhost/db?pool_size=0"])
    func badURLsAreRefusedWithAnExample(_ url: String) {
        let error = #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: url) }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.contains("Beispiel: postgres://") == true)
        #expect(error?.message.contains("geheim") == false)
    }

    @Test func anUnreachableServerIsNamed() {
        let error = #expect(throws: PostgresStoreError.self) { try PostgresEngineStore(url: "postgres://n:pw@127.0.0.1:1/db?sslmode=disable") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("postgres://n@127.0.0.1:1/db") == true)
        #expect(error?.message.contains("pw") == false)
    }

    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func historyIsAppendOnly() throws {
        let database = try ScratchDatabase(.postgres)
        let store = try PostgresEngineStore(url: database.location)
        try store.write { tx in
            try tx.appendHistory(HistoryRecord(at: Date(), actor: "anna", command: "complete", instanceID: nil, businessKey: nil,
                                               taskID: nil, elementID: nil, details: "{}"))
        }
        for statement in ["UPDATE history SET actor = 'mallory'", "DELETE FROM history", "TRUNCATE history"] {
            let error = #expect(throws: PostgresStoreError.self, "\(statement)") { try store.execute(sql: statement) }
            #expect(error?.message.contains("append-only") == true)
        }
        #expect(try store.read { try $0.history(businessKey: "none") }.isEmpty)
        #expect(try store.execute(sql: "SELECT 1 FROM history WHERE actor = 'anna'") == 1)
    }

    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func theSchemaRefusesUnknownStatesAndDanglingReferences() throws {
        let database = try ScratchDatabase(.postgres)
        let store = try PostgresEngineStore(url: database.location)
        let check = #expect(throws: PostgresStoreError.self) {
            try store.execute(sql: "INSERT INTO instance (definition_id, process_id, status, version, state, started_at) VALUES (1, 'p', 'bogus', 1, '', 0)")
        }
        #expect(check?.sqlState == "23514" || check?.sqlState == "23503")
        let reference = #expect(throws: PostgresStoreError.self) {
            try store.write { tx in
                _ = try tx.insertInstance(InstanceRecord(definitionID: 999, processID: "p", businessKey: nil, status: .running, version: 1,
                                                         state: [], startedAt: Date(), endedAt: nil, endEventID: nil))
            }
        }
        #expect(reference?.sqlState == "23503")
    }

    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func migrationsRunOnceAndANewerSchemaIsRefused() throws {
        let database = try ScratchDatabase(.postgres)
        let store = try PostgresEngineStore(url: database.location)
        #expect(try store.execute(sql: "SELECT name FROM nahtstelle_migration") == 4)
        _ = try PostgresEngineStore(url: database.location)  // a second node starting: nothing to do
        #expect(try store.execute(sql: "SELECT name FROM nahtstelle_migration") == 4)
        try store.execute(sql: "INSERT INTO nahtstelle_migration (name) VALUES ('engine-99-future')")
        let error = #expect(throws: PostgresStoreError.self) { try PostgresEngineStore(url: database.location) }
        #expect(error?.code == .unknownMigration)
        #expect(error?.message.contains("engine-99-future") == true)
    }

    /// PostgreSQL aborts a transaction at a failed statement and answers its COMMIT with ROLLBACK,
    /// without an error. A body that catches the error and goes on must not be told it committed.
    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func aCaughtStatementErrorFailsTheCommit() throws {
        let database = try ScratchDatabase(.postgres)
        let store = try PostgresEngineStore(url: database.location)
        let error = #expect(throws: PostgresStoreError.self) {
            try store.write { tx in
                try tx.appendHistory(HistoryRecord(at: Date(), actor: "anna", command: "complete", instanceID: nil, businessKey: nil,
                                                   taskID: nil, elementID: nil, details: "{}"))
                // No definition 999: the foreign key refuses the row, and the body carries on.
                _ = try? tx.insertInstance(InstanceRecord(definitionID: 999, processID: "p", businessKey: nil, status: .running, version: 1,
                                                          state: [], startedAt: Date(), endedAt: nil, endEventID: nil))
            }
        }
        #expect(error?.sqlState == "23503")
        #expect(try store.execute(sql: "SELECT 1 FROM history WHERE actor = 'anna'") == 0)
        // The connection is fine afterwards: the next transaction commits.
        try store.write { tx in
            try tx.appendHistory(HistoryRecord(at: Date(), actor: "anna", command: "complete", instanceID: nil, businessKey: nil,
                                               taskID: nil, elementID: nil, details: "{}"))
        }
        #expect(try store.execute(sql: "SELECT 1 FROM history WHERE actor = 'anna'") == 1)
    }

    /// The completion's UPDATE, planned generically as a prepared statement is after a few runs,
    /// finds its row by the primary key. Saying "open" with `ended_at IS NULL` let the partial
    /// index `task_inbox` (…, id) match, and the plan made while the table was small walked that
    /// whole index for the id on every completion — and kept doing so on that connection.
    @Test(.enabled(if: StoreBackend.postgresURL != nil))
    func aCompletionFindsItsTaskByThePrimaryKeyInAGenericPlan() throws {
        let database = try ScratchDatabase(.postgres)
        let store = try PostgresEngineStore(url: database.location)
        let statement = PostgresTransaction.completeTaskSQL.replacingOccurrences(of: "'", with: "''")
        // EXPLAIN only plans (the UPDATE does not run); the DO block fails on any other index.
        try store.execute(sql: """
            DO $check$ DECLARE line text; BEGIN
                SET LOCAL plan_cache_mode = force_generic_plan;
                EXECUTE 'PREPARE completion(double precision, text, bigint, bigint) AS \(statement)';
                FOR line IN EXECUTE 'EXPLAIN EXECUTE completion(0, ''anna'', 1, 1)' LOOP
                    IF line LIKE '%Scan%' AND line NOT LIKE '%Index Scan using task_pkey on task%' THEN
                        RAISE EXCEPTION 'Plan der Erledigung: %', line;
                    END IF;
                END LOOP;
                DEALLOCATE completion;
            END $check$
            """)
    }
}
