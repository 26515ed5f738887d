/// The OPTIMA process run by the receiving office; its type decides which one.
public enum ProcessKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// RAV receives (from IV or SD).
    case optimaALV = "optima-alv"
    /// IV-Stelle receives (from RAV or SD).
    case optimaIV = "optima-iv"
    /// SD/SoBZ receives (from RAV, IV, or an SD without integral case management).
    case optimaSH = "optima-sh"

    public init(receiverType: InstitutionType) {
        switch receiverType {
        case .rav: self = .optimaALV
        case .iv: self = .optimaIV
        case .sd: self = .optimaSH
        }
    }

    /// The type of office that receives cases in this process.
    public var receiverType: InstitutionType {
        switch self {
        case .optimaALV: .rav
        case .optimaIV: .iv
        case .optimaSH: .sd
        }
    }
}

/// The reduced procedure the referring office runs in parallel during the hand-over (§8).
public enum ReducedProcedure: String, Sendable, Hashable, Codable, CaseIterable {
    case reducedRAV = "reduced-rav"
    case reducedIV = "reduced-iv"
    case reducedSD = "reduced-sd"

    public init(referrerType: InstitutionType) {
        switch referrerType {
        case .rav: self = .reducedRAV
        case .iv: self = .reducedIV
        case .sd: self = .reducedSD
        }
    }
}
