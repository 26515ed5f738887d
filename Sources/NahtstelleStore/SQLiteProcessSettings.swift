import Foundation
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#endif

/// `sqlite3_config`, which Swift cannot call: it is a C variadic function, and Swift imports
/// none. (A C shim module for it made the first clean build fail on a clang module conflict
/// between ICU headers reached through libxml2 and Foundation's own, so it is called here.)
enum SQLiteProcessSettings {
    /// Memory statistics off (SQLite would take a global mutex on every allocation to keep
    /// them), and `SQLiteMemory` as the allocator. Both must be set before SQLite's first
    /// connection; `false` when they could not be set.
    static func apply() -> Bool {
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        // On the System V x86-64 and the Linux AArch64 calling conventions a variadic function
        // finds its integer and pointer arguments exactly where a plain call with the same
        // argument types puts them, so the function is called through plain signatures. (Not so
        // on Apple's arm64, which passes variadic arguments on the stack: there this is skipped.)
        guard let symbol = dlsym(nil, "sqlite3_config") else { return false }  // nil: RTLD_DEFAULT
        typealias ConfigInt = @convention(c) (Int32, Int32) -> Int32
        typealias ConfigPointer = @convention(c) (Int32, UnsafeRawPointer) -> Int32
        let statisticsOff = unsafeBitCast(symbol, to: ConfigInt.self)(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK
        // `file:…?immutable=1` names: the only way to read a WAL database in a folder nobody may
        // write to (SQLite cannot create the -shm file there). Plain paths are unaffected.
        _ = unsafeBitCast(symbol, to: ConfigInt.self)(SQLITE_CONFIG_URI, 1)
        let allocator = SQLiteMemory.install(unsafeBitCast(symbol, to: ConfigPointer.self))
        return statisticsOff && allocator
        #else
        return false
        #endif
    }
}
