import NahtstelleSQL

extension CaseSchema {
    /// Issue 14 (OPTIMA fidelity): integral case management as a rule of office *and* person, the
    /// installation's settings (the legal basis for releasing ALE recipients during OPTIMA-IV), and
    /// measures booked without a Kostengutsprache.
    static let fidelityMigrations: [SQLMigration] = [
        SQLMigration(name: "cases-3-fidelity", sql: """
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
                """),
        // Issue 14, item 6: a measure of a person entitled at the receiver is booked without a
        // Kostengutsprache; the receiver pays (concept Kap. 5.2).
        SQLMigration(name: "cases-4-own-entitlement-measures", sql: """
                CREATE TABLE own_entitlement_measure (
                    id INTEGER PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES optima_case(id),
                    measure TEXT NOT NULL CHECK (length(measure) >= 1),
                    provider TEXT NOT NULL CHECK (length(provider) >= 1),
                    provider_address TEXT,
                    period_from TEXT NOT NULL,
                    period_to TEXT NOT NULL CHECK (period_to >= period_from),
                    -- CHF in Rappen: exact sums, no floating point.
                    amount_rappen INTEGER NOT NULL CHECK (amount_rappen >= 0),
                    paying_office_id TEXT NOT NULL REFERENCES office(id),
                    -- Why no KGS is needed (the funding rule's wording at booking time).
                    funding_reason TEXT NOT NULL,
                    booked_at TEXT NOT NULL,
                    booked_by TEXT NOT NULL REFERENCES app_user(username)
                );
                CREATE INDEX own_entitlement_measure_case ON own_entitlement_measure(case_id);
                -- The receiver pays from the person's entitlement there: no other office can be charged
                -- without a Kostengutsprache.
                CREATE TRIGGER own_entitlement_measure_receiver_pays BEFORE INSERT ON own_entitlement_measure
                    WHEN NEW.paying_office_id IS NOT (SELECT receiver_office_id FROM optima_case WHERE id = NEW.case_id)
                    BEGIN SELECT RAISE(ABORT, 'Massnahme ohne Kostengutsprache: zahlende Stelle ist die OPTIMA-Stelle des Falls'); END;
                -- A booked measure is a fact of the case: never changed or removed.
                CREATE TRIGGER own_entitlement_measure_no_update BEFORE UPDATE ON own_entitlement_measure
                    BEGIN SELECT RAISE(ABORT, 'Gebuchte Massnahmen werden nicht geändert'); END;
                CREATE TRIGGER own_entitlement_measure_no_delete BEFORE DELETE ON own_entitlement_measure
                    BEGIN SELECT RAISE(ABORT, 'Gebuchte Massnahmen werden nicht gelöscht'); END;
                """),
    ]
}
