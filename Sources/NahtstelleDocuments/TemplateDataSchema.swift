import Foundation
import NahtstelleFEEL

/// The kinds of data a template field holds (from `templates/fields.json`).
public enum FieldKind: String, Sendable, Hashable, CaseIterable {
    case text, multiline, date, dateTime = "datetime", bool, amount, number, percentage, ahv, choice
    case object, list
}

/// One node of the template data definition.
public struct SchemaField: Sendable {
    public var kind: FieldKind
    public var label: String
    public var optional: Bool
    /// Choice ids → German labels (for `choice`).
    public var choices: [(id: String, label: String)]
    /// Members (for `object` and for `list` of objects).
    public var fields: [String: SchemaField]
    /// Entry kind for a list of scalars (`"of": "text"`); `nil` for a list of objects.
    public var itemKind: FieldKind?
    public var description: String

    public init(kind: FieldKind, label: String = "", optional: Bool = false, choices: [(id: String, label: String)] = [],
                fields: [String: SchemaField] = [:], itemKind: FieldKind? = nil, description: String = "") {
        self.kind = kind
        self.label = label
        self.optional = optional
        self.choices = choices
        self.fields = fields
        self.itemKind = itemKind
        self.description = description
    }

    func choiceLabel(_ id: String) -> String? { choices.first(where: { $0.id == id })?.label }
}

/// The data every template may use: one machine-readable definition (`templates/fields.json`)
/// that the template checker validates placeholders against, the renderer takes labels and
/// optional flags from, and the case domain fills.
public struct TemplateDataSchema: Sendable {
    public var root: SchemaField
    /// Per template name: title and description (documentation for coordinators).
    public var templates: [String: (title: String, description: String)]

    public init(root: SchemaField, templates: [String: (title: String, description: String)] = [:]) {
        self.root = root
        self.templates = templates
    }

    /// Loads `fields.json`. Problems are collected and reported together.
    public init(contentsOf path: String) throws(DocumentError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DocumentError(code: .io, message: "Datendefinition nicht lesbar", location: path,
                fix: "Pfad prüfen; die Datei liegt normalerweise als templates/fields.json neben den Vorlagen.")
        }
        let json: Value
        do { json = try Value.parseJSON(bytes: Array(data)) } catch {
            throw DocumentError(code: .invalidSchema, message: error.description, location: path,
                fix: "JSON-Syntax korrigieren (Kommas, Anführungszeichen, Klammern).")
        }
        try self.init(json: json, location: path)
    }

    public init(json: Value, location: String = "fields.json") throws(DocumentError) {
        var problems: [String] = []
        let types = json.value(atPath: "types")?.contextValue ?? [:]
        func parse(_ value: Value, at path: String, depth: Int) -> SchemaField {
            guard depth < 20, case .context(let node) = value else {
                problems.append("\(path): Objekt mit \"type\" erwartet")
                return SchemaField(kind: .text)
            }
            var typeName = node["type"]?.stringValue ?? (node["fields"] != nil ? "object" : "text")
            var merged = node
            if FieldKind(rawValue: typeName) == nil {
                if let shared = types[typeName]?.contextValue {
                    // A reusable type (`"type": "office"`): its members, overridden by the node.
                    for (k, v) in shared where merged[k] == nil || k == "type" { merged[k] = v }
                    if let label = node["label"] { merged["label"] = label }
                    typeName = shared["type"]?.stringValue ?? (shared["fields"] != nil ? "object" : "text")
                } else {
                    problems.append("\(path): unbekannter Typ «\(typeName)» (erlaubt: \(FieldKind.allCases.map(\.rawValue).joined(separator: ", ")) oder ein Name aus \"types\")")
                }
            }
            let kind = FieldKind(rawValue: typeName) ?? .text
            var field = SchemaField(kind: kind, label: merged["label"]?.stringValue ?? "",
                                    optional: merged["optional"]?.boolValue ?? false,
                                    description: merged["description"]?.stringValue ?? "")
            if case .context(let choices) = merged["choices"] ?? .null {
                field.choices = choices.keys.sorted().map { ($0, choices[$0]?.stringValue ?? $0) }
            } else if case .list(let list) = merged["choices"] ?? .null {
                field.choices = list.compactMap { item in
                    guard let id = item.value(atPath: "id")?.stringValue else { return nil }
                    return (id, item.value(atPath: "label")?.stringValue ?? id)
                }
            }
            if kind == .choice, field.choices.isEmpty { problems.append("\(path): Auswahlfeld ohne \"choices\"") }
            if case .context(let members) = merged["fields"] ?? .null {
                for (key, member) in members { field.fields[key] = parse(member, at: path + "." + key, depth: depth + 1) }
            }
            if kind == .list, let of = merged["of"]?.stringValue {
                if let k = FieldKind(rawValue: of) { field.itemKind = k } else { problems.append("\(path): unbekannter Listentyp «\(of)»") }
            }
            if kind == .object, field.fields.isEmpty { problems.append("\(path): Objekt ohne \"fields\"") }
            return field
        }
        guard case .context(let top) = json, case .context(let fields)? = top["fields"] else {
            throw DocumentError(code: .invalidSchema, message: "Objekt mit \"fields\" erwartet", location: location,
                fix: "Die Datei beginnt mit {\"fields\": { … }, \"templates\": { … }}; siehe templates/README.md.")
        }
        var root = SchemaField(kind: .object, label: "Daten")
        for (key, member) in fields { root.fields[key] = parse(member, at: "fields." + key, depth: 1) }
        var templates: [String: (title: String, description: String)] = [:]
        for (name, info) in top["templates"]?.contextValue ?? [:] {
            templates[name] = (info.value(atPath: "title")?.stringValue ?? name, info.value(atPath: "description")?.stringValue ?? "")
        }
        if !problems.isEmpty {
            throw DocumentError(code: .invalidSchema, message: problems.sorted().joined(separator: "; "), location: location,
                fix: "Die genannten Einträge in der Datendefinition korrigieren.")
        }
        self.init(root: root, templates: templates)
    }

    /// All leaf paths (`person.lastName`, `measures[].name`) with their fields, for docs and suggestions.
    public func allPaths() -> [(path: String, field: SchemaField)] {
        var out: [(String, SchemaField)] = []
        func walk(_ field: SchemaField, _ prefix: String) {
            for key in field.fields.keys.sorted() {
                guard let member = field.fields[key] else { continue }
                let path = prefix.isEmpty ? key : prefix + "." + key
                out.append((path, member))
                if member.kind == .list { walk(member, path + "[]") } else if member.kind == .object { walk(member, path) }
            }
        }
        walk(root, "")
        return out
    }
}
