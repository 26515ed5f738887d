/// Limits that keep a hostile or broken document from using unbounded memory or time.
public struct XMLLimits: Sendable, Hashable {
    /// Largest accepted document in bytes.
    public var maxBytes: Int
    /// Deepest accepted element nesting (the root element is depth 1). libxml2 itself never goes
    /// beyond 256 without `XML_PARSE_HUGE`, which this layer never sets.
    public var maxDepth: Int

    public init(maxBytes: Int = 10_000_000, maxDepth: Int = 256) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
}
