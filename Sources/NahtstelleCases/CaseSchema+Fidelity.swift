import GRDB

extension CaseSchema {
    /// Issue 14 (OPTIMA fidelity): integral case management as a rule of office *and* person, and
    /// the installation's settings (the legal basis for releasing ALE recipients during OPTIMA-IV).
    static func registerFidelity(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("cases-3-fidelity") { db in
            try db.execute(sql: """
                -- The office takes on case management only for persons with wirtschaftliche Sozialhilfe
                -- (Soziale Dienste Stadt Luzern); meaningful only with integral_case_management = 1.
                ALTER TABLE office ADD COLUMN integral_case_management_financial_only INTEGER NOT NULL DEFAULT 0
                    CHECK (integral_case_management_financial_only = 0 OR integral_case_management_financial_only = 1);

                -- Settings of the installation, changed by the coordination office (audited: who, when).
                CREATE TABLE installation_setting (
                    key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
                    value TEXT NOT NULL,
                    changed_at REAL NOT NULL,
                    changed_by TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
    }
}
