import NahtstelleFEEL

/// Reading stored OPTIMA cases: what reports and views need. The application's stored cases
/// implement this (`StoredCaseReader`); they are written only by the application's commands,
/// which keep case facts and process state in one transaction.
///
/// Implementations apply `VisibilityRule` in `cases(visibleTo:)` (ideally in the query).
public protocol CaseReading: Sendable {
    /// The case with this id, or `nil`.
    func load(id: String) async throws -> OptimaCase?
    /// The cases in which the office is referrer or receiver.
    func cases(forOffice officeId: String) async throws -> [OptimaCase]
    /// The cases the user may see: those of the user's office; all for coordinators.
    func cases(visibleTo user: User) async throws -> [OptimaCase]
    /// Report records of every case with an event in `from...to` (application, decision,
    /// hand-over, closing, cost approval request or decision, or a due date); a superset is fine,
    /// `OptimaReport.compute` filters by date.
    func reportRecords(from: LocalDate, to: LocalDate) async throws -> [CaseReportRecord]
}

/// Storage of OPTIMA cases that also writes them whole: for tests and prototypes of the layers
/// above (`InMemoryCaseRepository`). Throws `OptimaError` with code `.notFound` /
/// `.alreadyExists` where stated.
public protocol CaseRepository: CaseReading {
    /// Stores a new case. Throws `.alreadyExists` when the id is taken.
    func create(_ optimaCase: OptimaCase) async throws -> OptimaCase
    /// Replaces a stored case. Throws `.notFound` when there is none with this id.
    func update(_ optimaCase: OptimaCase) async throws
}

/// A repository in memory: for tests and prototypes of the layers above.
public actor InMemoryCaseRepository: CaseRepository {
    private var byId: [String: OptimaCase] = [:]
    private var order: [String] = []
    private let deadlines: Deadlines

    public init(cases: [OptimaCase] = [], deadlines: Deadlines = Deadlines()) {
        self.deadlines = deadlines
        for c in cases where byId[c.id] == nil {
            byId[c.id] = c
            order.append(c.id)
        }
    }

    public func create(_ optimaCase: OptimaCase) async throws -> OptimaCase {
        guard byId[optimaCase.id] == nil else {
            throw OptimaError(
                code: .alreadyExists, message: "Ein Fall mit der Nummer \(optimaCase.id) existiert bereits.", field: "id")
        }
        byId[optimaCase.id] = optimaCase
        order.append(optimaCase.id)
        return optimaCase
    }

    public func load(id: String) async throws -> OptimaCase? { byId[id] }

    public func update(_ optimaCase: OptimaCase) async throws {
        guard byId[optimaCase.id] != nil else {
            throw OptimaError(
                code: .notFound, message: "Der Fall \(optimaCase.id) existiert nicht. Bitte zuerst erfassen.", field: "id")
        }
        byId[optimaCase.id] = optimaCase
    }

    public func cases(forOffice officeId: String) async throws -> [OptimaCase] {
        all.filter { $0.referrerOfficeId == officeId || $0.receiverOfficeId == officeId }
    }

    public func cases(visibleTo user: User) async throws -> [OptimaCase] {
        VisibilityRule.visibleCases(all, to: user)
    }

    public func reportRecords(from: LocalDate, to: LocalDate) async throws -> [CaseReportRecord] {
        all.map { CaseReportRecord(case: $0, deadlines: deadlines) }
    }

    private var all: [OptimaCase] { order.compactMap { byId[$0] } }
}
