import Foundation

/// Recursive-descent parser from tokens to `FEELNode`, one function per precedence level
/// (lowest first): `or`, `and`, comparison (`=`, `between`, `in`), `+ -`, `* /`, unary `-`, `**`,
/// postfix (`.name`, `[…]`), primary.
struct FEELParser {
    private let tokens: [FEELToken]
    private var p = 0
    private var depth = 0
    /// Names bound by quantifiers, `for` and context entries; they are not top-level variables.
    private var bound: [String] = []
    /// Inside a filter `[…]` names may be members of the list items, so they are not reported.
    private var filterLevel = 0
    /// While reading the upper bound of a range, `[` may close it (`]1..10[`) instead of filtering.
    private var inRangeUpperBound = false
    private(set) var referencedNames: Set<String> = []
    /// Functions the application added, by FEEL name.
    var functions: [String: FEELFunction] = [:]

    init(tokens: [FEELToken]) {
        self.tokens = tokens
    }

    // MARK: Token access (the token list always ends with `.end`, and `p` never passes it)

    private var current: FEELToken { tokens[p] }

    private func peek(_ offset: Int) -> FEELToken { tokens[Swift.min(p + offset, tokens.count - 1)] }

    private mutating func advance() {
        if p < tokens.count - 1 { p += 1 }
    }

    private var atEnd: Bool { if case .end = current.kind { true } else { false } }

    private mutating func enter() throws(FEELError) {
        depth += 1
        if depth > FEELExpression.maximumDepth {
            throw FEELError(
                code: .tooDeep,
                message: "Der Ausdruck ist zu tief verschachtelt (mehr als \(FEELExpression.maximumDepth) Ebenen) in \(current.position): vereinfachen Sie ihn oder teilen Sie ihn auf mehrere Variablen auf.",
                line: current.line, column: current.column)
        }
    }

    private mutating func leave() { depth -= 1 }

    // MARK: Errors

    static let valueExpected =
        "erwartet wird ein Wert: eine Zahl, ein \"Text\", ein Name, true, false, null, eine Liste […], ein Kontext {…}, ein Datum @\"2026-01-31\", if … then … else … oder ein Ausdruck in Klammern"

    private func unexpected(_ expected: String, code: FEELError.Code = .syntax) -> FEELError {
        let token = current
        return FEELError(
            code: code, message: "\(token.unexpectedDescription) in \(token.position): \(expected).\(hint(for: token))",
            line: token.line, column: token.column)
    }

    private func error(_ code: FEELError.Code, _ message: String, at token: FEELToken) -> FEELError {
        FEELError(code: code, message: message, line: token.line, column: token.column)
    }

    /// A second sentence for the mistakes people make when they know other languages.
    private func hint(for token: FEELToken) -> String {
        switch token.kind {
        case .invalid(let c):
            switch c {
            case "&": return " Für «und» schreiben Sie 'and'."
            case "|": return " Für «oder» schreiben Sie 'or'."
            case "!": return " Für eine Verneinung schreiben Sie not(…), für «ungleich» '!='."
            case "'": return " Texte stehen in geraden doppelten Anführungszeichen: \"…\"."
            case "%": return " Für den Rest einer Division schreiben Sie modulo(a, b)."
            case "\u{201C}", "\u{201D}", "\u{201E}", "\u{2018}", "\u{2019}", "\u{00AB}", "\u{00BB}":
                return " Typografische Anführungszeichen (etwa aus Word kopiert) gelten nicht; schreiben Sie gerade Anführungszeichen \"…\"."
            default: return ""
            }
        case .symbol(.equal):
            if p > 0, tokens[p - 1].isSymbol(.equal) || tokens[p - 1].isSymbol(.notEqual) {
                return " Für einen Vergleich genügt ein einfaches '='."
            }
            return ""
        default: return ""
        }
    }

    private static func isBooleanShaped(_ node: FEELNode) -> Bool {
        switch node {
        case .comparison, .between, .membership, .conjunction, .disjunction, .quantified: true
        case .call(let b, _): b == .not || b == .isDefined || b == .contains || b == .startsWith || b == .endsWith || b == .listContains
        default: false
        }
    }

    /// What may follow a complete operand, e.g. "erwartet wird 'and', 'or' oder das Ende des Ausdrucks".
    private static func operatorExpected(after node: FEELNode, closing: String?) -> String {
        var items: [String] = []
        if let closing { items.append(closing) }
        if !isBooleanShaped(node) {
            items.append("ein Vergleich (=, !=, <, <=, >, >=)")
            items.append("ein Rechenzeichen (+, -, *, /, **)")
        }
        items.append("'and'")
        items.append("'or'")
        if closing == nil { items.append("das Ende des Ausdrucks") }
        return "erwartet wird " + FEELParser.germanList(items)
    }

    static func germanList(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " oder " + last
    }

    // MARK: Levels

    mutating func parseRoot() throws(FEELError) -> FEELNode {
        if current.isSymbol(.equal) { advance() }  // Zeebe writes conditions as `= expression`.
        if atEnd {
            throw unexpected("der Ausdruck ist leer; " + FEELParser.valueExpected)
        }
        let node = try parseExpression()
        guard atEnd else { throw unexpected(FEELParser.operatorExpected(after: node, closing: nil)) }
        return node
    }

    mutating func parseExpression() throws(FEELError) -> FEELNode {
        try enter()
        defer { leave() }
        var items = [try parseConjunction()]
        while current.isKeyword(.or) {
            advance()
            items.append(try parseConjunction())
        }
        return items.count == 1 ? items[0] : .disjunction(items)
    }

    private mutating func parseConjunction() throws(FEELError) -> FEELNode {
        var items = [try parseComparison()]
        while current.isKeyword(.and) {
            advance()
            items.append(try parseComparison())
        }
        return items.count == 1 ? items[0] : .conjunction(items)
    }

    private var currentComparison: FEELComparison? {
        if case .symbol(let s) = current.kind { FEELComparison(rawValue: s.rawValue) } else { nil }
    }

    private mutating func parseComparison() throws(FEELError) -> FEELNode {
        let left = try parseAdditive()
        let node: FEELNode
        if let op = currentComparison {
            advance()
            node = .comparison(left, op, try parseAdditive())
        } else if current.isKeyword(.between) {
            advance()
            let low = try parseAdditive()
            guard current.isKeyword(.and) else {
                throw unexpected("erwartet wird 'and' wie in 'x between 1 and 10'")
            }
            advance()
            node = .between(left, low, try parseAdditive())
        } else if current.isKeyword(.in) {
            advance()
            node = .membership(left, try parsePositiveUnaryTests())
        } else {
            return left
        }
        if currentComparison != nil || current.isKeyword(.between) || current.isKeyword(.in) {
            throw unexpected("Vergleiche lassen sich nicht aneinanderreihen; verbinden Sie sie mit 'and', z. B. 'a < b and b < c'")
        }
        return node
    }

    private mutating func parseAdditive() throws(FEELError) -> FEELNode {
        let first = try parseMultiplicative()
        var steps: [FEELArithmeticStep] = []
        while case .symbol(let s) = current.kind, s == .plus || s == .minus {
            advance()
            steps.append(FEELArithmeticStep(op: s == .plus ? .add : .subtract, operand: try parseMultiplicative()))
        }
        return steps.isEmpty ? first : .arithmetic(first, steps)
    }

    private mutating func parseMultiplicative() throws(FEELError) -> FEELNode {
        let first = try parseUnary()
        var steps: [FEELArithmeticStep] = []
        while case .symbol(let s) = current.kind, s == .star || s == .slash {
            advance()
            steps.append(FEELArithmeticStep(op: s == .star ? .multiply : .divide, operand: try parseUnary()))
        }
        return steps.isEmpty ? first : .arithmetic(first, steps)
    }

    /// Unary minus binds looser than `**`: `-2 ** 2` is -4, as in mathematics.
    private mutating func parseUnary() throws(FEELError) -> FEELNode {
        guard current.isSymbol(.minus) else { return try parsePower() }
        advance()
        try enter()
        defer { leave() }
        return FEELParser.negated(try parseUnary())
    }

    private static func negated(_ node: FEELNode) -> FEELNode {
        if case .literal(.number(let n)) = node { return .literal(.number(-n)) }
        return .negate(node)
    }

    /// `**` is left-associative like the other FEEL operators: `2 ** 3 ** 2` is 64.
    private mutating func parsePower() throws(FEELError) -> FEELNode {
        let base = try parsePostfix()
        var steps: [FEELArithmeticStep] = []
        while current.isSymbol(.power) {
            advance()
            steps.append(FEELArithmeticStep(op: .power, operand: try parseExponent()))
        }
        return steps.isEmpty ? base : .arithmetic(base, steps)
    }

    private mutating func parseExponent() throws(FEELError) -> FEELNode {
        guard current.isSymbol(.minus) else { return try parsePostfix() }
        advance()
        try enter()
        defer { leave() }
        return FEELParser.negated(try parseExponent())
    }

    private mutating func parsePostfix() throws(FEELError) -> FEELNode {
        var node = try parsePrimary()
        var extraDepth = 0
        defer { depth -= extraDepth }
        while true {
            if current.isSymbol(.dot) {
                advance()
                let member = try parseMemberName()
                if case .path(let base, var members) = node {
                    members.append(member)
                    node = .path(base, members)
                } else {
                    node = .path(node, [member])
                }
            } else if current.isSymbol(.leftBracket), !(inRangeUpperBound && !FEELParser.canStartOperand(peek(1))) {
                let open = current
                advance()
                try enter()
                extraDepth += 1
                filterLevel += 1
                let selector = try parseExpression()
                filterLevel -= 1
                guard current.isSymbol(.rightBracket) else {
                    throw unexpected(FEELParser.operatorExpected(after: selector, closing: "']' zur Klammer '[' in \(open.position)"))
                }
                advance()
                node = .filter(node, selector, FEELParser.selectorKind(selector))
            } else {
                return node
            }
        }
    }

    private static func canStartOperand(_ token: FEELToken) -> Bool {
        switch token.kind {
        case .name, .number, .string, .temporal: return true
        case .keyword(let k): return [.true, .false, .null, .if, .some, .every, .for].contains(k)
        case .symbol(let s): return s == .leftParen || s == .leftBracket || s == .leftBrace || s == .minus
        case .invalid, .end: return false
        }
    }

    private static func selectorKind(_ selector: FEELNode) -> FEELSelectorKind {
        if case .literal(.number) = selector { return .index }
        return isBooleanShaped(selector) ? .filter : .dynamic
    }

    private mutating func parseMemberName() throws(FEELError) -> String {
        guard case .name(var name) = current.kind else {
            throw unexpected("erwartet wird nach '.' der Name eines Feldes, z. B. person.name")
        }
        advance()
        while case .name(let next) = current.kind {
            name += " " + next
            advance()
        }
        return name
    }

    // MARK: Primary

    private mutating func parsePrimary() throws(FEELError) -> FEELNode {
        let token = current
        switch token.kind {
        case .number(let n):
            advance()
            return .literal(.number(n))
        case .string(let s):
            advance()
            return .literal(.string(s))
        case .temporal(let text):
            advance()
            return .literal(try FEELParser.temporalLiteral(text, at: token))
        case .keyword(.true):
            advance()
            return .literal(.bool(true))
        case .keyword(.false):
            advance()
            return .literal(.bool(false))
        case .keyword(.null):
            advance()
            return .literal(.null)
        case .keyword(.if):
            return try parseConditional()
        case .keyword(.some), .keyword(.every), .keyword(.for):
            return try parseIteration()
        case .symbol(.leftParen):
            advance()
            let inner = try parseExpression()
            guard current.isSymbol(.rightParen) else {
                throw unexpected(FEELParser.operatorExpected(after: inner, closing: "')' zur Klammer '(' in \(token.position)"))
            }
            advance()
            return inner
        case .symbol(.leftBracket):
            return try parseListLiteral()
        case .symbol(.leftBrace):
            return try parseContextLiteral()
        case .name:
            return try parseNameOrCall()
        default:
            throw unexpected(FEELParser.valueExpected)
        }
    }

    private mutating func parseConditional() throws(FEELError) -> FEELNode {
        let ifToken = current
        advance()
        let condition = try parseExpression()
        guard current.isKeyword(.then) else {
            throw unexpected("erwartet wird 'then' zum 'if' in \(ifToken.position) (if Bedingung then Wert else Wert)")
        }
        advance()
        let whenTrue = try parseExpression()
        guard current.isKeyword(.else) else {
            throw unexpected("erwartet wird 'else' zum 'if' in \(ifToken.position) (if Bedingung then Wert else Wert)")
        }
        advance()
        return .conditional(condition, whenTrue, try parseExpression())
    }

    /// `some x in xs satisfies …`, `every x in xs satisfies …`, `for x in xs return …`.
    private mutating func parseIteration() throws(FEELError) -> FEELNode {
        let keyword = current
        let isFor = keyword.isKeyword(.for)
        let word = keyword.word ?? ""
        advance()
        var iterations: [FEELIteration] = []
        defer { bound.removeLast(iterations.count) }
        repeat {
            if !iterations.isEmpty { advance() }  // the comma
            guard case .name(let name) = current.kind else {
                throw unexpected("erwartet wird der Name einer Laufvariablen, z. B. '\(word) x in liste \(isFor ? "return x * 2" : "satisfies x > 3")'")
            }
            advance()
            guard current.isKeyword(.in) else { throw unexpected("erwartet wird 'in' nach der Laufvariablen '\(name)'") }
            advance()
            let source = try parseExpression()
            iterations.append(FEELIteration(name: name, source: source))
            bound.append(name)
        } while current.isSymbol(.comma)
        let closing: FEELToken.Keyword = isFor ? .return : .satisfies
        guard current.isKeyword(closing) else {
            throw unexpected("erwartet wird '\(closing.rawValue)' zum '\(word)' in \(keyword.position)")
        }
        advance()
        let body = try parseExpression()
        if isFor { return .forLoop(iterations, body) }
        return .quantified(keyword.isKeyword(.some) ? .some : .every, iterations, body)
    }

    private mutating func parseListLiteral() throws(FEELError) -> FEELNode {
        let open = current
        advance()
        var items: [FEELNode] = []
        if current.isSymbol(.rightBracket) {
            advance()
            return .literal(.list([]))
        }
        while true {
            let item = try parseExpression()
            items.append(item)
            if current.isSymbol(.comma) {
                advance()
                continue
            }
            guard current.isSymbol(.rightBracket) else {
                throw unexpected(FEELParser.operatorExpected(after: item, closing: "',' (nächstes Element), ']' zur Liste ab \(open.position)"))
            }
            advance()
            break
        }
        if let constants = FEELParser.constants(items) { return .literal(.list(constants)) }
        return .list(items)
    }

    private static func constants(_ nodes: [FEELNode]) -> [Value]? {
        var values: [Value] = []
        values.reserveCapacity(nodes.count)
        for node in nodes {
            guard case .literal(let v) = node else { return nil }
            values.append(v)
        }
        return values
    }

    private mutating func parseContextLiteral() throws(FEELError) -> FEELNode {
        let open = current
        advance()
        if current.isSymbol(.rightBrace) {
            advance()
            return .literal(.context([:]))
        }
        var entries: [FEELContextEntry] = []
        defer { bound.removeLast(entries.count) }
        var keys: Set<String> = []
        while true {
            let keyToken = current
            var key: String
            switch current.kind {
            case .string(let s):
                key = s
                advance()
            case .name, .keyword:
                key = current.word ?? ""
                advance()
                while let next = current.word {
                    key += " " + next
                    advance()
                }
            default:
                throw unexpected("erwartet wird ein Schlüssel (Name oder \"Text\") im Kontext ab \(open.position), z. B. {betrag: 100}")
            }
            guard current.isSymbol(.colon) else { throw unexpected("erwartet wird ':' nach dem Schlüssel '\(key)'") }
            advance()
            guard keys.insert(key).inserted else {
                throw error(.syntax, "Der Schlüssel '\(key)' kommt im Kontext ab \(open.position) zweimal vor (\(keyToken.position)).", at: keyToken)
            }
            let value = try parseExpression()
            entries.append(FEELContextEntry(key: key, value: value))
            bound.append(key)  // later entries may use earlier ones: {a: 1, b: a + 1}
            if current.isSymbol(.comma) {
                advance()
                continue
            }
            guard current.isSymbol(.rightBrace) else {
                throw unexpected(FEELParser.operatorExpected(after: value, closing: "',' (nächster Eintrag), '}' zum Kontext ab \(open.position)"))
            }
            advance()
            break
        }
        if let values = FEELParser.constants(entries.map(\.value)) {
            var members: [String: Value] = [:]
            for (entry, value) in zip(entries, values) { members[entry.key] = value }
            return .literal(.context(members))
        }
        return .context(entries)
    }

    private mutating func parseNameOrCall() throws(FEELError) -> FEELNode {
        let token = current
        guard case .name(let first) = token.kind else { throw unexpected(FEELParser.valueExpected) }
        if let candidates = FEELBuiltin.byFirstWord[first] {
            for candidate in candidates where matches(candidate.words) {
                for _ in candidate.words { advance() }
                return try parseCall(candidate.builtin, at: token)
            }
        }
        if first == "not" {
            throw error(.syntax, "'not' in \(token.position) ist eine Funktion und braucht Klammern: not(bedingung).", at: token)
        }
        // FEEL names may contain spaces (`Vacation Approval`): consecutive words form one name.
        var name = first
        advance()
        while case .name(let next) = current.kind {
            name += " " + next
            advance()
        }
        if current.isSymbol(.leftParen) {
            if let function = functions[name] { return try parseApplicationCall(function, at: token) }
            let extra = functions.keys.sorted().map { ", " + $0 }.joined()
            throw error(.unknownFunction, "Unbekannte Funktion '\(name)' in \(token.position). Verfügbar sind: \(FEELBuiltin.namesForMessages)\(extra).", at: token)
        }
        if filterLevel == 0, !bound.contains(name) { referencedNames.insert(name) }
        return .name(name)
    }

    private mutating func parseApplicationCall(_ function: FEELFunction, at nameToken: FEELToken) throws(FEELError) -> FEELNode {
        advance()  // (
        try enter()
        defer { leave() }
        var args: [FEELNode] = []
        if current.isSymbol(.rightParen) {
            advance()
        } else {
            while true {
                let arg = try parseExpression()
                args.append(arg)
                if current.isSymbol(.comma) { advance(); continue }
                if current.isSymbol(.rightParen) { advance(); break }
                throw unexpected(FEELParser.operatorExpected(after: arg, closing: "',' (nächstes Argument) oder ')' zum Aufruf von \(function.name)"))
            }
        }
        guard function.arity.contains(args.count) else {
            let expected = function.arity.count == 1 ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) bis \(function.arity.upperBound)"
            throw error(.wrongArgumentCount,
                        "Die Funktion '\(function.name)' in \(nameToken.position) erwartet \(expected) Argumente, angegeben \(args.count == 1 ? "ist 1" : "sind \(args.count)").",
                        at: nameToken)
        }
        return .applicationCall(function, args)
    }

    /// Whether the tokens from `current` spell `words` and are followed by `(`.
    private func matches(_ words: [String]) -> Bool {
        for (k, word) in words.enumerated() where peek(k).word != word { return false }
        return peek(words.count).isSymbol(.leftParen)
    }

    private mutating func parseCall(_ builtin: FEELBuiltin, at nameToken: FEELToken) throws(FEELError) -> FEELNode {
        let open = current
        advance()
        try enter()
        defer { leave() }
        var args: [FEELNode] = []
        if current.isSymbol(.rightParen) {
            advance()
        } else {
            while true {
                let arg = try parseExpression()
                args.append(arg)
                if current.isSymbol(.comma) {
                    advance()
                    continue
                }
                if current.isSymbol(.rightParen) {
                    advance()
                    break
                }
                if current.isSymbol(.colon) {
                    throw unexpected("benannte Parameter werden nicht unterstützt; geben Sie die Argumente der Reihe nach an, z. B. substring(\"Text\", 2, 3)", code: .unsupported)
                }
                throw unexpected(FEELParser.operatorExpected(after: arg, closing: "',' (nächstes Argument), ')' zum Aufruf von \(builtin.rawValue) in \(open.position)"))
            }
        }
        guard builtin.accepts(argumentCount: args.count) else {
            throw error(
                .wrongArgumentCount,
                "Die Funktion '\(builtin.rawValue)' in \(nameToken.position) erwartet \(builtin.arityDescription), angegeben \(args.count == 1 ? "ist 1" : "sind \(args.count)").",
                at: nameToken)
        }
        return try FEELParser.folded(builtin, args, at: nameToken)
    }

    /// Calls with constant arguments are evaluated once here, so `date("2026-01-31")` costs
    /// nothing per evaluation and a misspelt constant date is reported when the model is loaded.
    private static func folded(_ builtin: FEELBuiltin, _ args: [FEELNode], at token: FEELToken) throws(FEELError) -> FEELNode {
        guard builtin != .today, builtin != .now, builtin != .isDefined, let values = constants(args) else {
            return .call(builtin, args)
        }
        let result = builtin.invoke(values, now: Date(timeIntervalSince1970: 0))
        if result.isNull, builtin == .date || builtin == .dateAndTime || builtin == .duration,
            values.allSatisfy({ if case .string = $0 { true } else { false } })
        {
            let example = switch builtin {
            case .date: "date(\"2026-01-31\")"
            case .dateAndTime: "date and time(\"2026-01-31T10:00:00\")"
            default: "duration(\"P10D\")"
            }
            throw FEELError(
                code: .invalidLiteral,
                message: "Ungültiger Wert für \(builtin.rawValue)(…) in \(token.position): erwartet wird z. B. \(example).",
                line: token.line, column: token.column)
        }
        return .literal(result)
    }

    static func temporalLiteral(_ text: String, at token: FEELToken) throws(FEELError) -> Value {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = LocalDate(iso: t) { return .date(d) }
        if t.first == "P" || t.first == "p" || t.hasPrefix("-P") || t.hasPrefix("-p") {
            if let d = ISODuration.parse(t) { return d }
            throw FEELError(
                code: .invalidLiteral,
                message: "Ungültige Dauer @\"\(FEELToken.shortened(text))\" in \(token.position): erwartet wird z. B. @\"P10D\", @\"PT2H30M\" oder @\"P1Y2M\" (Jahre/Monate nicht mit Tagen/Stunden gemischt).",
                line: token.line, column: token.column)
        }
        if t.contains("T") || t.contains("t"), let d = ISODateTime.parse(t) { return .dateTime(d) }
        if t.count <= 15, t.contains(":"), !t.contains("-") {
            throw FEELError(
                code: .unsupported,
                message: "Uhrzeiten ohne Datum (@\"\(t)\") in \(token.position) werden nicht unterstützt; schreiben Sie einen Zeitpunkt, z. B. @\"2026-01-31T10:00:00\".",
                line: token.line, column: token.column)
        }
        throw FEELError(
            code: .invalidLiteral,
            message: "Ungültige Zeitangabe @\"\(FEELToken.shortened(text))\" in \(token.position): erwartet wird ein Datum @\"2026-01-31\", ein Zeitpunkt @\"2026-01-31T10:00:00Z\" oder eine Dauer @\"P10D\".",
            line: token.line, column: token.column)
    }

    // MARK: Unary tests after `in`

    private mutating func parsePositiveUnaryTests() throws(FEELError) -> [FEELUnaryTest] {
        let open = current
        guard open.isSymbol(.leftParen) else { return [try parseUnaryTest()] }
        // `(1..10]`, `(a, b, c)` or `(a)`
        advance()
        try enter()
        defer { leave() }
        var tests: [FEELUnaryTest] = []
        if let test = try parseComparisonTest() {
            tests.append(test)
        } else {
            let first = try parseAdditive()
            if current.isSymbol(.range) { return [try finishRange(lower: first, lowerClosed: false, open: open)] }
            tests.append(FEELParser.valueTest(first))
        }
        while current.isSymbol(.comma) {
            advance()
            tests.append(try parseUnaryTest())
        }
        guard current.isSymbol(.rightParen) else {
            throw unexpected("erwartet wird ',' (nächster Test) oder ')' zur Klammer '(' in \(open.position)")
        }
        advance()
        return FEELParser.folded(tests)
    }

    private mutating func parseUnaryTest() throws(FEELError) -> FEELUnaryTest {
        if let test = try parseComparisonTest() { return test }
        if current.isSymbol(.leftBracket) || current.isSymbol(.rightBracket) { return try parseBracketTest() }
        return FEELParser.valueTest(try parseAdditive())
    }

    private static func valueTest(_ node: FEELNode) -> FEELUnaryTest {
        if case .literal(let v) = node, v.listValue == nil { return .anyOf([v]) }
        return .value(node)
    }

    private mutating func parseComparisonTest() throws(FEELError) -> FEELUnaryTest? {
        guard let op = currentComparison else { return nil }
        advance()
        return .comparison(op, try parseAdditive())
    }

    /// `[1..10]`, `]1..10[`, `[1..10)` or a list `[1, 2, 3]`.
    private mutating func parseBracketTest() throws(FEELError) -> FEELUnaryTest {
        let open = current
        let lowerClosed = open.isSymbol(.leftBracket)
        advance()
        try enter()
        defer { leave() }
        if lowerClosed, current.isSymbol(.rightBracket) {
            advance()
            return .anyOf([])
        }
        let first = try parseExpression()
        if current.isSymbol(.range) { return try finishRange(lower: first, lowerClosed: lowerClosed, open: open) }
        guard lowerClosed else { throw unexpected("erwartet wird '..' für einen Bereich wie ]1..10]") }
        var items = [first]
        while current.isSymbol(.comma) {
            advance()
            items.append(try parseExpression())
        }
        guard current.isSymbol(.rightBracket) else {
            throw unexpected("erwartet wird ',' (nächstes Element), ']' zur Liste ab \(open.position) oder '..' für einen Bereich")
        }
        advance()
        if let values = FEELParser.constants(items) { return .anyOf(values) }
        return .value(.list(items))
    }

    private mutating func finishRange(lower: FEELNode, lowerClosed: Bool, open: FEELToken) throws(FEELError) -> FEELUnaryTest {
        advance()  // ..
        let outer = inRangeUpperBound
        inRangeUpperBound = true
        let upper = try parseAdditive()
        inRangeUpperBound = outer
        let upperClosed: Bool
        if current.isSymbol(.rightBracket) {
            upperClosed = true
        } else if current.isSymbol(.leftBracket) || current.isSymbol(.rightParen) {
            upperClosed = false
        } else {
            throw unexpected("erwartet wird ']' (Grenze eingeschlossen) oder ')' (ausgeschlossen) zum Bereich ab \(open.position)")
        }
        advance()
        return .range(lower: lower, lowerClosed: lowerClosed, upper: upper, upperClosed: upperClosed)
    }

    private static func folded(_ tests: [FEELUnaryTest]) -> [FEELUnaryTest] {
        var constants: [Value] = []
        for test in tests {
            guard case .anyOf(let values) = test else { return tests }
            constants += values
        }
        return [.anyOf(constants)]
    }
}
