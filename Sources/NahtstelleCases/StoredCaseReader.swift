import Foundation
import NahtstelleFEEL
import NahtstelleOptima

/// The domain's `CaseReading` on the application's tables, on either backend (reports, the
/// pseudonymised export, the HTTP layer and tests). Cases are written only by `OptimaService`,
/// whose commands keep case facts and process state in one transaction.
public final class StoredCaseReader: CaseReading {
    package let writer: ApplicationTables
    public let deadlines: Deadlines

    package init(tables: ApplicationTables, deadlines: Deadlines = Deadlines()) {
        self.writer = tables
        self.deadlines = deadlines
    }

    public func load(id: String) async throws -> OptimaCase? {
        try writer.read { db in try db.loadCase(id: id)?.optimaCase }
    }

    public func cases(forOffice officeId: String) async throws -> [OptimaCase] {
        try writer.read { db in
            try db.cases(.office(officeId)).map(\.optimaCase)
        }
    }

    public func cases(visibleTo user: User) async throws -> [OptimaCase] {
        try writer.read { db in try Self.visibleCases(db, user: user).map(\.optimaCase) }
    }

    public func reportRecords(from: LocalDate, to: LocalDate) async throws -> [CaseReportRecord] {
        let deadlines = self.deadlines
        return try writer.read { db in try Self.reportRecords(db, to: to, deadlines: deadlines).map(\.record) }
    }

    /// The monthly flat-rate statements (model A) of `from...to` up to the month of `asOf`, at the
    /// installation's rates (for the report's section "Fallpauschalen").
    public func flatRateSummary(from: LocalDate, to: LocalDate, asOf: LocalDate) async throws -> FlatRateSummary {
        try writer.read { db in try FlatRateRows.summary(db, from: from, to: to, asOf: asOf) }
    }

    /// Every case applied for up to `to`, with the person's AHV number, for the pseudonymised
    /// export (`PseudonymisedExport.export`), which replaces it by a keyed hash.
    public func exportItems(to: LocalDate) async throws -> [(ahvNumber: String, record: CaseReportRecord)] {
        let deadlines = self.deadlines
        return try writer.read { db in
            try Self.reportRecords(db, to: to, deadlines: deadlines).map { (ahvNumber: $0.ahv, record: $0.record) }
        }
    }

    // MARK: Shared with the service

    /// The visibility rule of §3 in the query (`AccessPolicy`): own office as referrer or receiver;
    /// coordinators see no case contents.
    static func visibleCases(_ db: any ApplicationRecords, user: User) throws -> [StoredCase] {
        guard AccessPolicy.worksCases(user) else { return [] }
        return try db.cases(.office(user.officeId))
    }

    /// Every case applied for up to `to` (a superset of those with an event in the period:
    /// nothing happens to a case before its application), with the AHV number for pseudonymising.
    static func reportRecords(_ db: any ApplicationRecords, to: LocalDate, deadlines: Deadlines) throws -> [(ahv: String, record: CaseReportRecord)] {
        try db.cases(.appliedUpTo(to)).map { stored in
            (stored.optimaCase.person.ahvNumber, CaseReportRecord(case: stored.optimaCase, deadlines: deadlines))
        }
    }

}
