import NahtstelleFEEL
import NahtstelleXML

extension DefinitionReader {
    static let feelFix = "in FEEL schreiben, z.B. =decision = \"accepted\""

    /// Whether a text looks like a Camunda 7 JUEL expression.
    func isJUEL(_ text: String) -> Bool { text.contains("${") || text.contains("#{") }

    /// Runs the injected FEEL check and reports a failure.
    func checkFEEL(_ text: String, at location: SourceLocation, id: String?, what: String) {
        guard let check = options.expressionCheck, let message = check(text) else { return }
        error(location, id, "\(what): der FEEL-Ausdruck «\(FEELExpression.excerpt(text))» ist ungültig: \(message)",
              fix: "den Ausdruck in FEEL-Syntax korrigieren")
    }

    /// An expression that is always FEEL, with or without a leading `=` (conditions, correlation
    /// keys, payloads). `nil` (and a problem) when empty or not FEEL.
    func feelExpression(_ raw: String, at location: SourceLocation, id: String?, what: String) -> Expression? {
        let trimmed = raw.trimmed
        if isJUEL(trimmed) {
            error(location, id, "\(what) «\(FEELExpression.excerpt(trimmed))» ist ein JUEL-Ausdruck (Camunda 7); Nahtstelle versteht nur FEEL",
                  fix: Self.feelFix)
            return nil
        }
        let text = trimmed.hasPrefix("=") ? String(trimmed.dropFirst()).trimmed : trimmed
        guard !text.isEmpty else {
            error(location, id, "\(what) ist leer", fix: "einen FEEL-Ausdruck angeben oder das Attribut entfernen")
            return nil
        }
        checkFEEL(text, at: location, id: id, what: what)
        return Expression(text: text, isFEEL: true, location: location)
    }

    /// A value that is FEEL when prefixed with `=`, else a literal (office, assignee, due date,
    /// timers). `literalCheck` validates literals; `nil` accepts any.
    func valueExpression(_ raw: String, at location: SourceLocation, id: String?, what: String,
                         literalCheck: ((String) -> String?)? = nil, literalFix: String = "") -> Expression? {
        let trimmed = raw.trimmed
        guard !trimmed.isEmpty else {
            error(location, id, "\(what) ist leer", fix: "einen Wert angeben oder das Attribut entfernen")
            return nil
        }
        if isJUEL(trimmed) {
            error(location, id, "\(what) «\(FEELExpression.excerpt(trimmed))» ist ein JUEL-Ausdruck (Camunda 7); Nahtstelle versteht nur FEEL",
                  fix: "als FEEL mit vorangestelltem = schreiben, z.B. =receiverOffice")
            return nil
        }
        if trimmed.hasPrefix("=") {
            let text = String(trimmed.dropFirst()).trimmed
            guard !text.isEmpty else {
                error(location, id, "\(what) ist leer", fix: "nach dem = einen FEEL-Ausdruck angeben")
                return nil
            }
            checkFEEL(text, at: location, id: id, what: what)
            return Expression(text: text, isFEEL: true, location: location)
        }
        if let literalCheck, let problem = literalCheck(trimmed) {
            error(location, id, "\(what): \(problem)", fix: literalFix)
            return nil
        }
        return Expression(text: trimmed, isFEEL: false, location: location)
    }

    /// The `<conditionExpression>` of a sequence flow: FEEL only.
    func readCondition(_ element: XMLElement, flowID: String) -> Expression? {
        let here = location(element)
        let text = element.text.trimmed
        guard !text.isEmpty else {
            error(here, flowID, "Der Sequenzfluss «\(flowID)» hat eine leere Bedingung",
                  fix: "eine FEEL-Bedingung angeben, z.B. =decision = \"accepted\", oder die Bedingung entfernen")
            return nil
        }
        if let language = element.attribute("language") ?? expressionLanguage, !Self.isFEELLanguage(language) {
            error(here, flowID, "Die Bedingung von «\(flowID)» ist in der Sprache «\(language)» geschrieben; Nahtstelle versteht nur FEEL",
                  fix: "das Attribut language entfernen (oder auf \(Self.feelURI) setzen) und die Bedingung \(Self.feelFix)")
            return nil
        }
        return feelExpression(text, at: here, id: flowID, what: "Bedingung")
    }

    static let feelURI = "http://www.omg.org/spec/FEEL/20140401"

    static func isFEELLanguage(_ language: String) -> Bool {
        language == feelURI || language.lowercased().contains("feel")
    }

    /// A `<timerEventDefinition>`: exactly one of timeDate, timeDuration, timeCycle.
    func readTimer(_ definition: XMLElement, ownerID: String) -> TimerDefinition? {
        let parts = definition.children.filter {
            $0.namespaceURI == Namespace.bpmn && ["timeDate", "timeDuration", "timeCycle"].contains($0.localName)
        }
        guard parts.count == 1, let part = parts.first else {
            error(definition, ownerID,
                  parts.isEmpty ? "Der Zeitgeber von «\(ownerID)» hat keine Zeitangabe"
                                : "Der Zeitgeber von «\(ownerID)» hat mehrere Zeitangaben",
                  fix: "genau eine Angabe setzen: timeDate (2026-12-01T09:00:00Z), timeDuration (P10D) oder timeCycle (R3/PT1H)")
            return nil
        }
        let here = location(part)
        let raw = part.text
        switch part.localName {
        case "timeDate":
            return valueExpression(raw, at: here, id: ownerID, what: "Zeitpunkt (timeDate)", literalCheck: ISO8601Literal.instantProblem,
                                   literalFix: "als Datum/Zeit schreiben, z.B. 2026-12-01T09:00:00Z oder 2026-12-01T09:00, oder als FEEL mit =")
                .map(TimerDefinition.date)
        case "timeDuration":
            return valueExpression(raw, at: here, id: ownerID, what: "Dauer (timeDuration)", literalCheck: ISO8601Literal.durationProblem,
                                   literalFix: "als ISO-8601-Dauer schreiben, z.B. P10D (10 Tage) oder PT1H (1 Stunde), oder als FEEL mit =")
                .map(TimerDefinition.duration)
        default:
            let looksLikeCron = raw.trimmed.contains(" ") || raw.contains("*")
            return valueExpression(raw, at: here, id: ownerID, what: "Zyklus (timeCycle)", literalCheck: ISO8601Literal.cycleProblem,
                                   literalFix: (looksLikeCron ? "Cron-Ausdrücke werden nicht unterstützt; " : "")
                                       + "als ISO-8601-Wiederholung schreiben, z.B. R3/PT1H, R/P1D oder R3/2026-01-01T00:00:00Z/P1D")
                .map(TimerDefinition.cycle)
        }
    }
}
