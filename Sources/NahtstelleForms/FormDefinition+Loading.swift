import Foundation
import NahtstelleFEEL

extension FormDefinition {
    /// The raw content of one form file, before `extends` is resolved.
    struct Source {
        var key: String
        var title: String
        var description: String
        var extends: String?
        var sections: [FormSection]
    }

    static let fieldAttributes: Set<String> = [
        "id", "label", "type", "required", "requiredWhen", "help", "minLength", "maxLength", "min", "max", "values",
        "integer", "notBefore", "options", "multiple", "columns", "minRows", "maxRows",
    ]

    /// Reads one form file's JSON; problems are appended, never thrown, so all files report at once.
    static func readSource(_ json: Value, file: String, problems: inout [FormProblem]) -> Source? {
        guard case .context(let top) = json else {
            problems.append(FormProblem(file: file, path: "/", message: "JSON-Objekt erwartet", fix: "Die Datei beginnt mit { \"key\": …, \"title\": …, \"sections\": [ … ] }."))
            return nil
        }
        for key in top.keys where !["key", "title", "description", "extends", "sections"].contains(key) {
            problems.append(FormProblem(file: file, path: key, message: "Unbekannter Eintrag «\(key)»", fix: "Erlaubt sind key, title, description, extends, sections."))
        }
        guard let key = top["key"]?.stringValue, !key.isEmpty else {
            problems.append(FormProblem(file: file, path: "key", message: "Formularschlüssel fehlt", fix: "\"key\" wie der Dateiname angeben, z. B. \"kostengutsprache-antrag\"."))
            return nil
        }
        let title = top["title"]?.stringValue ?? ""
        if title.isEmpty { problems.append(FormProblem(file: file, path: "title", message: "Titel fehlt", fix: "\"title\" auf Deutsch angeben.")) }
        var sections: [FormSection] = []
        if case .list(let list)? = top["sections"] {
            for (i, item) in list.enumerated() {
                let path = "sections[\(i + 1)]"
                guard case .context(let s) = item else {
                    problems.append(FormProblem(file: file, path: path, message: "Objekt erwartet", fix: "{ \"title\": …, \"fields\": [ … ] }"))
                    continue
                }
                var fields: [FormField] = []
                for (j, f) in (s["fields"]?.listValue ?? []).enumerated() {
                    if let field = readField(f, file: file, path: "\(path).fields[\(j + 1)]", problems: &problems) { fields.append(field) }
                }
                sections.append(FormSection(title: s["title"]?.stringValue ?? "", help: s["help"]?.stringValue ?? "", fields: fields))
            }
        } else if top["extends"] == nil {
            problems.append(FormProblem(file: file, path: "sections", message: "Abschnitte fehlen", fix: "\"sections\": [ { \"title\": …, \"fields\": [ … ] } ] angeben."))
        }
        return Source(key: key, title: title, description: top["description"]?.stringValue ?? "", extends: top["extends"]?.stringValue, sections: sections)
    }

    static func readField(_ json: Value, file: String, path: String, problems: inout [FormProblem]) -> FormField? {
        guard case .context(let f) = json else {
            problems.append(FormProblem(file: file, path: path, message: "Feld muss ein Objekt sein", fix: "{ \"id\": …, \"label\": …, \"type\": … }"))
            return nil
        }
        let id = f["id"]?.stringValue ?? ""
        let at = id.isEmpty ? path : "\(path) (\(id))"
        for key in f.keys where !fieldAttributes.contains(key) {
            let suggestion = closest(key, fieldAttributes)
            problems.append(FormProblem(file: file, path: at, message: "Unbekannte Eigenschaft «\(key)»" + (suggestion.map { " — meinten Sie «\($0)»?" } ?? ""),
                                        fix: "Erlaubt: \(fieldAttributes.sorted().joined(separator: ", "))."))
        }
        let idOK = id.first.map { $0.isASCII && $0.isLetter } == true && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        if !idOK {
            problems.append(FormProblem(file: file, path: at, message: "Ungültige Feld-ID «\(id)»", fix: "Buchstaben und Ziffern in camelCase, z. B. \"rejectionReason\"."))
        }
        let label = f["label"]?.stringValue ?? ""
        if label.isEmpty { problems.append(FormProblem(file: file, path: at, message: "Bezeichnung fehlt", fix: "\"label\" auf Deutsch angeben.")) }
        let typeName = f["type"]?.stringValue ?? ""
        guard let type = FormFieldType(rawValue: typeName) else {
            problems.append(FormProblem(file: file, path: at, message: "Unbekannter Typ «\(typeName)»",
                                        fix: "Einer von: \(FormFieldType.allCases.map(\.rawValue).joined(separator: ", "))."))
            return nil
        }
        var field = FormField(id: id, label: label, type: type, required: f["required"]?.boolValue ?? false,
                              multiple: f["multiple"]?.boolValue ?? false, help: f["help"]?.stringValue ?? "")
        var c = FieldConstraints()
        c.minLength = f["minLength"]?.numberValue.map { NSDecimalNumber(decimal: $0).intValue }
        c.maxLength = f["maxLength"]?.numberValue.map { NSDecimalNumber(decimal: $0).intValue }
        c.min = f["min"]
        c.max = f["max"]
        c.allowedValues = f["values"]?.listValue
        c.integer = f["integer"]?.boolValue ?? false
        c.notBefore = f["notBefore"]?.stringValue
        c.minRows = f["minRows"]?.numberValue.map { NSDecimalNumber(decimal: $0).intValue }
        c.maxRows = f["maxRows"]?.numberValue.map { NSDecimalNumber(decimal: $0).intValue }
        field.constraints = c
        switch f["options"] {
        case .list(let options)?:
            for (k, option) in options.enumerated() {
                if let oid = option.value(atPath: "id")?.stringValue, let olabel = option.value(atPath: "label")?.stringValue {
                    field.choices.append(FormChoice(id: oid, label: olabel))
                } else {
                    problems.append(FormProblem(file: file, path: "\(at).options[\(k + 1)]", message: "Auswahl ohne id oder label", fix: "{ \"id\": \"rejected\", \"label\": \"Ablehnen\" }"))
                }
            }
        case .context(let options)?:
            field.choices = options.keys.sorted().map { FormChoice(id: $0, label: options[$0]?.stringValue ?? $0) }
        default: break
        }
        if type == .choice, field.choices.isEmpty {
            problems.append(FormProblem(file: file, path: at, message: "Auswahlfeld ohne Optionen", fix: "\"options\": [ { \"id\": …, \"label\": … } ] angeben."))
        }
        if Set(field.choices.map(\.id)).count != field.choices.count {
            problems.append(FormProblem(file: file, path: at, message: "Doppelte Options-ID", fix: "Jede Option braucht eine eigene id."))
        }
        switch f["requiredWhen"] {
        case nil: break
        case .list(let conditions)?:
            for (k, condition) in conditions.enumerated() {
                if let parsed = readCondition(condition, file: file, path: "\(at).requiredWhen[\(k + 1)]", problems: &problems) { field.requiredWhen.append(parsed) }
            }
        case let condition?:
            if let parsed = readCondition(condition, file: file, path: "\(at).requiredWhen", problems: &problems) { field.requiredWhen.append(parsed) }
        }
        if type == .table {
            for (k, column) in (f["columns"]?.listValue ?? []).enumerated() {
                if let col = readField(column, file: file, path: "\(at).columns[\(k + 1)]", problems: &problems) { field.columns.append(col) }
            }
            if field.columns.isEmpty { problems.append(FormProblem(file: file, path: at, message: "Tabelle ohne Spalten", fix: "\"columns\": [ Felder ] angeben.")) }
        }
        return field
    }

    static func readCondition(_ json: Value, file: String, path: String, problems: inout [FormProblem]) -> FieldCondition? {
        guard case .context(let c) = json, let field = c["field"]?.stringValue else {
            problems.append(FormProblem(file: file, path: path, message: "Bedingung braucht \"field\"", fix: "{ \"field\": \"decision\", \"equals\": \"rejected\" }"))
            return nil
        }
        if let v = c["equals"] { return FieldCondition(field: field, test: .equals(v)) }
        if let v = c["notEquals"] { return FieldCondition(field: field, test: .notEquals(v)) }
        if let v = c["in"]?.listValue { return FieldCondition(field: field, test: .oneOf(v)) }
        if c["filled"]?.boolValue == true { return FieldCondition(field: field, test: .filled) }
        problems.append(FormProblem(file: file, path: path, message: "Bedingung ohne Vergleich", fix: "\"equals\", \"notEquals\", \"in\" oder \"filled\": true angeben."))
        return nil
    }

    /// Cross-field checks after `extends` is resolved: unique ids, conditions pointing at real fields and values.
    func consistencyProblems(file: String) -> [FormProblem] {
        var problems: [FormProblem] = []
        var seen = Set<String>()
        let all = fields
        for field in all where !seen.insert(field.id).inserted {
            problems.append(FormProblem(file: file, path: field.id, message: "Feld-ID «\(field.id)» kommt mehrfach vor", fix: "Jedes Feld braucht eine eigene id."))
        }
        for field in all {
            for condition in field.requiredWhen {
                guard let target = all.first(where: { $0.id == condition.field }) else {
                    problems.append(FormProblem(file: file, path: "\(field.id).requiredWhen", message: "Bedingung verweist auf unbekanntes Feld «\(condition.field)»",
                                                fix: "Eine id dieses Formulars angeben: \(all.map(\.id).joined(separator: ", "))."))
                    continue
                }
                if target.type == .choice {
                    let values: [Value]
                    switch condition.test {
                    case .equals(let v), .notEquals(let v): values = [v]
                    case .oneOf(let vs): values = vs
                    case .filled: values = []
                    }
                    for value in values where !target.choices.contains(where: { .string($0.id) == value }) {
                        problems.append(FormProblem(file: file, path: "\(field.id).requiredWhen", message: "«\(value.jsonString())» ist keine Option von «\(target.id)»",
                                                    fix: "Eine dieser ids verwenden: \(target.choices.map(\.id).joined(separator: ", "))."))
                    }
                }
            }
            if let other = field.constraints.notBefore, !all.contains(where: { $0.id == other && ($0.type == .date || $0.type == .dateTime) }) {
                problems.append(FormProblem(file: file, path: "\(field.id).notBefore", message: "«\(other)» ist kein Datumsfeld dieses Formulars", fix: "Die id eines Datumsfelds angeben."))
            }
        }
        return problems
    }

    static func closest(_ word: String, _ candidates: Set<String>) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            if a.isEmpty { return b.count }
            if b.isEmpty { return a.count }
            var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
            for i in 1...a.count {
                cur[0] = i
                for j in 1...b.count { cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)) }
                swap(&prev, &cur)
            }
            return prev[b.count]
        }
        let scored = candidates.map { ($0, distance(Array(word.lowercased()), Array($0.lowercased()))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }
}
