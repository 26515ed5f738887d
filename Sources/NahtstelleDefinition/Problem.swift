/// One thing wrong with a definition, with where it is and how to fix it.
public struct Problem: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    public var elementID: String?
    /// What is wrong, in plain words.
    public var message: String
    /// How to fix it.
    public var fix: String

    public init(_ severity: Severity, at location: SourceLocation, element: String?, _ message: String, fix: String) {
        self.severity = severity
        self.location = location
        self.elementID = element
        self.message = message
        self.fix = fix
    }

    /// `file:line:col: error: message — fix [elementId]`, the form compilers use so editors can jump to it.
    public var description: String {
        var s = "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
        if !fix.isEmpty { s += " — \(fix)" }
        if let elementID { s += " [\(elementID)]" }
        return s
    }
}

/// Thrown when a definition cannot be used: carries every problem found, not just the first.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public var problems: [Problem]
    public init(problems: [Problem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
