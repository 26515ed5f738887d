import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleDocuments
import NahtstelleFEEL
import NahtstelleForms

/// The coordinators' templates and forms (issue 11): the Word templates with their versions,
/// upload with every problem located, preview with sample data; every form with every field.
extension Pages {
    // MARK: Templates

    func templatesPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let service = self.service
        let (items, names) = try await core.run(context) { () -> ([TemplateOverview], [String: String]) in
            let items = try service.templateOverviews(by: caller.username)
            return (items, Self.staffNames(service, items.flatMap { $0.versions.compactMap(\.uploadedBy) }))
        }
        return try await html("templates", [
            "title": "Vorlagen",
            "items": items.map { t -> [String: Any] in
                [
                    "name": t.name, "title": t.title, "description": t.description, "current": t.current.version,
                    "versions": t.versions.map { Self.versionRow(t, $0, names) },
                ]
            },
        ], caller, context, current: "templates")
    }

    static func staffNames(_ service: OptimaService, _ usernames: [String]) -> [String: String] {
        var names: [String: String] = [:]
        for u in Set(usernames) { names[u] = (try? service.staff(u).displayName) ?? u }
        return names
    }

    static func versionRow(_ t: TemplateOverview, _ v: TemplateVersionInfo, _ names: [String: String]) -> [String: Any] {
        [
            "name": t.name, "version": v.version, "current": v.version == t.current.version, "shipped": v.isShipped,
            "at": PageFormat.dateTime(v.uploadedAt), "by": v.uploadedBy.map { names[$0] ?? $0 } ?? "",
            "fileName": v.fileName, "size": "\(max(1, (v.size + 512) / 1024)) KB", "hasSample": t.hasSample,
            "warnings": v.warnings.map { ["location": $0.location, "message": $0.message] as [String: Any] },
        ]
    }

    func templateName(_ context: AppContext) throws -> String {
        guard let name = context.parameters.get("name"), !name.isEmpty, name.utf8.count <= 64,
            name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { throw APIError.notFound("Vorlage") }
        return name
    }

    func templatePage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        return try await renderTemplate(try templateName(context), caller, context, problems: nil, message: nil, success: false, status: .ok)
    }

    func renderTemplate(_ name: String, _ caller: Caller, _ context: AppContext, problems: [TemplateProblem]?, message: String?,
                        success: Bool, status: HTTPResponse.Status) async throws -> Response {
        let service = self.service
        let (item, fields, names) = try await core.run(context) { () -> (TemplateOverview, [String], [String: String]) in
            let item = try service.templateOverview(by: caller.username, name: name)
            let fields = try service.templateFields(by: caller.username, name: name, version: item.current.version)
            return (item, fields, Self.staffNames(service, item.versions.compactMap(\.uploadedBy)))
        }
        var data: [String: Any] = [
            "title": "Vorlage \(item.title)", "name": item.name, "templateTitle": item.title, "description": item.description,
            "current": item.current.version, "hasSample": item.hasSample,
            "versions": item.versions.map { Self.versionRow(item, $0, names) },
            "fields": fields, "hasFields": !fields.isEmpty,
            "message": message ?? "", "hasMessage": message != nil, "success": success,
            "maxSize": "1 MB",
        ]
        if let problems {
            let errors = problems.filter { $0.severity == .error }
            data["problems"] = problems.map { p -> [String: Any] in
                ["isError": p.severity == .error, "location": p.location, "context": p.context, "message": p.message, "fix": p.fix]
            }
            data["hasProblems"] = !problems.isEmpty
            data["errorCount"] = errors.count
            data["warningCount"] = problems.count - errors.count
        }
        return try await html("template", data, caller, context, current: "templates", status: status)
    }

    /// The upload form: `_action=check` lists the problems; `upload` stores version n+1 when there is no error.
    func templateSubmit(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let name = try templateName(context)
        let form = try await MultipartForm.read(request, context)
        try Self.requireCSRF(form["_csrf"]?.text, caller)
        let bytes = form["file"]?.bytes ?? []
        let fileName = form["file"]?.fileName ?? ""
        guard !bytes.isEmpty else {
            return try await renderTemplate(name, caller, context, problems: nil, message: "Bitte eine .docx-Datei wählen.", success: false,
                                            status: .unprocessableContent)
        }
        let service = self.service
        if form["_action"]?.text == "upload" {
            let outcome = try await core.run(context) {
                try service.uploadTemplate(by: caller.username, name: name, bytes: bytes, fileName: fileName.isEmpty ? name + ".docx" : fileName)
            }
            switch outcome {
            case .refused(let problems):
                let errors = problems.filter { $0.severity == .error }.count
                return try await renderTemplate(name, caller, context, problems: problems,
                                                message: "Nicht übernommen: Die Datei hat \(errors) Fehler. Es wurde nichts gespeichert.",
                                                success: false, status: .unprocessableContent)
            case .stored(let version, let isNew, let warnings):
                if isNew { core.metrics.command() }
                let text = isNew
                    ? "Version \(version) übernommen: Neue Dokumente werden ab jetzt mit dieser Version erstellt; bestehende Dokumente bleiben unverändert."
                    : "Unverändert: Die Datei ist gleich wie Version \(version). Es wurde keine neue Version angelegt."
                return try await renderTemplate(name, caller, context, problems: warnings.isEmpty ? nil : warnings, message: text, success: true,
                                                status: isNew ? .created : .ok)
            }
        }
        let problems = try await core.run(context) { try service.checkTemplate(by: caller.username, name: name, bytes: bytes) }
        let errors = problems.filter { $0.severity == .error }.count
        return try await renderTemplate(name, caller, context, problems: problems,
                                        message: errors == 0 ? "Keine Fehler: Die Datei kann als neue Version übernommen werden."
                                            : "\(errors) Fehler gefunden. So kann die Datei nicht übernommen werden.",
                                        success: errors == 0, status: .ok)
    }

    // MARK: Forms

    func formsPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let forms = service.forms
        let items: [[String: Any]] = forms.keys.compactMap { key in
            guard let form = forms.form(key) else { return nil }
            return ["key": key, "title": form.title, "description": form.description, "fields": form.fields.count,
                    "sections": form.sections.count]
        }
        return try await html("forms", ["title": "Formulare", "items": items], caller, context, current: "forms")
    }

    func formPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        guard let key = context.parameters.get("key"), key.utf8.count <= 64, let form = service.forms.form(key) else {
            throw APIError.notFound("Formular")
        }
        let sections: [[String: Any]] = form.sections.enumerated().map { index, section in
            [
                "title": section.title, "help": section.help, "id": "section-\(index + 1)",
                "fields": section.fields.map { Self.fieldRow(form, $0, prefix: "") },
            ]
        }
        return try await html("form", [
            "title": "Formular \(form.title)", "key": form.key, "formTitle": form.title, "description": form.description,
            "sections": sections, "fieldCount": form.fields.count,
        ], caller, context, current: "forms")
    }

    /// One field as a row: label, id, type, rule, choices, help, limits; a table's columns follow as rows of their own.
    static func fieldRow(_ form: FormDefinition, _ f: FormField, prefix: String) -> [String: Any] {
        let required: String
        if f.required {
            required = "Pflicht"
        } else if !f.requiredWhen.isEmpty {
            required = "Pflicht, " + FieldView.whenText(form, f.requiredWhen).replacingOccurrences(of: "nur nötig, wenn", with: "wenn")
        } else {
            required = "freiwillig"
        }
        return [
            "label": f.label, "id": prefix + f.id, "type": typeLabel(f), "required": required, "isRequired": f.required,
            "choices": f.choices.map { ["id": $0.id, "label": $0.label] as [String: Any] }, "hasChoices": !f.choices.isEmpty,
            "help": f.help, "limits": limits(form, f), "isColumn": !prefix.isEmpty,
            "columns": f.columns.map { fieldRow(form, $0, prefix: prefix + f.id + "[].") },
        ]
    }

    static func typeLabel(_ f: FormField) -> String {
        switch f.type {
        case .text: return "Text (einzeilig)"
        case .multiline: return "Text (mehrzeilig)"
        case .date: return "Datum (TT.MM.JJJJ)"
        case .dateTime: return "Datum und Zeit (TT.MM.JJJJ HH:MM)"
        case .yesNo: return "Ja/Nein"
        case .choice: return f.multiple ? "Auswahl (mehrere möglich)" : "Auswahl (eine)"
        case .amount: return "Betrag (CHF)"
        case .percentage: return "Prozent"
        case .number: return f.constraints.integer ? "ganze Zahl" : "Zahl"
        case .ahvNumber: return "AHV-Nummer (756.XXXX.XXXX.XX, mit Prüfziffer)"
        case .office: return "Stelle (aus dem Verzeichnis)"
        case .user: return "Person (aus dem Verzeichnis)"
        case .table: return "Tabelle"
        }
    }

    /// The validation limits in words, with the defaults that apply when the form sets none.
    static func limits(_ form: FormDefinition, _ f: FormField) -> [String] {
        let c = f.constraints
        func shown(_ v: Value) -> String {
            switch v {
            case .date(let d): return d.swissFormatted
            case .number(let n): return f.type == .amount ? SwissFormat.chf(n) : Value.canonical(n)
            case .string(let s): return FormDefinition.parseDate(.string(s))?.swissFormatted ?? s
            default: return FieldView.text(v, .text)
            }
        }
        var out: [String] = []
        if let min = c.minLength { out.append("mindestens \(min) Zeichen") }
        if f.type == .text || f.type == .multiline {
            let max = c.maxLength ?? (f.type == .text ? 200 : 10_000)
            out.append("höchstens \(max) Zeichen" + (c.maxLength == nil ? " (Standard)" : ""))
        } else if let max = c.maxLength {
            out.append("höchstens \(max) Zeichen")
        }
        if let min = c.min { out.append((f.type == .date || f.type == .dateTime ? "frühestens " : "mindestens ") + shown(min)) }
        if let max = c.max { out.append((f.type == .date || f.type == .dateTime ? "spätestens " : "höchstens ") + shown(max)) }
        if f.type == .percentage, c.min == nil, c.max == nil { out.append("0 bis 100 (Standard)") }
        if let values = c.allowedValues { out.append("erlaubt: " + values.map(shown).joined(separator: ", ")) }
        if let other = c.notBefore { out.append("nicht vor «\(form.field(other)?.label ?? other)»") }
        if let min = c.minRows { out.append("mindestens \(min) Zeile\(min == 1 ? "" : "n")") }
        if let max = c.maxRows { out.append("höchstens \(max) Zeilen") }
        return out
    }
}
