import Foundation
@testable import NahtstelleStore
import Testing

@Suite("SQLite's allocator: size classes, reuse, reallocation, threads")
struct SQLiteMemoryTests {
    @Test func blocksAreAlignedKeepTheirSizeAndHoldTheirBytes() throws {
        for size in [1, 7, 16, 100, 1024, 1032, SQLiteMemory.largestCached, SQLiteMemory.largestCached + 1, 70_000] {
            let p = try #require(SQLiteMemory.allocate(size))
            #expect(Int(bitPattern: p) % 16 == 0)
            let bytes = p.bindMemory(to: UInt8.self, capacity: size)
            for i in 0..<size { bytes[i] = UInt8(truncatingIfNeeded: i) }
            #expect((p - SQLiteMemory.headerSize).load(as: Int.self) == size)
            #expect((0..<size).allSatisfy { bytes[$0] == UInt8(truncatingIfNeeded: $0) })
            SQLiteMemory.free(p)
        }
    }

    @Test func aFreedBlockIsTakenBackByTheNextRequestOfItsClass() throws {
        let first = try #require(SQLiteMemory.allocate(1030))
        SQLiteMemory.free(first)
        let second = try #require(SQLiteMemory.allocate(1025))  // same 16-byte class with its header
        #expect(second == first)
        let other = try #require(SQLiteMemory.allocate(40))  // another class: another block
        #expect(other != first)
        SQLiteMemory.free(second)
        SQLiteMemory.free(other)
    }

    @Test func eachListKeepsAtMostItsLimitAndTheRestGoesBackToMalloc() throws {
        let blocks = try (0..<(SQLiteMemory.cacheLimit * 2)).map { _ in try #require(SQLiteMemory.allocate(300)) }
        #expect(SQLiteMemory.cachedBlocks(ofSize: 300) == 0)
        for block in blocks { SQLiteMemory.free(block) }
        #expect(SQLiteMemory.cachedBlocks(ofSize: 300) == SQLiteMemory.cacheLimit)
        let again = try (0..<SQLiteMemory.cacheLimit).map { _ in try #require(SQLiteMemory.allocate(300)) }
        #expect(SQLiteMemory.cachedBlocks(ofSize: 300) == 0)
        #expect(Set(again).isSubset(of: blocks))
        for block in again { SQLiteMemory.free(block) }
    }

    @Test func reallocationKeepsTheContentAndTheBlockWhileItFits() throws {
        let p = try #require(SQLiteMemory.allocate(20))
        p.copyMemory(from: Array("Kostengutsprache".utf8), byteCount: 16)
        let same = try #require(SQLiteMemory.reallocate(p, 28))  // 28 + header still fits 48 bytes
        #expect(same == p)
        let moved = try #require(SQLiteMemory.reallocate(same, 5000))
        #expect(String(decoding: UnsafeRawBufferPointer(start: moved, count: 16), as: UTF8.self) == "Kostengutsprache")
        #expect((moved - SQLiteMemory.headerSize).load(as: Int.self) == 5000)
        let shrunk = try #require(SQLiteMemory.reallocate(moved, 10))
        #expect(String(decoding: UnsafeRawBufferPointer(start: shrunk, count: 10), as: UTF8.self) == "Kostenguts")
        SQLiteMemory.free(shrunk)
        SQLiteMemory.free(nil)
    }

    @Test func blocksFreedOnAnotherThreadServeThatThread() async throws {
        let blocks = try (0..<500).map { _ in try #require(SQLiteMemory.allocate(Int.random(in: 1...2000))) }
        let addresses = blocks.map { UInt(bitPattern: $0) }
        // Freed and allocated again on other threads while this one works too.
        await withTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: addresses.count, by: 100) {
                let mine = Array(addresses[chunk..<min(chunk + 100, addresses.count)])
                group.addTask {
                    for address in mine { SQLiteMemory.free(UnsafeMutableRawPointer(bitPattern: address)) }
                    for _ in 0..<1000 {
                        let p = SQLiteMemory.allocate(Int.random(in: 1...1500))
                        p?.storeBytes(of: 0x5A, as: UInt8.self)
                        SQLiteMemory.free(p)
                    }
                }
            }
        }
    }
}
