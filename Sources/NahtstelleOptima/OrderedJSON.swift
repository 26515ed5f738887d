import NahtstelleFEEL

/// A JSON value whose object keys keep their order, so reports and exports read in the
/// order of the pilot's layout and diff cleanly.
enum OrderedJSON: Sendable, Hashable {
    case object([(String, OrderedJSON)])
    case array([OrderedJSON])
    case int(Int)
    /// A number already in JSON form (e.g. `1250.00`, `7.5`).
    case number(String)
    case string(String)
    case bool(Bool)
    case null

    static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.render(pretty: false) == b.render(pretty: false) }
    func hash(into hasher: inout Hasher) { hasher.combine(render(pretty: false)) }

    func render(pretty: Bool) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: 0)
        if pretty { out += "\n" }
        return out
    }

    private func write(into out: inout String, pretty: Bool, indent: Int) {
        let newline = pretty ? "\n" : ""
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        switch self {
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{" + newline
            for (index, (key, value)) in members.enumerated() {
                out += pad + Value.string(key).jsonString() + (pretty ? ": " : ":")
                value.write(into: &out, pretty: pretty, indent: indent + 1)
                out += (index < members.count - 1 ? "," : "") + newline
            }
            out += closePad + "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + newline
            for (index, item) in items.enumerated() {
                out += pad
                item.write(into: &out, pretty: pretty, indent: indent + 1)
                out += (index < items.count - 1 ? "," : "") + newline
            }
            out += closePad + "]"
        case .int(let n): out += String(n)
        case .number(let text): out += text
        case .string(let s): out += Value.string(s).jsonString()
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}
