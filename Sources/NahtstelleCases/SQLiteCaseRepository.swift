import Foundation
import NahtstelleSQL
import NahtstelleFEEL
import NahtstelleOptima

/// The domain's `CaseRepository` on the application's SQLite tables (read side for reports, the
/// HTTP layer and tests). Writes of the running product go through `OptimaService`, whose
/// commands keep case facts and process state in one transaction; `create` and `update` are here
/// for the protocol (imports, tools) and write the case row only — cost approvals are recorded
/// by the service, where the database rules (no booking without approval) apply.
public final class SQLiteCaseRepository: CaseRepository {
    public let writer: ApplicationTables
    public let deadlines: Deadlines

    public init(tables: ApplicationTables, deadlines: Deadlines = Deadlines()) {
        self.writer = tables
        self.deadlines = deadlines
    }

    public func create(_ c: OptimaCase) async throws -> OptimaCase {
        try await writer.write { db in
            if try CaseRows.load(db, id: c.id) != nil {
                throw OptimaError(code: .alreadyExists, message: "Ein Fall mit der Nummer \(c.id) existiert bereits.", field: "id")
            }
            guard let birth = c.person.birthDate else {
                throw OptimaError(code: .invalidInput, message: "Geburtsdatum fehlt. Bitte im Format TT.MM.JJJJ angeben.", field: "birthDate")
            }
            guard let applied = c.appliedAt else {
                throw OptimaError(code: .invalidInput, message: "Antragsdatum fehlt. Bitte angeben, wann der Antrag gestellt wurde.", field: "appliedAt")
            }
            let (street, postalCode, city) = Self.split(c.person.addressLines)
            let derivation = TargetGroupRules.derive(referrer: c.referrerType, receiver: c.receiverType, status: c.personStatus)
            let receiver = try Directory.office(db, c.receiverOfficeId)
            let assessment = EligibilityCheck.assess(
                process: c.processKind, status: c.personStatus, today: applied, referrerType: c.referrerType,
                receiverOffersIntegralCaseManagement: c.receiverType == .sd ? receiver?.integralCaseManagement : nil,
                integralCaseManagementOnlyWithFinancialAssistance: receiver?.integralCaseManagementOnlyWithFinancialAssistance ?? false)
            var stored = StoredCase(
                optimaCase: c, payingOfficeId: c.referrerOfficeId, street: street, postalCode: postalCode, city: city, birthDate: birth,
                remarks: nil, targetGroupExplanation: derivation.explanation,
                eligibility: StoredEligibility(process: assessment.process, trafficLight: assessment.trafficLight, conditions: assessment.conditions),
                applicationValues: [:], optimaInstanceID: nil, reducedInstanceID: nil, createdAt: Date(), createdBy: c.referrerAdvisor)
            if stored.optimaCase.state == .draft { stored.optimaCase.state = .submitted }
            try CaseRows.insert(db, stored)
            try CaseRows.updateLifecycle(db, stored.optimaCase)
            return stored.optimaCase
        }
    }

    public func load(id: String) async throws -> OptimaCase? {
        try await writer.read { db in try CaseRows.load(db, id: id)?.optimaCase }
    }

    public func update(_ optimaCase: OptimaCase) async throws {
        try await writer.write { db in
            guard try CaseRows.load(db, id: optimaCase.id) != nil else {
                throw OptimaError(code: .notFound, message: "Der Fall \(optimaCase.id) existiert nicht. Bitte zuerst erfassen.", field: "id")
            }
            try CaseRows.updateLifecycle(db, optimaCase)
        }
    }

    public func cases(forOffice officeId: String) async throws -> [OptimaCase] {
        try await writer.read { db in
            try CaseRows.all(db, whereClause: "referrer_office_id = ? OR receiver_office_id = ?", arguments: [officeId, officeId]).map(\.optimaCase)
        }
    }

    public func cases(visibleTo user: User) async throws -> [OptimaCase] {
        try await writer.read { db in try Self.visibleCases(db, user: user).map(\.optimaCase) }
    }

    public func reportRecords(from: LocalDate, to: LocalDate) async throws -> [CaseReportRecord] {
        let deadlines = self.deadlines
        return try await writer.read { db in try Self.reportRecords(db, to: to, deadlines: deadlines).map(\.record) }
    }

    /// The monthly flat-rate statements (model A) of `from...to` up to the month of `asOf`, at the
    /// installation's rates (for the report's section "Fallpauschalen").
    public func flatRateSummary(from: LocalDate, to: LocalDate, asOf: LocalDate) async throws -> FlatRateSummary {
        try await writer.read { db in try FlatRateRows.summary(db, from: from, to: to, asOf: asOf) }
    }

    /// Every case applied for up to `to`, with the person's AHV number, for the pseudonymised
    /// export (`PseudonymisedExport.export`), which replaces it by a keyed hash.
    public func exportItems(to: LocalDate) async throws -> [(ahvNumber: String, record: CaseReportRecord)] {
        let deadlines = self.deadlines
        return try await writer.read { db in
            try Self.reportRecords(db, to: to, deadlines: deadlines).map { (ahvNumber: $0.ahv, record: $0.record) }
        }
    }

    // MARK: Shared with the service

    /// The visibility rule of §3 in the query (`AccessPolicy`): own office as referrer or receiver;
    /// coordinators see no case contents.
    static func visibleCases(_ db: SQLDatabase, user: User) throws -> [StoredCase] {
        guard AccessPolicy.worksCases(user) else { return [] }
        return try CaseRows.all(db, whereClause: "referrer_office_id = ? OR receiver_office_id = ?", arguments: [user.officeId, user.officeId])
    }

    /// Every case applied for up to `to` (a superset of those with an event in the period:
    /// nothing happens to a case before its application), with the AHV number for pseudonymising.
    static func reportRecords(_ db: SQLDatabase, to: LocalDate, deadlines: Deadlines) throws -> [(ahv: String, record: CaseReportRecord)] {
        try CaseRows.all(db, whereClause: "applied_at <= ?", arguments: [to.description]).map { stored in
            (stored.optimaCase.person.ahvNumber, CaseReportRecord(case: stored.optimaCase, deadlines: deadlines))
        }
    }

    static func split(_ lines: [String]) -> (String, String, String) {
        let street = lines.first ?? ""
        let place = lines.count > 1 ? lines[1] : ""
        let parts = place.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0].allSatisfy(\.isNumber) { return (street, parts[0], parts[1]) }
        return (street, "", place)
    }
}
