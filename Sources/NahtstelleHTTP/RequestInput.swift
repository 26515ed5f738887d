import Foundation
import Hummingbird
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// Reading request input: a JSON object body (1 MB at most), path ids and query parameters,
/// each with an error that names what is wrong and how to fix it.
enum RequestInput {
    /// The body as a JSON object. 415 without a JSON content type, 413 over 1 MB, 400 with the
    /// position for malformed JSON, 400 for anything but an object.
    static func jsonObject(_ request: Request, _ context: AppContext) async throws -> [String: Value] {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, "unsupported-media-type",
                           "Erwartet wird JSON: bitte den Header «Content-Type: application/json» setzen.")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        let value: Value
        do { value = try Value.parseJSON(bytes: bytes) } catch {
            throw APIError(.badRequest, "malformed-json", "\(error.description). Bitte gültiges JSON senden.")
        }
        guard case .context(let object) = value else {
            throw APIError(.badRequest, "malformed-json", "Erwartet wird ein JSON-Objekt {…}, nicht \(value.typeName).")
        }
        return object
    }

    /// A positive numeric id from the path; anything else is 404 (never a hint about other ids).
    static func id(_ context: AppContext, _ what: String) throws -> Int64 {
        guard let text = context.parameters.get("id"), text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let id = Int64(text), id > 0
        else { throw APIError.notFound(what) }
        return id
    }

    /// A case id from the path (`OPT-2026-0001`); anything else is 404.
    static func caseID(_ context: AppContext) throws -> String {
        guard let text = context.parameters.get("id"), text.utf8.count <= 32, text.hasPrefix("OPT-"),
            text.utf8.dropFirst(4).allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { throw APIError.notFound("Fall") }
        return text
    }

    /// Query parameters; unknown names are refused so that typos do not silently filter nothing.
    static func query(_ request: Request, allowed: Set<String>) throws -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw APIError.badParameter(name, "unbekannter Parameter. Erlaubt: \(allowed.sorted().joined(separator: ", ")).")
            }
            out[name] = String(value)
        }
        return out
    }

    static func limit(_ params: [String: String], default value: Int = 50, max: Int = 200) throws -> Int {
        guard let text = params["limit"] else { return value }
        guard let n = Int(text), n >= 1, n <= max else { throw APIError.badParameter("limit", "eine Zahl von 1 bis \(max) angeben.") }
        return n
    }

    static func localDate(_ params: [String: String], _ name: String) throws -> LocalDate? {
        guard let text = params[name] else { return nil }
        if let d = FormDefinition.parseDate(.string(text)) { return d }
        throw APIError.badParameter(name, "kein gültiges Datum; bitte JJJJ-MM-TT oder TT.MM.JJJJ angeben.")
    }
}

/// Fields of a JSON object body, read one by one: every error is collected and reported at
/// once (422), unknown fields included.
struct BodyFields {
    let object: [String: Value]
    private(set) var errors: [String: String] = [:]
    private var read: Set<String> = []

    init(_ object: [String: Value]) { self.object = object }

    mutating func string(_ key: String, label: String, required: Bool = true, maxLength: Int = 200) -> String? {
        read.insert(key)
        switch object[key] {
        case nil, .null?:
            if required { errors[key] = "\(label): Angabe fehlt." }
            return nil
        case .string(let s)?:
            if required && s.isEmpty { errors[key] = "\(label): Angabe fehlt."; return nil }
            if s.count > maxLength { errors[key] = "\(label): höchstens \(maxLength) Zeichen."; return nil }
            return s
        case let other?:
            errors[key] = "\(label): erwartet wird Text, nicht \(other.typeName)."
            return nil
        }
    }

    mutating func object(_ key: String, label: String) -> [String: Value]? {
        read.insert(key)
        switch object[key] {
        case nil, .null?:
            errors[key] = "\(label): Angabe fehlt (ein JSON-Objekt {…})."
            return nil
        case .context(let c)?:
            return c
        case let other?:
            errors[key] = "\(label): erwartet wird ein JSON-Objekt {…}, nicht \(other.typeName)."
            return nil
        }
    }

    mutating func bool(_ key: String, label: String) -> Bool? {
        read.insert(key)
        switch object[key] {
        case nil, .null?:
            errors[key] = "\(label): Angabe fehlt (true oder false)."
            return nil
        case .bool(let b)?:
            return b
        case let other?:
            errors[key] = "\(label): erwartet wird true oder false, nicht \(other.typeName)."
            return nil
        }
    }

    /// A whole number from `min` to `max`.
    mutating func integer(_ key: String, label: String, min: Int64 = 1, max: Int64) -> Int64? {
        read.insert(key)
        switch object[key] {
        case nil, .null?:
            errors[key] = "\(label): Angabe fehlt (eine ganze Zahl von \(min) bis \(max))."
            return nil
        case .number(let n)?:
            guard let whole = BodyFields.wholeNumber(n), whole >= min, whole <= max else {
                errors[key] = "\(label): erwartet wird eine ganze Zahl von \(min) bis \(max)."
                return nil
            }
            return whole
        case let other?:
            errors[key] = "\(label): erwartet wird eine ganze Zahl, nicht \(other.typeName)."
            return nil
        }
    }

    /// `n` as an `Int64` when it is a whole number that fits.
    static func wholeNumber(_ n: Decimal) -> Int64? {
        guard n.isFinite, n >= Decimal(Int64.min), n <= Decimal(Int64.max) else { return nil }
        var value = n, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        guard rounded == n else { return nil }
        return NSDecimalNumber(decimal: n).int64Value
    }

    /// An optional list (absent or `null`: `nil`) of at most `maxCount` entries.
    mutating func optionalList(_ key: String, label: String, maxCount: Int) -> [Value]? {
        read.insert(key)
        switch object[key] {
        case nil, .null?:
            return nil
        case .list(let items)?:
            guard items.count <= maxCount else {
                errors[key] = "\(label): höchstens \(maxCount) Einträge."
                return nil
            }
            return items
        case let other?:
            errors[key] = "\(label): erwartet wird eine Liste […], nicht \(other.typeName)."
            return nil
        }
    }

    /// An amount in CHF: a JSON number from 0 to `max`, at most to the Rappen.
    mutating func amount(_ key: String, label: String, max: Decimal) -> Decimal? {
        read.insert(key)
        switch object[key] {
        case nil, .null?:
            errors[key] = "\(label): Angabe fehlt (Betrag in CHF, z. B. 227.00)."
            return nil
        case .number(let n)?:
            var scaled = n * 100, rounded = Decimal()
            NSDecimalRound(&rounded, &scaled, 0, .plain)
            guard n >= 0, n <= max, rounded == scaled else {
                errors[key] = "\(label): ein Betrag von CHF 0.00 bis \(SwissFormat.chf(max)), höchstens auf den Rappen genau."
                return nil
            }
            return n
        case let other?:
            errors[key] = "\(label): erwartet wird ein Betrag als Zahl, nicht \(other.typeName)."
            return nil
        }
    }

    /// An object whose own fields are read by `readFields`; their problems are reported as
    /// `key.field` (unknown ones included).
    mutating func object<T>(_ key: String, label: String, _ readFields: (inout BodyFields) -> T?) -> T? {
        guard let inner = object(key, label: label) else { return nil }
        var fields = BodyFields(inner)
        let value = readFields(&fields)
        for (field, message) in fields.problems { errors[key + "." + field] = message }
        return value
    }

    /// Every error so far, unknown fields included.
    var problems: [String: String] {
        var all = errors
        for key in object.keys where !read.contains(key) {
            all[key] = "Unbekanntes Feld «\(key)». Erlaubt: \(read.sorted().joined(separator: ", "))."
        }
        return all
    }

    /// Throws 422 with every error, unknown fields included.
    func finish() throws {
        let all = problems
        if !all.isEmpty { throw APIError.invalid(all) }
    }
}
