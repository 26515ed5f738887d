import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// What every page's header and navigation show of the signed-in user.
public struct DeskSummary: Sendable {
    public var user: StaffMember
    public var officeName: String
    /// Open tasks the user may work (theirs or unassigned), counted up to `countCap`.
    public var openTasks: Int
    public var overdueTasks: Int
    public var unreadNotifications: Int
    public static let countCap = 1000
}

/// An office the user's office may hand a case over to, or why not.
public struct ReceiverOption: Sendable {
    public var office: OfficeEntry
    public var process: ProcessKind
    /// Set when OPTIMA's hand-over rules do not allow it.
    public var problem: String?
}

extension OptimaService {
    /// The header's facts in one read transaction: name, office, counts for the navigation.
    public func deskSummary(by username: String) throws -> DeskSummary {
        let now = clock()
        let summary = try snapshot { db, tx -> DeskSummary? in
            guard let user = try db.staff(username) else { return nil }
            let officeName = try db.office(user.officeId)?.name ?? user.officeId
            let roles = user.roles.filter { $0 != .coordinator }.map(\.rawValue).sorted()
            var open = 0, overdue = 0
            if !roles.isEmpty {
                                var query = TaskQuery(office: user.officeId, roles: roles, assignee: user.username, includeUnassigned: true)
                open = try tx.countTasks(matching: query, upTo: DeskSummary.countCap)
                query.dueBefore = now
                overdue = try tx.countTasks(matching: query, upTo: DeskSummary.countCap)
            }
            // Unread by this person (a notification to a role is read per person).
            let unread = try db.unreadNotificationCount(for: user, upTo: DeskSummary.countCap)
            return DeskSummary(user: user, officeName: officeName, openTasks: open, overdueTasks: overdue, unreadNotifications: unread)
        }
        guard let summary else { _ = try staff(username); throw CaseServiceError(.notFound, "Benutzer \(username) unbekannt.") }
        return summary
    }

    /// Every other office with whether the user's office may hand a case to it (SD → SD only to an
    /// office with integral case management); allowed ones first, by name.
    public func receiverOptions(by username: String) throws -> [ReceiverOption] {
        let user = try staff(username)
        let mine = try office(user.officeId)
        return try offices().filter { $0.id != mine.id }.map { other in
            var problem: String? = nil
            if case .failure(let error) = HandoverRules.check(referrer: mine.office, receiver: other.office) { problem = error.message }
            return ReceiverOption(office: other, process: ProcessKind(receiverType: other.type), problem: problem)
        }.sorted { a, b in
            if (a.problem == nil) != (b.problem == nil) { return a.problem == nil }
            return a.office.name < b.office.name
        }
    }
}
