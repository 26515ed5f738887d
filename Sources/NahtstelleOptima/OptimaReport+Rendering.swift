import Foundation
import NahtstelleFEEL

extension OptimaReport {
    // MARK: JSON

    /// The report as JSON. Keys are the contract identifiers; the schema is documented in
    /// the module documentation (`NahtstelleOptima.docc`, "Report JSON").
    public func json(pretty: Bool = true) -> String { jsonTree.render(pretty: pretty) }

    var jsonTree: OrderedJSON {
        func counts(_ c: InstitutionCounts) -> OrderedJSON {
            .object(InstitutionType.allCases.sorted().map { ($0.rawValue, .int(c[$0])) })
        }
        func totalAnd(_ key: String, _ c: InstitutionCounts) -> OrderedJSON {
            .object([("total", .int(c.total)), (key, counts(c))])
        }
        func duration(_ d: DurationFigure) -> OrderedJSON {
            .object([
                ("median", d.medianDays.map { .number(SwissFormat.dayCount($0)) } ?? .null), ("count", .int(d.count)),
            ])
        }
        var members: [(String, OrderedJSON)] = [
            ("period", .object([
                ("from", .string(from.description)), ("to", .string(to.description)),
                ("asOf", .string(asOf.description)),
            ])),
            ("applications", .object([
                ("total", .int(applications.total)),
                ("byReferrer", counts(applications.byReferrer)),
                ("byReceiver", counts(applications.byReceiver)),
            ])),
            ("process", .object([
                ("accepted", .int(process.accepted)),
                ("rejectedTotal", .int(process.rejectedTotal)),
                ("rejected", .object(RejectionReason.allCases.map { ($0.rawValue, .int(process.rejected($0))) })),
            ])),
            ("costApprovals", .object([
                ("requested", totalAnd("byPayer", costApprovals.requested)),
                ("approved", totalAnd("byPayer", costApprovals.approved)),
                ("rejected", totalAnd("byPayer", costApprovals.rejected)),
            ])),
            ("measuresWithoutCostApproval", .object([
                ("booked", totalAnd("byPayer", ownEntitlementMeasures.booked)),
                ("costs", .object([
                    ("currency", .string("CHF")),
                    ("total", .number(SwissFormat.plainAmount(ownEntitlementMeasures.costs.total))),
                    ("byPayer", .object(InstitutionType.allCases.sorted().map {
                        ($0.rawValue, .number(SwissFormat.plainAmount(ownEntitlementMeasures.costs[$0])))
                    })),
                ])),
            ])),
            ("effects", .object([
                ("closed", totalAnd("byReceiver", effects.closed)),
                ("outcomes", .object(Outcome.allCases.map { ($0.rawValue, totalAnd("byReceiver", effects.outcome($0))) })),
            ])),
            ("targetGroups", .object(
                TargetGroup.allCases.map { ($0.rawValue, .int(targetGroupCount($0))) }
                    + [("none", .int(applicationsWithoutTargetGroup))])),
            ("durationsInDays", .object([
                ("applicationToDecision", duration(durations.applicationToDecision)),
                ("decisionToHandover", duration(durations.decisionToHandover)),
                ("handoverToClosing", duration(durations.handoverToClosing)),
                ("applicationToClosing", duration(durations.applicationToClosing)),
            ])),
            ("overdueDeadlines", .object(
                [("total", .int(overdueTotal))] + DeadlineKind.allCases.map { ($0.rawValue, .int(overdue($0))) })),
            ("measureCosts", .object([
                ("currency", .string("CHF")),
                ("total", .number(SwissFormat.plainAmount(measureCostTotal))),
                ("byPayer", .object(InstitutionType.allCases.sorted().map {
                    ($0.rawValue, .number(SwissFormat.plainAmount(measureCost($0))))
                })),
            ])),
        ]
        if let flatRates { members.append(("flatRates", Self.flatRateJSON(flatRates))) }
        return .object(members)
    }

    static func flatRateJSON(_ f: FlatRateSummary) -> OrderedJSON {
        .object([
            ("currency", .string("CHF")),
            ("through", .string(f.through.description)),
            ("ratesPerCaseAndMonth", .object(InstitutionType.allCases.sorted().map { ($0.rawValue, .number(SwissFormat.plainAmount(f.rates[$0]))) })),
            ("total", .number(SwissFormat.plainAmount(f.total))),
            ("statements", .array(f.statements.map { s in
                .object([
                    ("month", .string(Self.monthKey(s))), ("receiverOffice", .string(s.receiverOfficeId)),
                    ("payingOffice", .string(s.payingOfficeId)), ("cases", .int(s.lines.count)),
                    ("total", .number(SwissFormat.plainAmount(s.total))),
                    ("lines", .array(s.lines.map { line in
                        .object([("caseId", .string(line.caseID)), ("amount", .number(SwissFormat.plainAmount(line.amount)))])
                    })),
                ])
            })),
        ])
    }

    /// `2026-03`.
    static func monthKey(_ s: FlatRateStatement) -> String { "\(s.year)-" + (s.month < 10 ? "0" : "") + "\(s.month)" }

    // MARK: CSV

    /// One row per figure: `section,figure,dimension,value`, with a header row. An empty
    /// dimension is the figure's total. Amounts are CHF with two decimals and a point.
    public func csvRows() -> [(section: String, figure: String, dimension: String, value: String)] {
        var rows: [(String, String, String, String)] = []
        func add(_ section: String, _ figure: String, _ dimension: String, _ value: Int) {
            rows.append((section, figure, dimension, String(value)))
        }
        func addCounts(_ section: String, _ figure: String, _ c: InstitutionCounts, withTotal: Bool = true) {
            if withTotal { add(section, figure, "", c.total) }
            for type in InstitutionType.allCases.sorted() { add(section, figure, type.rawValue, c[type]) }
        }
        rows.append(("period", "from", "", from.description))
        rows.append(("period", "to", "", to.description))
        rows.append(("period", "as-of", "", asOf.description))
        add("applications", "total", "", applications.total)
        addCounts("applications", "by-referrer", applications.byReferrer, withTotal: false)
        addCounts("applications", "by-receiver", applications.byReceiver, withTotal: false)
        add("process", "accepted", "", process.accepted)
        add("process", "rejected", "", process.rejectedTotal)
        for reason in RejectionReason.allCases { add("process", "rejected", reason.rawValue, process.rejected(reason)) }
        addCounts("cost-approvals", "requested", costApprovals.requested)
        addCounts("cost-approvals", "approved", costApprovals.approved)
        addCounts("cost-approvals", "rejected", costApprovals.rejected)
        addCounts("effects", "closed", effects.closed)
        for outcome in Outcome.allCases { addCounts("effects", outcome.rawValue, effects.outcome(outcome)) }
        for group in TargetGroup.allCases { add("target-groups", "applications", group.rawValue, targetGroupCount(group)) }
        add("target-groups", "applications", "none", applicationsWithoutTargetGroup)
        let durationRows: [(String, DurationFigure)] = [
            ("application-to-decision", durations.applicationToDecision),
            ("decision-to-handover", durations.decisionToHandover),
            ("handover-to-closing", durations.handoverToClosing),
            ("application-to-closing", durations.applicationToClosing),
        ]
        for (name, figure) in durationRows {
            rows.append(("durations", name, "median-days", figure.medianDays.map(SwissFormat.dayCount) ?? ""))
            add("durations", name, "count", figure.count)
        }
        add("overdue-deadlines", "total", "", overdueTotal)
        for kind in DeadlineKind.allCases { add("overdue-deadlines", kind.rawValue, "", overdue(kind)) }
        rows.append(("measure-costs", "approved-chf", "", SwissFormat.plainAmount(measureCostTotal)))
        for type in InstitutionType.allCases.sorted() {
            rows.append(("measure-costs", "approved-chf", type.rawValue, SwissFormat.plainAmount(measureCost(type))))
        }
        addCounts("measures-without-cost-approval", "booked", ownEntitlementMeasures.booked)
        rows.append(("measures-without-cost-approval", "chf", "", SwissFormat.plainAmount(ownEntitlementMeasures.costs.total)))
        for type in InstitutionType.allCases.sorted() {
            rows.append(("measures-without-cost-approval", "chf", type.rawValue, SwissFormat.plainAmount(ownEntitlementMeasures.costs[type])))
        }
        if let f = flatRates {
            for type in InstitutionType.allCases.sorted() {
                rows.append(("flat-rates", "rate-chf", type.rawValue, SwissFormat.plainAmount(f.rates[type])))
            }
            rows.append(("flat-rates", "total-chf", "", SwissFormat.plainAmount(f.total)))
            for s in f.statements {
                let statement = Self.monthKey(s) + "/" + s.receiverOfficeId + "/" + s.payingOfficeId
                rows.append(("flat-rates", "statement-chf", statement, SwissFormat.plainAmount(s.total)))
                for line in s.lines {
                    rows.append(("flat-rates", "case-chf", statement + "/" + line.caseID, SwissFormat.plainAmount(line.amount)))
                }
            }
        }
        return rows.map { (section: $0.0, figure: $0.1, dimension: $0.2, value: $0.3) }
    }

    /// The CSV text (RFC 4180, CRLF line ends) of `csvRows()`.
    public func csv() -> String {
        var lines = ["section,figure,dimension,value"]
        for row in csvRows() {
            lines.append([row.section, row.figure, row.dimension, row.value].map(CSV.field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: Official table

    /// One line of the official table: a label and its value (`nil`: a heading inside a section);
    /// `indented` for the "davon" lines.
    public struct TableRow: Sendable, Hashable {
        public var label: String
        public var value: String?
        public var indented: Bool
    }

    /// The Standardreporting as the pilot's layout has it, in sections of German lines; the text
    /// page and the coordinators' web page both print it.
    public func officialTable() -> [(title: String, rows: [TableRow])] {
        var sections: [(title: String, rows: [TableRow])] = []
        func section(_ title: String) { sections.append((title, [])) }
        func line(_ label: String, _ value: String?, indented: Bool = false) {
            sections[sections.count - 1].rows.append(TableRow(label: label, value: value, indented: indented))
        }
        func counts(_ label: String, _ c: InstitutionCounts, total: Bool = true) {
            line(label, total ? String(c.total) : "")
            for type in InstitutionType.allCases.sorted() { line(Glossary.reportLabel(type), String(c[type]), indented: true) }
        }
        func duration(_ label: String, _ d: DurationFigure) {
            guard let median = d.medianDays else { return line(label, "keine Fälle") }
            line(label, SwissFormat.days(median) + " (" + String(d.count) + (d.count == 1 ? " Fall)" : " Fälle)"))
        }
        section("Aufträge")
        line("Anzahl Anmeldungen", String(applications.total))
        counts("Auftraggeber, davon", applications.byReferrer, total: false)
        counts("Auftragnehmer, davon", applications.byReceiver, total: false)
        section("Prozess")
        line("Angenommene Aufträge", String(process.accepted))
        line("Abgelehnte Aufträge, davon", String(process.rejectedTotal))
        for reason in RejectionReason.allCases { line(Glossary.label(reason), String(process.rejected(reason)), indented: true) }
        section("Anträge und Massnahmen")
        counts("Anzahl Anträge auf Kostengutsprache; davon", costApprovals.requested)
        counts("Anzahl bewilligte Kostengutsprachen; davon", costApprovals.approved)
        counts("Anzahl abgelehnte Kostengutsprachen; davon", costApprovals.rejected)
        section("Wirkungen")
        counts("Abgeschlossene Optima-Fälle; davon", effects.closed)
        line("Abschlussgründe", nil)
        for outcome in Outcome.allCases { counts(Glossary.label(outcome) + "; davon", effects.outcome(outcome)) }
        section("Zielgruppen (Anmeldungen)")
        for group in TargetGroup.allCases { line(Glossary.label(group), String(targetGroupCount(group)), indented: true) }
        line("ohne Zielgruppe", String(applicationsWithoutTargetGroup), indented: true)
        section("Dauer (Median)")
        duration("Anmeldung bis Entscheid", durations.applicationToDecision)
        duration("Entscheid bis Übergabe", durations.decisionToHandover)
        duration("Übergabe bis Abschluss", durations.handoverToClosing)
        duration("Anmeldung bis Abschluss", durations.applicationToClosing)
        section("Überfällige Fristen (Stand \(asOf.swissFormatted))")
        line("Total", String(overdueTotal))
        for kind in DeadlineKind.allCases { line(Glossary.label(kind), String(overdue(kind)), indented: true) }
        section("Massnahmenkosten (bewilligte Kostengutsprachen)")
        line("Total", SwissFormat.chf(measureCostTotal))
        for type in InstitutionType.allCases.sorted() { line(Glossary.reportLabel(type), SwissFormat.chf(measureCost(type)), indented: true) }
        section("Massnahmen ohne Kostengutsprache (eigener Anspruch bei der OPTIMA-Stelle)")
        counts("Gebuchte Massnahmen; davon", ownEntitlementMeasures.booked)
        line("Kosten", SwissFormat.chf(ownEntitlementMeasures.costs.total))
        for type in InstitutionType.allCases.sorted() {
            line(Glossary.reportLabel(type), SwissFormat.chf(ownEntitlementMeasures.costs[type]), indented: true)
        }
        if let f = flatRates {
            section("Fallpauschalen (Modell A, bis \(f.through.swissFormatted))")
            line("Ansatz pro Fall und Monat: " + InstitutionType.allCases.sorted().map {
                Glossary.reportLabel($0) + " " + SwissFormat.chf(f.rates[$0])
            }.joined(separator: ", "), nil)
            if f.statements.isEmpty { line("keine Fälle ohne vorbestehenden Anspruch", nil) }
            for s in f.statements {
                let month = (s.month < 10 ? "0" : "") + "\(s.month).\(s.year)"
                let who = (f.officeNames[s.receiverOfficeId] ?? s.receiverOfficeId) + " an " + (f.officeNames[s.payingOfficeId] ?? s.payingOfficeId)
                line("\(month) \(who), \(s.lines.count) \(s.lines.count == 1 ? "Fall" : "Fälle")", SwissFormat.chf(s.total), indented: true)
            }
            line("Total", SwissFormat.chf(f.total))
        }
        return sections
    }

    // MARK: Text

    /// A plain-text page in German that mirrors the pilot's Standardreporting layout.
    /// - Parameter createdOn: printed as "Erstellt am" when given.
    public func text(createdOn: LocalDate? = nil) -> String {
        var lines = ["Standardreporting Optima vom \(from.swissFormatted) bis \(to.swissFormatted)"]
        let width = 60
        for (title, rows) in officialTable() {
            lines += ["", title]
            for row in rows {
                let label = (row.indented ? "  - " : "") + row.label
                guard let value = row.value else { lines.append(label); continue }
                lines.append(label + String(repeating: " ", count: max(1, width - label.count - value.count)) + value)
            }
        }
        if let createdOn {
            lines.append("")
            lines.append("Erstellt am \(createdOn.swissFormatted)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// RFC 4180 quoting.
enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
