/// An engine command that could not be carried out. Nothing was changed.
public struct EngineError: Error, Sendable, CustomStringConvertible, Hashable {
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// The thing named does not exist (unknown task, instance, process).
        public static let notFound = Code(rawValue: "not-found")
        /// Someone else changed it first (optimistic version check), or it is no longer open.
        public static let conflict = Code(rawValue: "conflict")
        /// The definition cannot be deployed or run.
        public static let invalidDefinition = Code(rawValue: "invalid-definition")
        /// The request itself is wrong (bad variables, wrong user).
        public static let invalidInput = Code(rawValue: "invalid-input")
        /// The process cannot go on (no outgoing path matched, a handler failed).
        public static let incident = Code(rawValue: "incident")
    }

    public var code: Code
    /// What is wrong and how to fix it, in German (shown to users).
    public var message: String
    public var elementID: String?

    public init(_ code: Code, _ message: String, element: String? = nil) {
        self.code = code
        self.message = message
        self.elementID = element
    }

    public var description: String {
        elementID.map { "\(message) [\($0)]" } ?? message
    }
}
