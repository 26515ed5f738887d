import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL

/// Instance migration for coordinators: `POST /api/definitions/{processId}/migrations`.
extension API {
    /// The most instances one request may name (the dry run of the benchmark has 10 000).
    static let maxMigrationInstances = 10_000

    /// The body of a migration request, read with every problem at once.
    struct MigrationRequest {
        var from: Int
        var to: Int
        var dryRun: Bool
        var tickets: [MigrationTicket]?

        static func read(_ object: [String: Value]) throws -> MigrationRequest {
            var fields = BodyFields(object)
            let from = fields.integer("from", label: "Von Version", max: 999_999)
            let to = fields.integer("to", label: "Auf Version", max: 999_999)
            let dryRun = fields.bool("dryRun", label: "Probelauf")
            let items = fields.optionalList("instances", label: "Fälle", maxCount: API.maxMigrationInstances)
            var problems = fields.problems
            var tickets: [MigrationTicket]?
            if let items {
                tickets = []
                for (i, item) in items.enumerated() {
                    var entry = BodyFields(item.contextValue ?? [:])
                    if item.contextValue == nil {
                        problems["instances[\(i)]"] = "Fälle: jeder Eintrag ein Objekt {\"id\": …, \"version\": …} aus dem Probelauf."
                        continue
                    }
                    let id = entry.integer("id", label: "Fall \(i + 1): Instanz", max: 999_999_999_999)
                    let version = entry.integer("version", label: "Fall \(i + 1): Stand", max: 999_999_999_999)
                    for (field, message) in entry.problems { problems["instances[\(i)].\(field)"] = message }
                    if let id, let version { tickets?.append(MigrationTicket(instanceID: id, version: version)) }
                    if problems.count > 50 { break }  // enough to show what is wrong
                }
            }
            if dryRun == false, items == nil, problems["instances"] == nil {
                problems["instances"] = "Fälle: Angabe fehlt. Für die Migration die Fälle des Probelaufs mit ihrem Stand senden ({\"id\": …, \"version\": …})."
            }
            guard problems.isEmpty, let from, let to, let dryRun else { throw APIError.invalid(problems) }
            return MigrationRequest(from: Int(from), to: Int(to), dryRun: dryRun, tickets: tickets)
        }
    }

    /// The dry run (`dryRun: true`: every running instance of `from`, movable or why not) or the
    /// migration of the instances named with the version their dry run saw.
    func migrateDefinition(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.roles.contains(.coordinator) else {
            throw APIError(.forbidden, "forbidden", "Laufende Fälle migrieren die IIZ-Koordinationsstellen.")
        }
        let processID = try Self.processIDParameter(context)
        let input = try MigrationRequest.read(try await RequestInput.jsonObject(request, context))
        let service = self.service
        var answer: [String: Value] = [
            "processId": .string(processID), "from": Rep.int(input.from), "to": Rep.int(input.to), "dryRun": .bool(input.dryRun),
        ]
        if input.dryRun {
            let plan = try await core.run(context) { try service.migrationPlan(by: caller.username, processID: processID, from: input.from, to: input.to) }
            answer["total"] = Rep.int(plan.instances.count)
            answer["movable"] = Rep.int(plan.movableCount)
            answer["instances"] = .list(plan.instances.map(Self.candidateValue))
        } else {
            let outcomes = try await core.run(context) {
                try service.migrateInstances(by: caller.username, processID: processID, from: input.from, to: input.to, instances: input.tickets ?? [])
            }
            core.metrics.command()
            answer["migrated"] = Rep.int(outcomes.filter(\.migrated).count)
            answer["refused"] = Rep.int(outcomes.filter { !$0.migrated }.count)
            answer["instances"] = .list(outcomes.map { o in
                .context([
                    "id": .number(Decimal(o.instanceID)), "businessKey": Rep.str(o.businessKey), "migrated": .bool(o.migrated),
                    "version": o.version.map { .number(Decimal($0)) } ?? .null, "reasons": .list(o.reasons.map(Value.string)),
                ])
            })
        }
        return JSONBody.response(.context(answer))
    }

    static func candidateValue(_ c: MigrationCandidate) -> Value {
        .context([
            "id": .number(Decimal(c.instanceID)), "businessKey": Rep.str(c.businessKey), "version": .number(Decimal(c.version)),
            "canMove": .bool(c.canMove), "reasons": .list(c.reasons.map(Value.string)),
            "waits": .list(c.waits.map { .context(["elementId": .string($0.elementID), "name": Rep.str($0.name)]) }),
        ])
    }

    /// `processId` of the path; anything that cannot be a process id is not found.
    static func processIDParameter(_ context: AppContext) throws -> String {
        guard let id = context.parameters.get("processId"), !id.isEmpty, id.utf8.count <= 64,
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw APIError.notFound("Definition") }
        return id
    }
}
