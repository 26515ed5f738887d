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

