import Foundation
import NahtstelleFEEL

/// Monthly flat rates per case and receiving office type (concept Kap. 5.1, model A), in CHF.
/// Configuration, not code: the coordination office sets them (`InstallationSettings`).
public typealias FlatRates = PerInstitution<Decimal>

extension PerInstitution where Amount == Decimal {
    /// The concept's model A: IV-Stelle 227, RAV 125, SD/SoBZ 125 CHF per case and month.
    public static var conceptModelA: FlatRates { FlatRates(iv: 227, rav: 125, sd: 125) }
}

/// One case of a monthly statement.
public struct FlatRateLine: Sendable, Hashable {
    public var caseID: String
    public var receiverOfficeId: String
    public var receiverType: InstitutionType
    public var amount: Decimal
}

/// What one receiving office bills one referring office for one month ("Die IV-Stelle stellt der
/// zuweisenden Stelle monatlich Rechnung …").
public struct FlatRateStatement: Sendable, Hashable {
    public var year: Int
    public var month: Int
    /// The receiving office that managed the cases and bills.
    public var receiverOfficeId: String
    /// The referring office (Auftraggeberin) that pays.
    public var payingOfficeId: String
    public var lines: [FlatRateLine]
    public var total: Decimal { lines.reduce(0) { $0 + $1.amount } }
}

/// The facts of a case the billing needs.
public struct FlatRateCase: Sendable, Hashable {
    public var caseID: String
    public var referrerOfficeId: String
    public var receiverOfficeId: String
    public var receiverType: InstitutionType
    public var status: PersonStatus
    public var handoverAt: LocalDate?
    public var closedAt: LocalDate?

    public init(caseID: String, referrerOfficeId: String, receiverOfficeId: String, receiverType: InstitutionType,
                status: PersonStatus, handoverAt: LocalDate?, closedAt: LocalDate?) {
        self.caseID = caseID
        self.referrerOfficeId = referrerOfficeId
        self.receiverOfficeId = receiverOfficeId
        self.receiverType = receiverType
        self.status = status
        self.handoverAt = handoverAt
        self.closedAt = closedAt
    }
}

/// Model A of the concept (Kap. 5.1): the receiving office bills the referring office monthly
/// for the cases it manages on its behalf, but only those without a prior entitlement there:
/// - IV-Stelle: cases without a running IV procedure;
/// - SD/SoBZ: cases that received no personal social help (Sozialberatung) before;
/// - RAV: persons who were not registered at the RAV before.
/// A case counts for every calendar month in which the hand-over was effective on at least one
/// day (from the hand-over meeting up to and including the closing day). A fact that is not
/// recorded bills nothing: a statement never claims what the case does not show.
public enum FlatRateBilling {
    /// Whether the receiver may bill the case (no prior entitlement at the receiver).
    public static func isBillable(receiverType: InstitutionType, status: PersonStatus) -> Bool {
        switch receiverType {
        case .iv: status.ivProcedure.map { $0 != .running } ?? false
        case .sd: status.inSocialCounselling == false
        case .rav: status.registeredAtRAV == false
        }
    }

    /// The statements of `year`/`month`, one per receiving and paying (referring) office, sorted.
    public static func statements(cases: [FlatRateCase], year: Int, month: Int, rates: FlatRates) -> [FlatRateStatement] {
        let first = LocalDate(year: year, month: month, day: 1)
        let last = first.adding(months: 1).adding(days: -1)
        struct Key: Hashable, Comparable {
            var receiver: String
            var payer: String
            static func < (a: Key, b: Key) -> Bool { (a.receiver, a.payer) < (b.receiver, b.payer) }
        }
        var byOffice: [Key: [FlatRateLine]] = [:]
        for c in cases.sorted(by: { $0.caseID < $1.caseID }) {
            guard let start = c.handoverAt, start <= last else { continue }
            if let end = c.closedAt, end < first { continue }
            guard isBillable(receiverType: c.receiverType, status: c.status) else { continue }
            byOffice[Key(receiver: c.receiverOfficeId, payer: c.referrerOfficeId), default: []].append(
                FlatRateLine(caseID: c.caseID, receiverOfficeId: c.receiverOfficeId, receiverType: c.receiverType,
                             amount: rates[c.receiverType]))
        }
        return byOffice.keys.sorted().map {
            FlatRateStatement(year: year, month: month, receiverOfficeId: $0.receiver, payingOfficeId: $0.payer, lines: byOffice[$0] ?? [])
        }
    }

    /// CSV (semicolon-separated, as Swiss Excel opens it): one line per case.
    public static func csv(_ statements: [FlatRateStatement]) -> String {
        var out = "Monat;Zahlende Stelle;Fall;Aufnehmende Stelle;Art;Fallpauschale CHF\n"
        for s in statements {
            let month = (s.month < 10 ? "0" : "") + "\(s.month).\(s.year)"
            for line in s.lines {
                out += [month, s.payingOfficeId, line.caseID, line.receiverOfficeId, Glossary.label(line.receiverType),
                        SwissFormat.plainAmount(line.amount)].joined(separator: ";") + "\n"
            }
            out += [month, s.payingOfficeId, "Total", s.receiverOfficeId, "", SwissFormat.plainAmount(s.total)].joined(separator: ";") + "\n"
        }
        return out
    }
}

/// The flat-rate statements of every month of a report period, with the rates they used and the
/// offices' names: the Standardreporting's section "Fallpauschalen".
public struct FlatRateSummary: Sendable, Hashable {
    public var rates: FlatRates
    /// By month, then receiving and paying office.
    public var statements: [FlatRateStatement]
    /// Office id → name, for the text page.
    public var officeNames: [String: String]
    /// The last month billed (the month of the report's `asOf`): no statement for a month to come.
    public var through: LocalDate

    public var total: Decimal { statements.reduce(0) { $0 + $1.total } }

    public init(rates: FlatRates, statements: [FlatRateStatement], officeNames: [String: String], through: LocalDate) {
        self.rates = rates
        self.statements = statements
        self.officeNames = officeNames
        self.through = through
    }
}

extension FlatRateBilling {
    /// The statements of each calendar month that overlaps `from...to`, up to the month of `asOf`
    /// (a month to come is not billed), starting no earlier than the first hand-over.
    public static func summary(cases: [FlatRateCase], from: LocalDate, to: LocalDate, asOf: LocalDate, rates: FlatRates,
                               officeNames: [String: String]) -> FlatRateSummary {
        let last = min(to, asOf)
        var month = LocalDate(year: from.year, month: from.month, day: 1)
        if let first = cases.compactMap(\.handoverAt).min(), first > month { month = LocalDate(year: first.year, month: first.month, day: 1) }
        var statements: [FlatRateStatement] = []
        while month <= last {
            statements += self.statements(cases: cases, year: month.year, month: month.month, rates: rates)
            month = month.adding(months: 1)
        }
        return FlatRateSummary(rates: rates, statements: statements, officeNames: officeNames, through: last)
    }
}
