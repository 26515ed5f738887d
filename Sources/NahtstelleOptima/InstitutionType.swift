/// The three kinds of public office taking part in OPTIMA.
///
/// The raw values are the contract identifiers used in JSON, CSV and by the other layers.
public enum InstitutionType: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// IV-Stelle (disability insurance).
    case iv = "IV"
    /// Regionales Arbeitsvermittlungszentrum (unemployment insurance, ALV).
    case rav = "RAV"
    /// Sozialdienst / Sozialberatungszentrum (social assistance, SH).
    case sd = "SD"

    /// Order of the pilot's Standardreporting: IV, RAV/ALV, Sozialhilfe.
    public static func < (a: InstitutionType, b: InstitutionType) -> Bool {
        a.reportOrder < b.reportOrder
    }

    private var reportOrder: Int {
        switch self {
        case .iv: 0
        case .rav: 1
        case .sd: 2
        }
    }
}
