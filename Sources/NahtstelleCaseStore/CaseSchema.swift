import NahtstelleSQL

/// The tables of the OPTIMA application, registered after the engine's (same file, same
/// transactions). Constraints live here, not in Swift: a bug above cannot book a measure
/// without an approved Kostengutsprache or overwrite a document a client already received.
///
/// Choice columns are checked with `OR` chains, never `IN (…)`: SQLite builds an ephemeral
/// table per statement for an `IN` list in a CHECK or a partial-index WHERE clause. A CHECK
/// whose expression is NULL passes, so rules on nullable columns test `IS NOT NULL` first.
/// Dates are ISO text (`2026-11-24`, sortable); instants are Unix seconds (REAL, as the engine's).
public enum CaseSchema {
    /// The application's migrations on SQLite, in order (registered after the engine's).
    public static let sqliteMigrations: [SQLMigration] = [
        SQLMigration(name: "cases-1-schema", sql: """
                CREATE TABLE office (
                    id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
                    name TEXT NOT NULL CHECK (length(name) >= 1),
                    type TEXT NOT NULL CHECK (type = 'RAV' OR type = 'IV' OR type = 'SD'),
                    department TEXT,
                    street TEXT NOT NULL,
                    postal_code TEXT NOT NULL,
                    city TEXT NOT NULL,
                    phone TEXT,
                    email TEXT,
                    -- Only an SD/SoBZ can offer integral case management (OPTIMA-SH receivers).
                    integral_case_management INTEGER NOT NULL DEFAULT 0
                        CHECK (integral_case_management = 0 OR (integral_case_management = 1 AND type = 'SD')),
                    -- RAV: the unemployment fund named in the Vereinbarung ALV.
                    unemployment_fund TEXT
                );
                CREATE TABLE app_user (
                    username TEXT PRIMARY KEY CHECK (length(username) BETWEEN 1 AND 64),
                    first_name TEXT NOT NULL,
                    last_name TEXT NOT NULL,
                    display_name TEXT NOT NULL,
                    office_id TEXT NOT NULL REFERENCES office(id),
                    function TEXT,
                    phone TEXT,
                    email TEXT
                );
                CREATE INDEX app_user_office ON app_user(office_id);
                CREATE TABLE user_role (
                    username TEXT NOT NULL REFERENCES app_user(username),
                    role TEXT NOT NULL CHECK (role = 'advisor' OR role = 'optima-contact' OR role = 'signatory' OR role = 'coordinator'),
                    PRIMARY KEY (username, role)
                ) WITHOUT ROWID;

                CREATE TABLE optima_case (
                    id TEXT PRIMARY KEY,
                    referrer_office_id TEXT NOT NULL REFERENCES office(id),
                    referrer_type TEXT NOT NULL CHECK (referrer_type = 'RAV' OR referrer_type = 'IV' OR referrer_type = 'SD'),
                    referrer_advisor TEXT NOT NULL REFERENCES app_user(username),
                    receiver_office_id TEXT NOT NULL REFERENCES office(id),
                    receiver_type TEXT NOT NULL CHECK (receiver_type = 'RAV' OR receiver_type = 'IV' OR receiver_type = 'SD'),
                    receiver_advisor TEXT REFERENCES app_user(username),
                    paying_office_id TEXT NOT NULL REFERENCES office(id),
                    process_kind TEXT NOT NULL CHECK (process_kind = 'optima-alv' OR process_kind = 'optima-iv' OR process_kind = 'optima-sh'),
                    person_last_name TEXT NOT NULL,
                    person_first_name TEXT NOT NULL,
                    person_birth_date TEXT NOT NULL,
                    -- Normalised 756.XXXX.XXXX.XC (validated with its check digit by the forms layer).
                    person_ahv TEXT NOT NULL CHECK (length(person_ahv) = 16 AND substr(person_ahv, 1, 4) = '756.'),
                    person_street TEXT NOT NULL,
                    person_postal_code TEXT NOT NULL,
                    person_city TEXT NOT NULL,
                    person_phone TEXT,
                    person_pers_nr TEXT,
                    -- PersonStatus by field name (eligibility inputs at application time).
                    status_json TEXT NOT NULL CHECK (json_valid(status_json)),
                    goal TEXT NOT NULL,
                    topics_json TEXT NOT NULL CHECK (json_valid(topics_json)),
                    remarks TEXT,
                    planned_months INTEGER NOT NULL CHECK (planned_months = 3 OR planned_months = 6),
                    target_group TEXT CHECK (target_group IS NULL OR target_group = 'A' OR target_group = 'B' OR target_group = 'C'
                        OR target_group = 'D' OR target_group = 'E' OR target_group = 'F' OR target_group = 'G' OR target_group = 'H'
                        OR target_group = 'I' OR target_group = 'SD-SD'),
                    target_group_explanation TEXT NOT NULL,
                    -- The advisory pre-check at submission: light and every condition.
                    eligibility_json TEXT NOT NULL CHECK (json_valid(eligibility_json)),
                    -- The validated Antragsformular values (tagged JSON), for regenerating it.
                    application_json TEXT NOT NULL CHECK (json_valid(application_json)),
                    state TEXT NOT NULL CHECK (state = 'submitted' OR state = 'in-clarification' OR state = 'accepted'
                        OR state = 'rejected' OR state = 'active' OR state = 'no-agreement' OR state = 'closed'),
                    applied_at TEXT NOT NULL,
                    decided_at TEXT,
                    decision TEXT CHECK (decision IS NULL OR decision = 'accepted' OR decision = 'rejected'),
                    rejection_reason TEXT CHECK (rejection_reason IS NULL OR rejection_reason = 'iv-rejection-under-1-year'
                        OR rejection_reason = 'no-intact-labour-offer' OR rejection_reason = 'no-capacity'
                        OR rejection_reason = 'goal-not-achievable' OR rejection_reason = 'other'),
                    rejection_text TEXT,
                    handover_meeting_at TEXT,
                    handover_at TEXT,
                    next_status_meeting_at TEXT,
                    closed_at TEXT,
                    closing_reason TEXT CHECK (closing_reason IS NULL OR closing_reason = 'revoked-by-referrer'
                        OR closing_reason = 'goal-reached' OR closing_reason = 'goal-not-achievable'
                        OR closing_reason = 'cost-approval-refused' OR closing_reason = 'parallel-case-management'),
                    outcome TEXT CHECK (outcome IS NULL OR outcome = 'successful' OR outcome = 'partial'
                        OR outcome = 'not-achieved' OR outcome = 'other'),
                    optima_instance_id INTEGER REFERENCES instance(id),
                    reduced_instance_id INTEGER REFERENCES instance(id),
                    created_at REAL NOT NULL,
                    created_by TEXT NOT NULL,
                    CHECK (referrer_office_id != receiver_office_id),
                    CHECK ((decision IS NULL) = (decided_at IS NULL)),
                    CHECK (decided_at IS NULL OR decided_at >= applied_at),
                    CHECK (rejection_reason IS NULL OR (decision IS NOT NULL AND decision = 'rejected')),
                    CHECK (decision != 'rejected' OR rejection_reason IS NOT NULL),
                    CHECK (handover_at IS NULL OR (decision IS NOT NULL AND decision = 'accepted')),
                    CHECK (closed_at IS NULL OR handover_at IS NOT NULL),
                    CHECK ((closed_at IS NULL) = (closing_reason IS NULL)),
                    CHECK ((closed_at IS NULL) = (outcome IS NULL)),
                    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
                );
                CREATE INDEX optima_case_referrer ON optima_case(referrer_office_id);
                CREATE INDEX optima_case_receiver ON optima_case(receiver_office_id);
                CREATE INDEX optima_case_applied ON optima_case(applied_at);

                CREATE TABLE cost_approval (
                    id INTEGER PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES optima_case(id),
                    measure TEXT NOT NULL CHECK (length(measure) >= 1),
                    provider TEXT NOT NULL,
                    provider_address TEXT,
                    period_from TEXT NOT NULL,
                    period_to TEXT NOT NULL CHECK (period_to >= period_from),
                    positions_json TEXT NOT NULL CHECK (json_valid(positions_json)),
                    -- CHF in Rappen: exact sums, no floating point.
                    amount_rappen INTEGER NOT NULL CHECK (amount_rappen >= 0),
                    paying_office_id TEXT NOT NULL REFERENCES office(id),
                    requested_at TEXT NOT NULL,
                    requested_by TEXT NOT NULL,
                    signature_due TEXT NOT NULL,
                    decision TEXT CHECK (decision IS NULL OR decision = 'approved' OR decision = 'rejected'),
                    decided_at TEXT,
                    decided_by TEXT,
                    decision_note TEXT,
                    booked_at TEXT,
                    booked_by TEXT,
                    measure_start TEXT,
                    measure_end TEXT,
                    invoice_number TEXT,
                    invoice_date TEXT,
                    invoice_amount_rappen INTEGER CHECK (invoice_amount_rappen IS NULL OR invoice_amount_rappen >= 0),
                    invoice_forwarded_at TEXT,
                    paid_at TEXT,
                    paid_amount_rappen INTEGER CHECK (paid_amount_rappen IS NULL OR paid_amount_rappen >= 0),
                    CHECK ((decision IS NULL) = (decided_at IS NULL)),
                    -- No measure without a signed Kostengutsprache: never pre-financed. (IS NOT NULL first:
                    -- a CHECK that evaluates to NULL passes.)
                    CHECK (booked_at IS NULL OR (decision IS NOT NULL AND decision = 'approved')),
                    CHECK (invoice_forwarded_at IS NULL OR booked_at IS NOT NULL),
                    CHECK (paid_at IS NULL OR invoice_forwarded_at IS NOT NULL)
                );
                CREATE INDEX cost_approval_case ON cost_approval(case_id);
                -- A signature is final: an approved KGS cannot become rejected (or the reverse).
                CREATE TRIGGER cost_approval_decision_final BEFORE UPDATE OF decision ON cost_approval
                    WHEN OLD.decision IS NOT NULL AND NEW.decision IS NOT OLD.decision
                    BEGIN SELECT RAISE(ABORT, 'Kostengutsprache: der Entscheid ist unterzeichnet und kann nicht mehr geändert werden'); END;

                CREATE TABLE case_document (
                    id INTEGER PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES optima_case(id),
                    template TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version >= 1),
                    file_name TEXT NOT NULL,
                    bytes BLOB NOT NULL,
                    size INTEGER NOT NULL CHECK (size = length(bytes)),
                    created_at REAL NOT NULL,
                    created_by TEXT NOT NULL,
                    -- The process step that produced it (service or user task id), if any.
                    element_id TEXT,
                    cost_approval_id INTEGER REFERENCES cost_approval(id),
                    UNIQUE (case_id, template, version)
                );
                -- A document a client may have received is never changed or removed: a re-generation
                -- adds version n+1.
                CREATE TRIGGER case_document_no_update BEFORE UPDATE ON case_document
                    BEGIN SELECT RAISE(ABORT, 'Dokumente werden nie überschrieben; eine neue Version erstellen'); END;
                CREATE TRIGGER case_document_no_delete BEFORE DELETE ON case_document
                    BEGIN SELECT RAISE(ABORT, 'Dokumente werden nie gelöscht'); END;

                CREATE TABLE notification (
                    id INTEGER PRIMARY KEY,
                    case_id TEXT REFERENCES optima_case(id),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    role TEXT CHECK (role IS NULL OR role = 'advisor' OR role = 'optima-contact' OR role = 'signatory' OR role = 'coordinator'),
                    username TEXT REFERENCES app_user(username),
                    -- The step that sent it (e.g. notify-cost-approval-reminder).
                    kind TEXT NOT NULL,
                    text TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    read_at REAL,
                    CHECK (role IS NOT NULL OR username IS NOT NULL)
                );
                CREATE INDEX notification_office ON notification(office_id, created_at);
                CREATE INDEX notification_case ON notification(case_id);
                """),

        // Health data is sensitive (DSG): who read which case or document, append-only. Writes are
        // in the engine's history (every command, with its actor).
        SQLMigration(name: "cases-2-access-log", sql: """
                CREATE TABLE case_access (
                    id INTEGER PRIMARY KEY,
                    at REAL NOT NULL,
                    username TEXT NOT NULL,
                    case_id TEXT REFERENCES optima_case(id),
                    action TEXT NOT NULL CHECK (action = 'view-case' OR action = 'list-documents' OR action = 'read-document'
                        OR action = 'list-cases' OR action = 'export'),
                    document_id INTEGER REFERENCES case_document(id)
                );
                CREATE INDEX case_access_case ON case_access(case_id);
                CREATE TRIGGER case_access_no_update BEFORE UPDATE ON case_access
                    BEGIN SELECT RAISE(ABORT, 'case_access is append-only'); END;
                CREATE TRIGGER case_access_no_delete BEFORE DELETE ON case_access
                    BEGIN SELECT RAISE(ABORT, 'case_access is append-only'); END;
                """),

        // The server (docs/server.md): passwords (bcrypt hashes), sessions in the database so that any
        // node serves any request (tokens stored as SHA-256 only), failed logins for the rate limit,
        // and the access log with the client's address, the request id and the server's actions.
        SQLMigration(name: "cases-3-server", sql: """
                CREATE TABLE auth_credential (
                    username TEXT PRIMARY KEY REFERENCES app_user(username),
                    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$2%'),
                    updated_at REAL NOT NULL
                );
                CREATE TABLE auth_session (
                    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
                    username TEXT NOT NULL REFERENCES app_user(username),
                    csrf_token TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_seen_at REAL NOT NULL,
                    client_address TEXT
                );
                CREATE INDEX auth_session_user ON auth_session(username);
                CREATE TABLE auth_failure (
                    id INTEGER PRIMARY KEY,
                    username TEXT NOT NULL,
                    client_address TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX auth_failure_key ON auth_failure(username, client_address, at);
                CREATE TABLE case_access_v3 (
                    id INTEGER PRIMARY KEY,
                    at REAL NOT NULL,
                    username TEXT NOT NULL,
                    case_id TEXT REFERENCES optima_case(id),
                    action TEXT NOT NULL CHECK (length(action) BETWEEN 3 AND 64 AND action NOT GLOB '*[^a-z0-9-]*'),
                    document_id INTEGER REFERENCES case_document(id),
                    client_address TEXT,
                    request_id TEXT
                );
                INSERT INTO case_access_v3 (id, at, username, case_id, action, document_id)
                    SELECT id, at, username, case_id, action, document_id FROM case_access;
                DROP TABLE case_access;
                ALTER TABLE case_access_v3 RENAME TO case_access;
                CREATE INDEX case_access_case ON case_access(case_id);
                CREATE INDEX case_access_user ON case_access(username, at);
                CREATE INDEX case_access_at ON case_access(at);
                CREATE TRIGGER case_access_no_update BEFORE UPDATE ON case_access
                    BEGIN SELECT RAISE(ABORT, 'case_access is append-only'); END;
                CREATE TRIGGER case_access_no_delete BEFORE DELETE ON case_access
                    BEGIN SELECT RAISE(ABORT, 'case_access is append-only'); END;
                """),
    ] + fidelityMigrations + deskMigrations + templateMigrations + [throttleSQLite]
}
