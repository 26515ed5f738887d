/// Tokens or scopes of one instance by id: a `Dictionary`-like map kept as arrays sorted by id.
///
/// An instance holds a handful of each, and every command looks several up: scanning a few
/// integers costs less than hashing one, and the entries come out in id order (the encoded state
/// and `tokens(inScope:)` want that order) without sorting.
public struct IDMap<Element: Sendable & Hashable>: Sendable, Hashable {
    private var keys: [Int] = []
    private var items: [Element] = []

    public init() {}

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    private func position(of key: Int) -> Int? {
        keys.withUnsafeBufferPointer { ids in
            for i in ids.indices where ids[i] == key { return i }
            return nil
        }
    }

    /// The entry with this id; assigning `nil` removes it.
    ///
    /// Changing an entry through this subscript copies it out and back; `update(_:_:)` changes
    /// it in place (a copy of a scope would make the next change of its variables copy them all).
    public subscript(key: Int) -> Element? {
        get {
            guard let i = position(of: key) else { return nil }
            return items[i]
        }
        set {
            if let i = position(of: key) {
                if let newValue { items[i] = newValue } else { removeValue(forKey: key) }
            } else if let newValue {
                // Ids are handed out in increasing order, so a new entry nearly always goes last.
                var i = keys.count
                while i > 0 && keys[i - 1] > key { i -= 1 }
                keys.insert(key, at: i)
                items.insert(newValue, at: i)
            }
        }
    }

    /// Reads the entry with this id without copying it; `nil` when there is none.
    public func read<R>(_ key: Int, _ body: (Element) throws -> R) rethrows -> R? {
        guard let i = position(of: key) else { return nil }
        return try body(items[i])
    }

    /// Changes the entry with this id in place; `nil` when there is none.
    @discardableResult
    public mutating func update<R>(_ key: Int, _ body: (inout Element) throws -> R) rethrows -> R? {
        guard let i = position(of: key) else { return nil }
        return try body(&items[i])
    }

    @discardableResult
    public mutating func removeValue(forKey key: Int) -> Element? {
        guard let i = position(of: key) else { return nil }
        keys.remove(at: i)
        return items.remove(at: i)
    }

    /// The entries in ascending order of their ids.
    public var values: [Element] { items }

    /// Changes every entry in place, in ascending order of their ids.
    mutating func updateEach(_ body: (inout Element) -> Void) {
        for i in items.indices { body(&items[i]) }
    }
}
