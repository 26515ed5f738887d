import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleFEEL
import Synchronization

/// The answers of `GET /api/tasks`, kept while nothing they depend on can have changed.
///
/// An inbox is read far more often than it changes (every advisor's browser asks again after
/// each step and on every return to the list), and most of an answer's cost is the read
/// transaction and the JSON, not the network. An answer is given again, byte for byte, only while
/// it is exactly what a new read would give:
/// - **the database**: the store's change stamp (`EngineStore.changeStamp`, SQLite's data
///   version) read *before* the answer's read transaction is still the same — no commit of any
///   connection or process since. Every write (a task created, claimed, completed, put on
///   follow-up; a user's roles or office changed) therefore ends every kept answer. A store that
///   cannot tell (PostgreSQL, where other nodes write) keeps nothing;
/// - **the clock**: the same day (the filters `today` and `week`, follow-ups that end at a day)
///   and no task of the answer reaching its due time (its `overdue` flag). `due=overdue`, whose
///   set grows with the clock alone, is never kept;
/// - **the caller**: the key is the user and the whole filter, cursor included. Sign-in and the
///   session are checked before the cache is asked, as for every route.
/// Nothing is logged for the inbox either way (it shows no case contents beyond the name).
/// At most `capacity` answers are kept; when full, those of an older stamp go first, then all.
final class InboxCache: Sendable {
    struct Key: Hashable, Sendable {
        var username: String
        var filter: TaskFilter
    }

    private struct Entry {
        var stamp: UInt64
        /// The earliest of: the next midnight, the first due time in the answer, `maximumAge`.
        var expires: Date
        var body: ByteBuffer
    }

    /// The longest an answer is kept even when nothing shows a change.
    static let maximumAge: TimeInterval = 60

    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Whether answers for this filter may be kept at all.
    func admits(_ filter: TaskFilter) -> Bool {
        capacity > 0 && filter.due != .overdue
    }

    /// The kept answer for `key`, if it is still what a new read would give.
    func answer(_ key: Key, stamp: UInt64, now: Date) -> ByteBuffer? {
        entries.withLock { entries -> ByteBuffer? in
            guard let entry = entries[key] else { return nil }
            guard entry.stamp == stamp, now < entry.expires else {
                entries[key] = nil
                return nil
            }
            return entry.body
        }
    }

    /// Keeps an answer made from a read that began after `stamp` was read, at `now`.
    func keep(_ key: Key, stamp: UInt64, now: Date, items: [InboxItem], body: ByteBuffer) {
        // A new day changes the filters `today` and `week` and ends follow-ups; the first task of
        // the answer to fall due flips its `overdue` flag.
        let midnight = ISODateTime.startOfDay(ISODateTime.localDate(of: now).adding(days: 1))
        var expires = min(now.addingTimeInterval(Self.maximumAge), midnight)
        for item in items {
            if let due = item.dueAt, due > now, due < expires { expires = due }
        }
        let entry = Entry(stamp: stamp, expires: expires, body: body)
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil {
                entries = entries.filter { $0.value.stamp == stamp }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
