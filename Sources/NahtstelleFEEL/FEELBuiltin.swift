/// The built-in functions of the subset, by their FEEL names (which may contain spaces).
enum FEELBuiltin: String, CaseIterable, Sendable {
    case date = "date"
    case dateAndTime = "date and time"
    case duration = "duration"
    case yearsAndMonthsDuration = "years and months duration"
    case today = "today"
    case now = "now"
    case dayOfWeek = "day of week"
    case string = "string"
    case number = "number"
    case stringLength = "string length"
    case substring = "substring"
    case upperCase = "upper case"
    case lowerCase = "lower case"
    case contains = "contains"
    case startsWith = "starts with"
    case endsWith = "ends with"
    case stringJoin = "string join"
    case count = "count"
    case sum = "sum"
    case min = "min"
    case max = "max"
    case listContains = "list contains"
    case append = "append"
    case abs = "abs"
    case floor = "floor"
    case ceiling = "ceiling"
    case decimal = "decimal"
    case modulo = "modulo"
    case not = "not"
    case isDefined = "is defined"

    /// Allowed argument counts; `Int.max` as upper bound means "any number".
    var arity: ClosedRange<Int> {
        switch self {
        case .today, .now: 0...0
        case .date: 1...3
        case .dateAndTime: 1...2
        case .number: 1...3
        case .substring: 2...3
        case .floor, .ceiling, .stringJoin: 1...2
        case .contains, .startsWith, .endsWith, .listContains, .decimal, .modulo, .yearsAndMonthsDuration: 2...2
        case .sum, .min, .max, .append: 1...Int.max
        case .duration, .dayOfWeek, .string, .stringLength, .upperCase, .lowerCase, .count, .abs, .not, .isDefined: 1...1
        }
    }

    /// Counts within `arity` that still make no sense (`date(y, m)`).
    func accepts(argumentCount n: Int) -> Bool {
        guard arity.contains(n) else { return false }
        if self == .date || self == .number { return n != 2 }
        return true
    }

    /// "1 oder 3 Argumente", "2 oder 3 Argumente", "kein Argument", "mindestens 1 Argument".
    var arityDescription: String {
        func args(_ n: Int) -> String { n == 1 ? "1 Argument" : "\(n) Argumente" }
        if self == .date || self == .number { return "1 oder 3 Argumente" }
        let r = arity
        if r.upperBound == Int.max { return "mindestens " + args(r.lowerBound) }
        if r.lowerBound == r.upperBound { return r.lowerBound == 0 ? "keine Argumente" : args(r.lowerBound) }
        if r.upperBound == r.lowerBound + 1 { return "\(r.lowerBound) oder " + args(r.upperBound) }
        return "\(r.lowerBound) bis " + args(r.upperBound)
    }

    /// Built-ins by first word, longest name first, for matching `date and time(` before `date(`.
    static let byFirstWord: [String: [(words: [String], builtin: FEELBuiltin)]] = {
        var table: [String: [(words: [String], builtin: FEELBuiltin)]] = [:]
        for b in FEELBuiltin.allCases {
            let words = b.rawValue.split(separator: " ").map(String.init)
            table[words[0], default: []].append((words, b))
        }
        return table.mapValues { $0.sorted { $0.words.count > $1.words.count } }
    }()

    static let namesForMessages: String = allCases.map(\.rawValue).sorted().joined(separator: ", ")
}
