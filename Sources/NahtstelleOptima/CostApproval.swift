import Foundation
import NahtstelleFEEL

/// A Kostengutsprache (KGS): the paying office's signed approval of a measure's cost.
/// No measure is booked without an approved KGS.
public struct CostApproval: Sendable, Hashable, Identifiable {
    public var id: String
    /// The measure, e.g. "Bewerbungstraining".
    public var measure: String
    public var provider: String
    public var periodStart: LocalDate?
    public var periodEnd: LocalDate?
    /// Cost in CHF per tariff list.
    public var amount: Decimal
    /// The type of the paying office (normally the referrer's).
    public var payingOfficeType: InstitutionType
    public var requestedAt: LocalDate
    public var decidedAt: LocalDate?
    public var decision: CostApprovalDecision?

    public init(
        id: String, measure: String, provider: String = "", periodStart: LocalDate? = nil,
        periodEnd: LocalDate? = nil, amount: Decimal, payingOfficeType: InstitutionType,
        requestedAt: LocalDate, decidedAt: LocalDate? = nil, decision: CostApprovalDecision? = nil
    ) {
        self.id = id
        self.measure = measure
        self.provider = provider
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.amount = amount
        self.payingOfficeType = payingOfficeType
        self.requestedAt = requestedAt
        self.decidedAt = decidedAt
        self.decision = decision
    }
}
