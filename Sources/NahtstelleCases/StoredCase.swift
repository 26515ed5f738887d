import Foundation
import NahtstelleFEEL
import NahtstelleOptima

/// A case as the application stores it: the domain `OptimaCase` plus what letters, the case
/// view and the processes need beyond it.
public struct StoredCase: Sendable, Hashable, Identifiable {
    public var optimaCase: OptimaCase
    public var payingOfficeId: String
    public var street: String
    public var postalCode: String
    public var city: String
    public var birthDate: LocalDate
    public var remarks: String?
    public var targetGroupExplanation: String
    public var eligibility: StoredEligibility?
    /// The validated Antragsformular values (for regenerating it).
    public var applicationValues: [String: Value]
    public var optimaInstanceID: Int64?
    public var reducedInstanceID: Int64?
    public var createdAt: Date
    public var createdBy: String

    public var id: String { optimaCase.id }
    public var processKind: ProcessKind { optimaCase.processKind }

    package init(optimaCase: OptimaCase, payingOfficeId: String, street: String, postalCode: String, city: String, birthDate: LocalDate,
                 remarks: String?, targetGroupExplanation: String, eligibility: StoredEligibility?, applicationValues: [String: Value],
                 optimaInstanceID: Int64?, reducedInstanceID: Int64?, createdAt: Date, createdBy: String) {
        self.optimaCase = optimaCase
        self.payingOfficeId = payingOfficeId
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.birthDate = birthDate
        self.remarks = remarks
        self.targetGroupExplanation = targetGroupExplanation
        self.eligibility = eligibility
        self.applicationValues = applicationValues
        self.optimaInstanceID = optimaInstanceID
        self.reducedInstanceID = reducedInstanceID
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// A Kostengutsprache as stored, with its booking and payment.
public struct CostApprovalEntry: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var caseId: String
    public var measure: String
    public var provider: String
    public var providerAddress: String?
    public var periodFrom: LocalDate
    public var periodTo: LocalDate
    /// Cost positions as the form gave them (description, tariff, quantity, unitPrice, amount).
    public var positions: [Value]
    public var amount: Decimal
    public var payingOfficeId: String
    public var payingOfficeType: InstitutionType
    public var requestedAt: LocalDate
    public var requestedBy: String
    public var signatureDue: LocalDate
    public var decision: CostApprovalDecision?
    public var decidedAt: LocalDate?
    public var decidedBy: String?
    public var decisionNote: String?
    public var bookedAt: LocalDate?
    public var measureStart: LocalDate?
    public var invoiceForwardedAt: LocalDate?
    public var invoiceAmount: Decimal?
    public var paidAt: LocalDate?

    /// The domain view (reports, deadlines).
    public var costApproval: CostApproval {
        CostApproval(id: String(id), measure: measure, provider: provider, periodStart: periodFrom, periodEnd: periodTo, amount: amount,
                     payingOfficeType: payingOfficeType, requestedAt: requestedAt, decidedAt: decidedAt, decision: decision)
    }

    package init(id: Int64, caseId: String, measure: String, provider: String, providerAddress: String?, periodFrom: LocalDate,
                 periodTo: LocalDate, positions: [Value], amount: Decimal, payingOfficeId: String, payingOfficeType: InstitutionType,
                 requestedAt: LocalDate, requestedBy: String, signatureDue: LocalDate, decision: CostApprovalDecision?,
                 decidedAt: LocalDate?, decidedBy: String?, decisionNote: String?, bookedAt: LocalDate?, measureStart: LocalDate?,
                 invoiceForwardedAt: LocalDate?, invoiceAmount: Decimal?, paidAt: LocalDate?) {
        self.id = id
        self.caseId = caseId
        self.measure = measure
        self.provider = provider
        self.providerAddress = providerAddress
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.positions = positions
        self.amount = amount
        self.payingOfficeId = payingOfficeId
        self.payingOfficeType = payingOfficeType
        self.requestedAt = requestedAt
        self.requestedBy = requestedBy
        self.signatureDue = signatureDue
        self.decision = decision
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.decisionNote = decisionNote
        self.bookedAt = bookedAt
        self.measureStart = measureStart
        self.invoiceForwardedAt = invoiceForwardedAt
        self.invoiceAmount = invoiceAmount
        self.paidAt = paidAt
    }
}

