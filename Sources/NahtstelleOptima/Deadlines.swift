import NahtstelleFEEL

/// The kinds of deadline the product keeps visible (§7).
public enum DeadlineKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The receiver checks the application: 10 working days from submission.
    case applicationCheck = "application-check"
    /// The paying office's signatory signs (or rejects) a Kostengutsprache.
    case costApprovalSignature = "cost-approval-signature"
    /// Planned end of the mandate: 3 or 6 months after the hand-over meeting.
    case mandateEnd = "mandate-end"
}

/// Where a deadline stands on a given day.
public enum DeadlineState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not done; the due date is still ahead (or today).
    case open
    /// Not done; a warning applies (mandate end within two weeks).
    case warning
    /// Not done and the due date has passed.
    case overdue
    /// Done on or before the due date.
    case completed
    /// Done, but after the due date.
    case completedLate = "completed-late"
}

/// One deadline of a case, evaluated for a day.
public struct Deadline: Sendable, Hashable {
    public var kind: DeadlineKind
    public var due: LocalDate
    public var completedAt: LocalDate?
    public var state: DeadlineState
    /// The cost approval this deadline belongs to, for `costApprovalSignature`.
    public var costApprovalId: String?
}

/// Deadline arithmetic on the Lucerne working-day calendar.
///
/// Decisions: the application check is due 10 *working* days after submission (the brief and
/// §7 "suggest 10 days"; working days because the OPTIMA contact works office days). The KGS
/// signature is due 10 *calendar* days after the request, as printed on form 2 ("innert 10 Tagen
/// unterzeichnet zurück") and as signatories read it; when that day is a Saturday, Sunday or
/// holiday it moves to the next working day, the rule of Swiss social-insurance procedure
/// (Art. 38 Abs. 3 ATSG). The planned end is 3 or 6 calendar months after the hand-over meeting
/// (`LocalDate.adding(months:)`, clamping 31st to the month's end), with a warning two weeks before.
public struct Deadlines: Sendable, Hashable {
    public static let applicationCheckWorkingDays = 10
    public static let costApprovalSignatureCalendarDays = 10
    public static let mandateEndWarningDays = 14

    public var calendar: LucerneCalendar

    public init(calendar: LucerneCalendar = .standard) {
        self.calendar = calendar
    }

    /// 10 working days after submission.
    public func applicationCheckDue(submittedAt: LocalDate) -> LocalDate {
        calendar.addWorkingDays(submittedAt, Deadlines.applicationCheckWorkingDays)
    }

    /// 10 calendar days after the request, moved to the next working day if closed.
    public func costApprovalSignatureDue(requestedAt: LocalDate) -> LocalDate {
        calendar.nextWorkingDay(onOrAfter: requestedAt.adding(days: Deadlines.costApprovalSignatureCalendarDays))
    }

    /// 3 or 6 months after the hand-over meeting.
    public func plannedMandateEnd(handoverMeetingAt: LocalDate, months: PlannedMonths) -> LocalDate {
        handoverMeetingAt.adding(months: months.rawValue)
    }

    /// Two weeks before the planned end.
    public func mandateEndWarning(handoverMeetingAt: LocalDate, months: PlannedMonths) -> LocalDate {
        plannedMandateEnd(handoverMeetingAt: handoverMeetingAt, months: months)
            .adding(days: -Deadlines.mandateEndWarningDays)
    }

    /// Overdue: not completed and `today` is after the due date.
    public static func isOverdue(due: LocalDate, completedAt: LocalDate?, today: LocalDate) -> Bool {
        completedAt == nil && today > due
    }

    /// The state of a deadline on `today`.
    /// - Parameter warnFrom: the day from which an open deadline shows a warning, if any.
    public static func state(
        due: LocalDate, completedAt: LocalDate?, today: LocalDate, warnFrom: LocalDate? = nil
    ) -> DeadlineState {
        if let completedAt { return completedAt <= due ? .completed : .completedLate }
        if today > due { return .overdue }
        if let warnFrom, today >= warnFrom { return .warning }
        return .open
    }

    /// Every deadline of a case that applies so far, evaluated on `today`: the application
    /// check (once submitted), one signature deadline per cost approval, and the mandate end
    /// (once the hand-over is effective; completed by closing).
    public func deadlines(for optimaCase: OptimaCase, today: LocalDate) -> [Deadline] {
        var list: [Deadline] = []
        if let applied = optimaCase.appliedAt {
            let due = applicationCheckDue(submittedAt: applied)
            list.append(
                Deadline(
                    kind: .applicationCheck, due: due, completedAt: optimaCase.decidedAt,
                    state: Deadlines.state(due: due, completedAt: optimaCase.decidedAt, today: today)))
        }
        for approval in optimaCase.costApprovals {
            let due = costApprovalSignatureDue(requestedAt: approval.requestedAt)
            list.append(
                Deadline(
                    kind: .costApprovalSignature, due: due, completedAt: approval.decidedAt,
                    state: Deadlines.state(due: due, completedAt: approval.decidedAt, today: today),
                    costApprovalId: approval.id))
        }
        if let start = optimaCase.handoverAt ?? optimaCase.handoverMeetingAt, optimaCase.decision != .rejected,
            optimaCase.state != .noAgreement
        {
            let due = plannedMandateEnd(handoverMeetingAt: start, months: optimaCase.plannedMonths)
            let warn = mandateEndWarning(handoverMeetingAt: start, months: optimaCase.plannedMonths)
            list.append(
                Deadline(
                    kind: .mandateEnd, due: due, completedAt: optimaCase.closedAt,
                    state: Deadlines.state(due: due, completedAt: optimaCase.closedAt, today: today, warnFrom: warn)))
        }
        return list
    }

    /// The deadlines of a case that are overdue on `today`.
    public func overdue(for optimaCase: OptimaCase, today: LocalDate) -> [Deadline] {
        deadlines(for: optimaCase, today: today).filter { $0.state == .overdue }
    }
}
