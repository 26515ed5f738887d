/// A problem found while reading or validating XML, with where it stands and how to fix it.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is (stable, for tests and for mapping to other error types).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be read.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The file has no content (or only white space).
        public static let empty = Code(rawValue: "empty")
        /// Larger than the configured byte limit.
        public static let tooLarge = Code(rawValue: "too-large")
        /// Elements nested deeper than the configured limit.
        public static let tooDeep = Code(rawValue: "too-deep")
        /// A `<!DOCTYPE …>`: refused, because entity declarations are the door to XXE and entity bombs.
        public static let doctypeForbidden = Code(rawValue: "doctype-forbidden")
        /// Bytes that are not valid in the document's encoding (usually invalid UTF-8).
        public static let encoding = Code(rawValue: "encoding")
        /// Not well-formed XML.
        public static let malformed = Code(rawValue: "malformed")
        /// Well-formed, but a namespace prefix is undeclared or similar.
        public static let namespace = Code(rawValue: "namespace")
        /// libxml2 warned (the document is still usable).
        public static let warning = Code(rawValue: "warning")
        /// An XML schema (XSD) could not be loaded.
        public static let schemaLoad = Code(rawValue: "schema-load")
        /// The document does not conform to the XML schema.
        public static let schemaInvalid = Code(rawValue: "schema-invalid")
    }

    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var code: Code
    public var severity: Severity
    /// What is wrong, in plain words.
    public var message: String
    /// How to fix it.
    public var fix: String
    public var file: String
    /// 1-based; 0 when unknown.
    public var line: Int
    /// 1-based; 0 when unknown.
    public var column: Int

    public init(_ code: Code, severity: Severity = .error, message: String, fix: String, file: String, line: Int = 0, column: Int = 0) {
        self.code = code
        self.severity = severity
        self.message = message
        self.fix = fix
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col: error: message — fix`
    public var description: String {
        var s = "\(file):\(line):\(column): \(severity.rawValue): \(message)"
        if !fix.isEmpty { s += " — \(fix)" }
        return s
    }
}
