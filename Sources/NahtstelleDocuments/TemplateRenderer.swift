import Foundation
import NahtstelleFEEL

/// Runs a compiled part against data: one pass appending bytes to a buffer.
struct TemplateRenderer {
    var out: [UInt8] = []
    /// Data contexts, innermost last: the root, then one per entered section.
    private var contexts: [Value]
    /// Printable scope prefixes for missing-field reports (`measures[2]`).
    private var scopeNames: [String] = []
    private var indices: [Int] = []
    private(set) var missing: [String] = []
    private var missingSeen = Set<String>()
    var nextDrawingId: Int
    var nextBookmarkId: Int
    private var bookmarkMaps: [[String: Int]] = [[:]]
    private var cellCounts: [Int] = []
    private var tableStarts: [(outputStart: Int, rows: Int)] = []
    /// Set when the part would grow beyond `maxSectionBodies` or `maxOutputBytes`: rendering
    /// stops (sections nested in each other repeat their lists multiplied, so hostile data or
    /// templates could otherwise keep it busy for ever).
    private(set) var exceeded = false
    private var sectionBodies = 0
    static let maxSectionBodies = 200_000
    static let maxOutputBytes = 64 << 20

    init(data: Value, nextDrawingId: Int, nextBookmarkId: Int, capacity: Int) {
        contexts = [data]
        self.nextDrawingId = nextDrawingId
        self.nextBookmarkId = nextBookmarkId
        out.reserveCapacity(capacity)
    }

    mutating func run(_ ops: [TemplateOp], _ source: UnsafeBufferPointer<UInt8>) {
        for op in ops {
            if exceeded { return }
            switch op {
            case .literal(let s, let e):
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[s..<e]))
            case .bytes(let b):
                out.append(contentsOf: b)
            case .field(let field):
                if let text = self.text(for: field) {
                    appendText(text)
                } else if !field.optional {
                    noteMissing(field.path)
                }
            case .section(let section):
                runSection(section, source)
            case .uniqueId(let kind, let original):
                switch kind {
                case .drawingId:
                    nextDrawingId += 1
                    out.append(contentsOf: String(nextDrawingId).utf8)
                case .bookmarkId:
                    let id: Int
                    if let known = bookmarkMaps[bookmarkMaps.count - 1][original] { id = known } else {
                        nextBookmarkId += 1
                        id = nextBookmarkId
                        bookmarkMaps[bookmarkMaps.count - 1][original] = id
                    }
                    out.append(contentsOf: String(id).utf8)
                case .bookmarkName:
                    // Word allows 40 characters; keep the name recognisable and unique.
                    nextBookmarkId += 1
                    out.append(contentsOf: original.utf8.prefix(30))
                    out.append(contentsOf: "_\(nextBookmarkId)".utf8)
                }
            case .cellBegin(let s, let e):
                cellCounts.append(0)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[s..<e]))
            case .paragraphMark(let s, let e):
                if !cellCounts.isEmpty { cellCounts[cellCounts.count - 1] += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[s..<e]))
            case .cellEnd(let s, let e):
                if cellCounts.popLast() == 0 { out.append(contentsOf: "<w:p/>".utf8) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[s..<e]))
            case .tableBegin(let s, let e):
                tableStarts.append((out.count, 0))
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[s..<e]))
            case .rowMark(let s, let e):
                if !tableStarts.isEmpty { tableStarts[tableStarts.count - 1].rows += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: source[s..<e]))
            case .tableEnd(let s, let e):
                // A table without rows is invalid OOXML: leave the whole table out.
                if let table = tableStarts.popLast(), table.rows == 0 {
                    out.removeSubrange(table.outputStart...)
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: source[s..<e]))
                }
            }
        }
    }

    private mutating func runSection(_ section: SectionOp, _ source: UnsafeBufferPointer<UInt8>) {
        let value = lookup(section.path)
        switch section.condition {
        case .inverted:
            if Self.count(value) == 0 { runBody(section, source, context: nil, name: nil, index: nil) }
        case .present:
            if Self.count(value) > 0 { runBody(section, source, context: nil, name: nil, index: nil) }
        case .equals(let literal):
            if Self.matches(value, literal) { runBody(section, source, context: nil, name: nil, index: nil) }
        case .notEquals(let literal):
            if !Self.matches(value, literal) { runBody(section, source, context: nil, name: nil, index: nil) }
        case .truthy:
            switch value {
            case .list(let items)?:
                for (i, item) in items.enumerated() {
                    runBody(section, source, context: item, name: "\(section.path)[\(i + 1)]", index: i)
                }
            case .context?:
                runBody(section, source, context: value, name: section.path.description, index: nil)
            default:
                if Self.count(value) > 0 { runBody(section, source, context: nil, name: nil, index: nil) }
            }
        }
    }

    private mutating func runBody(_ section: SectionOp, _ source: UnsafeBufferPointer<UInt8>, context: Value?, name: String?, index: Int?) {
        sectionBodies += 1
        if sectionBodies > Self.maxSectionBodies || out.count > Self.maxOutputBytes {
            exceeded = true
            return
        }
        if let context { contexts.append(context) }
        if let name { scopeNames.append(name) }
        if let index { indices.append(index) }
        if section.hasBookmarks { bookmarkMaps.append([:]) }
        run(section.body, source)
        if section.hasBookmarks { bookmarkMaps.removeLast() }
        if index != nil { indices.removeLast() }
        if name != nil { scopeNames.removeLast() }
        if context != nil { contexts.removeLast() }
    }

    /// How often a `{{#…}}` section shows: list length, or 1/0 for other values.
    static func count(_ value: Value?) -> Int {
        switch value {
        case nil, .null?: 0
        case .bool(let b)?: b ? 1 : 0
        case .list(let l)?: l.count
        case .string(let s)?: s.isEmpty ? 0 : 1
        case .number(let n)?: n == 0 ? 0 : 1
        default: 1
        }
    }

    static func matches(_ value: Value?, _ literal: String) -> Bool {
        guard let value else { return false }
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let n): text = Value.canonical(n)
        case .bool(let b):
            return ["true", "ja", "yes"].contains(literal.lowercased()) == b && ["true", "ja", "yes", "false", "nein", "no"].contains(literal.lowercased())
        case .date(let d): text = d.description
        default: return false
        }
        return text.caseInsensitiveCompare(literal) == .orderedSame
    }

    private func lookup(_ path: FieldPath) -> Value? {
        if path.isCurrentItem { return contexts.last }
        let first = path.segments[0]
        if first == "@nr" { return indices.last.map { .number(Decimal($0 + 1)) } }
        for context in contexts.reversed() {
            guard case .context(let members) = context, var value = members[first] else { continue }
            for segment in path.segments.dropFirst() {
                guard case .context(let inner) = value, let next = inner[segment] else { return nil }
                value = next
            }
            return value
        }
        return nil
    }

    private mutating func noteMissing(_ path: FieldPath) {
        let name = (scopeNames.last.map { $0 + "." } ?? "") + path.description
        if missingSeen.insert(name).inserted { missing.append(name) }
    }

    // MARK: - Formatting

    /// The text of a field, or `nil` when the value is missing.
    private func text(for op: FieldOp) -> String? {
        guard let value = lookup(op.path), !value.isNull else {
            for filter in op.filters { if case .fallback(let text) = filter { return text } }
            return nil
        }
        var text = Self.format(value, op)
        if text.isEmpty {
            for filter in op.filters { if case .fallback(let fallback) = filter { text = fallback } }
        }
        return text
    }

    static func format(_ value: Value, _ op: FieldOp) -> String {
        let filters = op.filters
        for filter in filters {
            switch filter {
            case .raw: return plain(value)
            case .date: if let d = SwissFormat.localDate(value) { return SwissFormat.date(d) }
            case .longDate: if let d = SwissFormat.localDate(value) { return SwissFormat.longDate(d) }
            case .dateTime:
                if case .date(let d) = value { return SwissFormat.date(d) }
                if let t = SwissFormat.instant(value) { return SwissFormat.dateTime(t) }
            case .time: if let t = SwissFormat.instant(value) { return SwissFormat.time(t) }
            case .chf: if let n = SwissFormat.decimal(value) { return SwissFormat.chf(n) }
            case .amount: if let n = SwissFormat.decimal(value) { return SwissFormat.amount(n) }
            case .percent: if let n = SwissFormat.decimal(value) { return SwissFormat.percent(n) }
            case .ahv: if case .string(let s) = value, let f = SwissFormat.ahv(s) { return f }
            case .yesNo: if case .bool(let b) = value { return b ? DocumentText.yes : DocumentText.no }
            case .label: if case .string(let s) = value { return op.choices[s] ?? s }
            case .lines, .optional, .fallback: continue
            }
        }
        // No applicable filter: format by the defined kind, then by the value's own type.
        switch (op.kind, value) {
        case (.date?, _), (.dateTime?, .date):
            if let d = SwissFormat.localDate(value) { return SwissFormat.date(d) }
        case (.dateTime?, _):
            if let t = SwissFormat.instant(value) { return SwissFormat.dateTime(t) }
        case (.amount?, _):
            if let n = SwissFormat.decimal(value) { return SwissFormat.amount(n) }
        case (.percentage?, _):
            if let n = SwissFormat.decimal(value) { return SwissFormat.percent(n) }
        case (.ahv?, .string(let s)):
            if let f = SwissFormat.ahv(s) { return f }
        case (.choice?, .string(let s)):
            return op.choices[s] ?? s
        case (.choice?, .list(let items)) where !op.choices.isEmpty, (.list?, .list(let items)) where !op.choices.isEmpty:
            return items.map { item in item.stringValue.map { op.choices[$0] ?? $0 } ?? plain(item) }.joined(separator: ", ")
        default: break
        }
        return plain(value)
    }

    static func plain(_ value: Value) -> String {
        switch value {
        case .null: ""
        case .bool(let b): b ? DocumentText.yes : DocumentText.no
        case .number(let n): SwissFormat.number(n)
        case .string(let s): s
        case .date(let d): SwissFormat.date(d)
        case .dateTime(let t): SwissFormat.dateTime(t)
        case .yearMonthDuration(let m): DocumentText.months(m)
        case .dayTimeDuration(let s): Value.isoDuration(seconds: s)
        case .list(let items): items.map(plain).joined(separator: ", ")
        case .context: ""
        }
    }

    /// Appends text inside a `w:t`: XML-escaped, characters XML 1.0 forbids dropped, line breaks
    /// and tabs as Word's own elements.
    mutating func appendText(_ text: String) {
        var utf8 = text.utf8.makeIterator()
        var previousCR = false
        let breakBytes: [UInt8] = Array(#"</w:t><w:br/><w:t xml:space="preserve">"#.utf8)
        let tabBytes: [UInt8] = Array(#"</w:t><w:tab/><w:t xml:space="preserve">"#.utf8)
        var pending: UInt8? = nil
        while let byte = pending ?? utf8.next() {
            pending = nil
            defer { previousCR = byte == 0x0D }
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: [38, 97, 109, 112, 59])  // &amp;
            case UInt8(ascii: "<"): out.append(contentsOf: [38, 108, 116, 59])  // &lt;
            case UInt8(ascii: ">"): out.append(contentsOf: [38, 103, 116, 59])  // &gt;
            case 0x0D: out.append(contentsOf: breakBytes)
            case 0x0A: if !previousCR { out.append(contentsOf: breakBytes) }
            case 0x09: out.append(contentsOf: tabBytes)
            case 0x00..<0x20, 0x7F: break
            case 0xC2:
                // U+0080…U+009F (C1 controls) are dropped; other C2 xx are ordinary letters.
                guard let next = utf8.next() else { break }
                if next >= 0x80, next <= 0x9F { break }
                out.append(byte)
                pending = next
                out.append(next)
                pending = nil
            case 0xEF:
                // U+FFFE and U+FFFF are not XML characters.
                guard let b1 = utf8.next() else { break }
                guard let b2 = utf8.next() else { out.append(byte); out.append(b1); break }
                if b1 == 0xBF, b2 == 0xBE || b2 == 0xBF { break }
                out.append(byte)
                out.append(b1)
                out.append(b2)
            default: out.append(byte)
            }
        }
    }
}
