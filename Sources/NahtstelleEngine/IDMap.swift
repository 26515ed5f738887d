/// Tokens or scopes of one instance by id: a `Dictionary`-like map kept as arrays sorted by id.
///
/// An instance holds a handful of each, and every command looks several up: scanning a few
/// integers costs less than hashing one, and the entries come out in id order (the encoded state
/// and `tokens(inScope:)` want that order) without sorting.
public struct IDMap<Element: Sendable & Hashable>: Sendable, Hashable {
    private var keys: [Int] = []
    /// `nil` only while `subscript(_:)`'s modify accessor has an entry moved out.
    private var slots: [Element?] = []

    public init() {}

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    private func position(of key: Int) -> Int? {
        keys.withUnsafeBufferPointer { ids in
            for i in ids.indices where ids[i] == key { return i }
            return nil
        }
    }

    /// The entry with this id; assigning `nil` removes it. Changed in place, without a copy of
    /// the entry (a copy would make the next change of its variables copy them all).
    public subscript(key: Int) -> Element? {
        get {
            guard let i = position(of: key) else { return nil }
            return slots[i]
        }
        _modify {
            if let i = position(of: key) {
                var entry: Element? = nil
                swap(&entry, &slots[i])
                defer {
                    if entry != nil {
                        swap(&entry, &slots[i])
                    } else {
                        keys.remove(at: i)
                        slots.remove(at: i)
                    }
                }
                yield &entry
            } else {
                var entry: Element? = nil
                defer { if let entry { insert(entry, key) } }
                yield &entry
            }
        }
    }

    private mutating func insert(_ entry: Element, _ key: Int) {
        // Ids are handed out in increasing order, so a new entry nearly always goes last.
        var i = keys.count
        while i > 0 && keys[i - 1] > key { i -= 1 }
        keys.insert(key, at: i)
        slots.insert(entry, at: i)
    }

    @discardableResult
    public mutating func removeValue(forKey key: Int) -> Element? {
        guard let i = position(of: key) else { return nil }
        keys.remove(at: i)
        return slots.remove(at: i)
    }

    /// The entries in ascending order of their ids.
    public var values: Values { Values(slots: slots) }

    /// Changes every entry in place, in ascending order of their ids.
    mutating func updateEach(_ body: (inout Element) -> Void) {
        for i in slots.indices { body(&slots[i]!) }
    }

    public struct Values: RandomAccessCollection, Sendable {
        fileprivate let slots: [Element?]
        public var startIndex: Int { 0 }
        public var endIndex: Int { slots.count }
        public subscript(position: Int) -> Element { slots[position]! }
    }
}
