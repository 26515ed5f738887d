import NahtstelleCases
import NahtstelleOptima
import NahtstelleSQL

extension SQLApplicationRecords: DirectoryRecords {
    package func office(_ id: String) throws -> OfficeEntry? {
        try SQLRow.fetchOne(db, sql: "SELECT * FROM office WHERE id = ?", arguments: [id]).map(officeEntry)
    }

    package func offices() throws -> [OfficeEntry] {
        try SQLRow.fetchAll(db, sql: "SELECT * FROM office ORDER BY type, name").map(officeEntry)
    }

    package func staff(_ username: String) throws -> StaffMember? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM app_user WHERE username = ?", arguments: [username]) else { return nil }
        let roles = try String.fetchAll(db, sql: "SELECT role FROM user_role WHERE username = ?", arguments: [username])
        return staffMember(row, roles: roles)
    }

    package func staff(office: String) throws -> [StaffMember] {
        let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM app_user WHERE office_id = ? ORDER BY last_name, first_name", arguments: [office])
        return try rows.map { row in
            let name: String = row["username"]
            return staffMember(row, roles: try String.fetchAll(db, sql: "SELECT role FROM user_role WHERE username = ?", arguments: [name]))
        }
    }

    package func allStaff() throws -> [StaffMember] {
        let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM app_user ORDER BY office_id, last_name, first_name")
        let roles = try SQLRow.fetchAll(db, sql: "SELECT username, role FROM user_role")
        var byUser: [String: [String]] = [:]
        for row in roles { byUser[row["username"], default: []].append(row["role"]) }
        return rows.map { staffMember($0, roles: byUser[$0["username"]] ?? []) }
    }

    /// Inserts or replaces an office (idempotent seeding).
    package func save(_ o: OfficeEntry) throws {
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
    package func save(_ u: StaffMember) throws {
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

    private func officeEntry(_ row: SQLRow) -> OfficeEntry {
        OfficeEntry(id: row["id"], name: row["name"], type: InstitutionType(rawValue: row["type"]) ?? .sd, department: row["department"],
                    street: row["street"], postalCode: row["postal_code"], city: row["city"], phone: row["phone"], email: row["email"],
                    integralCaseManagement: (row["integral_case_management"] as Int? ?? 0) == 1,
                    unemploymentFund: row["unemployment_fund"],
                    integralCaseManagementOnlyWithFinancialAssistance: (row["integral_case_management_financial_only"] as Int? ?? 0) == 1)
    }

    private func staffMember(_ row: SQLRow, roles: [String]) -> StaffMember {
        StaffMember(username: row["username"], firstName: row["first_name"], lastName: row["last_name"], officeId: row["office_id"],
                    roles: Set(roles.compactMap(Role.init(rawValue:))), function: row["function"], phone: row["phone"], email: row["email"])
    }
}
