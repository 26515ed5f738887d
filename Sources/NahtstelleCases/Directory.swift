import NahtstelleSQL
import NahtstelleOptima

/// An office as stored: the domain `Office` plus what letters need (department, address parts,
/// the unemployment fund a RAV names in the Vereinbarung ALV).
public struct OfficeEntry: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var type: InstitutionType
    public var department: String?
    public var street: String
    public var postalCode: String
    public var city: String
    public var phone: String?
    public var email: String?
    /// SD/SoBZ only: offers integral case management (may receive OPTIMA-SH).
    public var integralCaseManagement: Bool
    /// RAV only: the unemployment fund (ALK) of its insured persons.
    public var unemploymentFund: String?
    /// SD/SoBZ with integral case management: only for persons who receive wirtschaftliche
    /// Sozialhilfe (e.g. Soziale Dienste Stadt Luzern).
    public var integralCaseManagementOnlyWithFinancialAssistance: Bool

    public init(id: String, name: String, type: InstitutionType, department: String? = nil, street: String, postalCode: String,
                city: String, phone: String? = nil, email: String? = nil, integralCaseManagement: Bool = false,
                unemploymentFund: String? = nil, integralCaseManagementOnlyWithFinancialAssistance: Bool = false) {
        self.integralCaseManagementOnlyWithFinancialAssistance = integralCaseManagementOnlyWithFinancialAssistance
        self.id = id
        self.name = name
        self.type = type
        self.department = department
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.phone = phone
        self.email = email
        self.integralCaseManagement = integralCaseManagement
        self.unemploymentFund = unemploymentFund
    }

    /// The domain view (`HandoverRules`, `VisibilityRule`).
    public var office: Office {
        Office(id: id, name: name, type: type, addressLines: [street, postalCode + " " + city], phone: phone ?? "",
               email: email ?? "", offersIntegralCaseManagement: integralCaseManagement,
               integralCaseManagementOnlyWithFinancialAssistance: integralCaseManagementOnlyWithFinancialAssistance)
    }
}

/// A staff member as stored: the domain `User` plus what a letter signature needs.
public struct StaffMember: Sendable, Hashable, Identifiable {
    public var username: String
    public var firstName: String
    public var lastName: String
    public var officeId: String
    public var roles: Set<Role>
    public var function: String?
    public var phone: String?
    public var email: String?

    public var id: String { username }
    public var displayName: String { firstName + " " + lastName }

    public init(username: String, firstName: String, lastName: String, officeId: String, roles: Set<Role>,
                function: String? = nil, phone: String? = nil, email: String? = nil) {
        self.username = username
        self.firstName = firstName
        self.lastName = lastName
        self.officeId = officeId
        self.roles = roles
        self.function = function
        self.phone = phone
        self.email = email
    }

    public var user: User { User(username: username, displayName: displayName, officeId: officeId, roles: roles) }
    public func has(_ role: Role) -> Bool { roles.contains(role) }
}

/// Reads and writes offices and users inside a transaction.
enum Directory {
    static func office(_ db: SQLDatabase, _ id: String) throws -> OfficeEntry? {
        try SQLRow.fetchOne(db, sql: "SELECT * FROM office WHERE id = ?", arguments: [id]).map(officeEntry)
    }

    static func offices(_ db: SQLDatabase) throws -> [OfficeEntry] {
        try SQLRow.fetchAll(db, sql: "SELECT * FROM office ORDER BY type, name").map(officeEntry)
    }

    static func staff(_ db: SQLDatabase, _ username: String) throws -> StaffMember? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM app_user WHERE username = ?", arguments: [username]) else { return nil }
        let roles = try String.fetchAll(db, sql: "SELECT role FROM user_role WHERE username = ?", arguments: [username])
        return staffMember(row, roles: roles)
    }

    static func staff(_ db: SQLDatabase, office: String) throws -> [StaffMember] {
        let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM app_user WHERE office_id = ? ORDER BY last_name, first_name", arguments: [office])
        return try rows.map { row in
            let name: String = row["username"]
            return staffMember(row, roles: try String.fetchAll(db, sql: "SELECT role FROM user_role WHERE username = ?", arguments: [name]))
        }
    }

    static func allStaff(_ db: SQLDatabase) throws -> [StaffMember] {
        let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM app_user ORDER BY office_id, last_name, first_name")
        let roles = try SQLRow.fetchAll(db, sql: "SELECT username, role FROM user_role")
        var byUser: [String: [String]] = [:]
        for row in roles { byUser[row["username"], default: []].append(row["role"]) }
        return rows.map { staffMember($0, roles: byUser[$0["username"]] ?? []) }
    }

    /// Inserts or replaces an office (idempotent seeding).
    static func save(_ db: SQLDatabase, _ o: OfficeEntry) throws {
        try db.execute(sql: """
            INSERT INTO office (id, name, type, department, street, postal_code, city, phone, email, integral_case_management, unemployment_fund,
                integral_case_management_financial_only)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type, department = excluded.department,
                street = excluded.street, postal_code = excluded.postal_code, city = excluded.city, phone = excluded.phone,
                email = excluded.email, integral_case_management = excluded.integral_case_management,
                unemployment_fund = excluded.unemployment_fund,
                integral_case_management_financial_only = excluded.integral_case_management_financial_only
            """, arguments: [o.id, o.name, o.type.rawValue, o.department, o.street, o.postalCode, o.city, o.phone, o.email,
                             o.integralCaseManagement ? 1 : 0, o.unemploymentFund,
                             o.integralCaseManagementOnlyWithFinancialAssistance ? 1 : 0])
    }

    /// Inserts or replaces a user and their roles (idempotent seeding).
    static func save(_ db: SQLDatabase, _ u: StaffMember) throws {
        try db.execute(sql: """
            INSERT INTO app_user (username, first_name, last_name, display_name, office_id, function, phone, email)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(username) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
                display_name = excluded.display_name, office_id = excluded.office_id, function = excluded.function,
                phone = excluded.phone, email = excluded.email
            """, arguments: [u.username, u.firstName, u.lastName, u.displayName, u.officeId, u.function, u.phone, u.email])
        try db.execute(sql: "DELETE FROM user_role WHERE username = ?", arguments: [u.username])
        for role in u.roles.sorted(by: { $0.rawValue < $1.rawValue }) {
            try db.execute(sql: "INSERT INTO user_role (username, role) VALUES (?, ?)", arguments: [u.username, role.rawValue])
        }
    }

    private static func officeEntry(_ row: SQLRow) -> OfficeEntry {
        OfficeEntry(id: row["id"], name: row["name"], type: InstitutionType(rawValue: row["type"]) ?? .sd, department: row["department"],
                    street: row["street"], postalCode: row["postal_code"], city: row["city"], phone: row["phone"], email: row["email"],
                    integralCaseManagement: (row["integral_case_management"] as Int? ?? 0) == 1,
                    unemploymentFund: row["unemployment_fund"],
                    integralCaseManagementOnlyWithFinancialAssistance: (row["integral_case_management_financial_only"] as Int? ?? 0) == 1)
    }

    private static func staffMember(_ row: SQLRow, roles: [String]) -> StaffMember {
        StaffMember(username: row["username"], firstName: row["first_name"], lastName: row["last_name"], officeId: row["office_id"],
                    roles: Set(roles.compactMap(Role.init(rawValue:))), function: row["function"], phone: row["phone"], email: row["email"])
    }
}
