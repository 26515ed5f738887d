import Foundation

@testable import NahtstelleOptima

/// 22 hand-written cases around the reporting year 2025. Due dates are written out by hand
/// (10 working days for the application check, 10 calendar days rolled forward for a KGS,
/// 3/6 months for the mandate) so the report test does not re-run the deadline code.
enum ReportFixture {
    static func kgs(
        _ requested: String, _ payer: InstitutionType, _ amount: String, decided: String? = nil,
        _ decision: CostApprovalDecision? = nil, due: String
    ) -> CostApprovalRecord {
        CostApprovalRecord(
            requestedAt: d(requested), decidedAt: decided.map(d), decision: decision, payingOfficeType: payer,
            amount: Decimal(string: amount) ?? 0, signatureDue: d(due))
    }

    static func record(
        _ id: String, _ referrer: InstitutionType, _ receiver: InstitutionType, _ group: TargetGroup?,
        applied: String, checkDue: String, decided: String? = nil, _ decision: Decision? = nil,
        reason: RejectionReason? = nil, handover: String? = nil, plannedEnd: String? = nil, closed: String? = nil,
        outcome: Outcome? = nil, kgs: [CostApprovalRecord] = []
    ) -> CaseReportRecord {
        CaseReportRecord(
            caseId: id, referrerType: referrer, receiverType: receiver, targetGroup: group, appliedAt: d(applied),
            decidedAt: decided.map(d), decision: decision, rejectionReason: reason, handoverAt: handover.map(d),
            closedAt: closed.map(d), closingReason: closed == nil ? nil : .goalReached, outcome: outcome,
            costApprovals: kgs, applicationCheckDue: d(checkDue), plannedEnd: plannedEnd.map(d))
    }

    static let records: [CaseReportRecord] = [
        record("C01", .sd, .rav, .h, applied: "2025-01-06", checkDue: "2025-01-20", decided: "2025-01-13", .accepted,
            handover: "2025-02-03", plannedEnd: "2025-08-03", closed: "2025-07-01", outcome: .successful),
        record("C02", .sd, .iv, .e, applied: "2025-01-15", checkDue: "2025-01-29", decided: "2025-01-24", .rejected,
            reason: .ivRejectionUnder1Year),
        record("C03", .rav, .iv, .f, applied: "2025-02-03", checkDue: "2025-02-17", decided: "2025-02-10", .accepted,
            handover: "2025-03-03", plannedEnd: "2025-09-03", closed: "2025-09-01", outcome: .partial),
        record("C04", .rav, .sd, .g, applied: "2025-02-17", checkDue: "2025-03-03", decided: "2025-02-24", .accepted,
            handover: "2025-03-10", plannedEnd: "2025-06-10", closed: "2025-06-10", outcome: .notAchieved,
            kgs: [kgs("2025-03-20", .rav, "1250.00", decided: "2025-03-25", .approved, due: "2025-03-31")]),
        record("C05", .iv, .rav, .a, applied: "2025-03-03", checkDue: "2025-03-17", decided: "2025-03-14", .rejected,
            reason: .noIntactLabourOffer),
        record("C06", .sd, .iv, .d, applied: "2025-03-17", checkDue: "2025-03-31", decided: "2025-03-31", .accepted,
            handover: "2025-04-14", plannedEnd: "2025-10-14", closed: "2025-10-14", outcome: .successful,
            kgs: [
                kgs("2025-05-05", .sd, "800.00", decided: "2025-05-12", .approved, due: "2025-05-15"),
                kgs("2025-06-02", .sd, "450.50", decided: "2025-06-20", .rejected, due: "2025-06-12"),
            ]),
        record("C07", .sd, .sd, .sdToSD, applied: "2025-04-01", checkDue: "2025-04-15", decided: "2025-04-08", .accepted,
            handover: "2025-05-05", plannedEnd: "2025-11-05", closed: "2025-11-05", outcome: .other),
        record("C08", .sd, .rav, .i, applied: "2025-04-22", checkDue: "2025-05-06", decided: "2025-04-29", .rejected,
            reason: .noCapacity),
        record("C09", .iv, .sd, .c, applied: "2025-05-05", checkDue: "2025-05-19", decided: "2025-05-09", .rejected,
            reason: .goalNotAchievable),
        record("C10", .sd, .iv, nil, applied: "2025-05-19", checkDue: "2025-06-03", decided: "2025-05-22", .rejected,
            reason: .other),
        record("C11", .rav, .iv, .b, applied: "2025-06-02", checkDue: "2025-06-17", decided: "2025-06-10", .accepted,
            handover: "2025-07-01", plannedEnd: "2026-01-01", closed: "2025-12-15", outcome: .successful,
            kgs: [kgs("2025-07-14", .rav, "2000.00", decided: "2025-07-18", .approved, due: "2025-07-24")]),
        // Decided late (check due 01.07. because of Fronleichnam); mandate of 3 months not closed.
        record("C12", .sd, .rav, .h, applied: "2025-06-16", checkDue: "2025-07-01", decided: "2025-07-14", .accepted,
            handover: "2025-08-04", plannedEnd: "2025-11-04"),
        // Pending, check overdue.
        record("C13", .sd, .iv, .e, applied: "2025-07-01", checkDue: "2025-07-15"),
        record("C14", .rav, .sd, .i, applied: "2025-08-11", checkDue: "2025-08-26", decided: "2025-08-20", .accepted,
            handover: "2025-09-01", plannedEnd: "2026-03-01",
            kgs: [kgs("2025-12-22", .rav, "300.00", due: "2026-01-05")]),
        record("C15", .iv, .rav, .b, applied: "2025-09-01", checkDue: "2025-09-15", decided: "2025-09-10", .accepted,
            handover: "2025-09-22", plannedEnd: "2026-03-22",
            kgs: [kgs("2025-10-01", .iv, "1500.00", decided: "2025-10-06", .approved, due: "2025-10-13")]),
        // Rejected without a reason: counts as "other".
        record("C16", .sd, .rav, .h, applied: "2025-10-06", checkDue: "2025-10-20", decided: "2025-10-16", .rejected),
        record("C17", .sd, .iv, .e, applied: "2025-11-03", checkDue: "2025-11-17"),
        record("C18", .sd, .sd, .sdToSD, applied: "2025-12-22", checkDue: "2026-01-09"),
        // Applied in 2024, decided, KGS approved, handed over and closed (one day late) in 2025.
        record("C19", .sd, .iv, .e, applied: "2024-11-04", checkDue: "2024-11-18", decided: "2025-01-08", .accepted,
            handover: "2025-02-03", plannedEnd: "2025-08-03", closed: "2025-08-04", outcome: .successful,
            kgs: [kgs("2024-12-02", .sd, "500.00", decided: "2025-01-06", .approved, due: "2024-12-12")]),
        // Applied in 2025, decided in 2026.
        record("C20", .rav, .iv, .f, applied: "2025-12-29", checkDue: "2026-01-14", decided: "2026-01-05", .accepted),
        // Entirely in 2024: counts nowhere.
        record("C21", .iv, .sd, .d, applied: "2024-06-03", checkDue: "2024-06-17", decided: "2024-06-10", .accepted,
            handover: "2024-07-01", plannedEnd: "2025-01-01", closed: "2024-12-20", outcome: .partial),
        // Handed over in 2025, 3 months, never closed.
        record("C22", .sd, .rav, .h, applied: "2024-12-02", checkDue: "2024-12-16", decided: "2024-12-09", .accepted,
            handover: "2025-01-06", plannedEnd: "2025-04-06"),
    ]
}
