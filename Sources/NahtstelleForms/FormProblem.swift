/// A problem in a form definition file, with where it is and how to fix it.
public struct FormProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// Path inside the file (`sections[1].fields[3].options`).
    public var path: String
    public var message: String
    public var fix: String

    public init(file: String, path: String, message: String, fix: String) {
        self.file = file
        self.path = path
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(file): \(path): \(message) → \(fix)" }
}

/// Loading forms failed; `problems` lists every problem of every file.
public struct FormCatalogError: Error, Sendable, CustomStringConvertible {
    public var problems: [FormProblem]
    public init(problems: [FormProblem]) { self.problems = problems }
    public var description: String {
        "Formulardefinitionen fehlerhaft (\(problems.count) Problem\(problems.count == 1 ? "" : "e")):\n"
            + problems.map { "  - " + $0.description }.joined(separator: "\n")
    }
}
