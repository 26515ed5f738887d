import Foundation
import NahtstelleFEEL
import NahtstelleOptima

extension OptimaService {
    /// The monthly flat-rate statements of model A (concept Kap. 5.1) for `year`/`month`: one per
    /// receiving and paying (referring) office, at the rates of the installation's settings.
    public func flatRateStatements(year: Int, month: Int) throws -> [FlatRateStatement] {
        guard (1...12).contains(month), (2000...2999).contains(year) else {
            throw CaseServiceError(.invalidInput, "Abrechnungsmonat \(month).\(year) gibt es nicht. Bitte Monat 1 bis 12 und ein "
                                   + "vierstelliges Jahr angeben.", field: "month")
        }
        let (rates, cases) = try read { db in (try InstallationSettings.load(db).flatRates, try FlatRateRows.cases(db)) }
        return FlatRateBilling.statements(cases: cases, year: year, month: month, rates: rates)
    }

    /// The statements of a month that the caller may see (`AccessPolicy.canReadStatement`):
    /// coordinators every one, a signatory those their office bills or pays. The read is logged.
    public func flatRateStatements(by username: String, year: Int, month: Int) throws -> [FlatRateStatement] {
        let user = try staff(username)
        try require(AccessPolicy.canReadBilling(user.user), "Die Abrechnung der Fallpauschalen sehen die zeichnungsberechtigten Personen "
                    + "der abrechnenden und der zahlenden Stelle sowie die IIZ-Koordinationsstellen.")
        let statements = try flatRateStatements(year: year, month: month).filter {
            AccessPolicy.canReadStatement(user.user, receiverOfficeId: $0.receiverOfficeId, payingOfficeId: $0.payingOfficeId)
        }
        try logAccess(username, "read-billing", caseID: nil)
        return statements
    }

    /// The invoice of one receiving office to one paying office for a month, as DOCX, for a
    /// signatory of one of the two offices (it names the persons). The read is logged.
    public func flatRateStatementDocument(by username: String, receiverOffice: String, payingOffice: String, year: Int,
                                          month: Int) throws -> [UInt8] {
        let user = try staff(username)
        try require(AccessPolicy.canReadStatementDocument(user.user, receiverOfficeId: receiverOffice, payingOfficeId: payingOffice),
                    "Die Abrechnung als Dokument nennt die Personen: sie ist den zeichnungsberechtigten Personen der abrechnenden "
                        + "und der zahlenden Stelle vorbehalten.")
        let bytes = try flatRateStatementDocument(receiverOffice: receiverOffice, payingOffice: payingOffice, year: year, month: month)
        try logAccess(username, "read-billing-document", caseID: nil)
        return bytes
    }

    /// The statements of a month as CSV (one line per case, a total per statement).
    public func flatRateStatementsCSV(year: Int, month: Int) throws -> String {
        FlatRateBilling.csv(try flatRateStatements(year: year, month: month))
    }

    /// The invoice of one receiving office to one referring office for a month, as DOCX
    /// (template `abrechnung-fallpauschalen`). Not stored with a case: it concerns several.
    public func flatRateStatementDocument(receiverOffice: String, payingOffice: String, year: Int, month: Int) throws -> [UInt8] {
        let receiver = try office(receiverOffice)
        let payer = try office(payingOffice)
        guard let statement = try flatRateStatements(year: year, month: month)
            .first(where: { $0.receiverOfficeId == receiver.id && $0.payingOfficeId == payer.id })
        else {
            throw CaseServiceError(.notFound, "\(receiver.name) hat \(payer.name) für \(month).\(year) keine Fallpauschalen zu "
                                   + "verrechnen (keine Fälle ohne vorbestehenden Anspruch in diesem Monat).")
        }
        let names = try read { db in
            try Dictionary(uniqueKeysWithValues: statement.lines.map { line in
                (line.caseID, try db.loadCase(id: line.caseID).map { $0.optimaCase.person.lastName + " " + $0.optimaCase.person.firstName } ?? "")
            })
        }
        let period = SwissFormat.monthNames[month - 1] + " \(year)"
        let data: Value = .context([
            "document": .context(["date": .date(today), "place": .string(receiver.city),
                                  "reference": .string("Fallpauschalen " + (month < 10 ? "0" : "") + "\(month).\(year)")]),
            "sender": .context(["office": TemplateData.office(receiver)]),
            "recipient": TemplateData.recipient(office: payer, attention: nil),
            "salutation": .string("Sehr geehrte Damen und Herren"),
            "billing": .context([
                "period": .string(period), "rate": .number(try settings().flatRates[receiver.type]),
                "count": .number(Decimal(statement.lines.count)), "total": .number(statement.total),
                "lines": .list(statement.lines.map { line in
                    .context(["caseId": .string(line.caseID), "person": .string(names[line.caseID] ?? ""), "amount": .number(line.amount)])
                }),
            ]),
        ])
        // The latest version of the template, as for every new document (not stored: made on each request).
        do { return try read { db in try generator.versions.current(db, "abrechnung-fallpauschalen") }.template.render(data: data) } catch {
            throw CaseServiceError(.documentFailed, "Die Abrechnung kann nicht erstellt werden: \(error). Die Koordinationsstelle prüft "
                                   + "die Vorlage mit «nahtstelle templates check».")
        }
    }
}

/// The billing facts read from the database, for the service and the read-only report.
enum FlatRateRows {
    static func cases(_ db: any ApplicationRecords) throws -> [FlatRateCase] {
        try db.cases(.all).map { stored in
            let c = stored.optimaCase
            return FlatRateCase(caseID: c.id, referrerOfficeId: c.referrerOfficeId, receiverOfficeId: c.receiverOfficeId,
                                receiverType: c.receiverType, status: c.personStatus, handoverAt: c.handoverAt, closedAt: c.closedAt)
        }
    }

    /// The statements of the report period `from...to` up to the month of `asOf`, at the installation's rates.
    static func summary(_ db: any ApplicationRecords, from: LocalDate, to: LocalDate, asOf: LocalDate) throws -> FlatRateSummary {
        let names = Dictionary(try db.offices().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return FlatRateBilling.summary(cases: try cases(db), from: from, to: to, asOf: asOf, rates: try InstallationSettings.load(db).flatRates,
                                       officeNames: names)
    }
}
