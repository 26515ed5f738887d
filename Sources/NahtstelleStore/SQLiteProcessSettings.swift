import Foundation
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#endif

/// `sqlite3_config`, which Swift cannot call: it is a C variadic function, and Swift imports
/// none. (A C shim module for it made the first clean build fail on a clang module conflict
/// between ICU headers reached through libxml2 and Foundation's own, so it is called here.)
enum SQLiteProcessSettings {
    static func disableMemoryStatistics() -> Bool {
        #if os(Linux) && (arch(x86_64) || arch(arm64))
        // On the System V x86-64 and the Linux AArch64 calling conventions a variadic function
        // finds its integer arguments exactly where a plain call with the same argument types
        // puts them, so the function is called through a plain two-int signature. (Not so on
        // Apple's arm64, which passes variadic arguments on the stack: there this is skipped.)
        guard let symbol = dlsym(nil, "sqlite3_config") else { return false }  // nil: RTLD_DEFAULT
        typealias Config = @convention(c) (Int32, Int32) -> Int32
        let config = unsafeBitCast(symbol, to: Config.self)
        return config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK
        #else
        return false
        #endif
    }
}
