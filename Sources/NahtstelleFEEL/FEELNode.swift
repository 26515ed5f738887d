import Foundation

/// The parsed form of an expression: value types only, so it is `Sendable` and cheap to share.
///
/// Chains of the same operator (`a + b + c`, `a or b or c`) are flat lists rather than nested
/// nodes, so that a long chain neither deepens the tree nor the evaluator's recursion.
indirect enum FEELNode: Sendable {
    case literal(Value)
    /// A variable (or, inside a filter or quantifier, a local name).
    case name(String)
    /// Member access `base.a.b`.
    case path(FEELNode, [String])
    /// `base[selector]`: a number selects an item (1-based, negative from the end), anything else
    /// filters the items for which it is `true`.
    case filter(FEELNode, FEELNode, FEELSelectorKind)
    case list([FEELNode])
    case context([FEELContextEntry])
    case negate(FEELNode)
    case arithmetic(FEELNode, [FEELArithmeticStep])
    case comparison(FEELNode, FEELComparison, FEELNode)
    case between(FEELNode, FEELNode, FEELNode)
    case membership(FEELNode, [FEELUnaryTest])
    case conjunction([FEELNode])
    case disjunction([FEELNode])
    case conditional(FEELNode, FEELNode, FEELNode)
    case quantified(FEELQuantifier, [FEELIteration], FEELNode)
    case forLoop([FEELIteration], FEELNode)
    case call(FEELBuiltin, [FEELNode])
    /// A function the application registered.
    case applicationCall(FEELFunction, [FEELNode])
}

enum FEELSelectorKind: Sendable {
    /// A number literal: always an index.
    case index
    /// A comparison or logical expression: always a filter.
    case filter
    /// Decided at run time by what the selector evaluates to.
    case dynamic
}

struct FEELContextEntry: Sendable {
    var key: String
    var value: FEELNode
}

enum FEELArithmeticOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "**"
}

struct FEELArithmeticStep: Sendable {
    var op: FEELArithmeticOperator
    var operand: FEELNode
}

enum FEELComparison: String, Sendable {
    case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

/// One positive unary test on the right of `in`.
enum FEELUnaryTest: Sendable {
    /// Equal to the value, or contained in it when it is a list.
    case value(FEELNode)
    /// Equal to one of these constants (`x in ["a", "b"]`, folded at parse time).
    case anyOf([Value])
    /// `< 10`, `>= @"2026-01-01"`.
    case comparison(FEELComparison, FEELNode)
    /// `[1..10]`, `(1..10]`, `]1..10[`.
    case range(lower: FEELNode, lowerClosed: Bool, upper: FEELNode, upperClosed: Bool)
}

enum FEELQuantifier: Sendable {
    case some, every
}

/// `name in source` of `some`, `every` and `for`.
struct FEELIteration: Sendable {
    var name: String
    var source: FEELNode
}
