import NahtstelleFEEL

/// The outcome of validating submitted form data.
public struct FormValidation: Sendable {
    /// One error on one field.
    public struct FieldError: Sendable, Hashable, CustomStringConvertible {
        public enum Code: String, Sendable, Hashable {
            case required, invalidType, tooShort, tooLong, outOfRange, notAllowed, invalidAHVNumber, unknownReference, invalidRows
        }
        /// The field id (`ahvNumber`; in tables `positions[2].amount`).
        public var field: String
        public var code: Code
        /// Full German message with the label: "AHV-Nummer: Prüfziffer stimmt nicht".
        public var message: String
        public var description: String { "\(field): \(message)" }
    }

    /// Every error for every field, in form order.
    public var errors: [FieldError]
    /// The values, normalised (AHV `756.1234.5678.97`, dates `.date`, amounts numbers, choice ids),
    /// for the fields of the form that were given; only meaningful when `isValid`.
    public var values: [String: Value]
    /// Keys in the data that the form does not define (ignored).
    public var unknownFields: [String]

    public var isValid: Bool { errors.isEmpty }

    /// Errors grouped by field id, for showing them beside the inputs.
    public var errorsByField: [String: [String]] {
        Dictionary(grouping: errors, by: \.field).mapValues { $0.map(\.message) }
    }
}

/// Lets validation check that offices and users exist (the HTTP layer passes the directory).
public struct FormReferences: Sendable {
    public var officeExists: @Sendable (String) -> Bool
    public var userExists: @Sendable (String) -> Bool
    public init(officeExists: @escaping @Sendable (String) -> Bool, userExists: @escaping @Sendable (String) -> Bool) {
        self.officeExists = officeExists
        self.userExists = userExists
    }
}
