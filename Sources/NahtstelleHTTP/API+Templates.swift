import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleDocuments
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// Word templates and forms for coordinators (issue 11), and the pseudonymised case export.
extension API {
    static let docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    /// The template name of the path; anything that cannot be a template's name is 404.
    static func templateName(_ context: AppContext) throws -> String {
        guard let name = context.parameters.get("name"), !name.isEmpty, name.utf8.count <= 64,
            name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { throw APIError.notFound("Vorlage") }
        return name
    }

    /// The version of the path (1 = the shipped file); anything else is 404.
    static func templateVersion(_ context: AppContext) throws -> Int {
        guard let text = context.parameters.get("version"), text.utf8.count <= 6, let version = Int(text), version >= 1 else {
            throw APIError.notFound("Vorlagenversion")
        }
        return version
    }

    static func problemValue(_ p: TemplateProblem) -> Value {
        .context([
            "severity": .string(p.severity.rawValue), "code": .string(p.code.rawValue), "location": .string(p.location),
            "context": .string(p.context), "message": .string(p.message), "fix": .string(p.fix),
        ])
    }

    static func templateValue(_ t: TemplateOverview, fields: [String]? = nil) -> Value {
        var value: [String: Value] = [
            "name": .string(t.name), "title": .string(t.title), "description": .string(t.description),
            "currentVersion": Rep.int(t.current.version), "hasSample": .bool(t.hasSample),
            "versions": .list(t.versions.map { v in
                .context([
                    "version": Rep.int(v.version), "size": Rep.int(v.size), "fileName": .string(v.fileName), "shipped": .bool(v.isShipped),
                    "uploadedAt": Rep.time(v.uploadedAt), "uploadedBy": Rep.str(v.uploadedBy),
                    "warnings": .list(v.warnings.map(problemValue)),
                    "url": .string("/api/templates/\(t.name)/versions/\(v.version)"),
                    "previewUrl": .string("/api/templates/\(t.name)/versions/\(v.version)/preview"),
                ])
            }),
        ]
        if let fields { value["fields"] = .list(fields.map(Value.string)) }
        return .context(value)
    }

    static func docx(_ bytes: [UInt8], fileName: String) -> Response {
        Response(status: .ok, headers: [.contentType: docxType, .contentDisposition: "attachment; filename=\"\(fileName)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func templates(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        let items = try await core.run(context) { try service.templateOverviews(by: caller.username) }
        return JSONBody.response(.context(["items": .list(items.map { Self.templateValue($0) })]))
    }

    func template(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let name = try Self.templateName(context)
        let service = self.service
        let (item, fields) = try await core.run(context) { () -> (TemplateOverview, [String]) in
            let item = try service.templateOverview(by: caller.username, name: name)
            return (item, try service.templateFields(by: caller.username, name: name, version: item.current.version))
        }
        return JSONBody.response(Self.templateValue(item, fields: fields))
    }

    /// `POST /api/templates/{name}` with the `.docx` as body: version n+1, or 422 with every problem.
    func uploadTemplate(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let name = try Self.templateName(context)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix(Self.docxType) || type.hasPrefix("application/octet-stream") || type.hasPrefix("application/zip") else {
            throw APIError(.unsupportedMediaType, "unsupported-media-type",
                           "Die Vorlage als Word-Datei senden (Content-Type «\(Self.docxType)»), so wie Word sie gespeichert hat.")
        }
        let params = try RequestInput.query(request, allowed: ["fileName"])
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        let service = self.service
        let outcome = try await core.run(context) {
            try service.uploadTemplate(by: caller.username, name: name, bytes: bytes, fileName: params["fileName"] ?? name + ".docx")
        }
        return Self.uploadResponse(outcome, name: name, core: core)
    }

    static func uploadResponse(_ outcome: TemplateUpload, name: String, core: ServerCore) -> Response {
        switch outcome {
        case .refused(let problems):
            let errors = problems.filter { $0.severity == .error }.count
            return JSONBody.response(.context([
                "error": .context(["code": "invalid-template",
                                   "message": .string("Die Vorlage hat \(errors) Fehler und wird nicht übernommen; es wurde nichts gespeichert. "
                                                      + "Jeder Fehler steht mit Ort und Behebung unter «problems».")]),
                "problems": .list(problems.map(problemValue)),
            ]), status: .unprocessableContent)
        case .stored(let version, let isNew, let warnings):
            if isNew { core.metrics.command() }
            return JSONBody.response(.context([
                "name": .string(name), "version": Rep.int(version), "new": .bool(isNew), "warnings": .list(warnings.map(problemValue)),
            ]), status: isNew ? .created : .ok)
        }
    }

    func templateSource(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let name = try Self.templateName(context)
        let version = try Self.templateVersion(context)
        let service = self.service
        let (_, bytes) = try await core.run(context) { try service.templateSource(by: caller.username, name: name, version: version) }
        return Self.docx(bytes, fileName: "\(name)-v\(version).docx")
    }

    func templatePreview(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let name = try Self.templateName(context)
        let version = try Self.templateVersion(context)
        let service = self.service
        let bytes = try await core.run(context) { try service.templatePreview(by: caller.username, name: name, version: version) }
        return Self.docx(bytes, fileName: "\(name)-v\(version)-vorschau.docx")
    }

    /// The forms of `forms/` with their titles (the full definition: `GET /api/forms/{key}`).
    func forms(_ request: Request, _ context: AppContext) async throws -> Response {
        _ = try context.requireCaller()
        let items: [Value] = service.forms.keys.compactMap { key in
            guard let form = service.forms.form(key) else { return nil }
            return .context(["key": .string(key), "title": .string(form.title), "description": .string(form.description),
                             "fields": Rep.int(form.fields.count), "url": .string("/api/forms/\(key)")])
        }
        return JSONBody.response(.context(["items": .list(items)]))
    }

    /// The export's key, for coordinators only; 503 with how to configure it when there is none.
    func reportKey(_ caller: Caller) throws -> ReportKey {
        // The role first: only coordinators learn whether the export is configured.
        guard caller.roles.contains(.coordinator) else {
            throw APIError(.forbidden, "forbidden", "Den pseudonymisierten Export erstellen die IIZ-Koordinationsstellen.")
        }
        guard let key = core.settings.reportKey else { throw Self.exportNotConfigured }
        return key
    }

    static let exportNotConfigured = APIError(.serviceUnavailable, "export-not-configured",
        "Der pseudonymisierte Fallexport ist auf diesem Server nicht eingerichtet: Es fehlt der geheime Schlüssel. Die Betreiberin legt ihn "
            + "als Datei an (head -c 32 /dev/urandom > /etc/nahtstelle/report.key; chmod 600 /etc/nahtstelle/report.key) und startet den "
            + "Server mit «--report-key-file /etc/nahtstelle/report.key» (oder NAHTSTELLE_REPORT_KEY_FILE). Der Schlüssel wird nie im "
            + "Browser eingegeben (docs/server.md).")

    /// `GET /api/reports/export?format=csv|json`: the pseudonymised case export (logged).
    func pseudonymisedExport(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["format", "to"])
        let format = params["format"] ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.badParameter("format", "erlaubt sind json und csv.") }
        let to = try RequestInput.localDate(params, "to")
        let key = try reportKey(caller)
        let service = self.service
        let records = try await core.run(context) { try service.pseudonymisedExport(by: caller.username, secret: key.secret, to: to) }
        let stamp = to.map { "-bis-\($0)" } ?? ""
        if format == "csv" {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"optima-export-pseudonymisiert\(stamp).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: PseudonymisedExport.csv(records))))
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"optima-export-pseudonymisiert\(stamp).json\""],
                        body: .init(byteBuffer: ByteBuffer(string: PseudonymisedExport.json(records) + "\n")))
    }
}
