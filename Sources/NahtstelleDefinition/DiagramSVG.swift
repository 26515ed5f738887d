import Foundation

/// Draws a `Diagram` as SVG, in pure Swift: pools and lanes, tasks (rounded, names wrapped),
/// events with their markers, gateways, flows along their waypoints with arrowheads, labels.
/// Each element is a `<g data-element-id="…">`; optional overlays per element (instances waiting,
/// open and overdue tasks, as Camunda Cockpit shows them), the path a case took and where it is.
public enum DiagramSVG {
    /// What a node shows in its badges.
    public struct Counts: Sendable, Hashable {
        public var waiting: Int
        public var open: Int
        public var overdue: Int
        public init(waiting: Int = 0, open: Int = 0, overdue: Int = 0) {
            self.waiting = waiting
            self.open = open
            self.overdue = overdue
        }
    }

    public struct Options: Sendable {
        public var counts: [String: Counts] = [:]
        /// Elements (nodes and flows) a case passed.
        public var path: Set<String> = []
        /// Where a case waits now.
        public var current: Set<String> = []
        /// Elements to mark as having a problem (validation).
        public var problems: Set<String> = []
        /// The SVG's accessible title.
        public var title: String = "Prozessdiagramm"
        public init() {}
    }

    public static func render(_ diagram: Diagram, _ options: Options = Options()) -> String {
        let extent = diagram.extent ?? Diagram.Bounds(x: 0, y: 0, width: 100, height: 100)
        let margin = 20.0
        let vx = extent.x - margin, vy = extent.y - margin - 10, vw = extent.width + 2 * margin, vh = extent.height + 2 * margin + 10
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="\(n(vx)) \(n(vy)) \(n(vw)) \(n(vh))" width="\(n(vw))" height="\(n(vh))" \
            role="img" aria-labelledby="diagram-title" class="bpmn" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">
            <title id="diagram-title">\(escape(options.title))</title>
            <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">\
            <path d="M0,0 L10,5 L0,10 z" fill="#1b1f24"/></marker>
            <marker id="arrow-open" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">\
            <path d="M0,0 L10,5 L0,10" fill="none" stroke="#1b1f24"/></marker>
            <marker id="circle-start" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7" markerHeight="7">\
            <circle cx="5" cy="5" r="4" fill="#fff" stroke="#1b1f24"/></marker>
            </defs>
            <style>
            .bpmn .shape { fill: #fff; stroke: #1b1f24; stroke-width: 1.5; }
            .bpmn .container { fill: none; stroke: #4d5560; stroke-width: 1.2; }
            .bpmn .flow { fill: none; stroke: #1b1f24; stroke-width: 1.3; }
            .bpmn .message-flow { fill: none; stroke: #4d5560; stroke-width: 1.2; stroke-dasharray: 6 4; }
            .bpmn .passed .shape, .bpmn .passed.flow-g .flow { stroke: #1d6b2f; stroke-width: 2.5; }
            .bpmn .current .shape { stroke: #d48a00; stroke-width: 4; fill: #fff3d6; }
            .bpmn .problem .shape { stroke: #a4161a; stroke-width: 3; fill: #fde8e8; }
            .bpmn text { fill: #1b1f24; }
            .bpmn .badge-waiting { fill: #0b4f8a; } .bpmn .badge-open { fill: #4d5560; } .bpmn .badge-overdue { fill: #a4161a; }
            .bpmn .badge-text { fill: #fff; font-size: 11px; font-weight: bold; }
            </style>

            """
        for shape in diagram.shapes { out += node(shape, options) }
        for edge in diagram.edges { out += flow(edge, options) }
        for shape in diagram.shapes where options.counts[shape.elementID] != nil { out += badges(shape, options.counts[shape.elementID]!) }
        out += "</svg>\n"
        return out
    }

    // MARK: Nodes

    static func classes(_ id: String, _ base: String, _ options: Options) -> String {
        var c = [base]
        if options.path.contains(id) { c.append("passed") }
        if options.current.contains(id) { c.append("current") }
        if options.problems.contains(id) { c.append("problem") }
        return c.joined(separator: " ")
    }

    static func node(_ s: Diagram.Shape, _ options: Options) -> String {
        let b = s.bounds, e = s.element
        var g = "<g data-element-id=\"\(escape(s.elementID))\" class=\"\(classes(s.elementID, "node " + escape(e.kind), options))\">"
        g += "<title>\(escape(e.name.isEmpty ? s.elementID : e.name))</title>"
        switch e.kind {
        case "participant", "lane":
            g += "<rect class=\"container\" x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.width))\" height=\"\(n(b.height))\"/>"
            if s.isHorizontal {
                g += "<line class=\"container\" x1=\"\(n(b.x + 30))\" y1=\"\(n(b.y))\" x2=\"\(n(b.x + 30))\" y2=\"\(n(b.maxY))\"/>"
                g += "<text x=\"\(n(b.x + 19))\" y=\"\(n(b.midY))\" text-anchor=\"middle\" transform=\"rotate(-90 \(n(b.x + 19)) \(n(b.midY)))\">"
                    + "\(escape(clip(e.name, Int(b.height / 7))))</text>"
            } else {
                g += "<text x=\"\(n(b.midX))\" y=\"\(n(b.y + 18))\" text-anchor=\"middle\">\(escape(e.name))</text>"
            }
        case _ where e.kind.hasSuffix("Event"):
            let r = min(b.width, b.height) / 2
            let cx = b.midX, cy = b.midY
            let width = e.kind == "endEvent" ? 3.5 : 1.5
            let dash = e.nonInterrupting ? " stroke-dasharray=\"4 3\"" : ""
            g += "<circle class=\"shape\" cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" stroke-width=\"\(width)\"\(dash)/>"
            if e.kind == "intermediateCatchEvent" || e.kind == "intermediateThrowEvent" || e.kind == "boundaryEvent" {
                g += "<circle class=\"shape\" cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r - 3))\"\(dash)/>"
            }
            g += marker(e.eventType, cx: cx, cy: cy, r: r, filled: e.kind == "endEvent" || e.kind == "intermediateThrowEvent")
            g += label(s, below: true)
        case _ where e.kind.hasSuffix("Gateway"):
            let cx = b.midX, cy = b.midY
            g += "<path class=\"shape\" d=\"M\(n(cx)),\(n(b.y)) L\(n(b.maxX)),\(n(cy)) L\(n(cx)),\(n(b.maxY)) L\(n(b.x)),\(n(cy)) Z\"/>"
            let k = b.width * 0.2
            switch e.kind {
            case "parallelGateway":
                g += "<path d=\"M\(n(cx - k)),\(n(cy)) H\(n(cx + k)) M\(n(cx)),\(n(cy - k)) V\(n(cy + k))\" stroke=\"#1b1f24\" stroke-width=\"3\"/>"
            case "inclusiveGateway":
                g += "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(k))\" fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"2.5\"/>"
            case "eventBasedGateway":
                g += "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(k * 1.2))\" fill=\"none\" stroke=\"#1b1f24\"/>"
                g += "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(k))\" fill=\"none\" stroke=\"#1b1f24\"/>"
            default:
                g += "<path d=\"M\(n(cx - k * 0.8)),\(n(cy - k * 0.8)) L\(n(cx + k * 0.8)),\(n(cy + k * 0.8)) M\(n(cx + k * 0.8)),\(n(cy - k * 0.8)) "
                    + "L\(n(cx - k * 0.8)),\(n(cy + k * 0.8))\" stroke=\"#1b1f24\" stroke-width=\"3\"/>"
            }
            g += label(s, below: true)
        case "textAnnotation":
            g += "<path class=\"flow\" d=\"M\(n(b.x + 15)),\(n(b.y)) H\(n(b.x)) V\(n(b.maxY)) H\(n(b.x + 15))\"/>"
            g += wrapped(e.name, in: Diagram.Bounds(x: b.x + 4, y: b.y, width: b.width - 6, height: b.height), anchorStart: true)
        case "dataObjectReference", "dataStoreReference":
            g += "<path class=\"shape\" d=\"M\(n(b.x)),\(n(b.y)) H\(n(b.maxX - 10)) L\(n(b.maxX)),\(n(b.y + 10)) V\(n(b.maxY)) H\(n(b.x)) Z\"/>"
            g += label(s, below: true)
        default:
            // Activities: tasks, sub-processes, call activities.
            let expanded = e.kind == "subProcess" && b.width > 200
            g += "<rect class=\"shape\" x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.width))\" height=\"\(n(b.height))\" rx=\"10\" ry=\"10\""
                + (e.kind == "callActivity" ? " stroke-width=\"4\"" : "") + (expanded ? " fill-opacity=\"0\"" : "") + "/>"
            g += taskIcon(e.kind, x: b.x + 6, y: b.y + 6)
            if expanded {
                g += "<text x=\"\(n(b.x + 10))\" y=\"\(n(b.y + 18))\">\(escape(e.name))</text>"
            } else {
                g += wrapped(e.name, in: Diagram.Bounds(x: b.x + 4, y: b.y + 14, width: b.width - 8, height: b.height - 16))
            }
        }
        return g + "</g>\n"
    }

    static func taskIcon(_ kind: String, x: Double, y: Double) -> String {
        switch kind {
        case "userTask":
            return "<g class=\"icon\" fill=\"none\" stroke=\"#1b1f24\"><circle cx=\"\(n(x + 7))\" cy=\"\(n(y + 5))\" r=\"4\"/>"
                + "<path d=\"M\(n(x)),\(n(y + 17)) Q\(n(x + 7)),\(n(y + 6)) \(n(x + 14)),\(n(y + 17)) Z\"/></g>"
        case "serviceTask", "sendTask", "scriptTask", "businessRuleTask":
            return "<g class=\"icon\" fill=\"none\" stroke=\"#1b1f24\"><circle cx=\"\(n(x + 7))\" cy=\"\(n(y + 7))\" r=\"6\" stroke-dasharray=\"3 2\"/>"
                + "<circle cx=\"\(n(x + 7))\" cy=\"\(n(y + 7))\" r=\"2.5\"/></g>"
        case "receiveTask":
            return "<rect x=\"\(n(x))\" y=\"\(n(y + 2))\" width=\"14\" height=\"10\" fill=\"none\" stroke=\"#1b1f24\"/>"
                + "<path d=\"M\(n(x)),\(n(y + 2)) L\(n(x + 7)),\(n(y + 8)) L\(n(x + 14)),\(n(y + 2))\" fill=\"none\" stroke=\"#1b1f24\"/>"
        default:
            return ""
        }
    }

    static func marker(_ type: String, cx: Double, cy: Double, r: Double, filled: Bool) -> String {
        let k = r * 0.5
        let fill = filled ? "#1b1f24" : "none"
        switch type {
        case "timer":
            return "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(k * 1.1))\" fill=\"#fff\" stroke=\"#1b1f24\"/>"
                + "<path d=\"M\(n(cx)),\(n(cy - k * 0.8)) V\(n(cy)) L\(n(cx + k * 0.6)),\(n(cy + k * 0.3))\" fill=\"none\" stroke=\"#1b1f24\"/>"
        case "message":
            return "<rect x=\"\(n(cx - k))\" y=\"\(n(cy - k * 0.7))\" width=\"\(n(2 * k))\" height=\"\(n(1.4 * k))\" fill=\"\(filled ? "#1b1f24" : "#fff")\" stroke=\"#1b1f24\"/>"
                + "<path d=\"M\(n(cx - k)),\(n(cy - k * 0.7)) L\(n(cx)),\(n(cy)) L\(n(cx + k)),\(n(cy - k * 0.7))\" fill=\"none\" stroke=\"\(filled ? "#fff" : "#1b1f24")\"/>"
        case "terminate":
            return "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(k))\" fill=\"#1b1f24\"/>"
        case "error":
            return "<path d=\"M\(n(cx - k)),\(n(cy + k)) L\(n(cx - k * 0.4)),\(n(cy - k)) L\(n(cx + k * 0.2)),\(n(cy + k * 0.2)) L\(n(cx + k)),\(n(cy - k))\" "
                + "fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"1.5\"/>"
        case "signal":
            return "<path d=\"M\(n(cx)),\(n(cy - k)) L\(n(cx + k)),\(n(cy + k * 0.7)) L\(n(cx - k)),\(n(cy + k * 0.7)) Z\" fill=\"\(fill)\" stroke=\"#1b1f24\"/>"
        case "escalation":
            return "<path d=\"M\(n(cx)),\(n(cy - k)) L\(n(cx + k * 0.7)),\(n(cy + k)) L\(n(cx)),\(n(cy + k * 0.3)) L\(n(cx - k * 0.7)),\(n(cy + k)) Z\" "
                + "fill=\"\(fill)\" stroke=\"#1b1f24\"/>"
        case "conditional":
            return "<rect x=\"\(n(cx - k * 0.7))\" y=\"\(n(cy - k))\" width=\"\(n(1.4 * k))\" height=\"\(n(2 * k))\" fill=\"none\" stroke=\"#1b1f24\"/>"
        default:
            return ""
        }
    }

    static func label(_ s: Diagram.Shape, below: Bool) -> String {
        guard !s.element.name.isEmpty else { return "" }
        let box = s.labelBounds ?? Diagram.Bounds(x: s.bounds.midX - 50, y: s.bounds.maxY + 4, width: 100, height: 30)
        return wrapped(s.element.name, in: box, small: true)
    }

    // MARK: Flows

    static func flow(_ e: Diagram.Edge, _ options: Options) -> String {
        let points = e.waypoints.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        var g = "<g data-element-id=\"\(escape(e.elementID))\" class=\"\(classes(e.elementID, "flow-g " + escape(e.element.kind), options))\">"
        if !e.element.name.isEmpty { g += "<title>\(escape(e.element.name))</title>" }
        switch e.element.kind {
        case "messageFlow":
            g += "<polyline class=\"message-flow\" points=\"\(points)\" marker-start=\"url(#circle-start)\" marker-end=\"url(#arrow-open)\"/>"
        case "association", "dataInputAssociation", "dataOutputAssociation":
            g += "<polyline class=\"message-flow\" points=\"\(points)\" stroke-dasharray=\"2 3\"/>"
        default:
            g += "<polyline class=\"flow\" points=\"\(points)\" marker-end=\"url(#arrow)\"/>"
            let a = e.waypoints[0], b = e.waypoints[1]
            let length = max(1, hypot(b.x - a.x, b.y - a.y))
            let ux = (b.x - a.x) / length, uy = (b.y - a.y) / length
            if e.element.isDefault {
                // The default flow's slash near its start.
                let mx = a.x + ux * 10, my = a.y + uy * 10
                g += "<line x1=\"\(n(mx - uy * 5 - ux * 3))\" y1=\"\(n(my + ux * 5 - uy * 3))\" x2=\"\(n(mx + uy * 5 + ux * 3))\" "
                    + "y2=\"\(n(my - ux * 5 + uy * 3))\" stroke=\"#1b1f24\" stroke-width=\"1.3\"/>"
            }
        }
        if !e.element.name.isEmpty {
            let box: Diagram.Bounds
            if let l = e.labelBounds { box = l } else {
                let mid = e.waypoints[e.waypoints.count / 2 - (e.waypoints.count.isMultiple(of: 2) ? 1 : 0)]
                box = Diagram.Bounds(x: mid.x + 4, y: mid.y - 18, width: 90, height: 16)
            }
            g += wrapped(e.element.name, in: box, small: true)
        }
        return g + "</g>\n"
    }

    // MARK: Overlays

    static func badges(_ s: Diagram.Shape, _ c: Counts) -> String {
        var items: [(String, Int, String)] = []
        if c.waiting > 0 { items.append(("badge-waiting", c.waiting, "wartende Instanzen")) }
        if c.open > 0 { items.append(("badge-open", c.open, "offene Aufgaben")) }
        if c.overdue > 0 { items.append(("badge-overdue", c.overdue, "davon überfällig")) }
        guard !items.isEmpty else { return "" }
        var x = s.bounds.maxX - 4
        var g = "<g class=\"overlay\" data-overlay-for=\"\(escape(s.elementID))\">"
        for (cls, count, what) in items.reversed() {
            let text = count > 9999 ? "9999+" : String(count)
            let w = Double(text.count) * 7 + 10
            x -= w
            g += "<g class=\"badge\"><title>\(count) \(what)</title><rect class=\"\(cls)\" x=\"\(n(x))\" y=\"\(n(s.bounds.y - 10))\" width=\"\(n(w))\" "
                + "height=\"16\" rx=\"8\"/><text class=\"badge-text\" x=\"\(n(x + w / 2))\" y=\"\(n(s.bounds.y + 2))\" text-anchor=\"middle\">"
                + "\(text)</text></g>"
            x -= 3
        }
        return g + "</g>\n"
    }

    // MARK: Text

    /// Words wrapped to the box's width (about 6.6 px per character at 12 px), centred.
    static func wrapped(_ text: String, in box: Diagram.Bounds, small: Bool = false, anchorStart: Bool = false) -> String {
        guard !text.isEmpty else { return "" }
        let size = small ? 11.0 : 12.0
        let perLine = max(4, Int(box.width / (size * 0.6)))
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }).flatMap({ hyphenated(String($0), perLine) }) {
            let candidate = line.isEmpty ? word : line + " " + word
            if candidate.count > perLine, !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        let lineHeight = size * 1.2
        let maxLines = max(1, Int(max(box.height, lineHeight * 3) / lineHeight))
        if lines.count > maxLines { lines = Array(lines.prefix(maxLines)); lines[maxLines - 1] += " …" }
        let total = Double(lines.count) * lineHeight
        let top = box.height > total ? box.y + (box.height - total) / 2 : box.y
        let x = anchorStart ? box.x + 2 : box.midX
        var out = "<text font-size=\"\(n(size))\" text-anchor=\"\(anchorStart ? "start" : "middle")\">"
        for (i, l) in lines.enumerated() {
            out += "<tspan x=\"\(n(x))\" y=\"\(n(top + Double(i) * lineHeight + size))\">\(escape(l))</tspan>"
        }
        return out + "</text>"
    }

    /// A word longer than a line (German compounds: «Übergabegespräch») in pieces of even
    /// length, each but the last ending in a hyphen, so no text runs out of its box.
    static func hyphenated(_ word: String, _ perLine: Int) -> [String] {
        let letters = Array(word)
        guard letters.count > perLine, perLine >= 4 else { return [word] }
        let pieces = (letters.count + perLine - 2) / (perLine - 1)
        let length = (letters.count + pieces - 1) / pieces
        return stride(from: 0, to: letters.count, by: length).map { start in
            let end = min(start + length, letters.count)
            return String(letters[start..<end]) + (end < letters.count ? "-" : "")
        }
    }

    static func clip(_ s: String, _ max: Int) -> String { s.count > max && max > 1 ? String(s.prefix(max - 1)) + "…" : s }

    /// `& < > " '` escaped for text and attribute values; characters XML forbids are dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let v = scalar.value
                if v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v != 0xFFFE && v != 0xFFFF) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
