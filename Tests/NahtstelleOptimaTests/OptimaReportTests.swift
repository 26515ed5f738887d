import Foundation
import NahtstelleFEEL
import Testing

@testable import NahtstelleOptima

/// Every figure of the 2025 report over `ReportFixture`, counted by hand from the fixture.
@Suite struct OptimaReportTests {
    let report = OptimaReport.compute(cases: ReportFixture.records, from: d("2025-01-01"), to: d("2025-12-31"))

    @Test func applications() {
        // Applied in 2025: C01–C18 and C20 (not C19, C21, C22).
        #expect(report.applications.total == 19)
        #expect(report.applications.byReferrer == InstitutionCounts(iv: 3, rav: 5, sd: 11))
        #expect(report.applications.byReceiver == InstitutionCounts(iv: 8, rav: 6, sd: 5))
    }

    @Test func process() {
        // Decided in 2025: C01–C12, C14–C16, C19 (C20 is decided in 2026).
        #expect(report.process.accepted == 10)
        #expect(report.process.rejectedTotal == 6)
        #expect(report.process.rejected(.ivRejectionUnder1Year) == 1)
        #expect(report.process.rejected(.noIntactLabourOffer) == 1)
        #expect(report.process.rejected(.noCapacity) == 1)
        #expect(report.process.rejected(.other) == 2)  // C10, and C16 without a reason
        #expect(report.process.rejected(.goalNotAchievable) == 1)
    }

    @Test func costApprovals() {
        // Requested in 2025: C04 RAV, C06 SD ×2, C11 RAV, C14 RAV, C15 IV (C19's was in 2024).
        #expect(report.costApprovals.requested == InstitutionCounts(iv: 1, rav: 3, sd: 2))
        // Approved in 2025: C04, C06, C11, C15 and C19 (decided 06.01.2025).
        #expect(report.costApprovals.approved == InstitutionCounts(iv: 1, rav: 2, sd: 2))
        #expect(report.costApprovals.rejected == InstitutionCounts(iv: 0, rav: 0, sd: 1))
    }

    @Test func effects() {
        // Closed in 2025: C01 (RAV), C03, C06, C11, C19 (IV), C04, C07 (SD).
        #expect(report.effects.closed == InstitutionCounts(iv: 4, rav: 1, sd: 2))
        #expect(report.effects.outcome(.successful) == InstitutionCounts(iv: 3, rav: 1, sd: 0))
        #expect(report.effects.outcome(.partial) == InstitutionCounts(iv: 1, rav: 0, sd: 0))
        #expect(report.effects.outcome(.notAchieved) == InstitutionCounts(iv: 0, rav: 0, sd: 1))
        #expect(report.effects.outcome(.other) == InstitutionCounts(iv: 0, rav: 0, sd: 1))
    }

    @Test func targetGroups() {
        let expected: [TargetGroup: Int] = [.a: 1, .b: 2, .c: 1, .d: 1, .e: 3, .f: 2, .g: 1, .h: 3, .i: 2, .sdToSD: 2]
        for group in TargetGroup.allCases { #expect(report.targetGroupCount(group) == expected[group] ?? 0) }
        #expect(report.applicationsWithoutTargetGroup == 1)
    }

    @Test func durations() {
        // 3,4,7,7,7,7,7,8,9,9,9,10,11,14,28,65 → (8 + 9) / 2
        #expect(report.durations.applicationToDecision == DurationFigure(days: [3, 4, 7, 7, 7, 7, 7, 8, 9, 9, 9, 10, 11, 14, 28, 65]))
        #expect(report.durations.applicationToDecision.medianDays == 8.5)
        #expect(report.durations.applicationToDecision.count == 16)
        // 12,12,14,14,21,21,21,21,26,27,28
        #expect(report.durations.decisionToHandover.medianDays == 21)
        #expect(report.durations.decisionToHandover.count == 11)
        // 92,148,167,182,182,183,184
        #expect(report.durations.handoverToClosing.medianDays == 182)
        #expect(report.durations.handoverToClosing.count == 7)
        // 113,176,196,210,211,218,273
        #expect(report.durations.applicationToClosing.medianDays == 210)
        #expect(report.durations.applicationToClosing.count == 7)
    }

    @Test func overdueDeadlines() {
        #expect(report.overdue(.applicationCheck) == 3)  // C12 late, C13 and C17 open
        #expect(report.overdue(.costApprovalSignature) == 1)  // C06's second KGS, signed late
        #expect(report.overdue(.mandateEnd) == 3)  // C12, C22 open; C19 closed a day late
        #expect(report.overdueTotal == 7)
    }

    @Test func overdueAsOfAnEarlierDay() {
        let early = OptimaReport.compute(
            cases: ReportFixture.records, from: d("2025-01-01"), to: d("2025-12-31"), asOf: d("2025-07-10"))
        #expect(early.overdue(.applicationCheck) == 1)  // C12 only; C13 is overdue from 16.07.
        #expect(early.overdue(.costApprovalSignature) == 1)
        #expect(early.overdue(.mandateEnd) == 1)  // C22 only
    }

    @Test func measureCosts() {
        #expect(report.measureCost(.iv) == Decimal(string: "1500.00"))
        #expect(report.measureCost(.rav) == Decimal(string: "3250.00"))
        #expect(report.measureCost(.sd) == Decimal(string: "1300.00"))
        #expect(report.measureCostTotal == Decimal(string: "6050.00"))
    }

    @Test func periodBoundariesAreInclusive() {
        let oneDay = OptimaReport.compute(cases: ReportFixture.records, from: d("2025-01-06"), to: d("2025-01-06"))
        #expect(oneDay.applications.total == 1)  // C01
        #expect(oneDay.costApprovals.approved.sd == 1)  // C19's KGS
        #expect(oneDay.durations.decisionToHandover.count == 1)  // C22 handed over that day
        let empty = OptimaReport.compute(cases: [], from: d("2025-01-01"), to: d("2025-12-31"))
        #expect(empty.applications.total == 0)
        #expect(empty.durations.applicationToDecision.medianDays == nil)
        // A reversed period does not crash; it is the single day `from`.
        let reversed = OptimaReport.compute(cases: ReportFixture.records, from: d("2025-01-06"), to: d("2024-01-01"))
        #expect(reversed.applications.total == 1)
    }

    @Test func recordFromCaseComputesDeadlineFacts() {
        var c = sampleCase()
        c.appliedAt = d("2025-06-16")
        c.decidedAt = d("2025-07-14")
        c.decision = .accepted
        c.handoverAt = d("2025-08-04")
        c.plannedMonths = .three
        c.targetGroup = .h
        c.costApprovals = [
            CostApproval(id: "K", measure: "Kurs", amount: 450, payingOfficeType: .sd, requestedAt: d("2025-12-16"))
        ]
        let record = CaseReportRecord(case: c)
        #expect(record.applicationCheckDue == d("2025-07-01"))
        #expect(record.plannedEnd == d("2025-11-04"))
        #expect(record.costApprovals.first?.signatureDue == d("2025-12-29"))
        #expect(record.referrerType == .sd && record.receiverType == .rav && record.targetGroup == .h)
        #expect(record.closedAt == nil)
    }
}

@Suite struct OptimaReportRenderingTests {
    let report = OptimaReport.compute(cases: ReportFixture.records, from: d("2025-01-01"), to: d("2025-12-31"))

    @Test func jsonShape() throws {
        let json = try Value.parseJSON(report.json())
        func at(_ path: String) -> Value? { json.value(atPath: path) }
        #expect(at("period.from") == "2025-01-01")
        #expect(at("period.to") == "2025-12-31")
        #expect(at("applications.total") == 19)
        #expect(at("applications.byReferrer.IV") == 3)
        #expect(at("applications.byReferrer.RAV") == 5)
        #expect(at("applications.byReferrer.SD") == 11)
        #expect(at("applications.byReceiver.IV") == 8)
        #expect(at("process.accepted") == 10)
        #expect(at("process.rejectedTotal") == 6)
        #expect(at("process.rejected.iv-rejection-under-1-year") == 1)
        #expect(at("process.rejected.other") == 2)
        #expect(at("costApprovals.requested.total") == 6)
        #expect(at("costApprovals.approved.byPayer.SD") == 2)
        #expect(at("costApprovals.rejected.byPayer.SD") == 1)
        #expect(at("effects.closed.total") == 7)
        #expect(at("effects.closed.byReceiver.IV") == 4)
        #expect(at("effects.outcomes.successful.total") == 4)
        #expect(at("effects.outcomes.not-achieved.byReceiver.SD") == 1)
        #expect(at("targetGroups.E") == 3)
        #expect(at("targetGroups.SD-SD") == 2)
        #expect(at("targetGroups.none") == 1)
        #expect(at("durationsInDays.applicationToDecision.median") == 8.5)
        #expect(at("durationsInDays.applicationToDecision.count") == 16)
        #expect(at("durationsInDays.handoverToClosing.median") == 182)
        #expect(at("overdueDeadlines.total") == 7)
        #expect(at("overdueDeadlines.mandate-end") == 3)
        #expect(at("measureCosts.currency") == "CHF")
        #expect(at("measureCosts.total") == .number(Decimal(string: "6050")!))
        #expect(at("measureCosts.byPayer.RAV") == .number(Decimal(string: "3250")!))
        // Keys appear in the pilot's order.
        let text = report.json()
        let order = ["\"applications\"", "\"process\"", "\"costApprovals\"", "\"effects\"", "\"targetGroups\"",
            "\"durationsInDays\"", "\"overdueDeadlines\"", "\"measureCosts\""]
        let positions = order.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted())
        #expect(text.contains("\"total\": 6050.00"))
        // Compact form parses to the same value.
        #expect(try Value.parseJSON(report.json(pretty: false)) == json)
        let empty = OptimaReport.compute(cases: [], from: d("2025-01-01"), to: d("2025-01-31"))
        #expect(try Value.parseJSON(empty.json()).value(atPath: "durationsInDays.decisionToHandover.median") == .null)
    }

    @Test func csvShape() {
        let csv = report.csv()
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "section,figure,dimension,value")
        #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 4 })
        #expect(lines.count == 1 + report.csvRows().count)
        for expected in [
            "period,from,,2025-01-01", "applications,total,,19", "applications,by-referrer,SD,11",
            "applications,by-receiver,RAV,6", "process,accepted,,10", "process,rejected,,6",
            "process,rejected,no-capacity,1", "cost-approvals,requested,,6", "cost-approvals,approved,IV,1",
            "effects,closed,,7", "effects,successful,RAV,1", "effects,other,SD,1", "target-groups,applications,H,3",
            "target-groups,applications,none,1", "durations,application-to-decision,median-days,8.5",
            "durations,application-to-decision,count,16", "overdue-deadlines,application-check,,3",
            "measure-costs,approved-chf,,6050.00", "measure-costs,approved-chf,SD,1300.00",
        ] {
            #expect(lines.contains(expected), "missing CSV row \(expected)")
        }
    }

    @Test func textLayout() {
        let text = report.text(createdOn: d("2026-01-05"))
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.first == "Standardreporting Optima vom 01.01.2025 bis 31.12.2025")
        func follows(_ expected: [String]) -> Bool {
            guard let start = lines.firstIndex(of: expected[0]), start + expected.count <= lines.count else { return false }
            return Array(lines[start..<start + expected.count]) == expected
        }
        #expect(follows(["Aufträge", "Anzahl Anmeldungen 19", "Auftraggeber, davon", "- IV 3", "- RAV/ALV 5",
            "- Sozialhilfe 11", "Auftragnehmer, davon", "- IV 8", "- RAV/ALV 6", "- Sozialhilfe 5"]))
        #expect(follows(["Prozess", "Angenommene Aufträge 10", "Abgelehnte Aufträge, davon 6",
            "- IV-Ablehnung < 1 Jahr zurück 1", "- Kein intaktes Arbeitsangebot 1", "- Keine Kapazität 1",
            "- Sonstige 2", "- Zielsetzung nicht realisierbar 1"]))
        #expect(follows(["Anträge und Massnahmen", "Anzahl Anträge auf Kostengutsprache; davon 6", "- IV 1",
            "- RAV/ALV 3", "- Sozialhilfe 2", "Anzahl bewilligte Kostengutsprachen; davon 5", "- IV 1", "- RAV/ALV 2",
            "- Sozialhilfe 2", "Anzahl abgelehnte Kostengutsprachen; davon 1", "- IV 0", "- RAV/ALV 0", "- Sozialhilfe 1"]))
        #expect(follows(["Wirkungen", "Abgeschlossene Optima-Fälle; davon 7", "- IV 4", "- RAV/ALV 1", "- Sozialhilfe 2",
            "Abschlussgründe", "Auftrag erfolgreich umgesetzt; davon 4", "- IV 3", "- RAV/ALV 1", "- Sozialhilfe 0",
            "Auftrag teilweise umgesetzt; davon 1", "- IV 1", "- RAV/ALV 0", "- Sozialhilfe 0",
            "Auftrag nicht umgesetzt; davon 1", "- IV 0", "- RAV/ALV 0", "- Sozialhilfe 1",
            "Sonstige; davon 1", "- IV 0", "- RAV/ALV 0", "- Sozialhilfe 1"]))
        #expect(lines.contains("- Zielgruppe E 3"))
        #expect(lines.contains("- Übergabe SD an SD 2"))
        #expect(lines.contains("Anmeldung bis Entscheid 8.5 Tage (16 Fälle)"))
        #expect(lines.contains("Übergabe bis Abschluss 182 Tage (7 Fälle)"))
        #expect(lines.contains("Total CHF 6'050.00"))
        #expect(lines.contains("- RAV/ALV CHF 3'250.00"))
        #expect(lines.contains("Erstellt am 05.01.2026"))
        #expect(!text.contains("ß"))
    }

    /// The pilot's own figures (Standardreporting 01.10.2018–29.11.2022) from 52 synthetic cases.
    @Test func reproducesThePilotReport() {
        var records: [CaseReportRecord] = []
        let pairs: [(InstitutionType, InstitutionType, Int)] = [
            (.iv, .rav, 1), (.rav, .iv, 8), (.rav, .sd, 4), (.sd, .iv, 13), (.sd, .rav, 16), (.sd, .sd, 10),
        ]
        var applications: [(InstitutionType, InstitutionType)] = []
        for (referrer, receiver, count) in pairs { applications += Array(repeating: (referrer, receiver), count: count) }
        // Accept 19 IV, 10 RAV and 9 SD receivers; of the rest reject 12, leave 2 pending.
        var toAccept: [InstitutionType: Int] = [.iv: 19, .rav: 10, .sd: 9]
        var toClose: [InstitutionType: [Outcome]] = [
            .iv: Array(repeating: .successful, count: 4) + Array(repeating: .notAchieved, count: 12) + [.other],
            .rav: Array(repeating: .successful, count: 2) + Array(repeating: .partial, count: 5) + [.other, .other],
            .sd: Array(repeating: .successful, count: 7) + [.partial, .partial],
        ]
        var reasons: [RejectionReason] = Array(repeating: .ivRejectionUnder1Year, count: 3) + Array(repeating: .other, count: 9)
        let start = d("2018-10-01")
        for (index, (referrer, receiver)) in applications.enumerated() {
            let applied = start.adding(days: index * 20)
            var record = CaseReportRecord(caseId: "P\(index)", referrerType: referrer, receiverType: receiver, appliedAt: applied)
            if toAccept[receiver, default: 0] > 0 {
                toAccept[receiver, default: 0] -= 1
                record.decision = .accepted
                record.decidedAt = applied.adding(days: 7)
                record.handoverAt = applied.adding(days: 21)
                if let outcome = toClose[receiver]?.popLast() {
                    record.closedAt = applied.adding(days: 200)
                    record.outcome = outcome
                }
            } else if let reason = reasons.popLast() {
                record.decision = .rejected
                record.decidedAt = applied.adding(days: 7)
                record.rejectionReason = reason
            }
            if index == 0 {
                record.costApprovals = [
                    CostApprovalRecord(requestedAt: applied.adding(days: 30), decidedAt: applied.adding(days: 35),
                        decision: .approved, payingOfficeType: .iv, amount: 1250)
                ]
            }
            records.append(record)
        }
        let pilot = OptimaReport.compute(cases: records, from: d("2018-10-01"), to: d("2022-11-29"))
        let lines = pilot.text().split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        let expected = [
            "Standardreporting Optima vom 01.10.2018 bis 29.11.2022", "Aufträge", "Anzahl Anmeldungen 52",
            "Auftraggeber, davon", "- IV 1", "- RAV/ALV 12", "- Sozialhilfe 39",
            "Auftragnehmer, davon", "- IV 21", "- RAV/ALV 17", "- Sozialhilfe 14",
            "Prozess", "Angenommene Aufträge 38", "Abgelehnte Aufträge, davon 12", "- IV-Ablehnung < 1 Jahr zurück 3",
            "- Kein intaktes Arbeitsangebot 0", "- Keine Kapazität 0", "- Sonstige 9", "- Zielsetzung nicht realisierbar 0",
            "Anträge und Massnahmen", "Anzahl Anträge auf Kostengutsprache; davon 1", "- IV 1", "- RAV/ALV 0",
            "- Sozialhilfe 0", "Anzahl bewilligte Kostengutsprachen; davon 1", "- IV 1", "- RAV/ALV 0", "- Sozialhilfe 0",
            "Anzahl abgelehnte Kostengutsprachen; davon 0", "- IV 0", "- RAV/ALV 0", "- Sozialhilfe 0",
            "Wirkungen", "Abgeschlossene Optima-Fälle; davon 35", "- IV 17", "- RAV/ALV 9", "- Sozialhilfe 9",
            "Abschlussgründe", "Auftrag erfolgreich umgesetzt; davon 13", "- IV 4", "- RAV/ALV 2", "- Sozialhilfe 7",
            "Auftrag teilweise umgesetzt; davon 7", "- IV 0", "- RAV/ALV 5", "- Sozialhilfe 2",
            "Auftrag nicht umgesetzt; davon 12", "- IV 12", "- RAV/ALV 0", "- Sozialhilfe 0",
            "Sonstige; davon 3", "- IV 1", "- RAV/ALV 2", "- Sozialhilfe 0",
        ]
        #expect(Array(lines.prefix(expected.count)) == expected)
    }
}
