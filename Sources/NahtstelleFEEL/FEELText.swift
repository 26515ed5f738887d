import Foundation

/// FEEL's text form of values, as `string(x)` returns it.
enum FEELText {
    /// Strings as they are; everything else in FEEL literal form (`2026-01-31`, `P10D`, `[1, 2]`).
    static func string(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return literal(v)
    }

    /// Like `string(_:)`, but strings are quoted, as they appear inside lists and contexts.
    static func literal(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return Value.canonical(n)
        case .string(let s):
            var out = [UInt8]()
            Value.writeString(s, into: &out)
            return String(decoding: out, as: UTF8.self)
        case .date(let d): return d.description
        case .dateTime(let t): return Value.isoDateTime(t)
        case .yearMonthDuration(let m): return Value.isoDuration(months: m)
        case .dayTimeDuration(let s): return Value.isoDuration(seconds: s)
        case .list(let items): return "[" + items.map(literal).joined(separator: ", ") + "]"
        case .context(let members):
            return "{" + members.keys.sorted().map { key in "\(key): \(literal(members[key] ?? .null))" }.joined(separator: ", ") + "}"
        }
    }
}
