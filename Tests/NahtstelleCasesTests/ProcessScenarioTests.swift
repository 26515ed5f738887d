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

extension ProcessScenarioTests {
    static let closings: [(reason: String, outcome: String)] = [
        ("revoked-by-referrer", "not-achieved"), ("goal-reached", "successful"), ("goal-not-achievable", "partial"),
        ("cost-approval-refused", "other"), ("parallel-case-management", "partial"),
    ]

    @Test("Abschluss mit jedem Grund und jedem Ergebnis", arguments: 0..<5)
    func closingReasonsAndOutcomes(index: Int) throws {
        let (reason, outcome) = Self.closings[index]
        let kinds: [ProcessKind] = [.optimaSH, .optimaALV, .optimaIV]
        let t = try TestOffice()
        var w = Walk(t, Parties.of(kinds[index % 3]))
        try w.toCasework()
        try w.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try t.restart()
        try w.closingMeeting(reason: reason, outcome: outcome)
        let c = try t.stored(w.caseID).optimaCase
        #expect(c.state == .closed)
        #expect(c.closingReason == CaseTaskHookMapping.domain(reason))
        #expect(c.outcome == Outcome(rawValue: outcome))
        // The closing note is written with the hand-back of the documents and states reason and outcome in words.
        #expect(try !t.documents(w.caseID).contains { $0.template == "gespraechsnotiz-abschluss" })
        try w.handBack()
        let note = try #require(t.documents(w.caseID).first { $0.template == "gespraechsnotiz-abschluss" })
        let text = try #require(docxText(try t.service.operatorDocuments(caseID: note.caseId).first { $0.info.id == note.id }?.bytes ?? []))
        let reasonLabel = [
            "revoked-by-referrer": "Auftrag durch die zuweisende Stelle widerrufen", "goal-reached": "Ziel erreicht",
            "goal-not-achievable": "Ziel nicht erreichbar", "cost-approval-refused": "Kostengutsprache verweigert",
            "parallel-case-management": "Parallele Fallführung durch die zuweisende Stelle",
        ][reason]!
        let outcomeLabel = ["successful": "Auftrag erfolgreich umgesetzt", "partial": "Auftrag teilweise umgesetzt",
                            "not-achieved": "Auftrag nicht umgesetzt", "other": "Sonstige"][outcome]!
        #expect(text.contains(reasonLabel))
        #expect(text.contains(outcomeLabel))
        #expect(try !t.documents(w.caseID).contains { $0.template == "gespraechsnotiz-standort" })
        try t.restart()
        try t.complete("resume-procedure", w.caseID, by: w.p.referrerAdvisor)
        #expect(try t.openTasks(w.caseID).isEmpty)
    }

    @Test("Abgelehnt mit jedem Grund", arguments: ["iv-rejection-under-1-year", "no-intact-labour-offer", "no-capacity", "goal-not-achievable", "other"])
    func rejected(reason: String) throws {
        let t = try TestOffice()
        var w = Walk(t, .alv)
        try w.submit()
        try t.restart()
        try t.advance(days: 2)
        var data: [String: Value] = ["decision": "rejected", "rejectionReason": .string(reason)]
        if reason == "other" { data["rejectionText"] = "Die Person zieht in den Kanton Zug." }
        try t.complete("check-application", w.caseID, by: w.p.contact, data)
        try t.restart()
        let view = try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID)
        #expect(view.optimaCase.state == .rejected)
        #expect(view.optimaCase.decision == .rejected)
        #expect(view.optimaCase.rejectionReason == RejectionReason(rawValue: reason))
        #expect(view.optimaCase.decidedAt == d("2026-03-04"))
        #expect(view.instances.count == 1)
        #expect(view.instances[0].endEventID == "end-rejected")
        #expect(view.openTasks.isEmpty)
        // The referrer is told, with the letter among the case's documents.
        let told = try t.service.notifications(w.p.referrerAdvisor)
        #expect(told.contains { $0.kind == "notify-rejection" && $0.caseId == w.caseID })
        let letter = try #require(view.documents.first { $0.template == "entscheid-ablehnung" })
        let text = try #require(docxText(try t.service.document(w.p.referrerAdvisor, id: letter.id).bytes))
        #expect(text.contains("Gashi"))
        if reason == "other" { #expect(text.contains("Kanton Zug")) }
        if reason == "no-capacity" { #expect(text.contains("keine Kapazität")) }
        #expect(!view.documents.contains { $0.template == "entscheid-annahme" })
    }

    @Test("Rückfrage-Schleife: zweimal Rückfrage, dann angenommen; das Antragsformular erhält neue Versionen")
    func clarifyLoop() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        for round in 1...2 {
            try t.restart()
            try t.complete("check-application", w.caseID, by: w.p.contact,
                           ["decision": "clarify", "clarificationQuestion": .string("Besteht Anspruch auf persönliche Sozialhilfe? (\(round))")])
            #expect(try t.stored(w.caseID).optimaCase.state == .inClarification)
            // The question goes to the referrer's advisor, not to anyone else.
            let clarify = try t.task("clarify-application", w.caseID)
            #expect(clarify.assignee == w.p.referrerAdvisor)
            #expect(throws: CaseServiceError.self) { try t.service.completeTask(by: "p.baumann", taskID: clarify.id, formData: ["answer": "x"]) }
            try t.restart()
            try t.complete("clarify-application", w.caseID, by: w.p.referrerAdvisor,
                           ["answer": "Ja, Anspruch besteht seit 01.02.2026.", "applicationUpdated": true])
            #expect(try t.stored(w.caseID).optimaCase.state == .submitted)
        }
        try w.accept()
        let forms = try t.documents(w.caseID).filter { $0.template == "antragsformular-sh" }
        #expect(forms.map(\.version) == [1, 2, 3])
        #expect(try t.stored(w.caseID).optimaCase.state == .accepted)
    }

    @Test("Keine Zustimmung im Übergabegespräch: Ende ohne reduziertes Verfahren", arguments: [ProcessKind.optimaSH, .optimaALV, .optimaIV])
    func noAgreement(kind: ProcessKind) throws {
        let t = try TestOffice()
        var w = Walk(t, Parties.of(kind))
        try w.submit()
        try w.accept()
        try t.restart()
        try w.planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        try w.handover(allAgree: false)
        try t.restart()
        let view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(view.optimaCase.state == .noAgreement)
        #expect(view.optimaCase.handoverAt == nil)
        #expect(view.instances.map(\.processID) == [kind.rawValue])
        #expect(view.instances[0].endEventID == "end-no-agreement")
        #expect(view.openTasks.isEmpty)
        #expect(view.stored.reducedInstanceID == nil)
        // The note of the meeting is filed all the same (it records the disagreement).
        #expect(view.documents.contains { $0.template == "gespraechsnotiz-uebergabe" })
        // The Vereinbarung ALV was prepared for the meeting (RAV → SH only), but no release followed.
        #expect(view.documents.contains { $0.template == "vereinbarung-alv" } == (kind == .optimaSH))
        // No deadline for a mandate that never began.
        #expect(!view.deadlines.contains { $0.kind == .mandateEnd })
    }

    @Test("Reduziertes Verfahren beginnt mit der Übergabe und endet mit der Wiederaufnahme", arguments: [ProcessKind.optimaSH, .optimaALV])
    func reducedProcedure(kind: ProcessKind) throws {
        let t = try TestOffice()
        var w = Walk(t, Parties.of(kind))
        try w.submit()
        try w.accept()
        try w.planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        // Before the hand-over there is no reduced procedure.
        #expect(try t.service.caseView(w.p.advisor, caseID: w.caseID).instances.count == 1)
        try w.handover()
        try t.restart()
        if kind == .optimaSH {
            // RAV → SH: the reduced procedure starts only once the Vereinbarung ALV is signed.
            #expect(try t.service.caseView(w.p.advisor, caseID: w.caseID).instances.count == 1)
            try w.signAgreementIfSH()
        }
        let reduced = try #require(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).instances.first { $0.processID == w.p.reduced })
        #expect(reduced.businessKey == w.caseID)
        #expect(reduced.status == .running)
        #expect(try t.stored(w.caseID).reducedInstanceID == reduced.id)
        if kind == .optimaALV {
            // The SD adjusts its counselling plan while OPTIMA runs.
            #expect(try t.task("adjust-counselling-plan", w.caseID).office == "sd-stadt-luzern")
        }
        try t.restart()
        try w.reducedDuty()
        try w.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try w.closingMeeting(reason: "goal-reached", outcome: "successful")
        // No resumption before the documents are handed back.
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "resume-procedure" })
        try w.handBack()
        try t.restart()
        let resume = try t.task("resume-procedure", w.caseID)
        #expect(resume.instanceID == reduced.id)
        #expect(resume.assignee == w.p.referrerAdvisor)
        try t.complete("resume-procedure", w.caseID, by: w.p.referrerAdvisor)
        let done = try #require(try t.service.engine.instance(id: reduced.id))
        #expect(done.status == .completed)
        #expect(done.endEventID == "end-resumed")
    }
}

/// The workflows' closing-reason ids in the domain vocabulary (the mapping under test is the
/// service's; this is the expectation, written out).
enum CaseTaskHookMapping {
    static func domain(_ id: String) -> ClosingReason? {
        ["revoked-by-referrer": .referrerRevoked, "goal-reached": .goalReached, "goal-not-achievable": .goalNotReachable,
         "cost-approval-refused": .costApprovalRefused, "parallel-case-management": .parallelCaseManagement][id]
    }
}
