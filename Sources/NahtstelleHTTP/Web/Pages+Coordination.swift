import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// The coordinators' workspace: definitions with diagrams and live counts, upload, validation
/// and deployment; the Standardreporting with charts; the access log.
extension Pages {
    func requireCoordinator(_ caller: Caller) throws {
        guard caller.roles.contains(.coordinator) else {
            throw APIError(.forbidden, "forbidden", "Diese Seite ist der IIZ-Koordinationsstelle vorbehalten.")
        }
    }

    // MARK: Definitions

    func definitionsPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let service = self.service
        let (records, running) = try await core.run(context) {
            (try service.definitions(by: caller.username), try service.runningInstancesByDefinition(by: caller.username))
        }
        let grouped = Dictionary(grouping: records, by: \.processID)
        let items: [[String: Any]] = grouped.keys.sorted().map { id in
            let versions = grouped[id]!.sorted { $0.version > $1.version }
            let latest = versions[0]
            return [
                "processId": id, "name": latest.name ?? id, "latest": latest.version, "count": versions.count,
                "running": versions.reduce(0) { $0 + (running[$1.id] ?? 0) },
                "versions": versions.map { v -> [String: Any] in
                    ["version": v.version, "at": PageFormat.dateTime(v.deployedAt), "by": v.deployedBy, "running": running[v.id] ?? 0,
                     "fileName": v.fileName, "processId": id]
                },
            ]
        }
        return try await html("definitions", ["title": "Definitionen", "items": items], caller, context, current: "definitions")
    }

    func processID(_ context: AppContext) throws -> String { try API.processIDParameter(context) }

    func definitionPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let id = try processID(context)
        let version = request.uri.queryParameters.get("version").flatMap(Int.init)
        let q = request.uri.queryParameters
        let compare = q.get("compare").flatMap(Int.init).flatMap { a in q.get("with").flatMap(Int.init).map { (a, $0) } }
        // «Beispiel laden»: a shipped example's answers and start variables in the dry run's fields.
        var dryRun = DryRunForm()
        if let example = q.get("example") {
            guard let loaded = service.dryRunExample(processID: id, name: example) else {
                throw APIError.notFound("Beispiel «\(example)» für \(id)")
            }
            dryRun = DryRunForm(answers: loaded.answers, variables: loaded.variables, example: example)
        }
        return try await renderDefinition(id, version: version, caller, context, source: nil, problems: nil, message: nil, status: .ok,
                                          edit: q.get("edit") != nil, compare: compare, dryRun: dryRun)
    }

    /// The dry run's inputs as entered, and its outcome once it ran.
    struct DryRunForm {
        var answers = ""
        var variables = ""
        var example: String?
        var outcome: DefinitionDryRun?
        var diagram: String?
        var errors: [String: String] = [:]
    }

    func renderDefinition(_ id: String, version: Int?, _ caller: Caller, _ context: AppContext, source: String?, problems: [Problem]?,
                          message: String?, status: HTTPResponse.Status, edit: Bool = false, compare: (Int, Int)? = nil,
                          migration: [String: Any]? = nil, migrationVersions: (Int, Int)? = nil,
                          dryRun: DryRunForm = DryRunForm()) async throws -> Response {
        let service = self.service
        let (versions, running) = try await core.run(context) {
            (try service.definitions(by: caller.username).filter { $0.processID == id }.sorted { $0.version > $1.version },
             try service.runningInstancesByDefinition(by: caller.username))
        }
        guard let latest = versions.first else { throw APIError.notFound("Definition «\(id)»") }
        let shown = versions.first { $0.version == version } ?? latest
        var data: [String: Any] = [
            "title": "Definition \(latest.name ?? id)", "processId": id, "name": latest.name ?? id, "shownVersion": shown.version,
            "diagramURL": "/api/definitions/\(id)/versions/\(shown.version)/diagram.svg",
            "versions": versions.map { v -> [String: Any] in
                ["version": v.version, "at": PageFormat.dateTime(v.deployedAt), "by": v.deployedBy, "running": running[v.id] ?? 0,
                 "processId": id, "current": v.version == shown.version]
            },
            // The XML to edit: what was sent, or the latest version when asked for (it is large).
            "source": source ?? (edit ? String(decoding: latest.source, as: UTF8.self) : ""), "editing": source != nil || edit,
            "message": message ?? "", "hasMessage": message != nil, "messageIsError": (problems?.isEmpty == false) || status.code >= 400,
        ]
        data["versionOptions"] = versions.map { ["value": $0.version, "a": $0.version == (compare?.0 ?? (versions.count > 1 ? versions[1].version : latest.version)),
                                                  "b": $0.version == (compare?.1 ?? latest.version)] as [String: Any] }
        data["canCompare"] = versions.count > 1
        // Migration: from the newest version that still has running cases (else the one before the
        // latest) to the latest, unless the coordinator chose.
        let migrateFrom = migrationVersions?.0 ?? versions.dropFirst().first { (running[$0.id] ?? 0) > 0 }?.version
            ?? (versions.count > 1 ? versions[1].version : latest.version)
        let migrateTo = migrationVersions?.1 ?? latest.version
        data["migrationFrom"] = versions.map { ["value": $0.version, "selected": $0.version == migrateFrom, "running": running[$0.id] ?? 0] as [String: Any] }
        data["migrationTo"] = versions.map { ["value": $0.version, "selected": $0.version == migrateTo] as [String: Any] }
        if let migration { data["migration"] = migration }
        data["dryRun"] = Self.dryRunData(dryRun, examples: service.dryRunExamples(processID: id), processID: id)
        if let (a, b) = compare {
            guard let old = versions.first(where: { $0.version == a }), let new = versions.first(where: { $0.version == b }) else {
                throw APIError.notFound("Version")
            }
            if let diff = DefinitionDiff.compare(old: old.source, new: new.source) {
                func rows(_ list: [DefinitionDiff.Element]) -> [[String: Any]] {
                    list.map { ["id": $0.id, "kind": $0.kind, "name": $0.name, "changes": $0.changes] as [String: Any] }
                }
                data["diff"] = ["a": a, "b": b, "added": rows(diff.added), "removed": rows(diff.removed), "changed": rows(diff.changed),
                                "same": diff.added.isEmpty && diff.removed.isEmpty && diff.changed.isEmpty] as [String: Any]
            }
        }
        if let problems {
            let errors = problems.filter { $0.severity == .error }
            data["problems"] = problems.map { p -> [String: Any] in
                ["line": p.location.line, "column": p.location.column, "element": p.elementID ?? "–", "message": p.message, "fix": p.fix,
                 "isError": p.severity == .error]
            }
            data["hasProblems"] = !problems.isEmpty
            data["errorCount"] = errors.count
            data["warningCount"] = problems.count - errors.count
            // The uploaded file's diagram with the elements that have a problem marked.
            if let source, let diagram = try? Diagram.read(bytes: Array(source.utf8)) {
                var options = DiagramSVG.Options()
                options.problems = Set(errors.compactMap(\.elementID))
                options.title = "Hochgeladene Fassung mit markierten Fehlern"
                data["problemDiagram"] = "data:image/svg+xml;base64," + Data(DiagramSVG.render(diagram, options).utf8).base64EncodedString()
            }
            // The lines around each error (three before and after), not the whole file.
            let lines = (source ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            let bad = Set(errors.map(\.location.line))
            let near = Set(bad.flatMap { ($0 - 3)...($0 + 3) }).filter { $0 >= 1 && $0 <= lines.count }.sorted().prefix(400)
            var shownLines: [[String: Any]] = []
            var last = 0
            for n in near {
                if n > last + 1 { shownLines.append(["n": n, "text": "…", "bad": false, "gap": true]) }
                shownLines.append(["n": n, "text": String(lines[n - 1].prefix(300)), "bad": bad.contains(n), "gap": false])
                last = n
            }
            data["lines"] = shownLines
        }
        return try await html("definition", data, caller, context, current: "definitions", status: status)
    }

    /// Upload or edited XML: `_action=validate` shows the problems; `deploy` deploys when there is no error.
    func definitionSubmit(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let id = try processID(context)
        let form = try await MultipartForm.read(request, context)
        try Self.requireCSRF(form["_csrf"]?.text, caller)
        var bytes = form["file"]?.bytes ?? []
        var fileName = form["file"]?.fileName ?? ""
        if bytes.isEmpty {
            bytes = Array((form["xml"]?.text ?? "").replacingOccurrences(of: "\r\n", with: "\n").utf8)
            fileName = id + ".bpmn"
        }
        fileName = API.safeFileName(fileName.isEmpty ? id + ".bpmn" : fileName)
        // A dry run without a file or edited XML runs the version shown on the page.
        var shownSource: DefinitionRecord?
        if bytes.isEmpty, form["_action"]?.text == "simulate" {
            let version = Int(form["version"]?.text ?? "") ?? 0
            let service = self.service
            shownSource = try await core.run(context) { try service.definitionVersion(by: caller.username, processID: id, version: version) }
            bytes = shownSource?.source ?? []
            fileName = shownSource?.fileName ?? fileName
        }
        guard !bytes.isEmpty else {
            return try await renderDefinition(id, version: nil, caller, context, source: nil, problems: nil,
                                              message: "Bitte eine .bpmn-Datei wählen oder das XML im Textfeld bearbeiten.", status: .unprocessableContent)
        }
        let source = String(decoding: bytes, as: UTF8.self)
        let service = self.service
        if form["_action"]?.text == "simulate" {
            return try await dryRunSubmit(id, form, caller, context, source: shownSource == nil ? source : nil, bytes: bytes, fileName: fileName)
        }
        if form["_action"]?.text == "deploy" {
            let outcome = try await core.run(context) { [bytes, fileName] in try service.uploadDefinition(by: caller.username, source: bytes, fileName: fileName) }
            switch outcome {
            case .refused(let problems):
                return try await renderDefinition(id, version: nil, caller, context, source: source, problems: problems,
                                                  message: "Nicht bereitgestellt: Die Datei hat Fehler.", status: .unprocessableContent)
            case .deployed(let deployments):
                core.metrics.command()
                let text = deployments.map { d in
                    d.isNew ? "\(d.processID): Version \(d.version) bereitgestellt." : "\(d.processID): unverändert (Version \(d.version))."
                }.joined(separator: " ")
                let target = deployments.first { $0.processID == id } ?? deployments.first
                return try await renderDefinition(target?.processID ?? id, version: target?.version, caller, context, source: nil, problems: nil,
                                                  message: text, status: .ok)
            }
        }
        let problems = try await core.run(context) { [bytes, fileName] in try service.validateDefinition(by: caller.username, source: bytes, fileName: fileName) }
        let errors = problems.filter { $0.severity == .error }.count
        return try await renderDefinition(id, version: nil, caller, context, source: source, problems: problems,
                                          message: errors == 0 ? "Keine Fehler: Die Datei kann bereitgestellt werden." : "\(errors) Fehler gefunden.",
                                          status: .ok)
    }

    // MARK: Dry run

    /// «Probelauf» (`_action=simulate`): runs the uploaded or edited XML (or, with neither, the
    /// version shown) with the answers entered, and shows the steps and the path on its diagram.
    /// `source` is the edited text to show again (nil when a deployed version ran).
    func dryRunSubmit(_ id: String, _ form: MultipartForm, _ caller: Caller, _ context: AppContext, source: String?,
                      bytes: [UInt8], fileName: String) async throws -> Response {
        var dryRun = DryRunForm(answers: form["answers"]?.text ?? "", variables: form["variables"]?.text ?? "")
        if let file = form["answersFile"], !file.bytes.isEmpty { dryRun.answers = file.text }
        let service = self.service
        let (answers, variables) = (dryRun.answers, dryRun.variables)
        do {
            let outcome = try await core.run(context) {
                try service.dryRunDefinition(by: caller.username, source: bytes, fileName: fileName, processID: id,
                                             answers: answers, variables: variables)
            }
            dryRun.outcome = outcome
            if outcome.problems.isEmpty, let diagram = try? Diagram.read(bytes: bytes, fileName: fileName) {
                var options = DiagramSVG.Options()
                options.path = outcome.passed
                options.current = outcome.waiting
                options.title = "Probelauf von \(outcome.processID): Weg und Endpunkt"
                dryRun.diagram = "data:image/svg+xml;base64," + Data(DiagramSVG.render(diagram, options).utf8).base64EncodedString()
            }
            let message: String
            if !outcome.problems.isEmpty {
                message = "Kein Probelauf: Die Datei hat \(outcome.problems.count) Fehler."
            } else if let failure = outcome.failure {
                message = "Der Probelauf blieb stehen: \(failure)"
            } else {
                message = "Probelauf beendet: \(outcome.steps.filter(\.isPrimary).count) Schritte."
            }
            return try await renderDefinition(id, version: nil, caller, context, source: source,
                                              problems: outcome.problems.isEmpty ? nil : outcome.problems, message: message,
                                              status: outcome.problems.isEmpty ? .ok : .unprocessableContent, dryRun: dryRun)
        } catch let error as CaseServiceError where error.code == .invalidForm || error.code == .invalidInput {
            for e in error.fieldErrors { dryRun.errors[e.field] = e.message }
            if error.fieldErrors.isEmpty { dryRun.errors[error.field ?? "answers"] = error.message }
            return try await renderDefinition(id, version: nil, caller, context, source: source, problems: nil,
                                              message: ([error.message] + error.fieldErrors.map(\.message)).joined(separator: " "),
                                              status: .unprocessableContent, dryRun: dryRun)
        }
    }

    static func dryRunData(_ form: DryRunForm, examples: [String], processID: String) -> [String: Any] {
        var data: [String: Any] = [
            "answers": form.answers, "variables": form.variables,
            "examples": examples.map { ["name": $0, "processId": processID, "current": $0 == form.example] as [String: Any] },
            "hasExamples": !examples.isEmpty, "example": form.example ?? "",
            "answersError": form.errors["answers"] ?? "", "variablesError": form.errors["variables"] ?? "",
            "open": !form.answers.isEmpty || form.outcome != nil || !form.errors.isEmpty,
        ]
        if let outcome = form.outcome, outcome.problems.isEmpty {
            data["result"] = [
                "processId": outcome.processID, "ended": outcome.ended, "failure": outcome.failure ?? "",
                "steps": outcome.steps.map { s -> [String: Any] in
                    ["process": s.processID, "linked": !s.isPrimary, "element": s.elementID, "name": s.name ?? s.elementID, "isEnd": s.isEnd]
                },
                "waiting": outcome.waiting.sorted().joined(separator: ", "), "isWaiting": !outcome.waiting.isEmpty,
                "diagram": form.diagram ?? "",
            ] as [String: Any]
        }
        return data
    }

    // MARK: Migration

    /// «Probelauf» (`_action=dryrun`): every running case of the chosen version, where it waits,
    /// whether it can move; «Migrieren» (`_action=migrate`): the ticked cases, each with the
    /// version its dry run saw (`instance=id:version`), and what happened to each.
    func migrationSubmit(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        try requireCoordinator(caller)
        let id = try processID(context)
        let from = Int(form["from"] ?? "") ?? 0
        let to = Int(form["to"] ?? "") ?? 0
        let service = self.service
        let versions = (from, to)
        func render(_ migration: [String: Any]?, message: String?, status: HTTPResponse.Status) async throws -> Response {
            try await renderDefinition(id, version: nil, caller, context, source: nil, problems: nil, message: message, status: status,
                                       migration: migration, migrationVersions: versions)
        }
        do {
            if form["_action"] == "migrate" {
                var tickets: [MigrationTicket] = []
                for value in form.all("instance").prefix(API.maxMigrationInstances) {
                    let parts = value.split(separator: ":")
                    guard parts.count == 2, let instance = Int64(parts[0]), let version = Int64(parts[1]), instance > 0, version > 0 else { continue }
                    tickets.append(MigrationTicket(instanceID: instance, version: version))
                }
                let outcomes = try await core.run(context) { [tickets] in
                    try service.migrateInstances(by: caller.username, processID: id, from: from, to: to, instances: tickets)
                }
                core.metrics.command()
                let migrated = outcomes.filter(\.migrated).count
                let rows: [[String: Any]] = outcomes.map { o in
                    ["case": o.businessKey ?? "Instanz \(o.instanceID)", "migrated": o.migrated, "reasons": o.reasons]
                }
                return try await render(["isResult": true, "from": from, "to": to, "items": rows, "migrated": migrated,
                                         "refused": outcomes.count - migrated],
                                        message: "\(migrated) von \(outcomes.count) Fällen auf Version \(to) migriert.", status: .ok)
            }
            let plan = try await core.run(context) { try service.migrationPlan(by: caller.username, processID: id, from: from, to: to) }
            let rows: [[String: Any]] = plan.instances.map { c in
                ["id": String(c.instanceID), "version": String(c.version), "case": c.businessKey ?? "Instanz \(c.instanceID)", "canMove": c.canMove,
                 "waits": c.waits.map { w in w.name.map { "\($0) (\(w.elementID))" } ?? w.elementID }.joined(separator: ", "),
                 "reasons": c.reasons]
            }
            return try await render(["isPlan": true, "from": from, "to": to, "items": rows, "hasItems": !rows.isEmpty, "total": rows.count,
                                     "movable": plan.movableCount, "hasMovable": plan.movableCount > 0], message: nil, status: .ok)
        } catch let error as CaseServiceError where error.code == .invalidForm {
            let text = ([error.message] + error.fieldErrors.map(\.message)).joined(separator: " ")
            return try await render(["isError": true, "errors": error.fieldErrors.map(\.message)], message: text, status: .unprocessableContent)
        }
    }

    // MARK: Reports

    func reportsPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let q = request.uri.queryParameters
        let today = ISODateTime.localDate(of: service.now)
        let from = q.get("from").flatMap { FormDefinition.parseDate(.string($0)) } ?? LocalDate(year: today.year, month: 1, day: 1)
        let to = q.get("to").flatMap { FormDefinition.parseDate(.string($0)) } ?? LocalDate(year: today.year, month: 12, day: 31)
        guard from <= to else { throw APIError(.badRequest, "invalid-parameter", "Der Beginn des Zeitraums liegt nach seinem Ende.") }
        let service = self.service
        // The period, and each of its months (at most 24) for the chart over time.
        var months: [(LocalDate, LocalDate)] = []
        var m = LocalDate(year: from.year, month: from.month, day: 1)
        while m <= to && months.count < 24 {
            let next = m.adding(months: 1)
            months.append((max(m, from), min(next.adding(days: -1), to)))
            m = next
        }
        let (report, monthly) = try await core.run(context) { [months] in
            (try service.report(by: caller.username, from: from, to: to), try months.map { try service.report(by: caller.username, from: $0.0, to: $0.1) })
        }
        let sections: [[String: Any]] = report.officialTable().map { title, rows in
            ["title": title, "rows": rows.map { ["label": $0.label, "value": $0.value ?? "", "indented": $0.indented, "heading": $0.value == nil] as [String: Any] }]
        }
        let institutions: [(String, InstitutionType)] = [("IV-Stelle", .iv), ("RAV", .rav), ("Sozialdienst", .sd)]
        let charts: [(String, [(String, Int)])] = [
            ("Anträge nach zuweisender Stelle", institutions.map { ($0.0, report.applications.byReferrer[$0.1]) }),
            ("Anträge nach aufnehmender Stelle", institutions.map { ($0.0, report.applications.byReceiver[$0.1]) }),
            ("Ablehnungsgründe", RejectionReason.allCases.map { (Glossary.label($0), report.process.rejected($0)) }),
            ("Ergebnisse der abgeschlossenen Fälle", Outcome.allCases.map { (Glossary.label($0), report.effects.outcome($0).total) }),
            ("Zielgruppen", TargetGroup.allCases.map { (Glossary.label($0), report.targetGroupCount($0)) }),
            ("Anträge je Monat", zip(months, monthly).map { month, r in (String(PageFormat.date(month.0).dropFirst(3)), r.applications.total) }),
        ]
        let period = "from=\(from)&to=\(to)"
        return try await html("reports", [
            "title": "Standardreporting OPTIMA", "from": from.swissFormatted, "to": to.swissFormatted, "sections": sections,
            "charts": charts.map { ["title": $0.0, "svg": Self.barChart($0.0, $0.1)] as [String: Any] },
            "csv": "/api/reports/standard?\(period)&format=csv", "json": "/api/reports/standard?\(period)",
            // The pseudonymised export (API+Templates.swift): its key comes from the server's configuration only.
            "exportConfigured": core.settings.reportKey != nil, "exportNotConfigured": API.exportNotConfigured.message,
            "exportCsv": "/api/reports/export?format=csv", "exportJson": "/api/reports/export?format=json",
        ], caller, context, current: "reports")
    }

    /// A horizontal bar chart as an `<img>` source (inline SVG with presentation attributes only).
    static func barChart(_ title: String, _ bars: [(String, Int)]) -> String {
        let maxValue = max(1, bars.map(\.1).max() ?? 1)
        let rowHeight = 22.0, labelWidth = 260.0, barWidth = 300.0
        let height = Double(bars.count) * rowHeight + 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(labelWidth + barWidth + 60)) \(Int(height))\" "
            + "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\" role=\"img\"><title>\(DiagramSVG.escape(title))</title>"
        for (i, bar) in bars.enumerated() {
            let y = 5 + Double(i) * rowHeight
            let w = Double(bar.1) / Double(maxValue) * barWidth
            svg += "<text x=\"\(Int(labelWidth - 6))\" y=\"\(Int(y + 15))\" text-anchor=\"end\" fill=\"#1b1f24\">\(DiagramSVG.escape(String(bar.0.prefix(40))))</text>"
            svg += "<rect x=\"\(Int(labelWidth))\" y=\"\(Int(y + 3))\" width=\"\(String(format: "%.1f", w))\" height=\"15\" fill=\"#0b4f8a\"/>"
            svg += "<text x=\"\(Int(labelWidth + w + 5))\" y=\"\(Int(y + 15))\" fill=\"#1b1f24\">\(bar.1)</text>"
        }
        svg += "</svg>"
        return "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()
    }

    // MARK: Audit

    func auditPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let (entries, filters) = try await auditEntries(request, context, caller, limit: 200)
        let names = filters.query
        return try await html("audit", [
            "title": "Zugriffsprotokoll", "caseId": filters.caseID ?? "", "user": filters.user ?? "",
            "from": filters.from.map { $0.swissFormatted } ?? "", "to": filters.to.map { $0.swissFormatted } ?? "",
            "items": entries.map { e -> [String: Any] in
                ["at": PageFormat.dateTime(e.at) + ":" + String(format: "%02d", Int(e.at.timeIntervalSince1970) % 60), "user": e.username,
                 "caseId": e.caseID ?? "", "action": e.action, "document": e.documentID.map(String.init) ?? "", "address": e.clientAddress ?? "",
                 "request": e.requestID ?? ""]
            },
            "hasItems": !entries.isEmpty, "count": entries.count, "full": entries.count == 200, "csv": "/audit.csv" + names,
        ], caller, context, current: "audit")
    }

    func auditCSV(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try requireCoordinator(caller)
        let (entries, _) = try await auditEntries(request, context, caller, limit: 5000)
        func cell(_ s: String) -> String {
            var s = s
            if let first = s.first, "=+-@".contains(first) { s = "'" + s }  // no formulas in a spreadsheet
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var csv = "Zeit;Benutzer;Fall;Aktion;Dokument;Adresse;Anfrage\n"
        for e in entries {
            csv += [Value.isoDateTime(e.at), e.username, e.caseID ?? "", e.action, e.documentID.map(String.init) ?? "", e.clientAddress ?? "",
                    e.requestID ?? ""].map(cell).joined(separator: ";") + "\n"
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"zugriffsprotokoll.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    struct AuditFilters: Sendable {
        var caseID: String?, user: String?, from: LocalDate?, to: LocalDate?
        var query: String
    }

    func auditEntries(_ request: Request, _ context: AppContext, _ caller: Caller, limit: Int) async throws -> ([AccessEntry], AuditFilters) {
        let q = request.uri.queryParameters
        func clean(_ name: String, _ max: Int) -> String? {
            guard let v = q.get(name)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return String(v.prefix(max))
        }
        let filters = AuditFilters(caseID: clean("caseId", 32), user: clean("user", 64), from: clean("from", 10).flatMap { FormDefinition.parseDate(.string($0)) },
                                   to: clean("to", 10).flatMap { FormDefinition.parseDate(.string($0)) },
                                   query: "?" + ["caseId", "user", "from", "to"].compactMap { k in
                                       clean(k, 64).map { k + "=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
                                   }.joined(separator: "&"))
        let service = self.service
        let entries = try await core.run(context) {
            try service.auditLog(by: caller.username, caseID: filters.caseID, user: filters.user, from: filters.from.map(ISODateTime.startOfDay),
                                 to: filters.to.map { ISODateTime.startOfDay($0.adding(days: 1)) }, limit: limit)
        }
        return (entries, filters)
    }
}
