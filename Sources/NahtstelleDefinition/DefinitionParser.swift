import NahtstelleXML

/// Reads BPMN 2.0 files into `DefinitionsDocument`s and checks them, collecting every problem.
///
/// Never throws and never crashes on input: whatever is wrong (unreadable file, malformed or
/// hostile XML, unsupported elements, dangling references …) comes back as `Problem`s.
public struct DefinitionParser: Sendable {
    public struct Options: Sendable {
        /// Largest accepted file in bytes.
        public var maxBytes = 10_000_000
        /// Deepest accepted XML element nesting.
        public var maxDepth = 256
        /// Returns an error message when a FEEL expression text (without leading "=") does not
        /// parse; nil when fine. nil closure: expressions unchecked.
        public var expressionCheck: (@Sendable (String) -> String?)?
        /// Whether a form key exists (resolver from the application); nil: unchecked.
        public var formExists: (@Sendable (String) -> Bool)?
        /// Names of registered service-task handlers; nil: unchecked.
        public var serviceHandlers: Set<String>?
        /// Reads every process as executable, whatever its `isExecutable` says: for dry runs of
        /// drafts and of models written for interchange (never for deploying to production).
        public var draft = false
        /// Whether every user task needs a role (its own, a candidate group, or its lane's).
        /// Dry runs (`simulate`) play the flow through and need none.
        public var requireRoles = true
        public init() {}
    }

    public var options: Options

    public init(options: Options = .init()) {
        self.options = options
    }

    /// Parses and checks one file's bytes.
    /// - Parameter fileName: used in every problem's location.
    public func parse(bytes: [UInt8], fileName: String) -> ParseResult {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes: bytes, fileName: fileName,
                                       limits: XMLLimits(maxBytes: options.maxBytes, maxDepth: options.maxDepth))
        } catch {
            return ParseResult(document: nil, attributed: [(Problem(xmlError: error), nil)])
        }
        let reader = DefinitionReader(document: document, options: options)
        let definitions = reader.read()
        return ParseResult(document: definitions, attributed: reader.problems)
    }

    /// Reads, parses and checks a file. An unreadable file is a problem, not a throw.
    public func parse(fileAt path: String) -> ParseResult {
        do {
            let bytes = try readFile(path)
            return parse(bytes: bytes, fileName: path)
        } catch {
            return ParseResult(document: nil, attributed: [(Problem(xmlError: error), nil)])
        }
    }

    private func readFile(_ path: String) throws(XMLError) -> [UInt8] {
        try XMLFile.readBytes(path: path, maxBytes: options.maxBytes)
    }
}

/// Parses and checks several files (what `nahtstelle validate FILE...` prints).
/// - Returns: every problem of every file, by file (in the order given), then line and column.
public func validateFiles(_ paths: [String], options: DefinitionParser.Options = .init()) -> [Problem] {
    let parser = DefinitionParser(options: options)
    return paths.flatMap { parser.parse(fileAt: $0).problems }
}

extension Problem {
    /// A problem from the XML layer (unreadable, malformed, hostile …).
    init(xmlError e: XMLError) {
        self.init(e.severity == .warning ? .warning : .error, at: SourceLocation(file: e.file, line: e.line, column: e.column),
                  element: nil, e.message, fix: e.fix)
    }
}
