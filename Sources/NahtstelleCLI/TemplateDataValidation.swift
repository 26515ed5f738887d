import NahtstelleDocuments
import NahtstelleFEEL
import NahtstelleForms

/// Checks data for `render` against `templates/fields.json` with the form rules: every scalar
/// value goes through the same validator as a submitted form field (dates, AHV check digit,
/// amounts, percentages, choices), so a letter never prints what a form would refuse.
enum TemplateDataValidation {
    /// Every bad value, as `path: message` (`person.birthDate: Geburtsdatum: …`); empty when all fit.
    /// Missing values are left to the renderer, which knows which fields the template uses.
    static func problems(_ data: Value, schema: TemplateDataSchema) -> [String] {
        var out: [String] = []
        guard case .context = data else { return ["Daten: ein JSON-Objekt {…} erwartet"] }
        check(data, schema.root, path: "", into: &out)
        return out
    }

    private static func check(_ value: Value, _ field: SchemaField, path: String, into out: inout [String]) {
        if case .null = value { return }
        let name = path.isEmpty ? "Daten" : path
        switch field.kind {
        case .object:
            guard case .context(let members) = value else {
                out.append("\(name): \(label(field)): ein Objekt {…} erwartet, nicht \(describe(value))")
                return
            }
            for key in members.keys.sorted() {
                guard let member = field.fields[key], let v = members[key] else { continue }
                check(v, member, path: path.isEmpty ? key : path + "." + key, into: &out)
            }
        case .list:
            guard case .list(let items) = value else {
                out.append("\(name): \(label(field)): eine Liste […] erwartet, nicht \(describe(value))")
                return
            }
            for (i, item) in items.enumerated() {
                let itemPath = "\(name)[\(i + 1)]"
                if field.fields.isEmpty {
                    var itemField = field
                    itemField.kind = field.itemKind ?? .text
                    check(item, itemField, path: itemPath, into: &out)
                } else {
                    check(item, SchemaField(kind: .object, label: field.label, fields: field.fields), path: itemPath, into: &out)
                }
            }
        default:
            guard let type = formType(field.kind) else { return }
            // Types, formats and choices are the form's; a length limit is a form's choice for its
            // input box, not a property of the type (a letter may quote a long text).
            var constraints = FieldConstraints()
            constraints.maxLength = 1_000_000
            let formField = FormField(id: name, label: label(field), type: type, constraints: constraints,
                                      choices: field.choices.map { FormChoice(id: $0.id, label: $0.label) })
            let form = FormDefinition(key: "render", title: "", sections: [FormSection(title: "", fields: [formField])])
            // Typed values from tagged JSON ({"@date": …}) are what the form validator normalises to.
            let result = form.validate([name: value])
            for error in result.errors { out.append("\(name): \(error.message)") }
        }
    }

    /// The form field type whose rules a template field's values follow.
    static func formType(_ kind: FieldKind) -> FormFieldType? {
        switch kind {
        case .text: .text
        case .multiline: .multiline
        case .date: .date
        case .dateTime: .dateTime
        case .bool: .yesNo
        case .amount: .amount
        case .number: .number
        case .percentage: .percentage
        case .ahv: .ahvNumber
        case .choice: .choice
        case .object, .list: nil
        }
    }

    private static func label(_ field: SchemaField) -> String { field.label.isEmpty ? "Wert" : field.label }

    private static func describe(_ value: Value) -> String {
        switch value {
        case .string(let s): "den Text «\(s.prefix(40))»"
        case .number: "eine Zahl"
        case .bool: "ja/nein"
        case .list: "eine Liste"
        case .context: "ein Objekt"
        default: "«\(value.jsonString(tagged: false).prefix(40))»"
        }
    }
}
