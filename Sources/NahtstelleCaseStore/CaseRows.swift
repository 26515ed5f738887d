import Foundation
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleOptima
import NahtstelleSQL

/// Row conversions of cases, cost approvals and measures.
enum CaseRows {
    static func date(_ d: LocalDate?) -> String? { d?.description }
    static func date(_ s: String?) -> LocalDate? { s.flatMap { LocalDate(iso: $0) } }

    static func rappen(_ amount: Decimal) -> Int64 {
        var input = amount * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .plain)
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    static func chf(_ rappen: Int64) -> Decimal { Decimal(rappen) / 100 }

    static func load(_ db: SQLDatabase, id: String) throws -> StoredCase? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM optima_case WHERE id = ?", arguments: [id]) else { return nil }
        return try storedCase(db, row)
    }

    static func all(_ db: SQLDatabase, whereClause: String = "1 = 1", arguments: SQLArguments = []) throws -> [StoredCase] {
        let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM optima_case WHERE \(whereClause) ORDER BY applied_at, id", arguments: arguments)
        // Cost approvals of all these cases in one query (report runs must not do one query per case).
        let approvals = try costApprovals(db, whereClause: "case_id IN (SELECT id FROM optima_case WHERE \(whereClause))", arguments: arguments)
        let byCase = Dictionary(grouping: approvals, by: \.caseId)
        let measures = try ownEntitlementMeasures(db, whereClause: "case_id IN (SELECT id FROM optima_case WHERE \(whereClause))",
                                                  arguments: arguments)
        let measuresByCase = Dictionary(grouping: measures, by: \.caseId)
        return rows.map { storedCase($0, approvals: byCase[$0["id"]] ?? [], measures: measuresByCase[$0["id"]] ?? []) }
    }

    static func storedCase(_ db: SQLDatabase, _ row: SQLRow) throws -> StoredCase {
        let id: String = row["id"]
        return storedCase(row, approvals: try costApprovals(db, whereClause: "case_id = ?", arguments: [id]),
                          measures: try ownEntitlementMeasures(db, whereClause: "case_id = ?", arguments: [id]))
    }

    static func storedCase(_ row: SQLRow, approvals: [CostApprovalEntry], measures: [OwnEntitlementMeasureEntry]) -> StoredCase {
        let topics: [CaseTopic] = ((try? Value.parseJSON(row["topics_json"] as String))?.listValue ?? [])
            .compactMap { $0.stringValue.flatMap(CaseTopic.init(rawValue:)) }
        let birth = date(row["person_birth_date"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1)
        let person = Person(lastName: row["person_last_name"], firstName: row["person_first_name"], birthDate: birth,
                            addressLines: [row["person_street"], (row["person_postal_code"] as String) + " " + (row["person_city"] as String)],
                            ahvNumber: row["person_ahv"], referrerPersonNumber: row["person_pers_nr"], phone: row["person_phone"])
        let c = OptimaCase(
            id: row["id"], referrerOfficeId: row["referrer_office_id"], referrerAdvisor: row["referrer_advisor"],
            referrerType: InstitutionType(rawValue: row["referrer_type"]) ?? .sd, receiverOfficeId: row["receiver_office_id"],
            receiverAdvisor: row["receiver_advisor"], receiverType: InstitutionType(rawValue: row["receiver_type"]) ?? .sd, person: person,
            personStatus: StatusMapping.personStatus(json: row["status_json"]), state: CaseState(rawValue: row["state"]) ?? .submitted,
            goal: row["goal"], topics: Set(topics), plannedMonths: PlannedMonths(rawValue: row["planned_months"]) ?? .six,
            targetGroup: (row["target_group"] as String?).flatMap(TargetGroup.init(rawValue:)), appliedAt: date(row["applied_at"] as String?),
            decidedAt: date(row["decided_at"] as String?), decision: (row["decision"] as String?).flatMap(Decision.init(rawValue:)),
            rejectionReason: (row["rejection_reason"] as String?).flatMap(RejectionReason.init(rawValue:)), rejectionText: row["rejection_text"],
            handoverMeetingAt: date(row["handover_meeting_at"] as String?), handoverAt: date(row["handover_at"] as String?),
            nextStatusMeetingAt: date(row["next_status_meeting_at"] as String?), closedAt: date(row["closed_at"] as String?),
            closingReason: (row["closing_reason"] as String?).flatMap(ClosingReason.init(rawValue:)),
            outcome: (row["outcome"] as String?).flatMap(Outcome.init(rawValue:)), costApprovals: approvals.map(\.costApproval),
            ownEntitlementMeasures: measures.map(\.ownEntitlementMeasure))
        let application = (try? Value.parseJSON(row["application_json"] as String))?.contextValue ?? [:]
        return StoredCase(
            optimaCase: c, payingOfficeId: row["paying_office_id"], street: row["person_street"], postalCode: row["person_postal_code"],
            city: row["person_city"], birthDate: birth, remarks: row["remarks"], targetGroupExplanation: row["target_group_explanation"],
            eligibility: EligibilityJSON.decode(row["eligibility_json"]), applicationValues: application,
            optimaInstanceID: row["optima_instance_id"], reducedInstanceID: row["reduced_instance_id"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), createdBy: row["created_by"])
    }

    static func insert(_ db: SQLDatabase, _ s: StoredCase) throws {
        let c = s.optimaCase
        try db.execute(sql: """
            INSERT INTO optima_case (id, referrer_office_id, referrer_type, referrer_advisor, receiver_office_id, receiver_type,
                receiver_advisor, paying_office_id, process_kind, person_last_name, person_first_name, person_birth_date, person_ahv,
                person_street, person_postal_code, person_city, person_phone, person_pers_nr, status_json, goal, topics_json, remarks,
                planned_months, target_group, target_group_explanation, eligibility_json, application_json, state, applied_at,
                optima_instance_id, reduced_instance_id, created_at, created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                c.id, c.referrerOfficeId, c.referrerType.rawValue, c.referrerAdvisor, c.receiverOfficeId, c.receiverType.rawValue,
                c.receiverAdvisor, s.payingOfficeId, c.processKind.rawValue, c.person.lastName, c.person.firstName, s.birthDate.description,
                c.person.ahvNumber, s.street, s.postalCode, s.city, c.person.phone, c.person.referrerPersonNumber,
                StatusMapping.json(c.personStatus), c.goal, Value.list(c.topics.map(\.rawValue).sorted().map(Value.string)).jsonString(),
                s.remarks, c.plannedMonths.rawValue, c.targetGroup?.rawValue, s.targetGroupExplanation,
                s.eligibility.map(eligibilityJSON) ?? "{}", Value.context(s.applicationValues).jsonString(), c.state.rawValue,
                date(c.appliedAt), s.optimaInstanceID, s.reducedInstanceID, s.createdAt.timeIntervalSince1970, s.createdBy,
            ])
    }

    static func eligibilityJSON(_ e: StoredEligibility) -> String {
        EligibilityJSON.encode(process: e.process, trafficLight: e.trafficLight, conditions: e.conditions)
    }

    /// Writes the lifecycle facts of a case (everything that changes after submission).
    static func updateLifecycle(_ db: SQLDatabase, _ c: OptimaCase) throws {
        try db.execute(sql: """
            UPDATE optima_case SET state = ?, receiver_advisor = ?, decided_at = ?, decision = ?, rejection_reason = ?, rejection_text = ?,
                handover_meeting_at = ?, handover_at = ?, next_status_meeting_at = ?, closed_at = ?, closing_reason = ?, outcome = ?
            WHERE id = ?
            """, arguments: [
                c.state.rawValue, c.receiverAdvisor, date(c.decidedAt), c.decision?.rawValue, c.rejectionReason?.rawValue, c.rejectionText,
                date(c.handoverMeetingAt), date(c.handoverAt), date(c.nextStatusMeetingAt), date(c.closedAt), c.closingReason?.rawValue,
                c.outcome?.rawValue, c.id,
            ])
        if db.changesCount != 1 {
            throw CaseServiceError(.notFound, "Der Fall \(c.id) existiert nicht. Bitte die Fallnummer prüfen.")
        }
    }

    // MARK: Cost approvals

    static func costApprovals(_ db: SQLDatabase, whereClause: String, arguments: SQLArguments) throws -> [CostApprovalEntry] {
        try SQLRow.fetchAll(db, sql: """
            SELECT cost_approval.*, office.type AS paying_type FROM cost_approval JOIN office ON office.id = cost_approval.paying_office_id
            WHERE \(whereClause) ORDER BY cost_approval.id
            """, arguments: arguments).map(costApproval)
    }

    static func costApproval(_ db: SQLDatabase, id: Int64) throws -> CostApprovalEntry? {
        try costApprovals(db, whereClause: "cost_approval.id = ?", arguments: [id]).first
    }

    static func costApproval(_ row: SQLRow) -> CostApprovalEntry {
        CostApprovalEntry(
            id: row["id"], caseId: row["case_id"], measure: row["measure"], provider: row["provider"], providerAddress: row["provider_address"],
            periodFrom: date(row["period_from"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1),
            periodTo: date(row["period_to"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1),
            positions: (try? Value.parseJSON(row["positions_json"] as String))?.listValue ?? [], amount: chf(row["amount_rappen"]),
            payingOfficeId: row["paying_office_id"], payingOfficeType: InstitutionType(rawValue: row["paying_type"]) ?? .sd,
            requestedAt: date(row["requested_at"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1), requestedBy: row["requested_by"],
            signatureDue: date(row["signature_due"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1),
            decision: (row["decision"] as String?).flatMap(CostApprovalDecision.init(rawValue:)), decidedAt: date(row["decided_at"] as String?),
            decidedBy: row["decided_by"], decisionNote: row["decision_note"], bookedAt: date(row["booked_at"] as String?),
            measureStart: date(row["measure_start"] as String?), invoiceForwardedAt: date(row["invoice_forwarded_at"] as String?),
            invoiceAmount: (row["invoice_amount_rappen"] as Int64?).map(chf), paidAt: date(row["paid_at"] as String?))
    }
}

extension CaseRows {
    static func ownEntitlementMeasures(_ db: SQLDatabase, whereClause: String, arguments: SQLArguments) throws -> [OwnEntitlementMeasureEntry] {
        try SQLRow.fetchAll(db, sql: """
            SELECT own_entitlement_measure.*, office.type AS paying_type FROM own_entitlement_measure
            JOIN office ON office.id = own_entitlement_measure.paying_office_id
            WHERE \(whereClause) ORDER BY own_entitlement_measure.id
            """, arguments: arguments).map { row in
            OwnEntitlementMeasureEntry(
                id: row["id"], caseId: row["case_id"], measure: row["measure"], provider: row["provider"],
                providerAddress: row["provider_address"],
                periodFrom: date(row["period_from"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1),
                periodTo: date(row["period_to"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1),
                amount: chf(row["amount_rappen"]), payingOfficeId: row["paying_office_id"],
                payingOfficeType: InstitutionType(rawValue: row["paying_type"]) ?? .sd, fundingReason: row["funding_reason"],
                bookedAt: date(row["booked_at"] as String?) ?? LocalDate(year: 1900, month: 1, day: 1), bookedBy: row["booked_by"])
        }
    }
}

