import Foundation
import NahtstelleEngine

/// Instance migration for coordinators: a corrected definition reaches the running cases (they
/// run three to six months). The dry run lists every running case of the version with where it
/// waits and whether it can move; the migration moves the chosen ones, each in its own
/// transaction, and refuses those a user changed since the dry run (`Engine.migrate`).
extension OptimaService {
    /// The dry run from version `from` to `to` of one process (changes nothing; logged).
    public func migrationPlan(by username: String, processID: String, from: Int, to: Int) throws -> MigrationPlan {
        let user = try staff(username)
        try require(AccessPolicy.canManageDefinitions(user.user), "Laufende Fälle migrieren die IIZ-Koordinationsstellen.")
        try checkMigrationVersions(processID: processID, from: from, to: to)
        let plan: MigrationPlan
        do { plan = try engine.migrationPlan(processID: processID, from: from, to: to) } catch { throw CaseServiceError.wrapping(error) }
        try logAccess(username, "migration-dry-run", caseID: nil)
        return plan
    }

    /// Moves the instances of the tickets (each with the version its dry run saw) from `from` to
    /// `to`. Every migrated case is entered in the access log in its own transaction. An
    /// instance that is not one of this process is bad input (nothing moves); one that changed
    /// since the dry run or cannot move is refused in its outcome, and the others move.
    public func migrateInstances(by username: String, processID: String, from: Int, to: Int,
                                 instances tickets: [MigrationTicket]) throws -> [MigrationOutcome] {
        let user = try staff(username)
        try require(AccessPolicy.canManageDefinitions(user.user), "Laufende Fälle migrieren die IIZ-Koordinationsstellen.")
        try checkMigrationVersions(processID: processID, from: from, to: to)
        guard !tickets.isEmpty else {
            throw CaseServiceError(.invalidForm, "Keine Fälle zum Migrieren gewählt. Zuerst den Probelauf machen und die Fälle daraus senden.",
                                   fieldErrors: [.init(field: "instances", code: "required", message: "Fälle: Angabe fehlt.")])
        }
        let foreign: [Int64]
        do {
            foreign = try store.read { tx in
                try tickets.compactMap { t in try tx.instance(id: t.instanceID)?.processID == processID ? nil : t.instanceID }
            }
        } catch { throw CaseServiceError.wrapping(error) }
        if !foreign.isEmpty {
            let shown = foreign.prefix(10).map(String.init).joined(separator: ", ") + (foreign.count > 10 ? " …" : "")
            throw CaseServiceError(.invalidForm, "Prozessinstanzen \(shown) gehören nicht zum Prozess «\(processID)». Nichts wurde migriert.",
                                   fieldErrors: [.init(field: "instances", code: "notAllowed",
                                                       message: "Fälle: \(shown) gibt es nicht oder sie gehören zu einem anderen Prozess.")])
        }
        do {
            return try engine.migrate(processID: processID, from: from, to: to, instances: tickets, by: username) { [self] record, tx in
                try storage.records(tx).insertAccess(accessEntry(username, "migrate-instance", caseID: record.businessKey))
            }
        } catch { throw CaseServiceError.wrapping(error) }
    }

    /// Both versions exist and differ; every problem at once, by field.
    func checkMigrationVersions(processID: String, from: Int, to: Int) throws {
        let versions: [Int]
        do { versions = try store.read { try $0.definitions(processID: processID).map(\.version).sorted() } } catch {
            throw CaseServiceError.wrapping(error)
        }
        guard !versions.isEmpty else {
            throw CaseServiceError(.notFound, "Definition «\(processID)» gibt es nicht. Die Prozesse stehen unter /definitions.")
        }
        let known = versions.map(String.init).joined(separator: ", ")
        var errors: [CaseServiceError.FieldError] = []
        if !versions.contains(from) {
            errors.append(.init(field: "from", code: "notAllowed", message: "Von Version: \(from) gibt es nicht; bereitgestellt sind \(known)."))
        }
        if !versions.contains(to) {
            errors.append(.init(field: "to", code: "notAllowed", message: "Auf Version: \(to) gibt es nicht; bereitgestellt sind \(known)."))
        } else if from == to {
            errors.append(.init(field: "to", code: "notAllowed", message: "Auf Version: gleich wie die Ausgangsversion; eine andere Version wählen."))
        }
        if !errors.isEmpty {
            throw CaseServiceError(.invalidForm, "Die Versionen für die Migration stimmen nicht (\(errors.count) Angabe\(errors.count == 1 ? "" : "n")).",
                                   fieldErrors: errors)
        }
    }
}
