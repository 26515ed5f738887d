/// What `DefinitionParser` found in one file.
public struct ParseResult: Sendable {
    /// The definitions read; `nil` only when the file is unreadable as XML or not BPMN 2.0 at all.
    public var document: DefinitionsDocument?
    /// All problems, sorted by line, then column.
    public var problems: [Problem]
    /// Which process each problem belongs to (absent: file level).
    private var processOfProblem: [Problem: String]

    init(document: DefinitionsDocument?, attributed: [(Problem, String?)]) {
        self.document = document
        // Stable sort: equal positions keep the order in which they were found.
        let sorted = attributed.enumerated().sorted { a, b in
            let (l, r) = (a.element.0.location, b.element.0.location)
            if l.line != r.line { return l.line < r.line }
            if l.column != r.column { return l.column < r.column }
            return a.offset < b.offset
        }.map(\.element)
        var seen = Set<Problem>()
        self.problems = sorted.map(\.0).filter { seen.insert($0).inserted }
        var map: [Problem: String] = [:]
        for (problem, process) in sorted { if let process { map[problem] = process } }
        self.processOfProblem = map
    }

    /// Whether any problem is an error.
    public var hasErrors: Bool { problems.contains { $0.severity == .error } }

    /// Only the errors.
    public var errors: [Problem] { problems.filter { $0.severity == .error } }

    /// Only the warnings.
    public var warnings: [Problem] { problems.filter { $0.severity == .warning } }

    /// File-level errors plus the errors inside that process: a process deploys only when this is empty.
    public func errors(forProcess id: String) -> [Problem] {
        problems.filter { $0.severity == .error && (processOfProblem[$0] == nil || processOfProblem[$0] == id) }
    }

    /// The process a problem was found in, `nil` for file-level problems.
    public func process(of problem: Problem) -> String? { processOfProblem[problem] }
}
