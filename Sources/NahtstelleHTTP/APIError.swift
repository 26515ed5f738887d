import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleFEEL

/// An error answer of the API: `{"error": {"code", "message", "fields"}}`, German messages.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var fields: [String: String]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, fields: [String: String] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: Value] = ["code": .string(code), "message": .string(message)]
        if !fields.isEmpty { error["fields"] = .context(fields.mapValues(Value.string)) }
        var response = JSONBody.response(.context(["error": .context(error)]), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The one table from the application's error codes to HTTP statuses.
    static let statusByCode: [CaseServiceError.Code: HTTPResponse.Status] = [
        .invalidForm: .unprocessableContent,
        .ruleViolation: .unprocessableContent,
        .documentFailed: .unprocessableContent,
        .invalidInput: .badRequest,
        .forbidden: .forbidden,
        .notFound: .notFound,
        .conflict: .conflict,
        .processFailed: .internalServerError,
    ]

    init(_ error: CaseServiceError) {
        let status = Self.statusByCode[error.code] ?? .internalServerError
        var fields: [String: String] = [:]
        for f in error.fieldErrors {
            fields[f.field] = fields[f.field].map { $0 + " " + f.message } ?? f.message
        }
        if fields.isEmpty, let field = error.field, status != .notFound { fields[field] = error.message }
        self.init(status, error.code.rawValue, error.message, fields: fields)
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not-found", "\(what) nicht gefunden. Bitte die Adresse prüfen.")
    }

    static func invalid(_ fields: [String: String]) -> APIError {
        APIError(.unprocessableContent, "invalid-request",
                 "Die Anfrage ist fehlerhaft (\(fields.count) \(fields.count == 1 ? "Angabe" : "Angaben")). Bitte korrigieren und erneut senden.",
                 fields: fields)
    }

    static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, "invalid-parameter", "Parameter «\(name)»: \(message)", fields: [name: message])
    }
}

/// JSON answers, written from `Value` (the same writer the engine uses).
enum JSONBody {
    static func response(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        response(bytes(value), status: status)
    }

    /// A JSON answer already written (`bytes`).
    static func response(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    /// `value` as the API writes JSON: sorted keys, `< > & '` escaped, one line.
    static func bytes(_ value: Value) -> ByteBuffer {
        var out = [UInt8]()
        out.reserveCapacity(256)
        value.writeJSON(into: &out, tagged: false, sortedKeys: true)
        // < > & ' occur in JSON only inside strings: written as \u escapes, no browser can take
        // an answer for HTML or script.
        if out.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x27 }) {
            var escaped = [UInt8]()
            escaped.reserveCapacity(out.count + 32)
            for byte in out {
                switch byte {
                case 0x3C: escaped += Array("\\u003c".utf8)
                case 0x3E: escaped += Array("\\u003e".utf8)
                case 0x26: escaped += Array("\\u0026".utf8)
                case 0x27: escaped += Array("\\u0027".utf8)
                default: escaped.append(byte)
                }
            }
            out = escaped
        }
        out.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: out)
    }
}
