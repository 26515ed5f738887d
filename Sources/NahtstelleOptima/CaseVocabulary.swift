/// The lifecycle state of an OPTIMA case.
public enum CaseState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The referrer is filling in the application.
    case draft
    /// Submitted; the receiver's OPTIMA contact checks it.
    case submitted
    /// The receiver asked the referrer back (Rücksprache).
    case inClarification = "in-clarification"
    /// Accepted; the hand-over meeting is being organised.
    case accepted
    /// Rejected ("Antrag abgelehnt"); the referrer continues its standard procedure.
    case rejected
    /// Hand-over effective: the receiver works the case.
    case active
    /// A participant disagreed with the hand-over note ("Ende OPTIMA (keine Zustimmung)").
    case noAgreement = "no-agreement"
    /// Closed at an Abschlussgespräch.
    case closed
}

/// The receiver's decision on an application.
public enum Decision: String, Sendable, Hashable, Codable, CaseIterable {
    case accepted
    case rejected
}

/// Why an application was rejected; the order is the pilot report's.
public enum RejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    case ivRejectionUnder1Year = "iv-rejection-under-1-year"
    case noIntactLabourOffer = "no-intact-labour-offer"
    case noCapacity = "no-capacity"
    /// Other reason, with a free text recorded beside it.
    case other
    case goalNotAchievable = "goal-not-achievable"
}

/// Why a case was closed (only at a Standortgespräch, §7.8).
public enum ClosingReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The referrer revokes the mandate (e.g. goals below expectations).
    case referrerRevoked = "revoked-by-referrer"
    case goalReached = "goal-reached"
    case goalNotReachable = "goal-not-achievable"
    /// The referrer refuses a Kostengutsprache.
    case costApprovalRefused = "cost-approval-refused"
    /// The referrer keeps managing the case in parallel.
    case parallelCaseManagement = "parallel-case-management"
}

/// The outcome recorded on closing (reporting categories of the pilot).
public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
    case successful
    case partial
    case notAchieved = "not-achieved"
    case other
}

/// Topics of the hand-over named in the application.
public enum CaseTopic: String, Sendable, Hashable, Codable, CaseIterable {
    case labourMarket = "labour-market"
    case debts
    case addiction
    case childcare
    case conflicts
    case burdeningEvents = "burdening-events"
    case health
}

/// Planned duration of the mandate: 3 or 6 months.
public enum PlannedMonths: Int, Sendable, Hashable, Codable, CaseIterable {
    case three = 3
    case six = 6
}

/// The signatory's decision on a Kostengutsprache.
public enum CostApprovalDecision: String, Sendable, Hashable, Codable, CaseIterable {
    case approved
    case rejected
}
