import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// The pages of issue 14's entry points: a measure of a case (a Kostengutsprache requested, or,
/// with an entitlement at the OPTIMA-Stelle, booked without one), the installation's settings
/// (coordinators) and the monthly flat-rate billing (coordinators and signatories).
extension Pages {
    // MARK: Measure of a case

    /// What the measure page needs: the case, who pays and why, the form that applies.
    struct MeasureContext {
        var view: CaseView
        var form: FormDefinition
        var needsCostApproval: Bool
        var payer: String
        var offices: [(id: String, name: String)]
        var colleagues: [(id: String, name: String)]
    }

    func loadMeasure(_ caseID: String, _ caller: Caller, _ context: AppContext) async throws -> MeasureContext {
        let service = self.service
        return try await core.run(context) {
            let view = try service.caseView(caller.username, caseID: caseID)
            let funding = view.measureFunding
            let key = funding.needsCostApproval ? "kostengutsprache-antrag" : "massnahme-eigener-anspruch"
            guard let form = service.forms.form(key) else { throw APIError.notFound("Formular «\(key)»") }
            let offices = try service.offices()
            let names = Dictionary(offices.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let payer = funding.needsCostApproval ? names[view.stored.payingOfficeId] ?? view.stored.payingOfficeId
                : names[view.optimaCase.receiverOfficeId] ?? view.optimaCase.receiverOfficeId
            let me = try service.staff(caller.username)
            let colleagues = try service.staff(office: me.officeId).map { ($0.username, $0.displayName) }.sorted { $0.1 < $1.1 }
            return MeasureContext(view: view, form: form, needsCostApproval: funding.needsCostApproval, payer: payer,
                                  offices: offices.map { ($0.id, $0.name) }, colleagues: colleagues)
        }
    }

    func measurePage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let loaded = try await loadMeasure(caseID, caller, context)
        return try await renderMeasure(loaded, caller, context, values: [:], errors: [:], general: [], status: .ok)
    }

    func renderMeasure(_ loaded: MeasureContext, _ caller: Caller, _ context: AppContext, values: [String: Value], errors: [String: String],
                       general: [String], status: HTTPResponse.Status) async throws -> Response {
        let c = loaded.view.optimaCase
        let fields = loaded.form.fields.filter { !Self.derivedCompanionFields.contains($0.id) }
        let choices = FieldView.Choices(offices: loaded.offices, users: loaded.colleagues)
        let summary = FieldView.errorSummary(fields, errors: errors)
        let data: [String: Any] = [
            "title": loaded.needsCostApproval ? "Kostengutsprache beantragen" : "Massnahme buchen", "caseId": c.id,
            "person": c.person.lastName + " " + c.person.firstName, "needsCostApproval": loaded.needsCostApproval,
            "payer": loaded.payer, "reason": loaded.view.measureFunding.reason, "formTitle": loaded.form.title,
            "formDescription": loaded.form.description,
            "sections": FieldView.sections(loaded.form, values: values, errors: errors, choices: choices, only: Set(fields.map(\.id))),
            "errorList": summary.links, "general": general + summary.unplaced, "hasErrors": !errors.isEmpty || !general.isEmpty, "errorCount": errors.count + general.count,
        ]
        return try await html("measure", data, caller, context, current: "cases", status: status)
    }

    /// Requests the Kostengutsprache or books the measure, as the funding rule says; every field
    /// error beside its field, the values kept.
    func measureSubmit(_ request: Request, _ context: AppContext, _ caller: Caller, _ posted: PostedForm) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let loaded = try await loadMeasure(caseID, caller, context)
        var values = posted.values(for: loaded.form)
        for derived in Self.derivedCompanionFields { values[derived] = nil }
        let service = self.service
        do {
            if loaded.needsCostApproval {
                _ = try await core.run(context) { [values] in try service.requestCostApproval(by: caller.username, caseID: caseID, formData: values) }
            } else {
                _ = try await core.run(context) { [values] in try service.bookOwnEntitlementMeasure(by: caller.username, caseID: caseID, formData: values) }
            }
            core.metrics.command()
            return Self.redirect("/cases/\(caseID)?done=\(loaded.needsCostApproval ? "cost-approval" : "measure")")
        } catch let error as CaseServiceError where [.invalidForm, .ruleViolation, .invalidInput].contains(error.code) {
            let (byField, general) = FieldView.errors(error)
            return try await renderMeasure(loaded, caller, context, values: values, errors: byField,
                                           general: general.isEmpty && byField.isEmpty ? [error.message] : general, status: .unprocessableContent)
        }
    }

    // MARK: Settings (coordinators)

    func settingsPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let service = self.service
        let settings = try await core.run(context) { try service.settings(by: caller.username) }
        return try await renderSettings(settings, caller, context, message: request.uri.queryParameters.get("saved") != nil ? "Gespeichert." : nil,
                                        errors: [:], entered: nil, status: .ok)
    }

    func renderSettings(_ settings: InstallationSettings, _ caller: Caller, _ context: AppContext, message: String?, errors: [String: String],
                        entered: [String: String]?, status: HTTPResponse.Status) async throws -> Response {
        let rates = InstitutionType.allCases.sorted().map { type -> [String: Any] in
            ["id": type.rawValue, "label": Glossary.label(type), "value": entered?[type.rawValue] ?? SwissFormat.plainAmount(settings.flatRates[type]),
             "error": errors[type.rawValue] ?? ""]
        }
        return try await html("settings", [
            "title": "Einstellungen", "legalBasis": settings.ravReleaseLegalBasisForIV, "rates": rates,
            "message": message ?? "", "hasMessage": message != nil, "hasErrors": !errors.isEmpty,
            "errors": errors.sorted { $0.key < $1.key }.map(\.value),
        ], caller, context, current: "settings", status: status)
    }

    func settingsSubmit(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let service = self.service
        var rates = FlatRates()
        var errors: [String: String] = [:], entered: [String: String] = [:]
        for type in InstitutionType.allCases {
            let text = String((form["rate-" + type.rawValue] ?? "").trimmingCharacters(in: .whitespaces).prefix(20))
            entered[type.rawValue] = text
            if let amount = FormDefinition.parseNumber(.string(text)), amount >= 0, amount <= 100_000 {
                rates[type] = amount
            } else {
                errors[type.rawValue] = "Fallpauschale \(Glossary.label(type)): «\(text)» ist kein Betrag zwischen 0 und 100'000 (z. B. 227.00)."
            }
        }
        let settings = InstallationSettings(ravReleaseLegalBasisForIV: form["legalBasis"] == "true", flatRates: rates)
        guard errors.isEmpty else {
            let current = try await core.run(context) { try service.settings(by: caller.username) }
            return try await renderSettings(current, caller, context, message: nil, errors: errors, entered: entered, status: .unprocessableContent)
        }
        try await core.run(context) { try service.saveSettings(settings, by: caller.username) }
        core.metrics.command()
        return Self.redirect("/settings?saved=1")
    }

    // MARK: Flat-rate billing (coordinators: all; signatories: their office's statements)

    func billingPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let q = request.uri.queryParameters
        let today = ISODateTime.localDate(of: service.now)
        // The month before the current one unless chosen: the one that is billed now.
        let previous = today.month == 1 ? (today.year - 1, 12) : (today.year, today.month - 1)
        var errors: [String] = []
        var year = previous.0, month = previous.1
        if let text = q.get("month"), !text.isEmpty {
            let parts = text.split(separator: "-")
            if parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (2000...2999).contains(y), (1...12).contains(m) {
                (year, month) = (y, m)
            } else {
                errors.append("Monat: «\(text.prefix(20))» ist kein Monat. Bitte JJJJ-MM wählen (z. B. 2026-09).")
            }
        }
        let service = self.service
        let (statements, names) = try await core.run(context) { [year, month] () -> ([FlatRateStatement], [String: String]) in
            let statements = try service.flatRateStatements(by: caller.username, year: year, month: month)
            let names = Dictionary(try service.offices().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            return (statements, names)
        }
        let canDocument = caller.roles.contains(.signatory)
        let period = String(format: "%04d-%02d", year, month)
        let rows: [[String: Any]] = statements.map { s in
            [
                "receiver": names[s.receiverOfficeId] ?? s.receiverOfficeId, "payer": names[s.payingOfficeId] ?? s.payingOfficeId,
                "cases": s.lines.count, "total": SwissFormat.chf(s.total),
                "lines": s.lines.map { ["caseId": $0.caseID, "amount": SwissFormat.chf($0.amount)] as [String: Any] },
                "canDocument": canDocument && (caller.officeID == s.receiverOfficeId || caller.officeID == s.payingOfficeId),
                "document": "/api/billing/flat-rates/document?year=\(year)&month=\(month)&receiverOffice=\(s.receiverOfficeId)&payingOffice=\(s.payingOfficeId)",
            ]
        }
        return try await html("billing", [
            "title": "Fallpauschalen", "month": period, "monthText": String(format: "%02d.%04d", month, year), "items": rows,
            "hasItems": !rows.isEmpty, "csv": "/api/billing/flat-rates?year=\(year)&month=\(month)&format=csv",
            "errors": errors, "hasErrors": !errors.isEmpty, "isCoordinator": caller.roles.contains(.coordinator),
        ], caller, context, current: "billing", status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
