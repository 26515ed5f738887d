import Foundation
import NahtstelleSQL
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// Kostengutsprachen: requested, signed or refused, late (reminder, escalation), and never a
/// booking without a signed approval.
@Suite("Kostengutsprachen: Szenarien")
struct CostApprovalScenarioTests {
    @Test("Sofortige KGS im Übergabegespräch: erteilt, gebucht, Rechnung bezahlt", arguments: [ProcessKind.optimaSH, .optimaALV])
    func approvedFromHandover(kind: ProcessKind) throws {
        let t = try TestOffice()
        var w = Walk(t, Parties.of(kind))
        try w.toCasework(costApproval: costApprovalForm(amounts: [1200, 50.5]))
        let approval = try #require(try t.service.caseView(w.p.advisor, caseID: w.caseID).costApprovals.first)
        #expect(approval.amount == Decimal(string: "1250.5"))
        #expect(approval.requestedAt == d("2026-03-10"))
        #expect(approval.signatureDue == d("2026-03-20"))
        #expect(approval.decision == nil)
        // The signatory of the paying office signs; nothing can be booked before.
        let sign = try t.task("sign-cost-approval", w.caseID)
        #expect(try sign.office == t.stored(w.caseID).payingOfficeId)
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "book-measure" })
        try t.restart()
        try t.advance(days: 3)
        try t.complete("sign-cost-approval", w.caseID, by: w.p.signatory, ["decision": "approved"])
        var entry = try #require(try t.service.caseView(w.p.advisor, caseID: w.caseID).costApprovals.first)
        #expect(entry.decision == .approved)
        #expect(entry.decidedAt == d("2026-03-13"))
        try t.restart()
        try t.complete("book-measure", w.caseID, by: w.p.advisor)
        try t.complete("forward-invoice", w.caseID, by: w.p.advisor,
                       ["invoiceNumber": "R-2026-118", "invoiceDate": "20.05.2026", "amount": "1'250.50", "measureCompleted": true])
        try t.restart()
        try t.complete("pay-invoice", w.caseID, by: w.p.signatory)
        entry = try #require(try t.service.caseView(w.p.advisor, caseID: w.caseID).costApprovals.first)
        #expect(entry.bookedAt != nil)
        #expect(entry.invoiceAmount == Decimal(string: "1250.5"))
        #expect(entry.paidAt == d("2026-03-13"))
        // The Kostengutsprache names measure, provider, amount and the paying office.
        let doc = try #require(try t.documents(w.caseID).first { $0.template == "kostengutsprache" })
        #expect(doc.costApprovalID == entry.id)
        let text = try #require(docxText(try t.service.document(w.p.signatory, id: doc.id).bytes))
        #expect(text.contains("Bewerbungstraining"))
        #expect(text.contains("Arbeitsintegration Zentralschweiz AG"))
        #expect(text.contains("1'250.50"))
        #expect(text.contains(try t.service.office(t.stored(w.caseID).payingOfficeId).name))
    }

    @Test("OPTIMA-IV: keine KGS im Übergabegespräch, aber während der Fallarbeit")
    func ivHasNoCostApprovalAtHandover() throws {
        let t = try TestOffice()
        var w = Walk(t, .iv)
        try w.submit()
        try w.accept()
        try w.planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        let error = try #require(throws: CaseServiceError.self) { try w.handover(costApproval: costApprovalForm()) }
        #expect(error.code == .ruleViolation)
        #expect(error.message.contains("OPTIMA-IV"))
        // Nothing happened: the meeting is still open, no KGS recorded, no hand-over.
        #expect(try t.task("handover-meeting", w.caseID).state == .created)
        #expect(try t.stored(w.caseID).optimaCase.state == .accepted)
        #expect(try t.service.caseView(w.p.advisor, caseID: w.caseID).costApprovals.isEmpty)
        try w.handover()
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "sign-cost-approval" })
        // Later, during the case work, the IV requests one from the RAV.
        try t.restart()
        try t.advance(days: 7)
        let entry = try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm("Job-Coaching", amounts: [900]))
        #expect(entry.payingOfficeType == .rav)
        #expect(try t.task("sign-cost-approval", w.caseID).office == "rav-wolhusen")
        try t.complete("sign-cost-approval", w.caseID, by: "e.renggli", ["decision": "approved"])
        #expect(try t.task("book-measure", w.caseID).assignee == "r.huber")
    }

    @Test("KGS abgelehnt: OPTIMA-Stelle informiert, keine Buchung; Abschluss wegen verweigerter KGS")
    func rejected() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        try t.advance(days: 2)
        let entry = try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        try t.restart()
        try t.complete("sign-cost-approval", w.caseID, by: w.p.signatory, ["decision": "rejected", "reason": "Kein Budget mehr im laufenden Jahr."])
        let view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        let stored = try #require(view.costApprovals.first { $0.id == entry.id })
        #expect(stored.decision == .rejected)
        #expect(stored.decisionNote == "Kein Budget mehr im laufenden Jahr.")
        #expect(!view.openTasks.contains { $0.elementID == "book-measure" })
        #expect(try t.service.notifications(w.p.advisor).contains { $0.kind == "notify-cost-approval-rejected" && $0.caseId == w.caseID })
        try w.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try w.closingMeeting(reason: "cost-approval-refused", outcome: "not-achieved")
        #expect(try t.stored(w.caseID).optimaCase.closingReason == .costApprovalRefused)
    }

    @Test("KGS überfällig: Erinnerung am ersten Arbeitstag nach der Frist, Eskalation 4 Arbeitstage später")
    func late() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        // Requested Tuesday 10.03.2026: due Friday 20.03.2026 (the whole day).
        try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        try t.restart()
        // On the due day and over the weekend: nothing yet.
        try t.advance(to: "2026-03-20T17:00:00+01:00")
        #expect(try t.service.notifications("e.renggli").isEmpty)
        try t.advance(to: "2026-03-22T12:00:00+01:00")
        #expect(try t.service.notifications("e.renggli").isEmpty)
        // Monday, the first working day after the deadline: the signatories of the paying office are reminded.
        try t.restart()
        try t.advance(to: "2026-03-23T08:00:00+01:00")
        let reminders = try t.service.notifications("e.renggli")
        #expect(reminders.map(\.kind) == ["notify-cost-approval-reminder"])
        #expect(reminders[0].text.contains("Frist"))
        #expect(try t.service.notifications(w.p.referrerAdvisor).filter { $0.kind == "notify-cost-approval-escalation" }.isEmpty)
        // Four working days later the referrer's advisor gets the escalation.
        try t.advance(to: "2026-03-26T12:00:00+01:00")
        #expect(try t.service.notifications(w.p.referrerAdvisor).filter { $0.kind == "notify-cost-approval-escalation" }.isEmpty)
        try t.advance(to: "2026-03-27T08:00:00+01:00")
        #expect(try t.service.notifications(w.p.referrerAdvisor).contains { $0.kind == "notify-cost-approval-escalation" && $0.caseId == w.caseID })
        // The deadline shows as overdue in the case view; a late signature still works.
        let view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(view.deadlines.contains { $0.kind == .costApprovalSignature && $0.state == .overdue })
        try t.complete("sign-cost-approval", w.caseID, by: w.p.signatory, ["decision": "approved"])
        let after = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(after.deadlines.contains { $0.kind == .costApprovalSignature && $0.state == .completedLate })
        // Reminders do not repeat after the signature.
        let count = try t.service.notifications("e.renggli").count
        try t.advance(days: 20)
        #expect(try t.service.notifications("e.renggli").count == count)
    }

    @Test("Ohne erteilte KGS wird nichts gebucht – auch die Datenbank verweigert es")
    func nothingBookedWithoutApproval() throws {
        let t = try TestOffice()
        var w = Walk(t, .alv)
        try w.toCasework()
        let entry = try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "book-measure" })
        // Straight to the database: booking an unsigned KGS is refused.
        #expect(throws: SQLConstraintError.self) {
            try t.service.sqlStorage.writeSQL { db in
                try db.execute(sql: "UPDATE cost_approval SET booked_at = '2026-03-12', booked_by = 'p.baumann' WHERE id = ?", arguments: [entry.id])
            }
        }
        #expect(throws: SQLConstraintError.self) {
            try t.service.sqlStorage.writeSQL { db in
                try db.execute(sql: """
                    INSERT INTO cost_approval (case_id, measure, provider, period_from, period_to, positions_json, amount_rappen,
                        paying_office_id, requested_at, requested_by, signature_due, booked_at)
                    VALUES (?, 'Kurs', 'Anbieter', '2026-04-01', '2026-04-30', '[]', 10000, 'sd-stadt-luzern', '2026-03-12', 'p.baumann',
                        '2026-03-23', '2026-03-12')
                    """, arguments: [w.caseID])
            }
        }
        // Nor a rejected one; and a signed decision cannot be turned around.
        try t.complete("sign-cost-approval", w.caseID, by: w.p.signatory, ["decision": "rejected", "reason": "Massnahme nicht zweckmässig."])
        #expect(throws: SQLConstraintError.self) {
            try t.service.sqlStorage.writeSQL { db in
                try db.execute(sql: "UPDATE cost_approval SET booked_at = '2026-03-12' WHERE id = ?", arguments: [entry.id])
            }
        }
        #expect(throws: SQLConstraintError.self) {
            try t.service.sqlStorage.writeSQL { db in
                try db.execute(sql: "UPDATE cost_approval SET decision = 'approved' WHERE id = ?", arguments: [entry.id])
            }
        }
    }

    @Test("KGS vor der Übergabe wird mit klarer Meldung abgelehnt")
    func costApprovalBeforeHandover() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        try w.accept()
        let error = try #require(throws: CaseServiceError.self) {
            try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        }
        #expect(error.code == .ruleViolation)
        #expect(error.message.contains("nach dem Übergabegespräch"))
        #expect(try t.service.caseView(w.p.advisor, caseID: w.caseID).costApprovals.isEmpty)
    }
}
