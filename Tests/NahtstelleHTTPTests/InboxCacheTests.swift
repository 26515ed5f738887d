import Foundation
import HummingbirdTesting
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleFEEL
@testable import NahtstelleHTTP
import Testing

/// `GET /api/tasks` answers again from `InboxCache` only while a new read would give the same:
/// every write (through this server, another connection or another process) and the clock end
/// a kept answer.
@Suite("Aufgabenliste: zwischengespeicherte Antworten")
struct InboxCacheTests {
    static func ids(_ answer: [String: Value]) -> [String] {
        (answer["items"]?.listValue ?? []).compactMap { $0.contextValue?["id"]?.numberValue.map { "\($0)" } }
    }

    static func item(_ answer: [String: Value], _ id: Int64) -> [String: Value]? {
        (answer["items"]?.listValue ?? []).compactMap(\.contextValue).first { $0["id"]?.numberValue == Decimal(id) }
    }

    /// A server with one Antragsformular submitted to SoBZ Hochdorf, and its check task (for c.studer).
    static func serverWithOneApplication() throws -> (TestServer, TaskRecord) {
        let s = try TestServer()
        let submitted = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                        formData: applicationValues().contextValue!)
        return (s, submitted.openTasks[0])
    }

    @Test("Gleiche Antwort ohne Änderung; ein Schreiben über eine andere Verbindung zeigt sich sofort")
    func writesOfAnotherConnectionShowAtOnce() async throws {
        let s = try TestServer()
        let first = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                    formData: applicationValues(lastName: "Erste", ahvSerial: 1).contextValue!)
        try await s.test { client in
            let contact = try await client.token("c.studer")
            let before = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))
            #expect(Self.ids(before) == [String(first.openTasks[0].id)])
            let again = try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact))
            #expect(json(again) == before)
            if s.service.changeStamp() != nil {
                // SQLite: the answer is kept (PostgreSQL keeps none: other nodes write).
                #expect(s.core.inboxCache.count == 1)
            }
            // Another program on the same database (a second service, its own connections).
            let other = try OptimaService(databasePath: s.scratch.location, resources: .init(root: repositoryRoot), now: { s.clock.now })
            let second = try other.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                     formData: applicationValues(lastName: "Zweite", ahvSerial: 2).contextValue!)
            let after = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))
            #expect(Set(Self.ids(after)) == [String(first.openTasks[0].id), String(second.openTasks[0].id)])
            #expect(Self.item(after, second.openTasks[0].id)?["personName"] == "Zweite Anna")
        }
    }

    @Test("Übernehmen und Wiedervorlage über die API ändern die nächste Antwort")
    func writesThroughTheServerShowAtOnce() async throws {
        let (s, checkTask) = try Self.serverWithOneApplication()
        let task = checkTask.id
        try await s.test { client in
            let contact = try await client.token("c.studer")
            let open = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))
            #expect(Self.item(open, task)?["assignee"] == .null)
            let claimed = try await client.execute(uri: "/api/tasks/\(task)/claim", method: .post, headers: bearer(contact))
            #expect(claimed.status == .ok)
            let mine = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))
            #expect(Self.item(mine, task)?["assignee"] == "c.studer")
            // Put on follow-up until tomorrow: gone from the list now, back tomorrow without any write.
            let tomorrow = ISODateTime.localDate(of: s.clock.now).adding(days: 1)
            let follow = try await client.execute(uri: "/api/tasks/\(task)/follow-up", method: .put, headers: bearer(contact),
                                                  body: body(.context(["until": .string(tomorrow.description)])))
            #expect(follow.status == .ok)
            let hidden = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))
            #expect(Self.ids(hidden).isEmpty)
            s.clock.advance(days: 1)
            let back = try await client.token("c.studer")
            let shown = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(back)))
            #expect(Self.ids(shown) == [String(task)])
        }
    }

    @Test("Eine Aufgabe wird überfällig, sobald ihre Frist verstreicht, auch ohne Schreiben")
    func aDueTimePassingEndsTheKeptAnswer() async throws {
        let (s, task) = try Self.serverWithOneApplication()
        let due = try #require(task.dueAt)
        // Just before the due time, on the same day.
        s.clock.set(due.addingTimeInterval(-60))
        try await s.test { client in
            let contact = try await client.token("c.studer")
            let before = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))
            #expect(Self.item(before, task.id)?["overdue"] == false)
            s.clock.set(due.addingTimeInterval(1))
            let after = json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))
            #expect(Self.item(after, task.id)?["overdue"] == true)
        }
    }

    @Test("Zwei Personen derselben Stelle und Rolle: jede bekommt ihre eigene Antwort")
    func answersAreKeptPerUser() async throws {
        let (s, checkTask) = try Self.serverWithOneApplication()
        let task = checkTask.id
        try await s.test { client in
            let contact = try await client.token("c.studer")
            let advisor = try await client.token("s.wicki")
            #expect(Self.ids(json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(contact)))) == [String(task)])
            #expect(Self.ids(json(try await client.execute(uri: "/api/tasks", method: .get, headers: bearer(advisor)))).isEmpty)
            #expect(Self.ids(json(try await client.execute(uri: "/api/tasks?limit=1", method: .get, headers: bearer(contact)))) == [String(task)])
        }
    }

    @Test("Volle Ablage: Antworten eines älteren Stands gehen zuerst, die Zahl bleibt begrenzt")
    func theCacheStaysBounded() throws {
        let cache = InboxCache(capacity: 3)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        func key(_ n: Int) -> InboxCache.Key { InboxCache.Key(username: "u\(n)", filter: TaskFilter()) }
        for n in 0..<3 { cache.keep(key(n), stamp: 1, now: now, items: [], body: .init(string: "\(n)")) }
        #expect(cache.count == 3)
        cache.keep(key(3), stamp: 2, now: now, items: [], body: .init(string: "3"))
        #expect(cache.count == 1)
        #expect(cache.answer(key(3), stamp: 2, now: now) == .init(string: "3"))
        #expect(cache.answer(key(0), stamp: 2, now: now) == nil)
        // A stamp that moved on ends the answer; so does its maximum age.
        #expect(cache.answer(key(3), stamp: 3, now: now) == nil)
        cache.keep(key(4), stamp: 3, now: now, items: [], body: .init(string: "4"))
        #expect(cache.answer(key(4), stamp: 3, now: now.addingTimeInterval(InboxCache.maximumAge)) == nil)
        // An answer kept just before midnight (Swiss time) ends with the day, before its maximum age.
        let lateEvening = try #require(ISODateTime.parse("2026-03-02T23:59:30+01:00"))
        cache.keep(key(5), stamp: 3, now: lateEvening, items: [], body: .init(string: "5"))
        #expect(cache.answer(key(5), stamp: 3, now: lateEvening.addingTimeInterval(20)) == .init(string: "5"))
        #expect(cache.answer(key(5), stamp: 3, now: lateEvening.addingTimeInterval(40)) == nil)
        #expect(!InboxCache(capacity: 0).admits(TaskFilter()))
        #expect(!cache.admits(TaskFilter(due: .overdue)))
    }
}
