import NahtstelleEngine
import NahtstelleFEEL
import Testing

@Suite("Instance state")
struct InstanceStateTests {
    @Test func encodingRoundTrips() throws {
        var state = InstanceState()
        state.scopes[0] = ScopeInstance(id: 0, elementID: nil, parentScopeID: nil, parentTokenID: nil, isEventSubProcess: false,
                                        variables: ["caseId": "F-1", "amount": 1250, "when": .date(LocalDate(year: 2026, month: 12, day: 1))])
        state.scopes[3] = ScopeInstance(id: 3, elementID: "kgs", parentScopeID: 0, parentTokenID: nil, isEventSubProcess: true, variables: ["decision": nil])
        state.tokens[1] = Token(id: 1, scopeID: 0, nodeID: "check", arrivedVia: "f1", wait: .task(77))
        state.tokens[2] = Token(id: 2, scopeID: 0, nodeID: "join", arrivedVia: "f\"2", wait: .join)
        state.tokens[4] = Token(id: 4, scopeID: 3, nodeID: "work", arrivedVia: nil, wait: .subProcess(scopeID: 5))
        state.tokens[5] = Token(id: 5, scopeID: 3, nodeID: "wait", arrivedVia: nil, wait: .event)
        state.nextID = 6
        #expect(try InstanceState(decoding: state.encoded()) == state)
    }

    @Test func encodedVariablesAreReusedOnlyWhileTheyAreUnchanged() throws {
        var state = InstanceState()
        state.scopes[0] = ScopeInstance(id: 0, elementID: nil, parentScopeID: nil, parentTokenID: nil, isEventSubProcess: false,
                                        variables: ["office": "RAV-WOL", "n": 1])
        state.tokens[1] = Token(id: 1, scopeID: 0, nodeID: "t1", arrivedVia: "f0", wait: .task(1))
        let first = state.encode()
        #expect(first == state.encoded())  // the cached bytes are what a fresh encoding writes
        // Every way of changing variables is seen: the engine's setter, and the property itself.
        state.setVariable("route", "fast", from: 0)
        #expect(try InstanceState(decoding: state.encode()).root?.variables["route"] == "fast")
        state.scopes[0]!.variables["n"] = 2
        #expect(try InstanceState(decoding: state.encode()).root?.variables["n"] == 2)
        state.scopes[0]!.variables.removeValue(forKey: "office")
        let decoded = try InstanceState(decoding: state.encode())
        #expect(decoded.root?.variables["office"] == nil)
        #expect(decoded == state)
        // A token moving changes no variables; the state still says where it stands.
        state.tokens[1]!.nodeID = "t2"
        #expect(try InstanceState(decoding: state.encode()).tokens[1]?.nodeID == "t2")
    }

    @Test func damagedBytesAreAnErrorNotACrash() {
        #expect(throws: (any Error).self) { try InstanceState(decoding: Array("{\"n\":1}".utf8)) }
        #expect(throws: (any Error).self) { try InstanceState(decoding: [0xff, 0x00]) }
    }

    @Test func variablesResolveInnermostFirstAndWritesStayInEventScopes() {
        var state = InstanceState()
        state.scopes[0] = ScopeInstance(id: 0, elementID: nil, parentScopeID: nil, parentTokenID: nil, isEventSubProcess: false, variables: ["a": 1, "decision": "x"])
        state.scopes[1] = ScopeInstance(id: 1, elementID: "sub", parentScopeID: 0, parentTokenID: 9, isEventSubProcess: false, variables: [:])
        state.scopes[2] = ScopeInstance(id: 2, elementID: "esp", parentScopeID: 1, parentTokenID: nil, isEventSubProcess: true, variables: ["m": "Kurs"])
        state.setVariable("decision", "approved", from: 2)  // inside an event sub-process: stays there
        state.setVariable("amount", 300, from: 2)
        state.setVariable("b", 2, from: 1)  // new in an embedded sub-process: goes to the root
        state.setVariable("a", 5, from: 1)  // exists at the root: updated there
        #expect(state.scopes[0]?.variables["decision"] == "x")
        #expect(state.scopes[2]?.variables["decision"] == "approved")
        #expect(state.scopes[0]?.variables["a"] == 5)
        #expect(state.scopes[2]?.variables["amount"] == 300)
        #expect(state.scopes[0]?.variables["b"] == 2)
        #expect(state.variables(visibleIn: 2)["m"] == "Kurs")
        #expect(state.variables(visibleIn: 2)["a"] == 5)
        #expect(state.variables(visibleIn: 0)["amount"] == nil)
    }
}

@Suite("IDMap: tokens and scopes by id")
struct IDMapTests {
    @Test func entriesStaySortedByIdWhateverTheOrderTheyCameIn() {
        var map = IDMap<String>()
        for id in [5, 1, 9, 3] { map[id] = "e\(id)" }
        #expect(map.values == ["e1", "e3", "e5", "e9"])
        #expect(map.count == 4)
        map[3] = "drei"
        #expect(map[3] == "drei" && map.count == 4)
        map[5] = nil
        #expect(map[5] == nil && map.values == ["e1", "drei", "e9"])
        #expect(map.removeValue(forKey: 1) == "e1")
        #expect(map.removeValue(forKey: 1) == nil)
        #expect(map.update(9) { $0 += "!" } != nil)
        #expect(map.update(42) { $0 += "!" } == nil)
        #expect(map.values == ["drei", "e9!"])
        #expect(map.read(9) { $0.count } == 3)
        var other = IDMap<String>()
        other[9] = "e9!"
        other[3] = "drei"
        #expect(other == map && other.hashValue == map.hashValue)
        map[3] = nil
        map[9] = nil
        #expect(map.isEmpty)
    }
}
