import Foundation
import Synchronization
import Hummingbird
import NahtstelleCases
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleFEEL

/// Definitions for coordinators: upload (validate and deploy), the diagram as SVG, the source.
extension API {
    /// `processId` and `version` of the path.
    func definitionPath(_ context: AppContext) throws -> (String, Int) {
        // An id or version that cannot exist is simply not found (as in the directory).
        guard let id = context.parameters.get("processId"), !id.isEmpty, id.utf8.count <= 64,
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }),
            let text = context.parameters.get("version"), let version = Int(text), version >= 1, version < 1_000_000
        else {
            throw APIError(.notFound, "not-found", "Diese Definition oder Version gibt es nicht. Die Versionen stehen unter GET /api/definitions.")
        }
        return (id, version)
    }

    static func problemValue(_ p: Problem) -> Value {
        .context([
            "severity": .string(p.severity == .error ? "error" : "warning"), "line": Rep.int(p.location.line), "column": Rep.int(p.location.column),
            "elementId": Rep.str(p.elementID), "message": .string(p.message), "fix": .string(p.fix),
        ])
    }

    /// `POST /api/definitions` with the BPMN XML as body.
    func uploadDefinition(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/xml") || type.hasPrefix("text/xml") || type.hasPrefix("application/octet-stream") else {
            throw APIError(.unsupportedMediaType, "unsupported-media-type",
                           "Die Definition als BPMN-XML senden (Content-Type «application/xml»), z. B. die im Camunda Modeler gespeicherte Datei.")
        }
        let params = try RequestInput.query(request, allowed: ["fileName"])
        let fileName = Self.safeFileName(params["fileName"] ?? "upload.bpmn")
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        let service = self.service
        let outcome = try await core.run(context) { try service.uploadDefinition(by: caller.username, source: bytes, fileName: fileName) }
        switch outcome {
        case .refused(let problems):
            let errors = problems.filter { $0.severity == .error }.count
            return JSONBody.response(.context([
                "error": .context(["code": "invalid-definition",
                                   "message": .string("Die Definition hat \(errors) Fehler und wird nicht bereitgestellt. Jeder Fehler steht mit Zeile, Spalte, Element und Behebung unter «problems».")]),
                "problems": .list(problems.map(Self.problemValue)),
            ]), status: .unprocessableContent)
        case .deployed(let deployments):
            core.metrics.command()
            let first = deployments.first
            let anyNew = deployments.contains { $0.isNew }
            return JSONBody.response(.context([
                "processId": Rep.str(first?.processID), "version": Rep.int(first?.version ?? 0), "new": .bool(anyNew),
                "deployments": .list(deployments.map { d in
                    .context(["processId": .string(d.processID), "version": Rep.int(d.version), "new": .bool(d.isNew)])
                }),
            ]), status: anyNew ? .created : .ok)
        }
    }

    static func safeFileName(_ name: String) -> String {
        let cleaned = String(name.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
            .prefix(100).map(Character.init))
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "upload.bpmn" : cleaned
    }

    /// The diagram of one version as SVG; coordinators see the counts per element.
    func definitionDiagram(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (processID, version) = try definitionPath(context)
        let service = self.service
        let (record, counts) = try await core.run(context) { () -> (DefinitionRecord, [String: NodeCounts]) in
            let record = try service.definitionVersion(by: caller.username, processID: processID, version: version)
            let counts = caller.roles.contains(.coordinator) ? try service.nodeCounts(by: caller.username, definitionID: record.id) : [:]
            return (record, counts)
        }
        let svg = try Self.svg(record, counts: counts)
        return Response(status: .ok, headers: [.contentType: "image/svg+xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    static func svg(_ record: DefinitionRecord, counts: [String: NodeCounts], problems: Set<String> = [], path: Set<String> = [],
                    current: Set<String> = []) throws -> String {
        let diagram = try Self.diagram(record)
        var options = DiagramSVG.Options()
        options.counts = counts.mapValues { DiagramSVG.Counts(waiting: $0.waiting, open: $0.open, overdue: $0.overdue) }
        options.problems = problems
        options.path = path
        options.current = current
        options.title = "Diagramm \(record.name ?? record.processID), Version \(record.version)"
        return DiagramSVG.render(diagram, options)
    }

    /// The drawing of a deployed version, read once: a version never changes, so its content hash
    /// names it in every database (a few dozen versions at most; the cache starts over beyond).
    static func diagram(_ record: DefinitionRecord) throws -> Diagram {
        let key = record.contentHash + "/" + record.fileName
        if let hit = diagrams.withLock({ $0[key] }) { return hit }
        let diagram: Diagram
        do { diagram = try Diagram.read(bytes: record.source, fileName: record.fileName) } catch {
            throw APIError(.notFound, "no-diagram", "\(record.processID) Version \(record.version): \(error.description)")
        }
        diagrams.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = diagram
        }
        return diagram
    }

    private static let diagrams = Mutex<[String: Diagram]>([:])

    /// The BPMN source of one version, as deployed.
    func definitionSource(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (processID, version) = try definitionPath(context)
        let service = self.service
        let record = try await core.run(context) { try service.definitionVersion(by: caller.username, processID: processID, version: version) }
        return Response(status: .ok, headers: [
            .contentType: "application/xml; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(record.processID)-v\(record.version).bpmn\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: record.source)))
    }
}
