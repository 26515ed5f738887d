#ifndef NAHTSTELLE_CSQLITE_TUNING_H
#define NAHTSTELLE_CSQLITE_TUNING_H
#include <sqlite3.h>

/// Process-wide SQLite settings that only the C API can make (sqlite3_config is variadic, which
/// Swift cannot call). Must run before the first connection opens; afterwards SQLite refuses it
/// and the call returns a non-zero SQLite result code, changing nothing.
///
/// Turns off SQLite's memory statistics: with them on (the default), every allocation SQLite
/// makes takes a global mutex to count bytes. Nahtstelle never reads those statistics (no soft
/// heap limit, no sqlite3_memory_used).
static inline int nahtstelle_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
