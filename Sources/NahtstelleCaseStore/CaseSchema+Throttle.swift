import NahtstelleSQL

extension CaseSchema {
    /// Failed sign-ins as one counter per user and client address instead of one row per failure.
    /// A sign-in takes its attempt before the password is checked (an upsert that increments the
    /// counter and returns it), and a success removes the row. Two nodes taking attempts of the
    /// same user and address at once meet on the row: on PostgreSQL the later transaction fails
    /// to serialize and runs again, and sees the other's attempt. With the old table of failures
    /// every concurrent sign-in counted the failures committed before it, so a burst of parallel
    /// attempts could all pass the limit during the password check.
    static let throttleSQLite = SQLMigration(name: "cases-6-login-throttle", sql: """
        DROP TABLE auth_failure;
        CREATE TABLE auth_throttle (
            username TEXT NOT NULL CHECK (length(username) BETWEEN 1 AND 256),
            client_address TEXT NOT NULL,
            window_start REAL NOT NULL,
            attempts INTEGER NOT NULL CHECK (attempts >= 1),
            PRIMARY KEY (username, client_address)
        );
        CREATE INDEX auth_throttle_window ON auth_throttle(window_start);
        """)

    static let throttlePostgres = SQLMigration(name: "cases-6-login-throttle", sql: """
        DROP TABLE auth_failure;
        CREATE TABLE auth_throttle (
            username text COLLATE "C" NOT NULL CHECK (length(username) BETWEEN 1 AND 256),
            client_address text COLLATE "C" NOT NULL,
            window_start double precision NOT NULL,
            attempts bigint NOT NULL CHECK (attempts >= 1),
            PRIMARY KEY (username, client_address)
        );
        CREATE INDEX auth_throttle_window ON auth_throttle(window_start);
        """)
}
