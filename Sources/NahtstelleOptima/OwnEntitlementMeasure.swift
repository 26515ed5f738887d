import Foundation
import NahtstelleFEEL

/// A measure the OPTIMA-Stelle books in its own procedure because the person is entitled there
/// (concept Kap. 5.2, "Jede Massnahme wird von derjenigen Institution finanziert, bei welcher die
/// betreffende Person zum Leistungsbezug berechtigt ist"): no Kostengutsprache, the receiving
/// office pays. Measures of persons without such an entitlement need a `CostApproval` instead.
public struct OwnEntitlementMeasure: Sendable, Hashable, Identifiable {
    public var id: String
    /// The measure, e.g. "Bewerbungstraining".
    public var measure: String
    public var provider: String
    public var periodStart: LocalDate
    public var periodEnd: LocalDate
    /// Cost in CHF.
    public var amount: Decimal
    /// The type of the paying office: always the receiver's.
    public var payingOfficeType: InstitutionType
    /// The day it was booked.
    public var bookedAt: LocalDate

    public init(id: String, measure: String, provider: String, periodStart: LocalDate, periodEnd: LocalDate, amount: Decimal,
                payingOfficeType: InstitutionType, bookedAt: LocalDate) {
        self.id = id
        self.measure = measure
        self.provider = provider
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.amount = amount
        self.payingOfficeType = payingOfficeType
        self.bookedAt = bookedAt
    }
}
