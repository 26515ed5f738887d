#ifndef NAHTSTELLE_CSQLITESETTINGS_SHIM_H
#define NAHTSTELLE_CSQLITESETTINGS_SHIM_H

// Process-wide SQLite settings through `sqlite3_config`, a C variadic function that Swift cannot
// call: these wrappers are compiled by clang, which makes the variadic call as the platform's
// calling convention requires.
#include <sqlite3.h>

/// SQLITE_CONFIG_MEMSTATUS: `enabled` 0 switches SQLite's memory statistics off. Returns SQLite's
/// result code (SQLITE_MISUSE once a connection is open: then nothing changed).
static inline int nahtstelle_sqlite_config_memstatus(int enabled) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, enabled);
}

/// SQLITE_CONFIG_URI: `enabled` 1 lets every connection open `file:` URIs. Returns SQLite's result code.
static inline int nahtstelle_sqlite_config_uri(int enabled) {
    return sqlite3_config(SQLITE_CONFIG_URI, enabled);
}

#endif
