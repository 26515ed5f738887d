import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import Testing

/// Stored instance states keep loading across format changes: each earlier format is migrated
/// by a named migration, tested with bytes that the earlier version really wrote
/// (`Fixtures/state-v1`, see its README).
@Suite("Instance state format versions")
struct InstanceStateFormatTests {
    static let v1Directory = Harness.fixturePath("state-v1")
    static let v1Keys = ["V1-SCOPES", "V1-GATEWAYS", "V1-BOUNDARY"]

    static func v1State(_ key: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: v1Directory + "/\(key).state.json")))
    }

    @Test func everyEarlierVersionHasOneNamedMigration() {
        let migrations = InstanceStateFormat.migrations
        #expect(migrations.count == InstanceStateFormat.current - 1)
        for (i, migration) in migrations.enumerated() {
            #expect(migration.from == i + 1)
            #expect(!migration.name.isEmpty)
        }
        #expect(Set(migrations.map(\.name)).count == migrations.count)
    }

    @Test func todaysStatesCarryTheCurrentVersion() throws {
        var state = InstanceState()
        state.scopes[0] = ScopeInstance(id: 0, elementID: nil, parentScopeID: nil, parentTokenID: nil, isEventSubProcess: false, variables: [:])
        state.tokens[1] = Token(id: 1, scopeID: 0, nodeID: "join", arrivedVia: "f1", wait: .join)
        let text = String(decoding: state.encoded(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"v":\#(InstanceStateFormat.current),"#))
        #expect(text.contains(#""join""#))
    }

    @Test func versionOneStatesAreMigrated() throws {
        // Unversioned, waits as digits: what the engine wrote before formats had versions.
        let v1 = #"{"n":7,"s":[[0,null,null,null,0,{"caseId":"F-1"}],[4,"work",0,1,0,{}]],"t":[[1,0,"work",null,3,4],[2,0,"join","f2",2,0],[5,4,"check","w1",0,17],[6,4,"wait","w2",1,0]]}"#
        let state = try InstanceState(decoding: Array(v1.utf8))
        #expect(state.nextID == 7)
        #expect(state.root?.variables["caseId"] == "F-1")
        #expect(state.scopes[4]?.parentTokenID == 1)
        #expect(state.tokens[1]?.wait == .subProcess(scopeID: 4))
        #expect(state.tokens[2]?.wait == .join)
        #expect(state.tokens[5]?.wait == .task(17))
        #expect(state.tokens[6]?.wait == .event)
        #expect(state.tokens[2]?.arrivedVia == "f2")
        // Written again, it is the current format and reads back the same.
        #expect(try InstanceState(decoding: state.encoded()) == state)
    }

    @Test func statesWrittenByVersionOneDecode() throws {
        for key in Self.v1Keys {
            let bytes = try Self.v1State(key)
            #expect(!String(decoding: bytes, as: UTF8.self).contains(#""v":"#), "\(key) is not a version-1 state")
            let state = try InstanceState(decoding: bytes)
            #expect(!state.tokens.values.isEmpty, "\(key)")
            #expect(try InstanceState(decoding: state.encoded()) == state, "\(key)")
        }
    }

    @Test func aNewerFormatIsRefusedWithAHint() {
        let error = #expect(throws: EngineError.self) {
            try InstanceState(decoding: Array(#"{"v":99,"n":1,"s":[],"t":[]}"#.utf8))
        }
        #expect(error?.message.contains("Format 99") == true)
    }

    @Test func damagedVersionsAndDamagedOldStatesAreErrors() {
        for text in [#"{"v":"2","n":1,"s":[],"t":[]}"#, #"{"v":0,"n":1,"s":[],"t":[]}"#, #"{"v":1.5,"n":1,"s":[],"t":[]}"#,
                     #"{"n":1,"s":[],"t":[[1,0,"a",null,9,0]]}"#, #"{"n":1,"s":[],"t":[[1,0,"a",null,"task",0]]}"#,
                     #"{"v":2,"n":1,"s":[],"t":[[1,0,"a",null,2,0]]}"#] {
            #expect(throws: EngineError.self, "\(text)") { try InstanceState(decoding: Array(text.utf8)) }
        }
    }

    /// A database written by the version before formats had versions: its running instances
    /// (an embedded and an event sub-process, a parallel join half reached, boundary timers and
    /// a message subscription) continue under this version and run to their ends.
    @Test func instancesWrittenByVersionOneRunToTheirEnds() throws {
        let h = try Harness(copying: Self.v1Directory + "/engine.sqlite")
        func instance(_ key: String) throws -> InstanceRecord {
            try #require(try h.engine.store.read { try $0.instances(businessKey: key) }.first)
        }
        for key in Self.v1Keys {
            let stored = try instance(key)
            #expect(stored.status == .running)
            #expect(stored.state == (try Self.v1State(key)), "\(key): the fixture's state file is the database's")
        }
        try h.expectConsistent()

        // Embedded sub-process looping, with a cost approval running in its event sub-process.
        try h.complete("signKgs", ["decision": "approved"], key: "V1-SCOPES")
        try h.restart()
        try h.complete("book", key: "V1-SCOPES")
        try h.complete("meeting", ["decision": "done"], key: "V1-SCOPES")
        try h.restart()
        #expect(try h.complete("handBack", key: "V1-SCOPES").status == .completed)

        // The other branch reaches the join that waited since version 1.
        #expect(try h.complete("right", key: "V1-GATEWAYS").status == .completed)
        #expect(try instance("V1-GATEWAYS").endEventID == "done")

        // Boundary events: the message subscription and the timers stored by version 1.
        try h.engine.correlate(message: "note-added", correlationKey: "V1-BOUNDARY", by: "tester")
        try h.complete("readNote", key: "V1-BOUNDARY")
        try h.restart()
        #expect(try h.complete("sign", key: "V1-BOUNDARY").status == .completed)

        for key in Self.v1Keys {
            let ended = try instance(key)
            #expect(ended.status == .completed, "\(key)")
            #expect(String(decoding: ended.state, as: UTF8.self).hasPrefix(#"{"v":\#(InstanceStateFormat.current),"#), "\(key)")
        }
        try h.expectConsistent()
    }
}
