/// Why a FEEL expression could not be read, and where.
///
/// The message is German, names what was found and what was expected, and says where:
/// `Unerwartetes Zeichen '&' in Spalte 7: erwartet wird 'and', 'or' oder das Ende des Ausdrucks.`
public struct FEELError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem, for callers that react differently (e.g. count limits separately).
    public enum Code: String, Sendable, Hashable {
        /// The text does not follow the grammar.
        case syntax
        /// A literal (number, text, `@"…"`) is malformed.
        case invalidLiteral
        /// A function that the subset does not offer.
        case unknownFunction
        /// A built-in function called with too few or too many arguments.
        case wrongArgumentCount
        /// A FEEL construct (or another expression language) this subset does not support.
        case unsupported
        /// More than `FEELExpression.maximumLength` characters.
        case tooLong
        /// Nested deeper than `FEELExpression.maximumDepth`.
        case tooDeep
    }

    public var code: Code
    /// The full German message, including the position.
    public var message: String
    /// 1-based line; 1 for single-line expressions.
    public var line: Int
    /// 1-based column within `line`, counted in Unicode scalars.
    public var column: Int

    public init(code: Code, message: String, line: Int = 1, column: Int) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { message }

    /// "Spalte 7", or "Zeile 2, Spalte 7" for multi-line expressions.
    static func position(line: Int, column: Int) -> String {
        line == 1 ? "Spalte \(column)" : "Zeile \(line), Spalte \(column)"
    }
}
