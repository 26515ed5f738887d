import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// Handlers of issue 14 (OPTIMA fidelity): measures without a Kostengutsprache, an additional or
/// moved Standortgespräch, the RAV's resumed advising, the installation's settings and the
/// flat-rate billing. Access is decided in the service (`AccessPolicy`); input is checked here
/// first, every problem at once, so that bad input changes nothing.
extension API {
    // MARK: Cases

    func bookOwnEntitlementMeasure(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let values = try await RequestInput.jsonObject(request, context)
        let service = self.service
        let entry = try await core.run(context) { () -> OwnEntitlementMeasureEntry in
            try service.bookOwnEntitlementMeasure(by: caller.username, caseID: caseID, formData: values)
        }
        core.metrics.command()
        return JSONBody.response(Rep.ownEntitlementMeasure(entry), status: .created)
    }

    func rescheduleStatusMeeting(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let atText = fields.string("at", label: "Neuer Termin", maxLength: 40)
        let reason = fields.string("reason", label: "Grund", maxLength: 2000)
        var problems = fields.problems
        var at: Date? = nil
        if let atText {
            // A date and a time: a meeting at midnight is a typo, not a plan.
            if LocalDate(iso: atText.trimmingCharacters(in: .whitespaces)) == nil, let parsed = ISODateTime.parse(atText) {
                if parsed > service.now { at = parsed } else {
                    problems["at"] = "Neuer Termin: «\(atText)» liegt nicht in der Zukunft. Bitte einen kommenden Termin angeben."
                }
            } else {
                problems["at"] = "Neuer Termin: kein gültiger Zeitpunkt. Bitte JJJJ-MM-TTTHH:MM angeben (z. B. 2026-04-20T09:00)."
            }
        }
        if let reason, reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems["reason"] = "Grund: Angabe fehlt. Ein zusätzliches Standortgespräch gibt es aus wichtigen Gründen (z. B. eine ungeplante Kündigung)."
        }
        guard problems.isEmpty, let at, let reason else { throw APIError.invalid(problems) }
        let service = self.service
        let value = try await core.run(context) { () -> Value in
            let outcome = try service.rescheduleStatusMeeting(by: caller.username, caseID: caseID, at: at, reason: reason)
            return .context([
                "caseId": .string(outcome.caseID), "nextStatusMeetingAt": .string(Value.isoDateTime(at)),
                "next": .list(Rep.namedTasks(outcome.createdTasks, service)),
            ])
        }
        core.metrics.command()
        return JSONBody.response(value)
    }

    func resumeRAVAdvising(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let note = fields.string("note", label: "Bemerkung", required: false, maxLength: 2000)
        try fields.finish()
        let service = self.service
        let value = try await core.run(context) { () -> Value in
            let outcome = try service.resumeRAVAdvising(by: caller.username, caseID: caseID, note: note)
            return .context([
                "caseId": .string(outcome.caseID), "next": .list(Rep.namedTasks(outcome.createdTasks, service)),
                "endedInstances": .list(outcome.endedInstances.map { Rep.int($0) }),
            ])
        }
        core.metrics.command()
        return JSONBody.response(value)
    }

    // MARK: Coordinators

    func settings(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        let settings = try await core.run(context) { try service.settings(by: caller.username) }
        return JSONBody.response(Rep.settings(settings))
    }

    func saveSettings(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let legalBasis = fields.bool("ravReleaseLegalBasisForIV", label: "Rechtsgrundlage für die Befreiung von ALE-Beziehenden (RAV → IV)")
        let rates = fields.object("flatRates", label: "Fallpauschalen pro Fall und Monat") { inner -> FlatRates? in
            var rates = FlatRates()
            var complete = true
            for type in InstitutionType.allCases.sorted() {
                if let rate = inner.amount(type.rawValue, label: "Fallpauschale \(Glossary.label(type))", max: 100_000) {
                    rates[type] = rate
                } else {
                    complete = false
                }
            }
            return complete ? rates : nil
        }
        try fields.finish()
        guard let legalBasis, let rates else { throw APIError.invalid(["flatRates": "Fallpauschalen: Angabe fehlt."]) }
        let service = self.service
        let saved = try await core.run(context) { () -> InstallationSettings in
            // The access-log entry of the change commits with it (OptimaService.perform).
            try service.saveSettings(InstallationSettings(ravReleaseLegalBasisForIV: legalBasis, flatRates: rates), by: caller.username)
            return try service.settings(by: caller.username)
        }
        core.metrics.command()
        return JSONBody.response(Rep.settings(saved))
    }

    /// `year` and `month` of a billing query; every problem, the caller's own included, at once (400).
    static func billingMonth(_ params: [String: String], _ more: (inout [String: String]) -> Void) throws -> (year: Int, month: Int) {
        var problems: [String: String] = [:]
        let year = params["year"].flatMap { $0.count == 4 ? Int($0) : nil }
        let month = params["month"].flatMap { $0.count <= 2 ? Int($0) : nil }
        if year.map({ !(2000...2999).contains($0) }) ?? true { problems["year"] = "Jahr fehlt oder ist ungültig (vierstellig, z. B. 2026)." }
        if month.map({ !(1...12).contains($0) }) ?? true { problems["month"] = "Monat fehlt oder ist ungültig (1 bis 12)." }
        more(&problems)
        guard problems.isEmpty, let year, let month else {
            throw APIError(.badRequest, "invalid-parameter", "Parameter fehlen oder sind ungültig.", fields: problems)
        }
        return (year, month)
    }

    func flatRateStatements(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["year", "month", "format"])
        let format = params["format"] ?? "json"
        let (year, month) = try Self.billingMonth(params) { problems in
            if format != "json" && format != "csv" { problems["format"] = "erlaubt sind json und csv." }
        }
        let service = self.service
        let (statements, names) = try await core.run(context) { () -> ([FlatRateStatement], [String: String]) in
            let statements = try service.flatRateStatements(by: caller.username, year: year, month: month)
            let names = Dictionary(try service.offices().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            return (statements, names)
        }
        let period = (month < 10 ? "0" : "") + "\(month)-\(year)"
        if format == "csv" {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"fallpauschalen-\(period).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: FlatRateBilling.csv(statements))))
        }
        return JSONBody.response(.context([
            "year": Rep.int(year), "month": Rep.int(month), "currency": "CHF",
            "total": .number(statements.reduce(0) { $0 + $1.total }),
            "statements": .list(statements.map { s in
                .context([
                    "receiverOffice": .string(s.receiverOfficeId), "receiverOfficeName": Rep.str(names[s.receiverOfficeId]),
                    "payingOffice": .string(s.payingOfficeId), "payingOfficeName": Rep.str(names[s.payingOfficeId]),
                    "total": .number(s.total),
                    "lines": .list(s.lines.map { line in
                        .context(["caseId": .string(line.caseID), "receiverType": .string(line.receiverType.rawValue), "amount": .number(line.amount)])
                    }),
                ])
            }),
        ]))
    }
}

extension API {
    func flatRateStatementDocument(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["year", "month", "receiverOffice", "payingOffice"])
        let (year, month) = try Self.billingMonth(params) { problems in
            for (name, label) in [("receiverOffice", "Abrechnende Stelle"), ("payingOffice", "Zahlende Stelle")] {
                let id = params[name] ?? ""
                if id.isEmpty || id.utf8.count > 64 { problems[name] = "\(label) fehlt oder ist ungültig." }
            }
        }
        guard let receiver = params["receiverOffice"], let payer = params["payingOffice"] else { throw APIError.notFound("Abrechnung") }
        let service = self.service
        let bytes = try await core.run(context) {
            try service.flatRateStatementDocument(by: caller.username, receiverOffice: receiver, payingOffice: payer, year: year, month: month)
        }
        let name = "Fallpauschalen-\(year)-" + (month < 10 ? "0" : "") + "\(month).docx"
        return Response(status: .ok, headers: [
            .contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            .contentDisposition: "attachment; filename=\"\(name)\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Rep {
    static func ownEntitlementMeasure(_ m: OwnEntitlementMeasureEntry) -> Value {
        .context([
            "id": int(m.id), "caseId": .string(m.caseId), "measure": .string(m.measure), "provider": .string(m.provider),
            "providerAddress": str(m.providerAddress), "periodFrom": date(m.periodFrom), "periodTo": date(m.periodTo),
            "amount": .number(m.amount), "payingOffice": .string(m.payingOfficeId), "fundingReason": .string(m.fundingReason),
            "bookedAt": date(m.bookedAt), "bookedBy": .string(m.bookedBy),
        ])
    }

    /// Who pays the case's measures: `needsCostApproval` false means the receiver books them itself.
    static func measureFunding(_ f: MeasureFunding) -> Value {
        switch f {
        case .receiverOwnEntitlement(let reason):
            .context(["needsCostApproval": false, "payerType": .null, "reason": .string(reason)])
        case .costApproval(let payer, let reason):
            .context(["needsCostApproval": true, "payerType": .string(payer.rawValue), "reason": .string(reason)])
        }
    }

    static func settings(_ s: InstallationSettings) -> Value {
        .context([
            "ravReleaseLegalBasisForIV": .bool(s.ravReleaseLegalBasisForIV),
            "flatRates": .context(Dictionary(uniqueKeysWithValues: InstitutionType.allCases.map { ($0.rawValue, Value.number(s.flatRates[$0])) })),
            "currency": "CHF",
        ])
    }
}
