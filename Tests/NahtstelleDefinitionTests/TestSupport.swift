import Glibc
import NahtstelleDefinition

/// Paths the tests read from, relative to this file so they work in any checkout.
enum TestPaths {
    /// `Tests/NahtstelleDefinitionTests`
    static let testsDirectory: String = {
        let path = #filePath
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }()

    static let fixtures = testsDirectory + "/Fixtures"

    /// The repository root (two levels above this folder).
    static let repositoryRoot = normalized(testsDirectory + "/../..")

    static func normalized(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `../shared` next to the repository, or `$NAHTSTELLE_SHARED`.
    static var shared: String {
        if let env = getenv("NAHTSTELLE_SHARED") { return String(cString: env) }
        return normalized(repositoryRoot + "/../shared")
    }

    /// Files in a directory with an extension, sorted; empty when the directory does not exist.
    static func files(in directory: String, withExtension ext: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix("." + ext) { names.append(name) }
        }
        return names.sorted().map { directory + "/" + $0 }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}

/// Wraps process content in a `<definitions>` with the usual namespaces.
func bpmn(_ body: String, executable: Bool = true, before: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:nahtstelle="http://nahtstelle.ch/schema/bpmn" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://nahtstelle.ch/test">
    \(before)<process id="p" isExecutable="\(executable)">
    \(body)
    </process>
    </definitions>
    """
}

func parse(_ text: String, options: DefinitionParser.Options = .init()) -> ParseResult {
    DefinitionParser(options: options).parse(bytes: Array(text.utf8), fileName: "test.bpmn")
}

/// Line (1-based) of the first line containing `needle`.
func line(of needle: String, in text: String) -> Int {
    for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where l.contains(needle) { return i + 1 }
    return 0
}

extension ParseResult {
    /// Problems whose message contains `text`.
    func problems(containing text: String) -> [Problem] { problems.filter { $0.message.contains(text) } }
}
