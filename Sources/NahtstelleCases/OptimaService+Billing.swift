import Foundation
import GRDB
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
        let rates = try settings().flatRates
        let cases = try read { try CaseRows.all($0) }.map { stored -> FlatRateCase in
            let c = stored.optimaCase
            return FlatRateCase(caseID: c.id, referrerOfficeId: c.referrerOfficeId, receiverOfficeId: c.receiverOfficeId,
                                receiverType: c.receiverType, status: c.personStatus, handoverAt: c.handoverAt, closedAt: c.closedAt)
        }
        return FlatRateBilling.statements(cases: cases, year: year, month: month, rates: rates)
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
                (line.caseID, try CaseRows.load(db, id: line.caseID).map { $0.optimaCase.person.lastName + " " + $0.optimaCase.person.firstName } ?? "")
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
        do { return try templates.render("abrechnung-fallpauschalen", data: data) } catch {
            throw CaseServiceError(.documentFailed, "Die Abrechnung kann nicht erstellt werden: \(error). Die Koordinationsstelle prüft "
                                   + "die Vorlage mit «nahtstelle templates check».")
        }
    }
}
