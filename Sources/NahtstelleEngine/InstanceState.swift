import NahtstelleFEEL

/// The running state of one process instance: where its tokens stand and what its scopes hold.
///
/// Points into the immutable `ProcessDefinition` by element id only. Stored as one encoded value in
/// the instance row, so a command reads and writes an instance's whole state in one statement each.
public struct InstanceState: Sendable, Hashable {
    public var scopes: IDMap<ScopeInstance>
    public var tokens: IDMap<Token>
    public var nextID: Int

    public init() {
        scopes = IDMap()
        tokens = IDMap()
        nextID = 1
    }

    public static let rootScopeID = 0

    public mutating func makeID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    public var root: ScopeInstance? { scopes[Self.rootScopeID] }

    /// Variables visible in a scope: its own over its parents'.
    public func variables(visibleIn scopeID: Int) -> [String: Value] {
        // Nearly always the process scope itself: its variables as they are, without a copy of the scope.
        if case .some(.some(let own)) = scopes.read(scopeID, { $0.parentScopeID == nil ? $0.variables : nil }) { return own }
        var chain: [Int] = []
        var current: Int? = scopeID
        while let id = current, let scope = scopes[id] {
            chain.append(id)
            current = scope.parentScopeID
        }
        if chain.count == 1, let only = scopes[chain[0]] { return only.variables }
        var merged: [String: Value] = [:]
        for id in chain.reversed() {
            if let scope = scopes[id] { merged.merge(scope.variables) { _, inner in inner } }
        }
        return merged
    }

    /// Sets a variable where it belongs: the innermost scope that already has it — but never
    /// beyond an event sub-process instance, whose task outputs stay its own (so concurrent cost
    /// approvals each keep their `decision` and do not overwrite the case's); otherwise the
    /// process instance.
    public mutating func setVariable(_ name: String, _ value: Value, from scopeID: Int) {
        var current: Int? = scopeID
        while let id = current {
            // In place (a copied scope would copy its variables on the change); `true` once set.
            var parent: Int? = nil
            let set = scopes.update(id) { scope -> Bool in
                if scope.variables[name] != nil || scope.isEventSubProcess {
                    scope.variables[name] = value
                    return true
                }
                parent = scope.parentScopeID
                return false
            }
            guard let set else { break }  // no such scope
            if set { return }
            current = parent
        }
        scopes.update(Self.rootScopeID) { $0.variables[name] = value }
    }

    /// Puts a token on `nodeID`, arrived by `flowID`, waiting for nothing yet (one lookup).
    mutating func moveToken(_ id: Int, to nodeID: String, via flowID: String) {
        tokens.update(id) { $0.move(to: nodeID, via: flowID) }
    }

    /// In ascending order of their ids.
    public func tokens(inScope scopeID: Int) -> [Token] {
        tokens.values.filter { $0.scopeID == scopeID }
    }

    /// In ascending order of their ids.
    public func childScopes(of scopeID: Int) -> [ScopeInstance] {
        scopes.values.filter { $0.parentScopeID == scopeID }
    }
}

/// An instance of a scope: the process itself (id 0), an embedded sub-process or an event sub-process.
public struct ScopeInstance: Sendable, Hashable {
    public var id: Int
    /// The sub-process element; `nil` for the process.
    public var elementID: String?
    public var parentScopeID: Int?
    /// The token waiting at the sub-process node in the parent scope (`nil` for the process and
    /// for event sub-processes, which no token entered).
    public var parentTokenID: Int?
    public var isEventSubProcess: Bool
    public var variables: [String: Value] {
        didSet { encodedVariables = nil }
    }
    /// `variables` as `InstanceState.encode()` last wrote them: most commands change no
    /// variable, so the state is written without encoding them again. Any change clears it.
    /// Not part of the value (equality and hashing leave it out).
    var encodedVariables: [UInt8]?

    public init(id: Int, elementID: String?, parentScopeID: Int?, parentTokenID: Int?, isEventSubProcess: Bool, variables: [String: Value]) {
        self.id = id
        self.elementID = elementID
        self.parentScopeID = parentScopeID
        self.parentTokenID = parentTokenID
        self.isEventSubProcess = isEventSubProcess
        self.variables = variables
    }

    public static func == (a: ScopeInstance, b: ScopeInstance) -> Bool {
        a.id == b.id && a.elementID == b.elementID && a.parentScopeID == b.parentScopeID && a.parentTokenID == b.parentTokenID
            && a.isEventSubProcess == b.isEventSubProcess && a.variables == b.variables
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(elementID)
        hasher.combine(parentScopeID)
        hasher.combine(parentTokenID)
        hasher.combine(isEventSubProcess)
        hasher.combine(variables)
    }
}

/// A token standing at a node, waiting for what that node waits for.
public struct Token: Sendable, Hashable {
    public var id: Int
    public var scopeID: Int
    public var nodeID: String
    /// The sequence flow it arrived by (parallel joins count arrivals per incoming flow).
    public var arrivedVia: String?
    public var wait: Wait

    public enum Wait: Sendable, Hashable {
        /// At a user task.
        case task(Int64)
        /// At a timer or message catch event or receive task (its job or subscription points here).
        case event
        /// At a parallel join, until every incoming flow has a token.
        case join
        /// At a sub-process, until its scope instance completes.
        case subProcess(scopeID: Int)
    }

    public init(id: Int, scopeID: Int, nodeID: String, arrivedVia: String?, wait: Wait) {
        self.id = id
        self.scopeID = scopeID
        self.nodeID = nodeID
        self.arrivedVia = arrivedVia
        self.wait = wait
    }

    mutating func move(to nodeID: String, via flowID: String) {
        self.nodeID = nodeID
        arrivedVia = flowID
        wait = .event
    }
}

// MARK: - Encoding

extension InstanceState {
    /// The stored format `encode()` writes (`InstanceStateFormat`), compact JSON:
    /// `{"v":2,"n":next,"s":[[id,element,parent,parentToken,isEvent,{vars}]…],"t":[[id,scope,node,via,wait,arg]…]}`
    /// with `wait` one of `task` (arg: the task id), `event`, `join`, `sub` (arg: the scope id).
    /// Written on every command, so straight into bytes: no intermediate strings.
    public func encoded() -> [UInt8] {
        var copy = self
        return copy.encode()
    }

    /// `encoded()`, keeping each scope's encoded variables for the next time (see
    /// `ScopeInstance.encodedVariables`).
    public mutating func encode() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        Value.writeRaw(#"{"v":"#, into: &out)
        Value.writeInteger(Int64(InstanceStateFormat.current), into: &out)
        Value.writeRaw(#","n":"#, into: &out)
        Value.writeInteger(Int64(nextID), into: &out)
        Value.writeRaw(#","s":["#, into: &out)
        var first = true
        scopes.updateEach { scope in
            if !first { out.append(44) }
            first = false
            out.append(91)
            Value.writeInteger(Int64(scope.id), into: &out)
            out.append(44)
            Self.writeOptional(scope.elementID, into: &out)
            out.append(44)
            Self.writeOptional(scope.parentScopeID, into: &out)
            out.append(44)
            Self.writeOptional(scope.parentTokenID, into: &out)
            out.append(44)
            out.append(scope.isEventSubProcess ? 49 : 48)
            out.append(44)
            if let cached = scope.encodedVariables {
                out.append(contentsOf: cached)
            } else {
                let start = out.count
                // Key order does not matter to the reader; sorting on every command would.
                Value.context(scope.variables).writeJSON(into: &out, tagged: true, sortedKeys: false)
                scope.encodedVariables = Array(out[start...])
            }
            out.append(93)
        }
        Value.writeRaw(#"],"t":["#, into: &out)
        first = true
        for token in tokens.values {
            if !first { out.append(44) }
            first = false
            out.append(91)
            Value.writeInteger(Int64(token.id), into: &out)
            out.append(44)
            Value.writeInteger(Int64(token.scopeID), into: &out)
            out.append(44)
            Value.writeString(token.nodeID, into: &out)
            out.append(44)
            Self.writeOptional(token.arrivedVia, into: &out)
            out.append(44)
            let (kind, argument): (StaticString, Int64) = switch token.wait {
            case .task(let id): (#""task""#, id)
            case .event: (#""event""#, 0)
            case .join: (#""join""#, 0)
            case .subProcess(let s): (#""sub""#, Int64(s))
            }
            Value.writeRaw(kind, into: &out)
            out.append(44)
            Value.writeInteger(argument, into: &out)
            out.append(93)
        }
        Value.writeRaw("]}", into: &out)
        return out
    }

    private static func writeOptional(_ s: String?, into out: inout [UInt8]) {
        if let s { Value.writeString(s, into: &out) } else { Value.writeRaw("null", into: &out) }
    }

    private static func writeOptional(_ i: Int?, into out: inout [UInt8]) {
        if let i { Value.writeInteger(Int64(i), into: &out) } else { Value.writeRaw("null", into: &out) }
    }

    /// Reads a stored state of any format version this program knows: an earlier one is
    /// migrated first (`InstanceStateFormat.migrations`). Throws when the bytes are damaged or
    /// were written by a newer program.
    public init(decoding bytes: [UInt8]) throws {
        guard case .context(var root) = try? Value.parseJSON(bytes: bytes) else { throw InstanceStateFormat.damaged }
        root = try InstanceStateFormat.migrated(root)
        try self.init(current: root)
    }

    /// Reads the current format from its parsed JSON.
    private init(current root: [String: Value]) throws {
        let damaged = InstanceStateFormat.damaged
        guard let next = root["n"]?.numberValue, let scopeList = root["s"]?.listValue, let tokenList = root["t"]?.listValue
        else { throw damaged }
        self.init()
        nextID = NSDecimalNumber(decimal: next).intValue
        func int(_ v: Value) -> Int? { v.numberValue.map { NSDecimalNumber(decimal: $0).intValue } }
        for item in scopeList {
            guard case .list(let f) = item, f.count == 6, let id = int(f[0]), case .context(let vars) = f[5] else { throw damaged }
            scopes[id] = ScopeInstance(id: id, elementID: f[1].stringValue, parentScopeID: int(f[2]), parentTokenID: int(f[3]),
                                       isEventSubProcess: int(f[4]) == 1, variables: vars)
        }
        for item in tokenList {
            guard case .list(let f) = item, f.count == 6, let id = int(f[0]), let scope = int(f[1]), let node = f[2].stringValue,
                let kind = f[4].stringValue, let argDecimal = f[5].numberValue
            else { throw damaged }
            let arg = NSDecimalNumber(decimal: argDecimal).int64Value
            let wait: Token.Wait
            switch kind {
            case "task": wait = .task(arg)
            case "event": wait = .event
            case "join": wait = .join
            case "sub": wait = .subProcess(scopeID: Int(arg))
            default: throw damaged
            }
            tokens[id] = Token(id: id, scopeID: scope, nodeID: node, arrivedVia: f[3].stringValue, wait: wait)
        }
    }
}
import Foundation
