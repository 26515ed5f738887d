import Foundation
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleOptima
import NahtstelleSQL

extension SQLApplicationRecords: CaseRecords {
    package func holdsCases() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM optima_case)") ?? false
    }

    package func loadCase(id: String) throws -> StoredCase? {
        try CaseRows.load(db, id: id)
    }

    package func cases(_ selection: CaseSelection) throws -> [StoredCase] {
        switch selection {
        case .all:
            try CaseRows.all(db)
        case .office(let office):
            try CaseRows.all(db, whereClause: "referrer_office_id = ? OR receiver_office_id = ?", arguments: [office, office])
        case .appliedUpTo(let day):
            try CaseRows.all(db, whereClause: "applied_at <= ?", arguments: [day.description])
        case .ids(let ids):
            ids.isEmpty ? [] : try CaseRows.all(db, whereClause: "id IN (\(ids.map { _ in "?" }.joined(separator: ",")))", arguments: SQLArguments(ids))
        }
    }

    package func caseIDs(_ q: CaseListQuery) throws -> [String] {
        var clauses = ["(referrer_office_id = ? OR receiver_office_id = ?)"]
        var arguments: SQLArguments = [q.officeID, q.officeID]
        if let state = q.state { clauses.append("state = ?"); arguments.append(contentsOf: [state.rawValue]) }
        if let text = q.search, !text.isEmpty {
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            clauses.append("(lower(id) LIKE lower(?) ESCAPE '\\' OR lower(person_last_name) LIKE lower(?) ESCAPE '\\' "
                           + "OR lower(person_first_name) LIKE lower(?) ESCAPE '\\' OR person_ahv LIKE ? ESCAPE '\\' "
                           + "OR lower(person_last_name || ' ' || person_first_name) LIKE lower(?) ESCAPE '\\')")
            arguments.append(contentsOf: [pattern, pattern, pattern, pattern, pattern])
        }
        if let before = q.before { clauses.append("id < ?"); arguments.append(contentsOf: [before]) }
        let waiting = "SELECT case_id FROM follow_up WHERE username = ? AND until > ? AND case_id IS NOT NULL"
        switch q.followUp {
        case .hide: clauses.append("id NOT IN (\(waiting))"); arguments.append(contentsOf: [q.username, q.today.description])
        case .only: clauses.append("id IN (\(waiting))"); arguments.append(contentsOf: [q.username, q.today.description])
        case .show: break
        }
        return try String.fetchAll(db, sql: "SELECT id FROM optima_case WHERE \(clauses.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?",
                                   arguments: arguments + [q.limit])
    }

    package func caseHeading(id: String) throws -> (personName: String, process: ProcessKind)? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT person_last_name, person_first_name, process_kind FROM optima_case WHERE id = ?",
                                            arguments: [id]),
            let kind = ProcessKind(rawValue: row["process_kind"])
        else { return nil }
        return ((row["person_last_name"] as String) + " " + (row["person_first_name"] as String), kind)
    }

    package func lastCaseID(prefix: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT id FROM optima_case WHERE id LIKE ? ORDER BY id DESC LIMIT 1", arguments: [prefix + "%"])
    }

    package func insertCase(_ stored: StoredCase) throws {
        try CaseRows.insert(db, stored)
    }

    package func updateLifecycle(_ c: OptimaCase) throws {
        try CaseRows.updateLifecycle(db, c)
    }

    package func updatePlannedMonths(caseID: String, to months: PlannedMonths) throws {
        try db.execute(sql: "UPDATE optima_case SET planned_months = ? WHERE id = ?", arguments: [months.rawValue, caseID])
    }

    package func optimaInstanceID(caseID: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT optima_instance_id FROM optima_case WHERE id = ?", arguments: [caseID])
    }

    package func linkOptimaInstance(caseID: String, instanceID: Int64) throws {
        try db.execute(sql: "UPDATE optima_case SET optima_instance_id = ? WHERE id = ?", arguments: [instanceID, caseID])
    }

    package func linkReducedInstance(caseID: String, instanceID: Int64) throws {
        try db.execute(sql: "UPDATE optima_case SET reduced_instance_id = ? WHERE id = ? AND reduced_instance_id IS NULL",
                       arguments: [instanceID, caseID])
    }

    package func usernames() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT username FROM app_user")
    }

    package func firstCaseID(ahvNumber: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT id FROM optima_case WHERE person_ahv = ? ORDER BY id LIMIT 1", arguments: [ahvNumber])
    }

    // MARK: Cost approvals

    package func costApprovals(caseID: String) throws -> [CostApprovalEntry] {
        try CaseRows.costApprovals(db, whereClause: "case_id = ?", arguments: [caseID])
    }

    package func costApproval(id: Int64) throws -> CostApprovalEntry? {
        try CaseRows.costApproval(db, id: id)
    }

    package func insertCostApproval(_ a: NewCostApproval) throws -> Int64 {
        try db.insert(sql: """
            INSERT INTO cost_approval (case_id, measure, provider, provider_address, period_from, period_to, positions_json, amount_rappen,
                paying_office_id, requested_at, requested_by, signature_due)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [a.caseID, a.measure, a.provider, a.providerAddress, a.periodFrom.description, a.periodTo.description,
                             Value.list(a.positions).jsonString(), CaseRows.rappen(a.amount), a.payingOfficeID, a.requestedAt.description,
                             a.requestedBy, a.signatureDue.description])
    }

    package func decideCostApproval(id: Int64, decision: String?, at: LocalDate, by name: String, note: String?) throws {
        try db.execute(sql: "UPDATE cost_approval SET decision = ?, decided_at = ?, decided_by = ?, decision_note = ? WHERE id = ?",
                       arguments: [decision, at.description, name, note, id])
    }

    package func bookCostApproval(id: Int64, at: LocalDate, by username: String, measureStart: LocalDate?, measureEnd: LocalDate?) throws {
        // The CHECK on cost_approval refuses this unless the KGS is approved.
        try db.execute(sql: "UPDATE cost_approval SET booked_at = ?, booked_by = ?, measure_start = ?, measure_end = ? WHERE id = ?",
                       arguments: [at.description, username, measureStart?.description, measureEnd?.description, id])
    }

    package func forwardCostApprovalInvoice(id: Int64, number: String?, date: LocalDate?, amount: Decimal?, at: LocalDate) throws {
        try db.execute(sql: """
            UPDATE cost_approval SET invoice_number = ?, invoice_date = ?, invoice_amount_rappen = ?, invoice_forwarded_at = ? WHERE id = ?
            """, arguments: [number, date?.description, amount.map(CaseRows.rappen), at.description, id])
    }

    package func payCostApproval(id: Int64, at: LocalDate, amount: Decimal?) throws {
        try db.execute(sql: "UPDATE cost_approval SET paid_at = ?, paid_amount_rappen = ? WHERE id = ?",
                       arguments: [at.description, amount.map(CaseRows.rappen), id])
    }

    // MARK: Measures on the person's own entitlement

    package func ownEntitlementMeasures(caseID: String) throws -> [OwnEntitlementMeasureEntry] {
        try CaseRows.ownEntitlementMeasures(db, whereClause: "case_id = ?", arguments: [caseID])
    }

    package func ownEntitlementMeasure(id: Int64) throws -> OwnEntitlementMeasureEntry? {
        try CaseRows.ownEntitlementMeasures(db, whereClause: "own_entitlement_measure.id = ?", arguments: [id]).first
    }

    package func insertOwnEntitlementMeasure(caseID: String, measure: String?, provider: String?, providerAddress: String?, periodFrom: LocalDate,
                                             periodTo: LocalDate, amount: Decimal, payingOfficeID: String, fundingReason: String,
                                             bookedAt: LocalDate, bookedBy: String) throws -> Int64 {
        try db.insert(sql: """
            INSERT INTO own_entitlement_measure (case_id, measure, provider, provider_address, period_from, period_to, amount_rappen,
                paying_office_id, funding_reason, booked_at, booked_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [caseID, measure, provider, providerAddress, periodFrom.description, periodTo.description, CaseRows.rappen(amount),
                             payingOfficeID, fundingReason, bookedAt.description, bookedBy])
    }
}
