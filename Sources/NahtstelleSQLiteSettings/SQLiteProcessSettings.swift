internal import CSQLiteSettings

/// Process-wide SQLite settings, made through `sqlite3_config` in the `CSQLiteSettings` C shim
/// (a variadic C function: Swift imports none, and calling it through a plain function type
/// is not the variadic calling convention).
///
/// A target of its own, importing neither Foundation nor anything that reaches libxml2: a module
/// that sees both Foundation's ICU headers and the system's (through libxml2) and then imports a
/// new C module fails to build ("'UErrorCode' has different definitions in different modules").
public enum SQLiteProcessSettings {
    /// Memory statistics off (SQLite would take a global mutex on every allocation to keep
    /// them) and `file:` URIs on. Must run before SQLite's first connection; `false` when they
    /// could not be set (something opened SQLite earlier).
    public static func apply() -> Bool {
        let statisticsOff = nahtstelle_sqlite_config_memstatus(0) == SQLITE_OK
        // `file:…?immutable=1` names: the only way to read a WAL database in a folder nobody may
        // write to (SQLite cannot create the -shm file there). Plain paths are unaffected.
        // (Debian's build enables URIs already; other builds may not.)
        let uris = nahtstelle_sqlite_config_uri(1) == SQLITE_OK
        return statisticsOff && uris
    }
}
