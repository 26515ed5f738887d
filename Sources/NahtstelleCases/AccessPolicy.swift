import NahtstelleEngine
import NahtstelleOptima

/// The one place that decides who may do what (docs/server.md, "Zugriffsregeln").
///
/// Least privilege for health and social data: advisors, OPTIMA contacts and signatories see the
/// cases in which their office is the referrer or the receiver, and work only the tasks of their
/// office and role; coordinators (IIZ-Koordinationsstelle) manage definitions and read reports and
/// the audit log, but see no case contents. A refused case or task is reported as "not found" to
/// the caller, so that ids cannot be probed.
public enum AccessPolicy {
    /// Why a task may not be worked (nil: it may).
    public enum TaskRefusal: Sendable, Hashable {
        case otherOffice(String)
        case missingRole(Role)
        case assignedToSomeoneElse(String)
    }

    /// Whether `user` works cases at all (any role but the coordinator's).
    public static func worksCases(_ user: User) -> Bool { user.roles.contains { $0 != .coordinator } }

    /// §3 for the server: the user's office is referrer or receiver, and the user works cases.
    public static func canSeeCase(_ user: User, referrerOfficeId: String, receiverOfficeId: String) -> Bool {
        worksCases(user) && (user.officeId == referrerOfficeId || user.officeId == receiverOfficeId)
    }

    public static func canSeeCase(_ user: User, _ optimaCase: OptimaCase) -> Bool {
        canSeeCase(user, referrerOfficeId: optimaCase.referrerOfficeId, receiverOfficeId: optimaCase.receiverOfficeId)
    }

    /// A task is worked by its office, by a holder of its role, and (when assigned) by its assignee.
    public static func taskRefusal(_ user: User, _ task: TaskRecord) -> TaskRefusal? {
        if let office = task.office, office != user.officeId { return .otherOffice(office) }
        if let roleID = task.role, let role = Role(rawValue: roleID), !user.has(role) { return .missingRole(role) }
        if let assignee = task.assignee, assignee != user.username { return .assignedToSomeoneElse(assignee) }
        return nil
    }

    /// Whether the task shows in the user's inbox or may be opened by them at all (office and role;
    /// a task assigned to a colleague is visible but not workable).
    public static func canSeeTask(_ user: User, _ task: TaskRecord) -> Bool {
        switch taskRefusal(user, task) {
        case nil, .assignedToSomeoneElse: true
        case .otherOffice, .missingRole: false
        }
    }

    /// A signatory signs Kostengutsprachen only for the paying office.
    public static func canSign(_ user: User, payingOfficeId: String) -> Bool {
        user.has(.signatory) && user.officeId == payingOfficeId
    }

    /// The Antragsformular is submitted by an advisor of the referring office.
    public static func canSubmitApplication(_ user: User) -> Bool { user.has(.advisor) }

    /// Definitions, deployments, instance migration: coordinators.
    public static func canManageDefinitions(_ user: User) -> Bool { user.has(.coordinator) }

    /// Standardreporting and the pseudonymised export: coordinators.
    public static func canReadReports(_ user: User) -> Bool { user.has(.coordinator) }

    /// The access log: coordinators (it names cases and users, not case contents).
    public static func canReadAudit(_ user: User) -> Bool { user.has(.coordinator) }

    /// The installation's settings (legal basis for the RAV's release, flat rates): coordinators.
    public static func canManageSettings(_ user: User) -> Bool { user.has(.coordinator) }

    /// Flat-rate billing (model A): coordinators, for controlling, and signatories, who sign
    /// invoices and payments of their office.
    public static func canReadBilling(_ user: User) -> Bool { user.has(.coordinator) || user.has(.signatory) }

    /// The invoice of a statement as DOCX names the persons: only signatories of the billing or
    /// the paying office (coordinators see no case contents).
    public static func canReadStatementDocument(_ user: User, receiverOfficeId: String, payingOfficeId: String) -> Bool {
        user.has(.signatory) && (user.officeId == receiverOfficeId || user.officeId == payingOfficeId)
    }

    /// One statement: coordinators see every one; a signatory those their office bills or pays.
    public static func canReadStatement(_ user: User, receiverOfficeId: String, payingOfficeId: String) -> Bool {
        user.has(.coordinator) || (user.has(.signatory) && (user.officeId == receiverOfficeId || user.officeId == payingOfficeId))
    }
}
