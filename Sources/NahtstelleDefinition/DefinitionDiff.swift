import NahtstelleXML

/// What changed between two versions of a definition, element by element (by id): added,
/// removed, and changed (attributes such as name, role, due date, or the content without ids,
/// such as a condition or a timer). The drawing (BPMN DI) is not compared.
public struct DefinitionDiff: Sendable, Hashable {
    public struct Element: Sendable, Hashable {
        public var id: String
        public var kind: String
        public var name: String
        /// For changed elements: what changed, in words (`name: «A» → «B»`).
        public var changes: [String]
    }

    public var added: [Element]
    public var removed: [Element]
    public var changed: [Element]

    struct Snapshot {
        var kind: String
        var name: String
        var attributes: [String: String]
        var content: String
    }

    static func snapshot(_ bytes: [UInt8]) -> [String: Snapshot]? {
        guard let document = try? XMLDocument(bytes: bytes, fileName: "definition.bpmn"), let root = document.root else { return nil }
        var out: [String: Snapshot] = [:]
        func content(_ e: XMLElement) -> String {
            // Children without an id of their own (conditions, timer and event definitions, documentation).
            e.children.filter { $0.attribute("id") == nil || $0.localName.hasSuffix("EventDefinition") }.map { c in
                "<\(c.localName) " + c.attributes.map { "\($0.localName)=\($0.value)" }.sorted().joined(separator: " ") + ">"
                    + (c.children.isEmpty ? c.text.trimmingCharacters(in: .whitespacesAndNewlines) : content(c))
            }.joined()
        }
        func walk(_ e: XMLElement) {
            if e.namespaceURI == Namespace.bpmnDI { return }
            if let id = e.attribute("id"), e.namespaceURI == Namespace.bpmn, e.localName != "definitions" {
                var attributes: [String: String] = [:]
                for a in e.attributes where a.localName != "id" {
                    attributes[(a.namespaceURI == Namespace.bpmn || a.namespaceURI == nil ? "" : "\(prefix(a.namespaceURI)):") + a.localName] = a.value
                }
                out[id] = Snapshot(kind: e.localName, name: e.attribute("name") ?? "", attributes: attributes, content: content(e))
            }
            for c in e.children { walk(c) }
        }
        walk(root)
        return out
    }

    static func prefix(_ uri: String?) -> String {
        guard let uri else { return "" }
        if uri.contains("nahtstelle") { return "nahtstelle" }
        if uri.contains("camunda") { return "camunda" }
        if uri.contains("zeebe") { return "zeebe" }
        return "ext"
    }

    /// `nil` when either file is not readable XML.
    public static func compare(old: [UInt8], new: [UInt8]) -> DefinitionDiff? {
        guard let a = snapshot(old), let b = snapshot(new) else { return nil }
        func element(_ id: String, _ s: Snapshot, _ changes: [String] = []) -> Element {
            Element(id: id, kind: s.kind, name: s.name, changes: changes)
        }
        var changed: [Element] = []
        for id in Set(a.keys).intersection(b.keys).sorted() {
            let x = a[id]!, y = b[id]!
            var changes: [String] = []
            if x.kind != y.kind { changes.append("Art: \(x.kind) → \(y.kind)") }
            for key in Set(x.attributes.keys).union(y.attributes.keys).sorted() where x.attributes[key] != y.attributes[key] {
                changes.append("\(key): «\(x.attributes[key] ?? "–")» → «\(y.attributes[key] ?? "–")»")
            }
            if x.content != y.content { changes.append("Inhalt (Bedingung, Frist oder Ereignis) geändert") }
            if !changes.isEmpty { changed.append(element(id, y, changes)) }
        }
        return DefinitionDiff(added: Set(b.keys).subtracting(a.keys).sorted().map { element($0, b[$0]!) },
                              removed: Set(a.keys).subtracting(b.keys).sorted().map { element($0, a[$0]!) }, changed: changed)
    }
}
