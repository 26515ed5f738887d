import Foundation
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#endif

/// SQLite's memory allocator in this process: `malloc` with a per-thread cache of freed blocks
/// in front of it, by size class.
///
/// Debian builds SQLite without its lookaside allocator, so every cursor, record buffer and
/// journal page of a statement is a `malloc` and a `free` — some forty per task completion. The
/// page-sized ones (1 KiB pages plus a header) are too large for glibc's per-thread cache and
/// take its slow path, which costs a tenth of an in-memory completion. Here a freed block goes
/// onto a list of its thread and size class and the next request of that class takes it back.
///
/// Blocks are plain `malloc` blocks with a 16-byte header (the size SQLite asked for, and the
/// size class); a block of one thread may be freed on another and joins that thread's list.
/// Each list keeps at most `cacheLimit` blocks; a thread's lists are freed when it ends.
enum SQLiteMemory {
    /// Blocks up to this size (header included) are cached; larger ones go straight to `malloc`.
    static let largestCached = 72 * 16
    static let classCount = largestCached / 16 + 1
    static let cacheLimit = 256
    static let headerSize = 16

    /// The size class of a block holding `size` bytes after its header: its size in 16-byte
    /// units, or 0 when it is too large to be cached.
    @inline(__always)
    static func sizeClass(of size: Int) -> Int {
        let total = size + headerSize
        return total <= largestCached ? (total + 15) >> 4 : 0
    }

    /// Byte offset of the counts in a thread's lists: `classCount` list heads (pointers) come
    /// first, then `classCount` counts (`Int32`).
    private static let countsOffset = classCount * MemoryLayout<UnsafeMutableRawPointer?>.stride

    nonisolated(unsafe) private static var key = pthread_key_t()

    /// Installs the allocator; `false` when SQLite refused it (it was in use already).
    /// Must run before SQLite's first connection: `SQLiteProcessSettings` calls it.
    static func install(_ config: (Int32, UnsafeRawPointer) -> Int32) -> Bool {
        guard pthread_key_create(&key, { cache in
            guard let cache else { return }
            SQLiteMemory.release(cache)
        }) == 0 else { return false }
        var methods = sqlite3_mem_methods(
            xMalloc: { n in SQLiteMemory.allocate(Int(n)) },
            xFree: { p in SQLiteMemory.free(p) },
            xRealloc: { p, n in SQLiteMemory.reallocate(p, Int(n)) },
            xSize: { p in
                guard let p else { return 0 }
                return Int32(truncatingIfNeeded: (p - SQLiteMemory.headerSize).load(as: Int.self))
            },
            xRoundup: { n in
                let sizeClass = SQLiteMemory.sizeClass(of: Int(n))
                return sizeClass > 0 ? Int32(sizeClass << 4 - SQLiteMemory.headerSize) : n
            },
            xInit: { _ in SQLITE_OK },
            xShutdown: { _ in },
            pAppData: nil)
        // SQLite copies the methods before `sqlite3_config` returns.
        return withUnsafePointer(to: &methods) { config(SQLITE_CONFIG_MALLOC, UnsafeRawPointer($0)) } == SQLITE_OK
    }

    /// The calling thread's lists (made on first use).
    @inline(__always)
    private static func threadCache() -> UnsafeMutableRawPointer? {
        if let existing = pthread_getspecific(key) { return existing }
        guard let made = calloc(1, countsOffset + classCount * MemoryLayout<Int32>.stride) else { return nil }
        guard pthread_setspecific(key, made) == 0 else {
            Glibc.free(made)
            return nil
        }
        return made
    }

    @inline(__always)
    private static func head(_ cache: UnsafeMutableRawPointer, _ sizeClass: Int) -> UnsafeMutableRawPointer? {
        cache.load(fromByteOffset: sizeClass &* 8, as: UnsafeMutableRawPointer?.self)
    }

    @inline(__always)
    private static func setHead(_ cache: UnsafeMutableRawPointer, _ sizeClass: Int, _ block: UnsafeMutableRawPointer?) {
        cache.storeBytes(of: block, toByteOffset: sizeClass &* 8, as: UnsafeMutableRawPointer?.self)
    }

    @inline(__always)
    private static func count(_ cache: UnsafeMutableRawPointer, _ sizeClass: Int) -> Int32 {
        cache.load(fromByteOffset: countsOffset &+ sizeClass &* 4, as: Int32.self)
    }

    @inline(__always)
    private static func setCount(_ cache: UnsafeMutableRawPointer, _ sizeClass: Int, _ count: Int32) {
        cache.storeBytes(of: count, toByteOffset: countsOffset &+ sizeClass &* 4, as: Int32.self)
    }

    /// A thread ends: its cached blocks and the lists themselves go back to `malloc`.
    private static func release(_ cache: UnsafeMutableRawPointer) {
        for sizeClass in 0..<classCount {
            var block = head(cache, sizeClass)
            while let current = block {
                block = current.load(as: UnsafeMutableRawPointer?.self)
                Glibc.free(current)
            }
        }
        Glibc.free(cache)
    }

    /// How many freed blocks of the class of `size` the calling thread keeps (for tests).
    static func cachedBlocks(ofSize size: Int) -> Int {
        let sizeClass = Self.sizeClass(of: size)
        guard sizeClass > 0, let cache = threadCache() else { return 0 }
        return Int(count(cache, sizeClass))
    }

    static func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        guard size >= 0 else { return nil }
        let sizeClass = Self.sizeClass(of: size)
        var block: UnsafeMutableRawPointer?
        if sizeClass > 0 {
            if let cache = threadCache(), let cached = head(cache, sizeClass) {
                setHead(cache, sizeClass, cached.load(as: UnsafeMutableRawPointer?.self))
                setCount(cache, sizeClass, count(cache, sizeClass) &- 1)
                block = cached
            } else {
                block = malloc(sizeClass << 4)
            }
        } else {
            block = malloc(size + headerSize)
        }
        guard let block else { return nil }
        block.storeBytes(of: size, as: Int.self)
        (block + 8).storeBytes(of: sizeClass, as: Int.self)
        return block + headerSize
    }

    static func free(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        let block = pointer - headerSize
        let sizeClass = (block + 8).load(as: Int.self)
        if sizeClass > 0, let cache = threadCache() {
            let cached = count(cache, sizeClass)
            if Int(cached) < cacheLimit {
                block.storeBytes(of: head(cache, sizeClass), as: UnsafeMutableRawPointer?.self)
                setHead(cache, sizeClass, block)
                setCount(cache, sizeClass, cached &+ 1)
                return
            }
        }
        Glibc.free(block)
    }

    static func reallocate(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
        guard let pointer else { return allocate(size) }
        let block = pointer - headerSize
        let old = block.load(as: Int.self)
        let sizeClass = (block + 8).load(as: Int.self)
        if sizeClass > 0, size >= 0, size + headerSize <= sizeClass << 4 {
            block.storeBytes(of: size, as: Int.self)  // still fits its block
            return pointer
        }
        guard let moved = allocate(size) else { return nil }  // SQLite keeps the old block on failure
        moved.copyMemory(from: pointer, byteCount: min(old, size))
        free(pointer)
        return moved
    }
}
