import Foundation
import NahtstelleXML

/// The drawing of a definition as its modeler left it (BPMN DI): shapes with bounds, edges with
/// waypoints, and what each shape stands for (kind, name, event type). Read from the same
/// hardened XML parser as the definitions; nothing here executes.
public struct Diagram: Sendable, Hashable {
    public struct Bounds: Sendable, Hashable {
        public var x, y, width, height: Double
        public var maxX: Double { x + width }
        public var maxY: Double { y + height }
        public var midX: Double { x + width / 2 }
        public var midY: Double { y + height / 2 }
    }

    public struct Point: Sendable, Hashable {
        public var x, y: Double
    }

    /// What a shape or edge stands for.
    public struct Element: Sendable, Hashable {
        /// The BPMN element's local name (`userTask`, `startEvent`, `exclusiveGateway`, `lane`, …).
        public var kind: String
        public var name: String
        /// For events: `timer`, `message`, `error`, `terminate`, `signal`, `escalation`, `conditional` or `""`.
        public var eventType: String
        /// Boundary events that do not cancel their activity.
        public var nonInterrupting: Bool
        /// Sequence flows: the default flow of its gateway or task; has a condition.
        public var isDefault: Bool
        public var isConditional: Bool
    }

    public struct Shape: Sendable, Hashable {
        public var elementID: String
        public var element: Element
        public var bounds: Bounds
        public var labelBounds: Bounds?
        public var isHorizontal: Bool
    }

    public struct Edge: Sendable, Hashable {
        public var elementID: String
        public var element: Element
        public var waypoints: [Point]
        public var labelBounds: Bounds?
    }

    public var shapes: [Shape]
    public var edges: [Edge]

    /// The smallest rectangle around every shape, edge and label.
    public var extent: Bounds? {
        var xs: [Double] = [], ys: [Double] = []
        for s in shapes {
            xs += [s.bounds.x, s.bounds.maxX]; ys += [s.bounds.y, s.bounds.maxY]
            if let l = s.labelBounds { xs += [l.x, l.maxX]; ys += [l.y, l.maxY] }
        }
        for e in edges {
            xs += e.waypoints.map(\.x); ys += e.waypoints.map(\.y)
            if let l = e.labelBounds { xs += [l.x, l.maxX]; ys += [l.y, l.maxY] }
        }
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return nil }
        return Bounds(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    public enum ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The file is not well-formed XML (or not allowed: entities, size).
        case unreadable(String)
        /// The file has no BPMN DI (shapes) for this process.
        case noDiagram
        public var description: String {
            switch self {
            case .unreadable(let why): "Die Datei ist nicht lesbar: \(why)"
            case .noDiagram:
                "Die Definition enthält kein Diagramm (BPMN DI). Im Modeler (z. B. Camunda Modeler) öffnen und speichern: Er legt die Zeichnung an."
            }
        }
    }

    static let diNamespace = "http://www.omg.org/spec/BPMN/20100524/DI"
    static let dcNamespace = "http://www.omg.org/spec/DD/20100524/DC"
    static let ddiNamespace = "http://www.omg.org/spec/DD/20100524/DI"

    /// Reads the diagram of `bytes`. When a file holds several diagrams, the shapes of all are
    /// taken (modelers write one per file).
    public static func read(bytes: [UInt8], fileName: String = "definition.bpmn") throws(ReadError) -> Diagram {
        let document: XMLDocument
        do { document = try XMLDocument(bytes: bytes, fileName: fileName) } catch { throw .unreadable(error.message) }
        guard let root = document.root else { throw .unreadable("kein Wurzelelement") }
        var elements: [String: Element] = [:]
        var defaults: Set<String> = []
        var diagramRoots: [XMLElement] = []

        func collect(_ node: XMLElement) {
            if node.namespaceURI == diNamespace {
                if node.localName == "BPMNDiagram" { diagramRoots.append(node) }
                return
            }
            guard node.namespaceURI == Namespace.bpmn else { return }
            if let d = node.attribute("default") { defaults.insert(d) }
            if let id = node.attribute("id") {
                var eventType = ""
                for child in node.children where child.namespaceURI == Namespace.bpmn && child.localName.hasSuffix("EventDefinition") {
                    eventType = String(child.localName.dropLast("EventDefinition".count))
                }
                let conditional = node.localName == "sequenceFlow" && node.child("conditionExpression", in: Namespace.bpmn) != nil
                elements[id] = Element(kind: node.localName, name: node.attribute("name") ?? "", eventType: eventType,
                                       nonInterrupting: node.attribute("cancelActivity") == "false", isDefault: false,
                                       isConditional: conditional)
            }
            for child in node.children { collect(child) }
        }
        collect(root)
        for id in defaults { elements[id]?.isDefault = true }

        func bounds(_ node: XMLElement?) -> Bounds? {
            guard let b = node?.child("Bounds", in: dcNamespace),
                let x = b.attribute("x").flatMap(Double.init), let y = b.attribute("y").flatMap(Double.init),
                let w = b.attribute("width").flatMap(Double.init), let h = b.attribute("height").flatMap(Double.init),
                [x, y, w, h].allSatisfy({ $0.isFinite && abs($0) < 1e7 }), w >= 0, h >= 0
            else { return nil }
            return Bounds(x: x, y: y, width: w, height: h)
        }

        var shapes: [Shape] = [], edges: [Edge] = []
        func walk(_ node: XMLElement) {
            for child in node.children where child.namespaceURI == diNamespace {
                switch child.localName {
                case "BPMNShape":
                    guard let ref = child.attribute("bpmnElement"), let b = bounds(child) else { continue }
                    let element = elements[ref] ?? Element(kind: "unknown", name: "", eventType: "", nonInterrupting: false, isDefault: false,
                                                           isConditional: false)
                    shapes.append(Shape(elementID: ref, element: element, bounds: b,
                                        labelBounds: bounds(child.child("BPMNLabel", in: diNamespace)),
                                        isHorizontal: child.attribute("isHorizontal") != "false"))
                case "BPMNEdge":
                    guard let ref = child.attribute("bpmnElement") else { continue }
                    let points = child.children("waypoint", in: ddiNamespace).compactMap { p -> Point? in
                        guard let x = p.attribute("x").flatMap(Double.init), let y = p.attribute("y").flatMap(Double.init),
                            x.isFinite, y.isFinite, abs(x) < 1e7, abs(y) < 1e7 else { return nil }
                        return Point(x: x, y: y)
                    }
                    guard points.count >= 2 else { continue }
                    let element = elements[ref] ?? Element(kind: "sequenceFlow", name: "", eventType: "", nonInterrupting: false,
                                                           isDefault: false, isConditional: false)
                    edges.append(Edge(elementID: ref, element: element, waypoints: points,
                                      labelBounds: bounds(child.child("BPMNLabel", in: diNamespace))))
                default:
                    walk(child)
                }
            }
        }
        for d in diagramRoots { walk(d) }
        guard !shapes.isEmpty else { throw .noDiagram }
        // Containers first, so that tasks are drawn on top of their pool and lanes.
        let order = ["participant": 0, "lane": 1, "subProcess": 2]
        shapes.sort { (order[$0.element.kind] ?? 3) < (order[$1.element.kind] ?? 3) }
        return Diagram(shapes: shapes, edges: edges)
    }
}
