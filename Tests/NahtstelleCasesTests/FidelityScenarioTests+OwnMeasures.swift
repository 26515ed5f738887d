import Foundation
@testable import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// Issue 14, item 6, last sentence: "a measure that needs no KGS is booked without one".
@Suite("OPTIMA-Treue: Massnahme ohne Kostengutsprache (Issue 14, Punkt 6)")
struct OwnEntitlementMeasureTests {
    /// SD → RAV for a person who draws ALE (target group I): the RAV pays its own measures.
    static func activeCaseWithOwnEntitlement(_ t: TestOffice) throws -> Walk {
        var application = Applications.sdToALV(1)
        application["receivesAle"] = true
        application["ravRegistered"] = true
        var w = Walk(t, .alv)
        w.caseID = try t.service.submitApplication(by: "n.frei", receiverOffice: "rav-wolhusen", formData: application).caseID
        try w.accept()
        try w.planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        try w.handover()
        return w
    }

    static let measure: [String: Value] = [
        "measure": "Bewerbungscoaching", "provider": "Job Factory Luzern", "providerAddress": "Baselstrasse 12, 6003 Luzern",
        "periodFrom": "16.03.2026", "periodTo": "30.04.2026", "amount": "1'250.50",
    ]

    static func count(_ t: TestOffice) throws -> Int {
        try t.service.sqlStorage.readSQL { try Int.fetchOne($0, sql: "SELECT count(*) FROM own_entitlement_measure") ?? -1 }
    }

    @Test("Eigener Anspruch: gebucht ohne KGS, zahlende Stelle die OPTIMA-Stelle; im Fall, im Verlauf und im Bericht")
    func bookedWithoutCostApproval() throws {
        let t = try TestOffice()
        let w = try Self.activeCaseWithOwnEntitlement(t)
        let entry = try t.service.bookOwnEntitlementMeasure(by: w.p.advisor, caseID: w.caseID, formData: Self.measure)
        #expect(entry.payingOfficeId == "rav-wolhusen")
        #expect(entry.payingOfficeType == .rav)
        #expect(entry.amount == Decimal(string: "1250.5"))
        #expect(entry.periodFrom == d("2026-03-16") && entry.periodTo == d("2026-04-30"))
        #expect(entry.bookedBy == w.p.advisor && entry.bookedAt == d("2026-03-10"))
        #expect(entry.fundingReason.contains("eigenen Leistungsanspruch"))

        // Survives a restart: a new service on the same file reads it back.
        try t.restart()
        let view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(view.ownEntitlementMeasures.map(\.measure) == ["Bewerbungscoaching"])
        #expect(view.costApprovals.isEmpty)
        #expect(!view.measureFunding.needsCostApproval)
        // The referrer sees it too (both offices see the case).
        #expect(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).ownEntitlementMeasures.count == 1)
        let history = try t.service.caseHistory(by: w.p.advisor, caseID: w.caseID)
        let line = try #require(history.last { $0.command == "book-own-entitlement-measure" })
        #expect(line.actor == w.p.advisor)
        #expect(line.details.contains("Bewerbungscoaching") && line.details.contains("1250.50"))

        let report = try t.service.report(from: d("2026-01-01"), to: d("2026-12-31"), asOf: d("2026-12-31"))
        #expect(report.ownEntitlementMeasures.booked == InstitutionCounts(iv: 0, rav: 1, sd: 0))
        #expect(report.ownEntitlementMeasures.costs.rav == Decimal(string: "1250.5"))
        #expect(report.costApprovals.requested.total == 0)
        let text = report.text()
        #expect(text.contains("Massnahmen ohne Kostengutsprache (eigener Anspruch bei der OPTIMA-Stelle)"))
        #expect(text.contains("Gebuchte Massnahmen; davon"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("Kosten ") && $0.hasSuffix("CHF 1'250.50") })
        #expect(report.csv().contains("measures-without-cost-approval,chf,RAV,1250.50"))
        #expect(report.json().contains("\"measuresWithoutCostApproval\""))
        // Outside the period: not counted.
        let before = try t.service.report(from: d("2026-01-01"), to: d("2026-03-09"), asOf: d("2026-03-09"))
        #expect(before.ownEntitlementMeasures.booked.total == 0)
    }

    @Test("KGS nötig: die Buchung ohne KGS wird abgelehnt, mit dem Weg zur Kostengutsprache; nichts gespeichert")
    func costApprovalNeededIsRefused() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)  // RAV → SoBZ, the person draws ALE at the RAV: the RAV pays by KGS
        try w.toCasework()
        do {
            try t.service.bookOwnEntitlementMeasure(by: w.p.advisor, caseID: w.caseID, formData: Self.measure)
            Issue.record("Massnahme ohne Kostengutsprache gebucht, obwohl die Person bei der OPTIMA-Stelle keinen Anspruch hat")
        } catch let error as CaseServiceError {
            #expect(error.code == .ruleViolation)
            #expect(error.message.contains("braucht eine Kostengutsprache"))
            #expect(error.message.contains("Kostengutsprache beantragen"))
            #expect(error.message.contains("RAV"))
        }
        #expect(try Self.count(t) == 0)
        #expect(try t.service.caseView(w.p.advisor, caseID: w.caseID).measureFunding.needsCostApproval)
    }

    @Test("Fehlerhafte Angaben: alle auf einmal, unbekannte Felder genannt; wer nicht bucht, bekommt 403/404; nichts gespeichert")
    func badInputAndWrongCallersChangeNothing() throws {
        let t = try TestOffice()
        let w = try Self.activeCaseWithOwnEntitlement(t)
        do {
            try t.service.bookOwnEntitlementMeasure(by: w.p.advisor, caseID: w.caseID, formData: [
                "measure": "", "periodFrom": "30.04.2026", "periodTo": "16.03.2026", "amount": "-5", "payingOffice": "sd-stadt-luzern",
            ])
            Issue.record("fehlerhafte Massnahme gebucht")
        } catch let error as CaseServiceError {
            #expect(error.code == .invalidForm)
            #expect(Set(error.fieldErrors.map(\.field)) == ["measure", "periodTo", "provider", "amount", "payingOffice"])
        }
        #expect(throws: CaseServiceError(.forbidden, "")) { _ = try Self.code(t, w.p.referrerAdvisor, w.caseID) }
        #expect(throws: CaseServiceError(.notFound, "")) { _ = try Self.code(t, "r.huber", w.caseID) }
        #expect(try Self.count(t) == 0)

        // Before the hand-over: refused by rule.
        var early = Walk(t, .alv, n: 2)
        try early.submit()
        #expect(throws: CaseServiceError(.ruleViolation, "")) { _ = try Self.code(t, "p.baumann", early.caseID) }
        #expect(try Self.count(t) == 0)
    }

    /// The error of a booking attempt, reduced to its code (for `#expect(throws:)`).
    static func code(_ t: TestOffice, _ user: String, _ caseID: String) throws -> OwnEntitlementMeasureEntry {
        do { return try t.service.bookOwnEntitlementMeasure(by: user, caseID: caseID, formData: measure) } catch let error as CaseServiceError {
            throw CaseServiceError(error.code, "")
        }
    }
}
