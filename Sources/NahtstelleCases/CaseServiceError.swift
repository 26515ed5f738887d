import NahtstelleDocuments
import NahtstelleEngine
import NahtstelleForms
import NahtstelleOptima

/// An OPTIMA application command that could not be carried out. Nothing was changed.
///
/// `message` is Swiss Standard German, says what is wrong and how to fix it, and may be shown to
/// users as it is; `fieldErrors` lists every form error at once (for showing beside the inputs).
public struct CaseServiceError: Error, Sendable, CustomStringConvertible, Hashable {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Form data is invalid; see `fieldErrors`.
        public static let invalidForm = Code(rawValue: "invalid-form")
        /// A rule of OPTIMA refuses the command (hand-over not allowed, KGS before the hand-over…).
        public static let ruleViolation = Code(rawValue: "rule-violation")
        /// The user may not do this (other office, missing role, task of someone else).
        public static let forbidden = Code(rawValue: "forbidden")
        /// Case, task, user, office or document does not exist (or is not visible to the user).
        public static let notFound = Code(rawValue: "not-found")
        /// Someone else changed it first, or it is no longer open.
        public static let conflict = Code(rawValue: "conflict")
        /// A document cannot be generated because data is missing or the template is broken.
        public static let documentFailed = Code(rawValue: "document-failed")
        /// The process could not go on (an incident of the engine).
        public static let processFailed = Code(rawValue: "process-failed")
        /// Input outside forms is malformed (dates, keys, parameters).
        public static let invalidInput = Code(rawValue: "invalid-input")
    }

    /// One error on one input field.
    public struct FieldError: Sendable, Hashable, CustomStringConvertible {
        /// The field id (`ahvNumber`; in tables `positions[2].amount`).
        public var field: String
        /// `required`, `invalidType`, `outOfRange`, `notAllowed`, … (as `FormValidation`).
        public var code: String
        /// Full German message with the label: "AHV-Nummer: Prüfziffer stimmt nicht".
        public var message: String
        public var description: String { "\(field): \(message)" }

        public init(field: String, code: String, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }

        init(_ e: FormValidation.FieldError) { self.init(field: e.field, code: e.code.rawValue, message: e.message) }
    }

    public var code: Code
    public var message: String
    /// Every form error (field id → German message), in form order.
    public var fieldErrors: [FieldError]
    /// The input field concerned, when there is one.
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil, fieldErrors: [FieldError] = []) {
        self.code = code
        self.message = message
        self.field = field
        self.fieldErrors = fieldErrors
    }

    public var description: String {
        guard !fieldErrors.isEmpty else { return message }
        return message + "\n" + fieldErrors.map { "  - " + $0.message }.joined(separator: "\n")
    }

    /// Maps the errors of the layers below to one error type with a code the HTTP layer can map.
    static func wrapping(_ error: any Error) -> any Error {
        switch error {
        case let e as CaseServiceError: return e
        case let e as OptimaError:
            let code: Code =
                switch e.code {
                case .notFound: .notFound
                case .alreadyExists: .conflict
                case .invalidInput: .invalidInput
                default: .ruleViolation
                }
            return CaseServiceError(code, e.message, field: e.field)
        case let e as EngineError:
            let code: Code =
                switch e.code {
                case .notFound: .notFound
                case .conflict: .conflict
                case .invalidInput: .invalidInput
                default: .processFailed
                }
            return CaseServiceError(code, e.message, field: e.elementID)
        case let e as DocumentError:
            return CaseServiceError(.documentFailed, e.description)
        default:
            return error
        }
    }
}
