import Foundation
import NahtstelleCases
import NahtstelleFEEL
import Testing

/// Issue 15, item 15: the escalation says how long the signature is really overdue, also when
/// the timer fires late after a downtime.
@Suite("Escalation text")
struct EscalationTextTests {
    func escalation(_ t: TestOffice, _ w: Walk) throws -> String? {
        try t.service.notifications(w.p.referrerAdvisor).first { $0.kind == "notify-cost-approval-escalation" && $0.caseId == w.caseID }?.text
    }

    @Test func onTime() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        // Requested Tuesday 10.03.2026: due Friday 20.03.2026; escalation Friday 27.03.
        try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        try t.advance(to: "2026-03-27T08:00:00+01:00")
        let text = try #require(try escalation(t, w))
        #expect(text.contains("seit 7 Tagen überfällig (Frist 20.03.2026)"), "\(text)")
        #expect(!text.contains("seit 4 Tagen"))
    }

    @Test func afterADowntime() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        // Nothing ran between the request and 14.04.: the timers catch up then.
        try t.advance(to: "2026-04-14T08:00:00+02:00")
        let text = try #require(try escalation(t, w))
        #expect(text.contains("seit 25 Tagen überfällig (Frist 20.03.2026)"), "\(text)")
    }
}
