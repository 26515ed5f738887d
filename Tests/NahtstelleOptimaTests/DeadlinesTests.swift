import Foundation
import Testing

@testable import NahtstelleOptima

@Suite struct DeadlinesTests {
    let deadlines = Deadlines()

    @Test func applicationCheckTenWorkingDays() {
        #expect(deadlines.applicationCheckDue(submittedAt: d("2025-04-14")) == d("2025-04-30"))
        #expect(deadlines.applicationCheckDue(submittedAt: d("2025-12-19")) == d("2026-01-08"))
        // Fronleichnam 19.06.2025 is skipped.
        #expect(deadlines.applicationCheckDue(submittedAt: d("2025-06-16")) == d("2025-07-01"))
        // Submitted on a Saturday: counting starts on Monday.
        #expect(deadlines.applicationCheckDue(submittedAt: d("2025-03-08")) == d("2025-03-21"))
    }

    @Test func costApprovalTenCalendarDaysRolledToWorkingDay() {
        #expect(deadlines.costApprovalSignatureDue(requestedAt: d("2025-06-02")) == d("2025-06-12"))
        // 26.12. (Stephanstag) → Monday 29.12.
        #expect(deadlines.costApprovalSignatureDue(requestedAt: d("2025-12-16")) == d("2025-12-29"))
        // 18.04.2025 (Karfreitag) → Tuesday 22.04.
        #expect(deadlines.costApprovalSignatureDue(requestedAt: d("2025-04-08")) == d("2025-04-22"))
        // A Sunday → Monday.
        #expect(deadlines.costApprovalSignatureDue(requestedAt: d("2025-03-20")) == d("2025-03-31"))
    }

    @Test func plannedEndAndWarning() {
        #expect(deadlines.plannedMandateEnd(handoverMeetingAt: d("2025-01-31"), months: .three) == d("2025-04-30"))
        #expect(deadlines.mandateEndWarning(handoverMeetingAt: d("2025-01-31"), months: .three) == d("2025-04-16"))
        #expect(deadlines.plannedMandateEnd(handoverMeetingAt: d("2025-08-31"), months: .six) == d("2026-02-28"))
        #expect(deadlines.mandateEndWarning(handoverMeetingAt: d("2025-08-31"), months: .six) == d("2026-02-14"))
        #expect(deadlines.plannedMandateEnd(handoverMeetingAt: d("2025-09-10"), months: .six) == d("2026-03-10"))
    }

    @Test func overdueAndStates() {
        let due = d("2025-05-10")
        #expect(!Deadlines.isOverdue(due: due, completedAt: nil, today: d("2025-05-10")))
        #expect(Deadlines.isOverdue(due: due, completedAt: nil, today: d("2025-05-11")))
        #expect(!Deadlines.isOverdue(due: due, completedAt: d("2025-05-12"), today: d("2025-05-20")))
        #expect(Deadlines.state(due: due, completedAt: nil, today: d("2025-05-01")) == .open)
        #expect(Deadlines.state(due: due, completedAt: nil, today: d("2025-05-01"), warnFrom: d("2025-04-26")) == .warning)
        #expect(Deadlines.state(due: due, completedAt: nil, today: d("2025-05-11")) == .overdue)
        #expect(Deadlines.state(due: due, completedAt: d("2025-05-10"), today: d("2025-06-01")) == .completed)
        #expect(Deadlines.state(due: due, completedAt: d("2025-05-11"), today: d("2025-06-01")) == .completedLate)
    }

    @Test func deadlinesOfACase() {
        var c = sampleCase()
        c.appliedAt = d("2025-06-16")
        c.plannedMonths = .three
        // Not yet decided on 02.07.: the check (due 01.07.) is overdue.
        var list = deadlines.deadlines(for: c, today: d("2025-07-02"))
        #expect(list.map(\.kind) == [.applicationCheck])
        #expect(list.first?.due == d("2025-07-01"))
        #expect(list.first?.state == .overdue)
        #expect(deadlines.overdue(for: c, today: d("2025-07-02")).count == 1)

        c.decidedAt = d("2025-06-30")
        c.decision = .accepted
        c.handoverMeetingAt = d("2025-08-04")
        c.handoverAt = d("2025-08-04")
        c.costApprovals = [
            CostApproval(id: "K1", measure: "Bewerbungstraining", amount: 1250, payingOfficeType: .sd,
                requestedAt: d("2025-08-11"))
        ]
        list = deadlines.deadlines(for: c, today: d("2025-10-25"))
        #expect(list.map(\.kind) == [.applicationCheck, .costApprovalSignature, .mandateEnd])
        #expect(list[0].state == .completed)
        #expect(list[1].due == d("2025-08-21"))
        #expect(list[1].state == .overdue)
        #expect(list[1].costApprovalId == "K1")
        #expect(list[2].due == d("2025-11-04"))
        #expect(list[2].state == .warning)  // from 21.10.
        #expect(deadlines.deadlines(for: c, today: d("2025-10-20"))[2].state == .open)
        #expect(deadlines.deadlines(for: c, today: d("2025-11-05"))[2].state == .overdue)

        c.state = .closed
        c.closedAt = d("2025-11-03")
        #expect(deadlines.deadlines(for: c, today: d("2025-12-01"))[2].state == .completed)

        var rejected = sampleCase()
        rejected.appliedAt = d("2025-06-16")
        rejected.decidedAt = d("2025-06-20")
        rejected.decision = .rejected
        rejected.handoverMeetingAt = d("2025-07-01")
        #expect(deadlines.deadlines(for: rejected, today: d("2025-12-01")).map(\.kind) == [.applicationCheck])
    }
}
