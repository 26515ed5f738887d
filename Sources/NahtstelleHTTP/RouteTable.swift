import Foundation
import Hummingbird
import NahtstelleFEEL

/// One route of the API: what `GET /api/openapi.json` says about it and the handler that
/// serves it. The router and the OpenAPI document are both made from this one table, so they
/// cannot drift apart.
struct Route: Sendable {
    typealias Handler = @Sendable (Request, AppContext) async throws -> Response

    struct Parameter: Sendable {
        var name: String
        var description: String
        var schema: Value
        var required: Bool = false
    }

    var method: HTTPRequest.Method
    /// OpenAPI syntax: `/api/tasks/{id}`.
    var path: String
    var summary: String
    var tag: String
    /// Needs a signed-in caller (401 without).
    var authenticated: Bool = true
    var query: [Parameter] = []
    /// JSON schema of the request body, if any.
    var body: Value? = nil
    /// The body's content type (a BPMN upload is XML).
    var bodyType: String = "application/json"
    /// Status → description; the error statuses each route can give.
    var responses: [Int: String]
    /// Content types of the 2xx answer.
    var produces: [String] = ["application/json"]
    /// Schema of a JSON answer that is no object (default: any object).
    var jsonSchema: Value? = nil
    var handler: Handler

    /// Hummingbird syntax: `/api/tasks/:id`.
    var routerPath: String {
        path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
    }

    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }
}

/// JSON schema helpers for the route table.
enum Schema {
    static let string: Value = .context(["type": "string"])
    static let integer: Value = .context(["type": "integer", "minimum": .number(1)])
    static let date: Value = .context(["type": "string", "format": "date", "description": "JJJJ-MM-TT (auch TT.MM.JJJJ)"])
    static func text(maxLength: Int, pattern: String? = nil, minLength: Int = 0) -> Value {
        var schema: [String: Value] = ["type": "string", "maxLength": .number(Decimal(maxLength))]
        if minLength > 0 { schema["minLength"] = .number(Decimal(minLength)) }
        if let pattern { schema["pattern"] = .string(pattern) }
        return .context(schema)
    }
    static func integer(max: Int) -> Value { .context(["type": "integer", "minimum": .number(1), "maximum": .number(Decimal(max))]) }
    static let anyObject: Value = .context(["type": "object"])
    /// The schema, or `null`.
    static func nullable(_ schema: Value) -> Value { .context(["anyOf": .list([schema, .context(["type": "null"])])]) }
    static func enumeration(_ values: [String]) -> Value { .context(["type": "string", "enum": .list(values.map(Value.string))]) }
    static func object(_ properties: [String: Value], required: [String], additional: Bool = false) -> Value {
        .context([
            "type": "object", "properties": .context(properties), "required": .list(required.map(Value.string)),
            "additionalProperties": .bool(additional),
        ])
    }
}
