/// A concrete office of one institution type, e.g. "RAV Wolhusen" or "SoBZ Hochdorf".
public struct Office: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var type: InstitutionType
    /// Postal address for letters, one line each ("Im Schmitteli 2", "6110 Wolhusen").
    public var addressLines: [String]
    public var phone: String
    public var email: String
    /// Whether the office offers integral case management (Fallführung). Only meaningful for
    /// SD/SoBZ offices: OPTIMA-SH may only be handed to offices that do (SoBZ Luzern handles
    /// addiction only; some agglomeration municipalities only triage).
    public var offersIntegralCaseManagement: Bool
    /// The office takes on case management only for persons who also receive wirtschaftliche
    /// Sozialhilfe (e.g. the Soziale Dienste Stadt Luzern, concept Kap. 3.2.3): integral case
    /// management is a property of office *and* person.
    public var integralCaseManagementOnlyWithFinancialAssistance: Bool

    public init(
        id: String, name: String, type: InstitutionType, addressLines: [String] = [], phone: String = "",
        email: String = "", offersIntegralCaseManagement: Bool = false,
        integralCaseManagementOnlyWithFinancialAssistance: Bool = false
    ) {
        self.integralCaseManagementOnlyWithFinancialAssistance = integralCaseManagementOnlyWithFinancialAssistance
        self.id = id
        self.name = name
        self.type = type
        self.addressLines = addressLines
        self.phone = phone
        self.email = email
        self.offersIntegralCaseManagement = offersIntegralCaseManagement
    }
}

extension Office {
    /// Whether the office takes on integral case management for a person with this status:
    /// `nil` when it depends on a fact that is not recorded.
    public func offersIntegralCaseManagement(for status: PersonStatus) -> Bool? {
        guard offersIntegralCaseManagement else { return false }
        guard integralCaseManagementOnlyWithFinancialAssistance else { return true }
        return status.receivesFinancialSocialAssistance
    }
}
