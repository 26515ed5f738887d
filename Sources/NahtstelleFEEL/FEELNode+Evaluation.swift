import Foundation

/// What names resolve to during one evaluation.
struct FEELScope {
    let variables: [String: Value]
    /// Names bound inside the expression (filter items, quantifier variables, context entries);
    /// they hide variables of the same name.
    let locals: [String: Value]?
    let now: Date

    @inline(__always)
    func lookup(_ name: String) -> Value? {
        if let locals, let v = locals[name] { return v }
        return variables[name]
    }

    func adding(_ extra: [String: Value]) -> FEELScope {
        guard var merged = locals else { return FEELScope(variables: variables, locals: extra, now: now) }
        merged.merge(extra) { _, new in new }
        return FEELScope(variables: variables, locals: merged, now: now)
    }

    func binding(_ name: String, to value: Value) -> FEELScope {
        var merged = locals ?? [:]
        merged[name] = value
        return FEELScope(variables: variables, locals: merged, now: now)
    }
}

extension FEELNode {
    /// Tree-walking evaluation. Recursion depth is bounded by the parser's nesting limit.
    func evaluate(_ scope: FEELScope) -> Value {
        switch self {
        case .literal(let v):
            return v
        case .name(let name):
            return scope.lookup(name) ?? .null
        case .comparison(let left, let op, let right):
            return FEELOperators.compare(left.evaluate(scope), op, right.evaluate(scope))
        case .conjunction(let items):
            var unknown = false
            for item in items {
                switch item.evaluate(scope) {
                case .bool(false): return .bool(false)
                case .bool(true): continue
                default: unknown = true
                }
            }
            return unknown ? .null : .bool(true)
        case .disjunction(let items):
            var unknown = false
            for item in items {
                switch item.evaluate(scope) {
                case .bool(true): return .bool(true)
                case .bool(false): continue
                default: unknown = true
                }
            }
            return unknown ? .null : .bool(false)
        case .membership(let operand, let tests):
            return FEELNode.membership(operand.evaluate(scope), tests, scope)
        case .path(let base, let members):
            return FEELOperators.member(base.evaluate(scope), members)
        case .arithmetic(let first, let steps):
            var result = first.evaluate(scope)
            for step in steps {
                if result.isNull { return .null }
                result = FEELOperators.apply(result, step.op, step.operand.evaluate(scope))
            }
            return result
        case .negate(let operand):
            return FEELOperators.negate(operand.evaluate(scope))
        case .between(let operand, let low, let high):
            let v = operand.evaluate(scope)
            return FEELOperators.and(
                FEELOperators.compare(v, .greaterEqual, low.evaluate(scope)),
                FEELOperators.compare(v, .lessEqual, high.evaluate(scope)))
        case .conditional(let condition, let whenTrue, let otherwise):
            if case .bool(true) = condition.evaluate(scope) { return whenTrue.evaluate(scope) }
            return otherwise.evaluate(scope)
        case .call(let builtin, let args):
            return FEELNode.call(builtin, args, scope)
        case .applicationCall(let function, let args):
            return function.body(args.map { $0.evaluate(scope) })
        case .filter(let base, let selector, let kind):
            return FEELNode.filter(base.evaluate(scope), selector, kind, scope)
        case .list(let items):
            return .list(items.map { $0.evaluate(scope) })
        case .context(let entries):
            return FEELNode.context(entries, scope)
        case .quantified(let quantifier, let iterations, let body):
            return FEELNode.quantified(quantifier, iterations, body, scope)
        case .forLoop(let iterations, let body):
            var results: [Value] = []
            let complete = FEELNode.iterate(iterations[...], scope) { inner in
                results.append(body.evaluate(inner))
                return true
            }
            return complete ? .list(results) : .null
        }
    }

    private static func membership(_ value: Value, _ tests: [FEELUnaryTest], _ scope: FEELScope) -> Value {
        var unknown = false
        for test in tests {
            let result: Value
            switch test {
            case .anyOf(let constants):
                for constant in constants where FEELOperators.equal(value, constant) == true { return .bool(true) }
                continue
            case .value(let node):
                let candidate = node.evaluate(scope)
                if case .list(let items) = candidate {
                    if items.contains(where: { FEELOperators.equal(value, $0) == true }) { return .bool(true) }
                    continue
                }
                result = FEELOperators.compare(value, .equal, candidate)
            case .comparison(let op, let node):
                result = FEELOperators.compare(value, op, node.evaluate(scope))
            case .range(let lower, let lowerClosed, let upper, let upperClosed):
                result = FEELOperators.and(
                    FEELOperators.compare(value, lowerClosed ? .greaterEqual : .greater, lower.evaluate(scope)),
                    FEELOperators.compare(value, upperClosed ? .lessEqual : .less, upper.evaluate(scope)))
            }
            switch result {
            case .bool(true): return result
            case .bool(false): continue
            default: unknown = true
            }
        }
        return unknown ? .null : .bool(false)
    }

    private static func filter(_ base: Value, _ selector: FEELNode, _ kind: FEELSelectorKind, _ scope: FEELScope) -> Value {
        let items: [Value]
        switch base {
        case .list(let list): items = list
        case .null: return .null
        default: items = [base]  // FEEL treats a single value as a one-item list here
        }
        if kind != .filter {
            if case .number(let n) = selector.evaluate(scope) {
                guard let i = FEELDecimal.integer(n), i != 0, abs(i) <= items.count else { return .null }
                return i > 0 ? items[i - 1] : items[items.count + i]
            }
            if kind == .index { return .null }
        }
        var selected: [Value] = []
        for item in items {
            var locals: [String: Value] = [:]
            if case .context(let members) = item { locals = members }
            locals["item"] = item
            if case .bool(true) = selector.evaluate(scope.adding(locals)) { selected.append(item) }
        }
        return .list(selected)
    }

    private static func context(_ entries: [FEELContextEntry], _ scope: FEELScope) -> Value {
        var members: [String: Value] = [:]
        var inner = scope
        for entry in entries {
            let value = entry.value.evaluate(inner)
            members[entry.key] = value
            if entries.count > 1 { inner = inner.binding(entry.key, to: value) }
        }
        return .context(members)
    }

    private static func quantified(_ quantifier: FEELQuantifier, _ iterations: [FEELIteration], _ body: FEELNode, _ scope: FEELScope) -> Value {
        var found = false
        let complete = iterate(iterations[...], scope) { inner in
            let satisfied = body.evaluate(inner) == .bool(true)
            switch quantifier {
            case .some where satisfied, .every where !satisfied:
                found = true
                return false
            default:
                return true
            }
        }
        if !complete && !found { return .null }
        switch quantifier {
        case .some: return .bool(found)
        case .every: return .bool(!found)
        }
    }

    /// Calls `body` for every combination of the iteration variables; stops when it returns
    /// false. Returns false when stopped or when a source is not a list (null).
    private static func iterate(_ iterations: ArraySlice<FEELIteration>, _ scope: FEELScope, _ body: (FEELScope) -> Bool) -> Bool {
        guard let first = iterations.first else { return body(scope) }
        let items: [Value]
        switch first.source.evaluate(scope) {
        case .list(let list): items = list
        case .null: return false
        case let single: items = [single]
        }
        for item in items {
            if !iterate(iterations.dropFirst(), scope.binding(first.name, to: item), body) { return false }
        }
        return true
    }

    private static func call(_ builtin: FEELBuiltin, _ args: [FEELNode], _ scope: FEELScope) -> Value {
        switch builtin {
        case .isDefined:
            guard let arg = args.first else { return .null }
            return .bool(definedValue(arg, scope) != nil)
        case .not:
            // Common in conditions (`not(approved)`): no argument array.
            guard let arg = args.first, case .bool(let b) = arg.evaluate(scope) else { return .null }
            return .bool(!b)
        case .today:
            return .date(ISODateTime.localDate(of: scope.now))
        case .now:
            return .dateTime(scope.now)
        default:
            return builtin.invoke(args.map { $0.evaluate(scope) }, now: scope.now)
        }
    }

    /// The value of a name or path if it exists (even when it is null); other expressions count
    /// as defined when they are not null.
    private static func definedValue(_ node: FEELNode, _ scope: FEELScope) -> Value? {
        switch node {
        case .name(let name):
            return scope.lookup(name)
        case .path(let base, let members):
            guard var current = definedValue(base, scope) else { return nil }
            for member in members {
                if case .context(let entries) = current {
                    guard let next = entries[member] else { return nil }
                    current = next
                } else {
                    current = FEELOperators.member(current, member)
                    if current.isNull { return nil }
                }
            }
            return current
        default:
            let v = node.evaluate(scope)
            return v.isNull ? nil : v
        }
    }
}
