import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// A measure booked without a Kostengutsprache, as stored: the person is entitled at the
/// receiving office, which books and pays it in its own procedure (concept Kap. 5.2).
public struct OwnEntitlementMeasureEntry: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var caseId: String
    public var measure: String
    public var provider: String
    public var providerAddress: String?
    public var periodFrom: LocalDate
    public var periodTo: LocalDate
    /// CHF.
    public var amount: Decimal
    /// Always the case's receiving office.
    public var payingOfficeId: String
    public var payingOfficeType: InstitutionType
    /// Why no KGS was needed, as the funding rule said at booking time.
    public var fundingReason: String
    public var bookedAt: LocalDate
    public var bookedBy: String

    /// The domain view (reports).
    public var ownEntitlementMeasure: OwnEntitlementMeasure {
        OwnEntitlementMeasure(id: String(id), measure: measure, provider: provider, periodStart: periodFrom, periodEnd: periodTo,
                              amount: amount, payingOfficeType: payingOfficeType, bookedAt: bookedAt)
    }

    package init(id: Int64, caseId: String, measure: String, provider: String, providerAddress: String?, periodFrom: LocalDate,
                 periodTo: LocalDate, amount: Decimal, payingOfficeId: String, payingOfficeType: InstitutionType, fundingReason: String,
                 bookedAt: LocalDate, bookedBy: String) {
        self.id = id
        self.caseId = caseId
        self.measure = measure
        self.provider = provider
        self.providerAddress = providerAddress
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.amount = amount
        self.payingOfficeId = payingOfficeId
        self.payingOfficeType = payingOfficeType
        self.fundingReason = fundingReason
        self.bookedAt = bookedAt
        self.bookedBy = bookedBy
    }
}

extension OptimaService {
    /// Who pays the measures of a case: the receiver from the person's own entitlement there, or
    /// an office that issues a Kostengutsprache (`MeasureFundingRules`).
    public static func measureFunding(_ c: OptimaCase) -> MeasureFunding {
        MeasureFundingRules.funding(referrer: c.referrerType, receiver: c.receiverType, status: c.personStatus)
    }

    /// The receiver's case management books a measure without a Kostengutsprache, because the
    /// person is entitled at the receiver itself (concept Kap. 5.2): what, provider, period and
    /// cost (form `massnahme-eigener-anspruch`); the paying office is the receiver. One
    /// transaction: the measure, a line in the case's history, and (through the server) the
    /// access-log entry. A measure that needs a KGS is refused with the way to request one.
    @discardableResult
    public func bookOwnEntitlementMeasure(by username: String, caseID: String, formData: [String: Value]) throws -> OwnEntitlementMeasureEntry {
        let user = try staff(username)
        let stored = try visibleCase(user, caseID)
        let c = stored.optimaCase
        try requireReceiverCasework(user, c, who: "Eine Massnahme bucht",
                                    early: "Eine Massnahme kann erst nach dem Übergabegespräch gebucht werden, wenn die Übergabe wirksam ist.",
                                    late: "es können keine Massnahmen mehr gebucht werden.")
        let reason: String
        switch Self.measureFunding(c) {
        case .costApproval(let payer, let why):
            let payerName = payer == c.referrerType ? ((try? office(c.referrerOfficeId).name) ?? c.referrerOfficeId) : Glossary.label(payer)
            throw CaseServiceError(.ruleViolation, "Diese Massnahme braucht eine Kostengutsprache. " + why + " Bitte bei der zahlenden "
                                   + "Stelle (\(payerName)) die Kostengutsprache beantragen («Kostengutsprache beantragen»); "
                                   + "gebucht wird erst, wenn sie unterzeichnet ist (nie vorfinanziert).")
        case .receiverOwnEntitlement(let why):
            reason = why
        }
        guard let form = forms.form("massnahme-eigener-anspruch") else {
            throw CaseServiceError(.processFailed, "Das Formular «massnahme-eigener-anspruch» fehlt im Ordner forms/. Die "
                                   + "Koordinationsstelle ergänzt es.")
        }
        let result = form.validate(formData, references: try formReferences())
        var errors = result.errors.map(CaseServiceError.FieldError.init)
        let allowed = form.fields.map(\.id).joined(separator: ", ")
        for key in result.unknownFields {
            errors.append(.init(field: key, code: "notAllowed", message: "Unbekanntes Feld «\(key)». Erlaubt: \(allowed)."))
        }
        guard errors.isEmpty, let from = result.values["periodFrom"].flatMap(TemplateData.localDate),
            let to = result.values["periodTo"].flatMap(TemplateData.localDate), let amount = result.values["amount"]?.numberValue
        else { throw Self.formError(form, errors) }
        let values = result.values
        let today = self.today
        let (id, _) = try perform(username, "book-own-entitlement-measure", caseOf: { _ in caseID }) { cmd, db -> Int64 in
            let id = try db.insertOwnEntitlementMeasure(
                caseID: caseID, measure: values["measure"]?.stringValue, provider: values["provider"]?.stringValue,
                providerAddress: values["providerAddress"]?.stringValue, periodFrom: from, periodTo: to, amount: amount,
                payingOfficeID: c.receiverOfficeId, fundingReason: reason, bookedAt: today, bookedBy: username)
            // The case's history (who did what, when) lists the booking beside the process steps.
            let details: Value = .context([
                "ownEntitlementMeasure": .context([
                    "id": .number(Decimal(id)), "measure": values["measure"] ?? .null, "provider": values["provider"] ?? .null,
                    "periodFrom": .string(from.description), "periodTo": .string(to.description),
                    "amount": .string(SwissFormat.plainAmount(amount)), "payingOffice": .string(c.receiverOfficeId),
                ]),
            ])
            try cmd.transaction.appendHistory(HistoryRecord(at: cmd.now, actor: username, command: "book-own-entitlement-measure",
                                                            instanceID: stored.optimaInstanceID, businessKey: caseID, taskID: nil,
                                                            elementID: nil, details: details.jsonString(tagged: false)))
            return id
        }
        guard let entry = try read({ try $0.ownEntitlementMeasure(id: id) })
        else {
            throw CaseServiceError(.processFailed, "Die Massnahme wurde nicht gespeichert.")
        }
        return entry
    }
}
