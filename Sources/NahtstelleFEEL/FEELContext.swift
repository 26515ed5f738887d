import Foundation

/// What an expression can see while it is evaluated: the process variables and the clock.
public struct FEELContext: Sendable {
    /// Top-level variables by name; a name that is missing reads as `null`.
    public var variables: [String: Value]
    /// The instant `now()` returns and from which `today()` takes the office-local date, so that
    /// tests and simulations are deterministic.
    public var now: Date

    public init(variables: [String: Value], now: Date = Date()) {
        self.variables = variables
        self.now = now
    }
}
