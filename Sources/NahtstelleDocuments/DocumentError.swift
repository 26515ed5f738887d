/// An error from loading, checking or rendering a document template.
///
/// Every error says what is wrong, where (file, part, paragraph or table cell) and how to fix it,
/// so that a coordinator can act on it without reading code.
public struct DocumentError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable for programs (tests, HTTP mapping).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be read or written.
        public static let io = Code(rawValue: "io")
        /// The file is not a readable ZIP/DOCX archive or lacks a required part.
        public static let invalidArchive = Code(rawValue: "invalid-archive")
        /// A part of the archive is not well-formed XML.
        public static let invalidXML = Code(rawValue: "invalid-xml")
        /// The template has problems (syntax, sections, unknown fields); see `problems`.
        public static let invalidTemplate = Code(rawValue: "invalid-template")
        /// The data lacks fields the template needs; see `missingFields`.
        public static let missingData = Code(rawValue: "missing-data")
        /// The data definition (`fields.json`) cannot be used.
        public static let invalidSchema = Code(rawValue: "invalid-schema")
        /// Rendering would produce an unreasonably large document (nested repetitions).
        public static let tooLarge = Code(rawValue: "too-large")
        /// The data has values of the wrong type or format; see `missingFields` for the paths.
        public static let invalidData = Code(rawValue: "invalid-data")
        /// libzip reported an error while writing.
        public static let zip = Code(rawValue: "zip")
    }

    public var code: Code
    /// What is wrong, in Swiss Standard German.
    public var message: String
    /// The file (and part) concerned.
    public var location: String
    /// How to fix it.
    public var fix: String
    /// All template problems when `code == .invalidTemplate`.
    public var problems: [TemplateProblem]
    /// The missing field paths when `code == .missingData` (`person.lastName`, `measures[2].name`).
    public var missingFields: [String]

    public init(code: Code, message: String, location: String, fix: String,
                problems: [TemplateProblem] = [], missingFields: [String] = []) {
        self.code = code
        self.message = message
        self.location = location
        self.fix = fix
        self.problems = problems
        self.missingFields = missingFields
    }

    public var description: String {
        var text = "\(location): \(message)"
        for problem in problems { text += "\n  - " + problem.description }
        if !fix.isEmpty { text += "\n  Behebung: \(fix)" }
        return text
    }
}
