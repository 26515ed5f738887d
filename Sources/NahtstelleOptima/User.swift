/// A staff member of one office. Clients are not users.
public struct User: Sendable, Hashable, Identifiable {
    public var username: String
    public var displayName: String
    public var officeId: String
    public var roles: Set<Role>

    public var id: String { username }

    public init(username: String, displayName: String, officeId: String, roles: Set<Role>) {
        self.username = username
        self.displayName = displayName
        self.officeId = officeId
        self.roles = roles
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }
}
