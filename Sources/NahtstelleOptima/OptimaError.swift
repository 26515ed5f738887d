/// An error of the OPTIMA domain: what is wrong, how to fix it, and which input field it concerns.
///
/// `message` is Swiss Standard German and may be shown to users as it is.
public struct OptimaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Referrer and receiver are the same office.
        public static let sameOffice = Code(rawValue: "same-office")
        /// The combination of referrer and receiver type is not an OPTIMA hand-over.
        public static let handoverNotAllowed = Code(rawValue: "handover-not-allowed")
        /// OPTIMA-SH needs a receiving office that offers integral case management.
        public static let noIntegralCaseManagement = Code(rawValue: "no-integral-case-management")
        /// An input value is malformed or out of range.
        public static let invalidInput = Code(rawValue: "invalid-input")
        /// A case or record does not exist.
        public static let notFound = Code(rawValue: "not-found")
        /// A case with this id exists already.
        public static let alreadyExists = Code(rawValue: "already-exists")
    }

    public var code: Code
    /// What is wrong and how to fix it (German).
    public var message: String
    /// The input field the error concerns (e.g. `receiverOfficeId`), when there is one.
    public var field: String?

    public init(code: Code, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        if let field { return "\(code.rawValue) (\(field)): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
