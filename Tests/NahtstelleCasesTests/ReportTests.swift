import Foundation
@testable import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// The Standardreporting over cases run through the service, each figure checked against a value
/// worked out by hand from the fixture's timeline (written next to it), not by the report's code.
@Suite("Standardreporting über echte Fälle")
struct ReportTests {
    /// The fixture: nine cases, eight in or touching the period 01.03.–30.06.2026.
    ///
    /// | Fall | Weg | Stellen | Gruppe | beantragt | entschieden | Übergabe | KGS | abgeschlossen |
    /// |---|---|---|---|---|---|---|---|---|
    /// | c8 | ALV | SD → RAV | H | 20.02. | 04.03. angenommen | 10.03. | 10.03. CHF 800.00 (SD), erteilt 16.03. | – |
    /// | c1 | SH | RAV → SD | G | 02.03. | 03.03. angenommen | 10.03. | 10.03. CHF 1'250.50 (RAV), erteilt 13.03. | 05.05. goal-reached / successful |
    /// | c2 | ALV | SD → RAV | H | 02.03. | 04.03. abgelehnt no-capacity | | | |
    /// | c3 | IV | RAV → IV | F | 02.03. | 03.03. angenommen | 10.03. | 17.03. CHF 900.00 (RAV), abgelehnt 20.03. | 07.04. cost-approval-refused / not-achieved |
    /// | c4 | SH | SD → SD | SD-SD | 02.03. | 03.03. abgelehnt other | | | |
    /// | c5 | ALV | SD → RAV | H | 02.03. | 03.03. angenommen | keine Zustimmung 10.03. | | |
    /// | c6 | ALV | IV → RAV | A | 02.03. | nie (Prüfung überfällig ab 17.03.) | | | |
    /// | c7 | SH | RAV → SD, 3 Monate | G | 02.03. | 03.03. angenommen | 12.03. | 17.03. CHF 400.00 (RAV), nie unterzeichnet | – (Mandatsende 12.06. überfällig) |
    /// | c9 | IV | RAV → IV | F | 02.07. (nach dem Zeitraum; gleiche Person wie c3) | | | | |
    @Test("Jede Zahl des Berichts stimmt mit der Handrechnung überein")
    func everyFigure() throws {
        let t = try TestOffice(start: "2026-02-20T10:00:00+01:00")
        var c8 = Walk(t, .alv, n: 8)
        try c8.submit()
        try t.advance(to: "2026-03-02T08:00:00+01:00")
        var c1 = Walk(t, .sh, n: 1)
        try c1.submit()
        var c2 = Walk(t, .alv, n: 2)
        try c2.submit()
        var c3 = Walk(t, .iv, n: 3)
        try c3.submit()
        let c4 = try t.service.submitApplication(by: "i.bachmann", receiverOffice: "sobz-hochdorf", formData: Applications.sdToSH(4)).caseID
        var c5 = Walk(t, .alv, n: 5)
        try c5.submit()
        let c6 = try t.service.submitApplication(by: "r.huber", receiverOffice: "rav-luzern", formData: Applications.ivToALV(6)).caseID
        var p7 = Parties.sh
        p7.advisor = "a.keller"
        p7.application = { Applications.ravToSH($0, months: 3) }
        var c7 = Walk(t, p7, n: 7)
        try c7.submit()
        try t.restart()

        try t.advance(to: "2026-03-03T09:00:00+01:00")
        for w in [c1, c3, c5, c7] { try w.accept() }
        try t.complete("check-application", c4, by: "c.studer",
                       ["decision": "rejected", "rejectionReason": "other", "rejectionText": "Zuständigkeit liegt beim SoBZ Luzern."])
        try t.advance(to: "2026-03-04T09:00:00+01:00")
        try t.complete("check-application", c2.caseID, by: "m.bucher", ["decision": "rejected", "rejectionReason": "no-capacity"])
        try c8.accept()
        for w in [c1, c3, c5, c7, c8] { try w.planHandover() }
        try t.restart()

        try t.advance(to: "2026-03-10T10:30:00+01:00")
        try c1.handover(costApproval: costApprovalForm(amounts: [1200, 50.5]))
        try c1.signAgreementIfSH()
        try c3.handover()
        try c5.handover(allAgree: false)
        try c8.handover(costApproval: costApprovalForm("Deutschkurs", amounts: [800]))
        try t.advance(to: "2026-03-12T10:00:00+01:00")
        try c7.handover()
        try c7.signAgreementIfSH()
        try t.advance(to: "2026-03-13T10:00:00+01:00")
        try t.complete("sign-cost-approval", c1.caseID, by: "e.renggli", ["decision": "approved"])
        try t.advance(to: "2026-03-16T10:00:00+01:00")
        try t.complete("sign-cost-approval", c8.caseID, by: "d.schmid", ["decision": "approved"])
        try t.restart()
        try t.advance(to: "2026-03-17T10:00:00+01:00")
        try t.service.requestCostApproval(by: "r.huber", caseID: c3.caseID, formData: costApprovalForm("Job-Coaching", amounts: [900]))
        try t.service.requestCostApproval(by: "a.keller", caseID: c7.caseID, formData: costApprovalForm("Kinderbetreuung", amounts: [400]))
        try t.advance(to: "2026-03-20T10:00:00+01:00")
        try t.complete("sign-cost-approval", c3.caseID, by: "e.renggli", ["decision": "rejected", "reason": "Nicht zweckmässig."])
        try c1.invite()
        try c3.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try c3.closingMeeting(reason: "cost-approval-refused", outcome: "not-achieved")
        try c1.statusMeeting(continueTo: "2026-05-05T09:00:00+02:00")
        try c1.invite()
        try t.restart()
        try t.advance(to: "2026-05-05T09:00:00+02:00")
        try c1.closingMeeting(reason: "goal-reached", outcome: "successful")
        try t.advance(to: "2026-07-02T09:00:00+02:00")
        let c9 = try t.service.submitApplication(by: "h.lustenberger", receiverOffice: "was-iv-luzern", formData: Applications.ravToIV(3)).caseID
        try t.restart()

        let r = try t.service.report(from: d("2026-03-01"), to: d("2026-06-30"), asOf: d("2026-06-30"))
        // Aufträge: c1–c7 (c8 before, c9 after the period).
        #expect(r.applications.total == 7)
        #expect(r.applications.byReferrer == InstitutionCounts(iv: 1, rav: 3, sd: 3))
        #expect(r.applications.byReceiver == InstitutionCounts(iv: 1, rav: 3, sd: 3))
        // Prozess: accepted c1, c3, c5, c7, c8; rejected c2 (no capacity), c4 (other).
        #expect(r.process.accepted == 5)
        #expect(r.process.rejectedTotal == 2)
        #expect(r.process.rejected(.noCapacity) == 1)
        #expect(r.process.rejected(.other) == 1)
        #expect(r.process.rejected(.ivRejectionUnder1Year) == 0)
        #expect(r.process.rejected(.noIntactLabourOffer) == 0)
        #expect(r.process.rejected(.goalNotAchievable) == 0)
        // Anträge und Massnahmen, by paying office: requested c1, c3, c7 (RAV), c8 (SD).
        #expect(r.costApprovals.requested == InstitutionCounts(iv: 0, rav: 3, sd: 1))
        #expect(r.costApprovals.approved == InstitutionCounts(iv: 0, rav: 1, sd: 1))
        #expect(r.costApprovals.rejected == InstitutionCounts(iv: 0, rav: 1, sd: 0))
        #expect(r.measureCost(.rav) == Decimal(string: "1250.5"))
        #expect(r.measureCost(.sd) == Decimal(800))
        #expect(r.measureCostTotal == Decimal(string: "2050.5"))
        // Wirkungen, by receiver: c3 (IV, not achieved), c1 (SD, successful).
        #expect(r.effects.closed == InstitutionCounts(iv: 1, rav: 0, sd: 1))
        #expect(r.effects.outcome(.successful) == InstitutionCounts(iv: 0, rav: 0, sd: 1))
        #expect(r.effects.outcome(.notAchieved) == InstitutionCounts(iv: 1, rav: 0, sd: 0))
        #expect(r.effects.outcome(.partial).total == 0)
        #expect(r.effects.outcome(.other).total == 0)
        // Zielgruppen of the 7 applications.
        #expect(r.targetGroupCount(.g) == 2)
        #expect(r.targetGroupCount(.h) == 2)
        #expect(r.targetGroupCount(.f) == 1)
        #expect(r.targetGroupCount(.a) == 1)
        #expect(r.targetGroupCount(.sdToSD) == 1)
        #expect([TargetGroup.b, .c, .d, .e, .i].allSatisfy { r.targetGroupCount($0) == 0 })
        #expect(r.applicationsWithoutTargetGroup == 0)
        // Durations in days.
        // application → decision: c1 1, c2 2, c3 1, c4 1, c5 1, c7 1, c8 12 (20.02.–04.03.) → median 1 of 7.
        #expect(r.durations.applicationToDecision.count == 7)
        #expect(r.durations.applicationToDecision.medianDays == 1)
        // decision → hand-over: c1 7, c3 7, c8 6, c7 9 → median 7 of 4.
        #expect(r.durations.decisionToHandover.count == 4)
        #expect(r.durations.decisionToHandover.medianDays == 7)
        // hand-over → closing: c3 28, c1 56 → median 42; application → closing: c3 36, c1 64 → median 50.
        #expect(r.durations.handoverToClosing.count == 2)
        #expect(r.durations.handoverToClosing.medianDays == 42)
        #expect(r.durations.applicationToClosing.count == 2)
        #expect(r.durations.applicationToClosing.medianDays == 50)
        // Overdue: c6's check (due 16.03.), c7's KGS signature (due 27.03.), c7's mandate end (12.06.).
        #expect(r.overdue(.applicationCheck) == 1)
        #expect(r.overdue(.costApprovalSignature) == 1)
        #expect(r.overdue(.mandateEnd) == 1)
        #expect(r.overdueTotal == 3)

        // JSON uses the contract's identifiers.
        let json = try #require(try Value.parseJSON(r.json()).contextValue)
        #expect(json["applications"]?.contextValue?["total"] == .number(7))
        #expect(json["process"]?.contextValue?["rejected"]?.contextValue?["no-capacity"] == .number(1))
        #expect(json["targetGroups"]?.contextValue?["SD-SD"] == .number(1))
        #expect(json["measureCosts"]?.contextValue?["total"] == .number(Decimal(string: "2050.5")!))

        // A shorter period: only March's closings (none) and decisions.
        let april = try t.service.report(from: d("2026-04-01"), to: d("2026-04-30"), asOf: d("2026-04-30"))
        #expect(april.applications.total == 0)
        #expect(april.effects.closed == InstitutionCounts(iv: 1, rav: 0, sd: 0))
        #expect(april.process.accepted == 0)

        // Pseudonymised export: no names or AHV numbers; one person, one key (c3 and c9).
        let secret = Array("0123456789abcdef-geheim".utf8)
        let records = try t.service.pseudonymisedExport(secret: secret)
        #expect(records.count == 9)
        let csv = PseudonymisedExport.csv(records)
        for stored in try t.service.allCases() {
            #expect(!csv.contains(stored.optimaCase.person.lastName))
            #expect(!csv.contains(stored.optimaCase.person.ahvNumber))
            #expect(!csv.contains(stored.optimaCase.person.ahvNumber.replacingOccurrences(of: ".", with: "")))
            #expect(!csv.contains(stored.id))
        }
        let keys = Dictionary(grouping: records, by: \.personKey)
        #expect(keys.count == 8)
        #expect(keys.values.contains { $0.count == 2 && Set($0.map(\.receiverType)) == [.iv] })
        let other = try t.service.pseudonymisedExport(secret: Array("another-secret-of-16-bytes".utf8))
        #expect(Set(other.map(\.personKey)).isDisjoint(with: Set(records.map(\.personKey))))
        _ = (c6, c9)
    }

    @Test("Bericht: leerer oder verkehrter Zeitraum wird klar gemeldet")
    func invalidPeriod() throws {
        let t = try TestOffice()
        let error = try #require(throws: CaseServiceError.self) { try t.service.report(from: d("2026-06-30"), to: d("2026-03-01")) }
        #expect(error.message.contains("30.06.2026"))
        #expect(throws: CaseServiceError.self) { try t.service.pseudonymisedExport(secret: Array("kurz".utf8)) }
    }
}
