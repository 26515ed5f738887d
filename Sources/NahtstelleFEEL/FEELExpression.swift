import Foundation

/// A parsed FEEL expression (the subset Nahtstelle supports), ready to evaluate many times.
///
/// Parse once when a process definition is loaded; `evaluate` then walks a tree of value types
/// and never throws: wrong types, missing variables and impossible operations give `null`, as
/// FEEL defines. A sequence-flow condition is taken only when it evaluates to exactly `true`.
///
/// Supported: literals (exact decimal numbers, `"text"` with `\"` `\\` `\n` `\u00e4` escapes, true,
/// false, null, `@"2026-01-31"`, `@"2026-01-31T10:00:00Z"`, `@"P10D"`, lists, contexts); names
/// (umlauts, `_`, `$`, words separated by spaces, `` `any name` ``), paths `a.b.c`, index `xs[1]`,
/// `xs[-1]`, filter `xs[item > 3]`; `= != < <= > >=`, `between … and …`, `in` with lists, ranges
/// `[1..10]` `(1..10]` `]1..10[`, `< 10`, `(1, 2, 3)`; `and`/`or` (three-valued), `not(…)`,
/// `if … then … else …`, `some/every x in xs satisfies …`, `for x in xs return …`; `+ - * / **`,
/// unary minus, text `+` text, date/date-time/duration arithmetic; the built-ins in `FEELBuiltin`.
/// `//` and `/* */` comments. Reserved words: true false null and or if then else between in for
/// return some every satisfies.
///
/// ```swift
/// let condition = try FEELExpression.parse(#"amount > 1000 and decision in ["accepted", "partial"]"#)
/// condition.referencedNames   // ["amount", "decision"]
/// condition.evaluate(FEELContext(variables: ["amount": 1500, "decision": "accepted"]))  // .bool(true)
/// ```
public struct FEELExpression: Sendable, Hashable, CustomStringConvertible {
    /// Longest accepted source, in Unicode scalars.
    public static let maximumLength = 10_000
    /// Deepest accepted nesting of parentheses, lists, contexts, calls and filters.
    public static let maximumDepth = 100

    /// The text as given (including a leading `=` if there was one).
    public let source: String
    /// Top-level variable names the expression reads (first segment of each path), for validation.
    /// Names used inside a filter `[…]` are left out: they may be members of the list's items.
    public let referencedNames: Set<String>
    let root: FEELNode

    /// Parses once; throws with a clear German message and the 1-based column where it went wrong.
    /// A leading `=` (Zeebe style) is accepted and ignored.
    public static func parse(_ text: String) throws(FEELError) -> FEELExpression {
        try parse(text, functions: [:])
    }

    /// Parses with functions the application adds (by FEEL name, e.g. `add working days`).
    public static func parse(_ text: String, functions: [String: FEELFunction]) throws(FEELError) -> FEELExpression {
        if text.utf8.count > maximumLength * 4 {
            throw tooLong("mehr als \(formatted(maximumLength))")
        }
        let scalars = Array(text.unicodeScalars)
        if scalars.count > maximumLength {
            throw tooLong(formatted(scalars.count))
        }
        if let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }), first + 1 < scalars.count,
            scalars[first] == "$" || scalars[first] == "#", scalars[first + 1] == "{"
        {
            throw FEELError(
                code: .unsupported,
                message: "JUEL-Ausdrücke wie \(scalars[first])${…} (Camunda 7) werden nicht unterstützt (Spalte \(first + 1)); schreiben Sie FEEL, z. B. approved = true oder decision = \"accepted\".",
                column: first + 1)
        }
        let tokens = try FEELLexer.tokenize(scalars)
        var parser = FEELParser(tokens: tokens)
        parser.functions = functions
        let root = try parser.parseRoot()
        return FEELExpression(source: text, referencedNames: parser.referencedNames, root: root)
    }

    /// Evaluates against the variables and clock of `context`. Never throws.
    public func evaluate(_ context: FEELContext) -> Value {
        root.evaluate(FEELScope(variables: context.variables, locals: nil, now: context.now))
    }

    /// Whether the expression evaluates to exactly `true`, the rule for conditions.
    public func isSatisfied(in context: FEELContext) -> Bool {
        if case .bool(true) = evaluate(context) { return true }
        return false
    }

    public var description: String { source }

    /// Two expressions are equal when their sources are: the tree follows from the text.
    public static func == (a: FEELExpression, b: FEELExpression) -> Bool { a.source == b.source }

    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    private static func tooLong(_ count: String) -> FEELError {
        FEELError(
            code: .tooLong,
            message: "Der Ausdruck ist zu lang (\(count) Zeichen, höchstens \(formatted(maximumLength))): teilen Sie ihn auf mehrere Variablen oder Bedingungen auf.",
            column: maximumLength + 1)
    }

    /// The start of a (possibly huge) source text for a message: at most `limit` characters on
    /// one line, with "… (N Zeichen)" when cut, so an error never repeats a 200 KB expression.
    public static func excerpt(_ text: String, limit: Int = 80) -> String {
        let oneLine = text.prefix(limit + 1).map { $0.isNewline ? " " : $0 }
        guard text.count > limit else { return String(oneLine) }
        return String(oneLine.prefix(limit)) + "… (\(formatted(text.count)) Zeichen)"
    }

    /// `10 000` with the Swiss thousands separator (a narrow gap), without a formatter.
    private static func formatted(_ n: Int) -> String {
        let digits = String(n)
        guard digits.count > 4 else { return digits }
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append("'") }
            out.append(c)
        }
        return out
    }
}
