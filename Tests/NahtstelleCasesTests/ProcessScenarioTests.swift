import Foundation
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// The `optima-*` processes driven through their paths with the real definitions of
/// `workflows/`, the service restarted (new engine, new store, same file) between steps.
@Suite("OPTIMA-Prozesse: Szenarien")
struct ProcessScenarioTests {
    @Test("Angenommen → Übergabe → zwei Standortgespräche → abgeschlossen", arguments: [ProcessKind.optimaSH, .optimaALV, .optimaIV])
    func acceptedToClosed(kind: ProcessKind) throws {
        let t = try TestOffice()
        var w = Walk(t, Parties.of(kind))
        try w.toCasework()
        var c = try t.stored(w.caseID)
        #expect(c.optimaCase.state == .active)
        #expect(c.optimaCase.handoverAt == d("2026-03-10"))
        #expect(c.optimaCase.nextStatusMeetingAt == d("2026-04-07"))
        #expect(c.optimaCase.receiverAdvisor == w.p.advisor)

        try w.invite()
        try t.restart()
        // The meeting task appears only when the agreed date has come.
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "status-meeting" })
        #expect(try t.advance(to: "2026-04-07T09:00:00+02:00") >= 1)
        try w.statusMeeting(continueTo: "2026-05-05T09:00:00+02:00")
        try t.restart()
        try w.invite()
        try t.advance(to: "2026-05-05T09:00:00+02:00")
        try t.restart()
        try w.closingMeeting(reason: "goal-reached", outcome: "successful")
        c = try t.stored(w.caseID)
        #expect(c.optimaCase.state == .closed)
        #expect(c.optimaCase.closedAt == d("2026-05-05"))
        #expect(c.optimaCase.closingReason == .goalReached)
        #expect(c.optimaCase.outcome == .successful)
        try t.restart()
        try w.handBack()
        try t.restart()
        // The reduced procedure resumes at the referrer, then everything has ended.
        try t.complete("resume-procedure", w.caseID, by: w.p.referrerAdvisor)
        let view = try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID)
        #expect(view.openTasks.isEmpty)
        #expect(view.instances.count == 2)
        #expect(view.instances.allSatisfy { $0.status == .completed })
        #expect(view.instances.first { $0.processID == kind.rawValue }?.endEventID == "end-closed")
        #expect(view.instances.first { $0.processID == w.p.reduced }?.endEventID == "end-resumed")
        let templates = Set(view.documents.map(\.template))
        #expect(templates.isSuperset(of: [
            "antragsformular-" + (kind == .optimaALV ? "rav" : kind == .optimaIV ? "iv" : "sh"), "entscheid-annahme", "einladung-gespraech",
            "gespraechsnotiz-uebergabe", "gespraechsnotiz-standort", "gespraechsnotiz-abschluss",
        ]))
        #expect(templates.contains("vereinbarung-alv") == (kind == .optimaSH))
        // Invitations: hand-over and two status meetings, each a new version.
        #expect(view.documents.filter { $0.template == "einladung-gespraech" }.map(\.version) == [1, 2, 3])
    }
}
