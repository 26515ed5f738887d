/// One problem found in a template: what, where, the surrounding text, and how to fix it.
public struct TemplateProblem: Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let unclosedPlaceholder = Code(rawValue: "unclosed-placeholder")
        public static let strayClosingBraces = Code(rawValue: "stray-closing-braces")
        public static let invalidPlaceholder = Code(rawValue: "invalid-placeholder")
        public static let unknownFilter = Code(rawValue: "unknown-filter")
        public static let unclosedSection = Code(rawValue: "unclosed-section")
        public static let unopenedSection = Code(rawValue: "unopened-section")
        public static let crossedSections = Code(rawValue: "crossed-sections")
        public static let sectionAcrossCells = Code(rawValue: "section-across-cells")
        public static let sectionAcrossFormatting = Code(rawValue: "section-across-formatting")
        public static let unknownField = Code(rawValue: "unknown-field")
        public static let filterTypeMismatch = Code(rawValue: "filter-type-mismatch")
        public static let unknownChoice = Code(rawValue: "unknown-choice")
        public static let missingPart = Code(rawValue: "missing-part")
        /// A ZIP entry whose name escapes the package (`../x`, `/tmp/x`) or repeats another's.
        public static let unsafeEntry = Code(rawValue: "unsafe-entry")
        /// Sections of one list nested in each other, or sections nested too deep to render.
        public static let nestingTooDeep = Code(rawValue: "nesting-too-deep")
    }

    /// An error keeps a template from being used; a warning is shown and the template is used.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var code: Code
    /// Whether the template can be used despite the problem. The checker's own findings are errors.
    public var severity: Severity
    /// The file the problem is in (template name or path).
    public var file: String
    /// Where in the document: "Haupttext, Absatz 12" or "Haupttext, Tabelle 1, Zeile 3, Zelle 2".
    public var location: String
    /// The text around the problem as the user sees it in Word.
    public var context: String
    /// What is wrong.
    public var message: String
    /// How to fix it.
    public var fix: String

    public init(code: Code, file: String, location: String, context: String, message: String, fix: String,
                severity: Severity = .error) {
        self.code = code
        self.severity = severity
        self.file = file
        self.location = location
        self.context = context
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var text = "\(file): \(location): \(message)"
        if !context.isEmpty { text += " — Text: «\(context)»" }
        if !fix.isEmpty { text += " → \(fix)" }
        return text
    }
}
