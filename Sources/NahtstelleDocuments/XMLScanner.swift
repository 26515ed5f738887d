/// A compact, non-validating scanner for the XML parts of a DOCX archive.
///
/// WordprocessingML parts are machine-written, well-formed XML. The template compiler needs byte
/// offsets of elements and text (to copy everything it does not change verbatim), not a DOM, so
/// one linear pass produces a flat token list with parent links. Namespace prefixes are taken as
/// Word and LibreOffice write them (`w:`, `wp:`).
struct XMLToken {
    enum Kind: UInt8 { case start, end, empty, text, other }
    var kind: Kind
    var name: ElementName
    /// Byte range of the whole token (`<w:t xml:space="preserve">`, the text, `</w:t>`).
    var start: Int
    var end: Int
    /// For `.start`: index of the matching `.end` token. For `.end`: index of the `.start`.
    var match: Int = -1
    /// Index of the enclosing element's start token, -1 at the root.
    var parent: Int = -1
}

/// The WordprocessingML elements the template engine cares about; everything else is `.other`.
enum ElementName: UInt8 {
    case other
    case p, r, t, tab, br, tc, tr, tbl, body, hdr, ftr, txbxContent, sdtContent, sectPr
    case hyperlink, docPr, bookmarkStart, bookmarkEnd, pPr, rPr
    /// `w:drawing`, `w:pict`, `w:object`: visible content that is not text.
    case visual

    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> ElementName {
        // Only names in the `w:` and `wp:` prefixes are interesting.
        let n = range.count
        guard n >= 3 else { return .other }
        let b0 = bytes[range.lowerBound], b1 = bytes[range.lowerBound + 1]
        if b0 == UInt8(ascii: "w"), b1 == UInt8(ascii: "p"), n > 3, bytes[range.lowerBound + 2] == UInt8(ascii: ":") {
            return equals(bytes, range.lowerBound + 3, range.upperBound, "docPr") ? .docPr : .other
        }
        guard b0 == UInt8(ascii: "w"), b1 == UInt8(ascii: ":") else { return .other }
        let s = range.lowerBound + 2, e = range.upperBound
        switch e - s {
        case 1:
            switch bytes[s] {
            case UInt8(ascii: "p"): return .p
            case UInt8(ascii: "r"): return .r
            case UInt8(ascii: "t"): return .t
            default: return .other
            }
        case 2:
            if equals(bytes, s, e, "tc") { return .tc }
            if equals(bytes, s, e, "tr") { return .tr }
            if equals(bytes, s, e, "br") { return .br }
            return .other
        case 3:
            if equals(bytes, s, e, "tbl") { return .tbl }
            if equals(bytes, s, e, "tab") { return .tab }
            if equals(bytes, s, e, "hdr") { return .hdr }
            if equals(bytes, s, e, "ftr") { return .ftr }
            if equals(bytes, s, e, "pPr") { return .pPr }
            if equals(bytes, s, e, "rPr") { return .rPr }
            return .other
        case 4:
            if equals(bytes, s, e, "body") { return .body }
            return equals(bytes, s, e, "pict") ? .visual : .other
        case 6:
            if equals(bytes, s, e, "sectPr") { return .sectPr }
            return equals(bytes, s, e, "object") ? .visual : .other
        case 7: return equals(bytes, s, e, "drawing") ? .visual : .other
        case 9: return equals(bytes, s, e, "hyperlink") ? .hyperlink : .other
        case 10: return equals(bytes, s, e, "sdtContent") ? .sdtContent : .other
        case 11:
            if equals(bytes, s, e, "txbxContent") { return .txbxContent }
            if equals(bytes, s, e, "bookmarkEnd") { return .bookmarkEnd }
            return .other
        case 13: return equals(bytes, s, e, "bookmarkStart") ? .bookmarkStart : .other
        default: return .other
        }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        guard e - s == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<(e - s) where bytes[s + i] != w[i] { return false }
        return true
    }

    /// Elements whose children are block-level content (paragraphs and tables).
    var isBlockContainer: Bool {
        switch self {
        case .body, .hdr, .ftr, .tc, .txbxContent, .sdtContent: true
        default: false
        }
    }
}

struct XMLScanError: Error {
    var message: String
    var offset: Int
}

enum XMLScanner {
    /// Scans `bytes` into tokens with matched start/end pairs and parent links.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(XMLScanError) -> [XMLToken] {
        var tokens: [XMLToken] = []
        tokens.reserveCapacity(bytes.count / 24)
        var stack: [Int] = []
        var i = 0
        let n = bytes.count
        let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">")
        while i < n {
            if bytes[i] != lt {
                let start = i
                while i < n, bytes[i] != lt { i += 1 }
                tokens.append(XMLToken(kind: .text, name: .other, start: start, end: i, parent: stack.last ?? -1))
                continue
            }
            let start = i
            guard i + 1 < n else { throw XMLScanError(message: "'<' am Ende der Datei", offset: i) }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "?") {
                guard let e = find(bytes, from: i + 2, "?>") else { throw XMLScanError(message: "Verarbeitungsanweisung nicht geschlossen", offset: i) }
                i = e + 2
                tokens.append(XMLToken(kind: .other, name: .other, start: start, end: i, parent: stack.last ?? -1))
                continue
            }
            if next == UInt8(ascii: "!") {
                let terminator: StaticString
                if hasPrefix(bytes, i, "<!--") { terminator = "-->" }
                else if hasPrefix(bytes, i, "<![CDATA[") { terminator = "]]>" }
                else { throw XMLScanError(message: "DOCTYPE-Deklarationen sind in DOCX-Teilen nicht erlaubt", offset: i) }
                guard let e = find(bytes, from: i + 2, terminator) else { throw XMLScanError(message: "Kommentar oder CDATA nicht geschlossen", offset: i) }
                i = e + terminator.utf8CodeUnitCount
                tokens.append(XMLToken(kind: .other, name: .other, start: start, end: i, parent: stack.last ?? -1))
                continue
            }
            if next == UInt8(ascii: "/") {
                let nameStart = i + 2
                var j = nameStart
                while j < n, bytes[j] != gt, !isSpace(bytes[j]) { j += 1 }
                let nameEnd = j
                while j < n, bytes[j] != gt { j += 1 }
                guard j < n else { throw XMLScanError(message: "End-Tag nicht geschlossen", offset: i) }
                guard let open = stack.popLast() else { throw XMLScanError(message: "End-Tag ohne Start-Tag", offset: i) }
                let openTok = tokens[open]
                // Compare the names byte by byte: a mismatch means the part is broken.
                let openNameEnd = nameEndOf(bytes, openTok.start + 1)
                guard openNameEnd - (openTok.start + 1) == nameEnd - nameStart,
                    (0..<(nameEnd - nameStart)).allSatisfy({ bytes[openTok.start + 1 + $0] == bytes[nameStart + $0] })
                else { throw XMLScanError(message: "End-Tag passt nicht zum Start-Tag", offset: i) }
                i = j + 1
                tokens[open].match = tokens.count
                tokens.append(XMLToken(kind: .end, name: openTok.name, start: start, end: i, match: open, parent: stack.last ?? -1))
                continue
            }
            // Start or empty-element tag; attribute values may contain '>'.
            let nameStart = i + 1
            let nameEnd = nameEndOf(bytes, nameStart)
            guard nameEnd > nameStart else { throw XMLScanError(message: "Elementname fehlt", offset: i) }
            var j = nameEnd
            var quote: UInt8 = 0
            while j < n {
                let b = bytes[j]
                if quote != 0 { if b == quote { quote = 0 } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b } else if b == gt { break }
                j += 1
            }
            guard j < n else { throw XMLScanError(message: "Start-Tag nicht geschlossen", offset: i) }
            let isEmpty = bytes[j - 1] == UInt8(ascii: "/")
            let name = ElementName.classify(bytes, nameStart..<nameEnd)
            i = j + 1
            tokens.append(XMLToken(kind: isEmpty ? .empty : .start, name: name, start: start, end: i, parent: stack.last ?? -1))
            if !isEmpty { stack.append(tokens.count - 1) }
        }
        if !stack.isEmpty { throw XMLScanError(message: "Element nicht geschlossen", offset: tokens[stack[stack.count - 1]].start) }
        return tokens
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    static func nameEndOf(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int {
        var j = from
        while j < bytes.count {
            let b = bytes[j]
            if isSpace(b) || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") { break }
            j += 1
        }
        return j
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count else { return false }
        let w = word.utf8Start
        for k in 0..<count where bytes[at + k] != w[k] { return false }
        return true
    }

    static func find(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, _ word: StaticString) -> Int? {
        let count = word.utf8CodeUnitCount
        var k = from
        while k + count <= bytes.count {
            if hasPrefix(bytes, k, word) { return k }
            k += 1
        }
        return nil
    }

    /// The byte range of an attribute's value inside a start tag (`w:id` in `<w:bookmarkStart w:id="3" …>`).
    static func attributeValue(_ bytes: UnsafeBufferPointer<UInt8>, tag: Range<Int>, name: StaticString) -> Range<Int>? {
        var j = nameEndOf(bytes, tag.lowerBound + 1)
        let count = name.utf8CodeUnitCount
        while j < tag.upperBound {
            while j < tag.upperBound, isSpace(bytes[j]) { j += 1 }
            let attrStart = j
            while j < tag.upperBound, bytes[j] != UInt8(ascii: "="), !isSpace(bytes[j]), bytes[j] != UInt8(ascii: ">"), bytes[j] != UInt8(ascii: "/") { j += 1 }
            let attrEnd = j
            while j < tag.upperBound, isSpace(bytes[j]) || bytes[j] == UInt8(ascii: "=") { j += 1 }
            guard j < tag.upperBound, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") else { return nil }
            let quote = bytes[j]
            let valueStart = j + 1
            j = valueStart
            while j < tag.upperBound, bytes[j] != quote { j += 1 }
            if attrEnd - attrStart == count, hasPrefix(bytes, attrStart, name) { return valueStart..<j }
            j += 1
        }
        return nil
    }

    /// Decodes XML character data (entities and character references) into UTF-8 bytes, with,
    /// for each decoded byte, the offset of the raw byte it came from.
    static func decodeText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [UInt8], offsets: inout [Int]) {
        var j = range.lowerBound
        while j < range.upperBound {
            let b = bytes[j]
            if b != UInt8(ascii: "&") {
                out.append(b)
                offsets.append(j)
                j += 1
                continue
            }
            var k = j + 1
            while k < range.upperBound, bytes[k] != UInt8(ascii: ";"), k - j < 12 { k += 1 }
            guard k < range.upperBound, bytes[k] == UInt8(ascii: ";") else {
                out.append(b)
                offsets.append(j)
                j += 1
                continue
            }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: bytes[(j + 1)..<k]), as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            }
            if let scalar {
                for u in String(Character(scalar)).utf8 {
                    out.append(u)
                    offsets.append(j)
                }
            } else {
                for m in j...k {
                    out.append(bytes[m])
                    offsets.append(m)
                }
            }
            j = k + 1
        }
    }
}
