/// A function the application adds to FEEL (e.g. `add working days(date, n)` with the Lucerne
/// holiday calendar). Resolved when an expression is parsed, so unknown names still fail early
/// and evaluation does no lookup.
public struct FEELFunction: Sendable {
    /// The FEEL name, words separated by single spaces (`add working days`).
    public let name: String
    /// How many arguments it takes.
    public let arity: ClosedRange<Int>
    /// Never throws: bad arguments give `.null`, as for built-ins.
    public let body: @Sendable ([Value]) -> Value

    public init(name: String, arity: ClosedRange<Int>, body: @escaping @Sendable ([Value]) -> Value) {
        self.name = name
        self.arity = arity
        self.body = body
    }
}
