import NahtstelleSQL

extension CaseSchema {
    /// Issue 10 (the advisors' desk): per-user read receipts of notifications, follow-up dates
    /// ("Wiedervorlage"), case notes, saved inbox filters, letters marked as sent, the PDFs of
    /// document versions and the e-mail notices of tasks.
    static let deskMigrations: [SQLMigration] = [
        SQLMigration(name: "cases-4-desk", sql: """
                -- A notification to a role reaches every holder of it: each reads it for themself.
                CREATE TABLE notification_read (
                    notification_id INTEGER NOT NULL REFERENCES notification(id),
                    username TEXT NOT NULL REFERENCES app_user(username),
                    read_at REAL NOT NULL,
                    PRIMARY KEY (notification_id, username)
                ) WITHOUT ROWID;

                -- Hidden from the user's inbox (task) or case list (case) until the day `until`
                -- (ISO date; shown again from that day on).
                CREATE TABLE follow_up (
                    id INTEGER PRIMARY KEY,
                    username TEXT NOT NULL REFERENCES app_user(username),
                    task_id INTEGER REFERENCES task(id),
                    case_id TEXT REFERENCES optima_case(id),
                    until TEXT NOT NULL CHECK (length(until) = 10 AND until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                    set_at REAL NOT NULL,
                    CHECK ((task_id IS NULL) != (case_id IS NULL))
                );
                CREATE UNIQUE INDEX follow_up_task ON follow_up(username, task_id) WHERE task_id IS NOT NULL;
                CREATE UNIQUE INDEX follow_up_case ON follow_up(username, case_id) WHERE case_id IS NOT NULL;
                CREATE INDEX follow_up_until ON follow_up(username, until);

                -- Notes on a case: seen by both offices of the case, never changed or removed.
                CREATE TABLE case_note (
                    id INTEGER PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES optima_case(id),
                    author TEXT NOT NULL REFERENCES app_user(username),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    text TEXT NOT NULL CHECK (length(trim(text)) >= 1 AND length(text) <= 4000),
                    created_at REAL NOT NULL
                );
                CREATE INDEX case_note_case ON case_note(case_id, id);
                CREATE TRIGGER case_note_no_update BEFORE UPDATE ON case_note
                    BEGIN SELECT RAISE(ABORT, 'Notizen werden nie geändert; eine neue Notiz erfassen'); END;
                CREATE TRIGGER case_note_no_delete BEFORE DELETE ON case_note
                    BEGIN SELECT RAISE(ABORT, 'Notizen werden nie gelöscht'); END;

                -- Saved inbox filters, by name per user.
                CREATE TABLE saved_filter (
                    id INTEGER PRIMARY KEY,
                    username TEXT NOT NULL REFERENCES app_user(username),
                    name TEXT NOT NULL CHECK (length(trim(name)) >= 1 AND length(name) <= 60),
                    role TEXT CHECK (role IS NULL OR role = 'advisor' OR role = 'optima-contact' OR role = 'signatory'
                        OR role = 'coordinator'),
                    process TEXT CHECK (process IS NULL OR (length(process) BETWEEN 1 AND 64 AND process NOT GLOB '*[^a-z0-9-]*')),
                    due TEXT CHECK (due IS NULL OR due = 'overdue' OR due = 'today' OR due = 'week'),
                    assignee TEXT CHECK (assignee IS NULL OR assignee = 'me' OR assignee = 'none'),
                    saved_at REAL NOT NULL,
                    UNIQUE (username, name)
                );

                -- A letter (a document version) sent to its recipient: once, never changed.
                CREATE TABLE letter_dispatch (
                    document_id INTEGER PRIMARY KEY REFERENCES case_document(id),
                    case_id TEXT NOT NULL REFERENCES optima_case(id),
                    channel TEXT NOT NULL CHECK (channel = 'post' OR channel = 'handed-over' OR channel = 'email'),
                    sent_on TEXT NOT NULL CHECK (length(sent_on) = 10),
                    sent_by TEXT NOT NULL REFERENCES app_user(username),
                    recorded_at REAL NOT NULL,
                    recorded_by TEXT NOT NULL REFERENCES app_user(username)
                );
                CREATE INDEX letter_dispatch_case ON letter_dispatch(case_id);
                CREATE TRIGGER letter_dispatch_no_update BEFORE UPDATE ON letter_dispatch
                    BEGIN SELECT RAISE(ABORT, 'Ein versandter Brief bleibt versandt'); END;
                CREATE TRIGGER letter_dispatch_no_delete BEFORE DELETE ON letter_dispatch
                    BEGIN SELECT RAISE(ABORT, 'Ein versandter Brief bleibt versandt'); END;

                -- The PDF of a document version (LibreOffice), made once.
                CREATE TABLE document_pdf (
                    document_id INTEGER PRIMARY KEY REFERENCES case_document(id),
                    bytes BLOB NOT NULL,
                    size INTEGER NOT NULL CHECK (size = length(bytes) AND size > 0),
                    created_at REAL NOT NULL
                );

                -- E-mail notices of tasks (no personal data: only a link). One per task, person and kind.
                CREATE TABLE mail_notice (
                    id INTEGER PRIMARY KEY,
                    task_id INTEGER NOT NULL REFERENCES task(id),
                    username TEXT NOT NULL REFERENCES app_user(username),
                    kind TEXT NOT NULL CHECK (kind = 'new' OR kind = 'overdue'),
                    email TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    next_attempt_at REAL NOT NULL,
                    sent_at REAL,
                    failed_at REAL,
                    last_error TEXT,
                    UNIQUE (task_id, username, kind)
                );
                CREATE INDEX mail_notice_pending ON mail_notice(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
                -- How far the notices have looked: the last task id seen, the moment overdue checks start.
                CREATE TABLE mail_cursor (
                    key TEXT PRIMARY KEY CHECK (key = 'last-task-id' OR key = 'overdue-since'),
                    value REAL NOT NULL
                ) WITHOUT ROWID;
                """),
        // Every page's header counts the unread notifications: those to the person by index
        // (not a scan of every office's notifications), and their receipts by person.
        SQLMigration(name: "cases-5-notification-indexes", sql: """
                CREATE INDEX notification_user ON notification(username, created_at) WHERE username IS NOT NULL;
                CREATE INDEX notification_read_user ON notification_read(username, notification_id);
                """),
    ]
}
