import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// A browser form's submitted fields (`application/x-www-form-urlencoded`), in order, with
/// repeated names kept (check boxes of a multiple choice).
struct PostedForm: Sendable {
    var pairs: [(name: String, value: String)]

    static let maxBytes = 1_048_576

    /// Reads and decodes the body; 413 above 1 MB, 415 for another content type.
    static func read(_ request: Request, _ context: AppContext) async throws -> PostedForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError(.unsupportedMediaType, "unsupported-media-type",
                           "Das Formular muss als «application/x-www-form-urlencoded» gesendet werden.")
        }
        let buffer = try await request.body.collect(upTo: maxBytes)
        return PostedForm(decoding: String(buffer: buffer))
    }

    init(decoding text: String) {
        pairs = text.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The values for a form definition, as the validator takes them: strings, lists for
    /// multiple choices, rows for tables (empty rows dropped). Fields not in the form are left out.
    func values(for form: FormDefinition) -> [String: Value] {
        var values: [String: Value] = [:]
        for field in form.fields {
            switch field.type {
            case .choice where field.multiple:
                let picked = all(field.id).filter { !$0.isEmpty }
                if !picked.isEmpty { values[field.id] = .list(picked.map(Value.string)) }
            case .table:
                var rows: [Int: [String: Value]] = [:]
                let prefix = field.id + "."
                for pair in pairs where pair.name.hasPrefix(prefix) {
                    let rest = pair.name.dropFirst(prefix.count).split(separator: ".", maxSplits: 1)
                    guard rest.count == 2, let index = Int(rest[0]), (0..<500).contains(index),
                        field.columns.contains(where: { $0.id == rest[1] }),
                        !pair.value.trimmingCharacters(in: .whitespaces).isEmpty
                    else { continue }
                    rows[index, default: [:]][String(rest[1])] = .string(pair.value)
                }
                if !rows.isEmpty { values[field.id] = .list(rows.keys.sorted().map { .context(rows[$0]!) }) }
            default:
                if let text = self[field.id], !text.trimmingCharacters(in: .whitespaces).isEmpty { values[field.id] = .string(text) }
            }
        }
        return values
    }
}

/// How a form field is shown: its input, label, help, error and the value to show, as the
/// templates take it (a dictionary per field).
struct FieldView {
    /// Offices and users the reference fields offer.
    struct Choices {
        var offices: [(id: String, name: String)]
        var users: [(id: String, name: String)]
    }

    /// Sections of a form with every field's view.
    static func sections(_ form: FormDefinition, values: [String: Value], errors: [String: String], choices: Choices,
                         only: Set<String>? = nil, readOnly: Set<String> = []) -> [[String: Any]] {
        form.sections.compactMap { section -> [String: Any]? in
            let fields = section.fields.filter { only?.contains($0.id) ?? true }
            guard !fields.isEmpty else { return nil }
            return [
                "title": section.title, "help": section.help, "hasHelp": !section.help.isEmpty,
                "fields": fields.map { field(form, $0, values: values, errors: errors, choices: choices, readOnly: readOnly.contains($0.id)) },
            ]
        }
    }

    /// The text a value is shown as in an input (Swiss formats; ids for choices).
    static func text(_ value: Value?, _ type: FormFieldType) -> String {
        guard let value else { return "" }
        switch value {
        case .string(let s): return s
        case .date(let d): return d.swissFormatted
        case .dateTime(let t): return PageFormat.dateTime(t)
        case .number(let n):
            switch type {
            case .amount: return SwissFormat.amount(n)
            default: return Value.canonical(n)
            }
        case .bool(let b): return b ? "true" : "false"
        default: return ""
        }
    }

    /// The value as a reader sees it (labels of choices, ja/nein, CHF).
    static func display(_ value: Value?, _ field: FormField) -> String {
        guard let value, value != .null else { return "" }
        switch (field.type, value) {
        case (.yesNo, .bool(let b)): return Glossary.yesNo(b)
        case (.choice, .list(let items)):
            return items.map { item in field.choices.first { .string($0.id) == item }?.label ?? text(item, .text) }.joined(separator: ", ")
        case (.choice, _): return field.choices.first { .string($0.id) == value }?.label ?? text(value, .text)
        case (.amount, .number(let n)): return SwissFormat.chf(n)
        case (.percentage, .number(let n)): return Value.canonical(n) + " %"
        case (.table, .list(let rows)): return "\(rows.count) Zeile(n)"
        default: return text(value, field.type)
        }
    }

    static func field(_ form: FormDefinition, _ f: FormField, values: [String: Value], errors: [String: String], choices: Choices,
                      name: String? = nil, errorKey: String? = nil, readOnly: Bool = false) -> [String: Any] {
        let name = name ?? f.id
        let domID = "f-" + name.replacingOccurrences(of: ".", with: "-")
        let error = errors[errorKey ?? f.id]
        let value = values[f.id]
        var described: [String] = []
        if !f.help.isEmpty { described.append(domID + "-help") }
        if error != nil { described.append(domID + "-error") }
        let conditional = !f.required && !f.requiredWhen.isEmpty
        var view: [String: Any] = [
            "id": domID, "name": name, "label": f.label, "help": f.help, "hasHelp": !f.help.isEmpty, "helpId": domID + "-help",
            "error": error ?? "", "hasError": error != nil, "errorId": domID + "-error", "describedBy": described.joined(separator: " "),
            "required": f.required, "value": text(value, f.type), "readOnly": readOnly, "display": display(value, f),
            "conditional": conditional, "when": conditional ? whenJSON(f.requiredWhen) : "",
            // Hidden only when the answers it depends on are given and rule it out: without
            // script, a form not yet answered shows every field with its condition in words.
            "hiddenNow": conditional && error == nil && f.requiredWhen.allSatisfy { values[$0.field] != nil }
                && !f.requiredWhen.allSatisfy { $0.holds(in: values) },
            "whenText": conditional ? whenText(form, f.requiredWhen) : "",
        ]
        // Every key set on every field: Mustache looks a missing key up in the enclosing
        // context, so a table's cell would otherwise inherit the table's own flags.
        for flag in ["isText", "isMultiline", "isDate", "isDateTime", "isYesNo", "isCheckboxes", "isSelect", "isNumberLike", "isTable",
                     "yes", "no"] {
            view[flag] = false
        }
        for key in ["prefix", "suffix", "inputMode", "placeholder"] { view[key] = "" }
        view["options"] = [[String: Any]]()
        view["ariaLabel"] = ""
        view["maxLength"] = f.constraints.maxLength.map(String.init) ?? ""
        view["grouped"] = f.type == .yesNo || f.type == .table || (f.type == .choice && f.multiple)
        switch f.type {
        case .text: view["isText"] = true
        case .multiline: view["isMultiline"] = true
        case .date: view["isDate"] = true; view["placeholder"] = "TT.MM.JJJJ"
        case .dateTime: view["isDateTime"] = true; view["placeholder"] = "TT.MM.JJJJ HH:MM"
        case .yesNo:
            view["isYesNo"] = true
            view["yes"] = value == .bool(true)
            view["no"] = value == .bool(false)
        case .choice:
            let picked: [Value]
            if case .list(let items)? = value { picked = items } else { picked = value.map { [$0] } ?? [] }
            view[f.multiple ? "isCheckboxes" : "isSelect"] = true
            view["options"] = f.choices.enumerated().map { i, c in
                ["value": c.id, "label": c.label, "selected": picked.contains(.string(c.id)), "optionId": "\(domID)-\(i)"] as [String: Any]
            }
        case .amount: view["isNumberLike"] = true; view["prefix"] = "CHF"; view["inputMode"] = "decimal"
        case .percentage: view["isNumberLike"] = true; view["suffix"] = "%"; view["inputMode"] = "decimal"
        case .number: view["isNumberLike"] = true; view["inputMode"] = "numeric"
        case .ahvNumber: view["isText"] = true; view["placeholder"] = "756.1234.5678.97"
        case .office, .user:
            let picked = value.flatMap { $0.stringValue }
            let list = f.type == .office ? choices.offices : choices.users
            view["isSelect"] = true
            view["options"] = list.map { ["value": $0.id, "label": $0.name, "selected": $0.id == picked] as [String: Any] }
        case .table:
            view["isTable"] = true
            var rows: [[String: Value]] = []
            if case .list(let items)? = value { rows = items.compactMap { $0.contextValue } }
            let shown = max(rows.count + 1, f.constraints.minRows ?? 1)
            view["columns"] = f.columns.map { ["label": $0.label, "required": $0.required] as [String: Any] }
            view["rows"] = (0..<min(shown, f.constraints.maxRows ?? 50)).map { i -> [String: Any] in
                let cells = i < rows.count ? rows[i] : [:]
                return [
                    "number": i + 1,
                    "cells": f.columns.map { column in
                        var cell = field(form, column, values: cells, errors: errors, choices: choices, name: "\(f.id).\(i).\(column.id)",
                                         errorKey: "\(f.id)[\(i + 1)].\(column.id)")
                        cell["label"] = "\(f.label), Zeile \(i + 1): \(column.label)"
                        // In a table row the column header names the input; screen readers get the
                        // whole name. A yes/no cell is a select (radio pairs in rows make no group).
                        cell["ariaLabel"] = cell["label"]
                        if column.type == .yesNo {
                            let picked = cells[column.id]
                            cell["isYesNo"] = false
                            cell["isSelect"] = true
                            cell["grouped"] = false
                            cell["options"] = [["value": "true", "label": "ja", "selected": picked == .bool(true)],
                                               ["value": "false", "label": "nein", "selected": picked == .bool(false)]] as [[String: Any]]
                        }
                        return cell
                    },
                ] as [String: Any]
            }
            view["maxRows"] = f.constraints.maxRows ?? 50
        }
        return view
    }

    /// `requiredWhen` as the script reads it: `[{"field": id, "op": equals|notEquals|oneOf|filled, "values": [...]}]`.
    static func whenJSON(_ conditions: [FieldCondition]) -> String {
        let items: [Value] = conditions.map { c in
            let (op, values): (String, [Value]) = {
                switch c.test {
                case .equals(let v): return ("equals", [v])
                case .notEquals(let v): return ("notEquals", [v])
                case .oneOf(let vs): return ("oneOf", vs)
                case .filled: return ("filled", [])
                }
            }()
            return .context(["field": .string(c.field), "op": .string(op), "values": .list(values.map { .string(text($0, .text)) })])
        }
        return Value.list(items).jsonString(tagged: false)
    }

    /// "nur wenn «Entscheid» = abgelehnt": the condition in words, for pages without script.
    static func whenText(_ form: FormDefinition, _ conditions: [FieldCondition]) -> String {
        "nur nötig, wenn " + conditions.map { c in
            let other = form.field(c.field)
            let label = other?.label ?? c.field
            let shown = { (v: Value) -> String in other.map { display(v, $0) } ?? text(v, .text) }
            switch c.test {
            case .equals(let v): return "«\(label)» = \(shown(v))"
            case .notEquals(let v): return "«\(label)» ≠ \(shown(v))"
            case .oneOf(let vs): return "«\(label)» eines von: \(vs.map(shown).joined(separator: ", "))"
            case .filled: return "«\(label)» ausgefüllt"
            }
        }.joined(separator: " und ")
    }

    /// Field errors of a failed submission by field path (`measures[1].name`), and those without a field.
    static func errors(_ error: CaseServiceError) -> (byField: [String: String], general: [String]) {
        var byField: [String: String] = [:]
        for e in error.fieldErrors { byField[e.field] = byField[e.field].map { $0 + " " + e.message } ?? e.message }
        var general: [String] = []
        if error.fieldErrors.isEmpty {
            if let field = error.field { byField[field] = error.message } else { general.append(error.message) }
        }
        return (byField, general)
    }
}

/// A `multipart/form-data` body (a file upload with a few text fields), read whole up to 1 MB.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var fileName: String?
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }
    var parts: [Part]

    subscript(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// Reads the body; urlencoded bodies (no file) are accepted too.
    static func read(_ request: Request, _ context: AppContext) async throws -> MultipartForm {
        let type = request.headers[.contentType] ?? ""
        let buffer = try await request.body.collect(upTo: PostedForm.maxBytes)
        let bytes = Array(buffer.readableBytesView)
        if type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            let form = PostedForm(decoding: String(decoding: bytes, as: UTF8.self))
            return MultipartForm(parts: form.pairs.map { Part(name: $0.name, fileName: nil, bytes: Array($0.value.utf8)) })
        }
        guard type.lowercased().hasPrefix("multipart/form-data"),
            let range = type.range(of: "boundary=", options: .caseInsensitive)
        else {
            throw APIError(.unsupportedMediaType, "unsupported-media-type", "Das Formular muss als «multipart/form-data» gesendet werden.")
        }
        var boundary = String(type[range.upperBound...].prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty, boundary.utf8.count <= 200 else { throw APIError(.badRequest, "bad-request", "Formular ohne gültige Trennmarke.") }
        return MultipartForm(parts: try parse(bytes, boundary: Array(("--" + boundary).utf8)))
    }

    static func parse(_ body: [UInt8], boundary: [UInt8]) throws -> [Part] {
        func find(_ needle: [UInt8], from: Int) -> Int? {
            guard needle.count <= body.count else { return nil }
            var i = from
            while i + needle.count <= body.count {
                if body[i] == needle[0], Array(body[i..<(i + needle.count)]) == needle { return i }
                i += 1
            }
            return nil
        }
        let bad = APIError(.badRequest, "bad-request", "Das Formular ist unvollständig übertragen worden. Bitte nochmals senden.")
        guard var start = find(boundary, from: 0) else { throw bad }
        var parts: [Part] = []
        let crlf: [UInt8] = [13, 10], headerEnd: [UInt8] = [13, 10, 13, 10]
        while parts.count < 50 {
            start += boundary.count
            if start + 2 <= body.count, body[start] == 45, body[start + 1] == 45 { break }  // "--": the end
            guard let headersStart = find(crlf, from: start).map({ $0 + 2 }), let headersEnd = find(headerEnd, from: headersStart),
                let next = find(crlf + boundary, from: headersEnd + 4)
            else { throw bad }
            let headers = String(decoding: body[headersStart..<headersEnd], as: UTF8.self)
            var name: String?, fileName: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                for item in line.split(separator: ";").dropFirst() {
                    let kv = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                    guard kv.count == 2 else { continue }
                    let value = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if kv[0] == "name" { name = value } else if kv[0] == "filename" { fileName = value }
                }
            }
            if let name { parts.append(Part(name: name, fileName: fileName, bytes: Array(body[(headersEnd + 4)..<next]))) }
            start = next + 2
        }
        return parts
    }
}
