import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serialises demo runs on one database across processes: an exclusive `flock` on a file beside
/// the database. The kernel releases it when the process ends, however it ends, so a killed run
/// never blocks the next one (a lock row in the database would stay behind). For a PostgreSQL
/// database the file is in the temporary folder, named after the address: it serialises the
/// runs on one machine; with several machines the demo is loaded from one of them.
package final class DemoLock {
    private var descriptor: Int32

    /// Takes the lock, waiting for another run to finish.
    /// - Parameter waiting: called once when another run holds the lock.
    package init(databasePath: String, shared: Bool, waiting: () -> Void) throws {
        var path = databasePath + ".demo-lock"
        if shared {
            // FNV-1a of the address: stable across processes (Swift's hashValue is not).
            let hash = databasePath.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
            path = (NSTemporaryDirectory() as NSString).appendingPathComponent("nahtstelle-demo-\(String(hash, radix: 16)).lock")
        }
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CaseServiceError(.invalidInput, "\(path): Sperrdatei für den Demo-Lauf kann nicht angelegt werden (\(String(cString: strerror(errno)))). "
                                   + "Bitte Schreibrecht im Ordner der Datenbank geben.")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            waiting()
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(descriptor)
                    throw CaseServiceError(.invalidInput, "\(path): Sperre für den Demo-Lauf nicht möglich (\(String(cString: strerror(errno)))).")
                }
            }
        }
    }

    package func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
