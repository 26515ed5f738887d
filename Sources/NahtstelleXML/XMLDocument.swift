import CLibXML2

/// A parsed XML document; owns its `xmlDocPtr`.
///
/// Parsing is hardened for untrusted input: no network, no entity substitution, no DTD loading,
/// and any `<!DOCTYPE>` is refused outright (the parser stops as soon as it sees one, so XXE and
/// entity-expansion bombs never get going). Size and nesting depth are limited.
///
/// Not `Sendable`: use one document from one task at a time. Parsing different documents on
/// different threads at the same time is safe.
public final class XMLDocument {
    let pointer: xmlDocPtr
    /// The file name used in messages.
    public let fileName: String
    /// The bytes as given, kept to locate element columns (libxml2 records no column per node).
    let source: [UInt8]
    /// Byte offsets where each line starts (index 0 = line 1), computed on first use.
    private var lineStartsCache: [Int]?
    /// Start-tag positions already found, by reported line and name: the search is a pure
    /// function of both, and a file written on one line (10 000 elements on line 1) would
    /// otherwise scan that whole line once per element.
    private var startTagCache: [StartTagKey: (line: Int, column: Int)] = [:]

    private struct StartTagKey: Hashable {
        var line: Int
        var name: String
    }
    /// Non-fatal findings (undeclared namespace prefixes, warnings): the document is usable.
    public private(set) var diagnostics: [XMLError]

    /// Parses `bytes`.
    /// - Parameters:
    ///   - fileName: used in every error message.
    ///   - limits: size and depth limits.
    /// - Throws: `XMLError` for anything that makes the document unusable.
    public init(bytes: [UInt8], fileName: String, limits: XMLLimits = XMLLimits()) throws(XMLError) {
        LibXML2.ensureInitialised()
        self.fileName = fileName
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(.tooLarge, message: "Die Datei ist \(bytes.count) Bytes gross, erlaubt sind höchstens \(limits.maxBytes)",
                           fix: "Datei verkleinern (Diagramm-Bilder oder eingebettete Daten entfernen) oder das Limit erhöhen",
                           file: fileName, line: 1, column: 1)
        }
        guard bytes.contains(where: { !Self.isXMLSpace($0) }) else {
            throw XMLError(.empty, message: "Die Datei ist leer",
                           fix: "eine BPMN-2.0-Datei mit <definitions> als Wurzelelement angeben",
                           file: fileName, line: 1, column: 1)
        }
        guard bytes.count <= Int(Int32.max) else {
            throw XMLError(.tooLarge, message: "Die Datei ist zu gross", fix: "Datei verkleinern", file: fileName, line: 1, column: 1)
        }
        let state = ParseState(maxDepth: limits.maxDepth)
        let collector = LibXML2ErrorCollector()
        let result: (doc: xmlDocPtr?, wellFormed: Bool, nsWellFormed: Bool) = collector.capturing {
            Self.parse(bytes, state: state)
        }
        let errors = collector.entries.map { Self.convert($0, fileName: fileName) }
        if let doctypeLine = state.doctypeLine {
            if let doc = result.doc { xmlFreeDoc(doc) }
            throw XMLError(.doctypeForbidden,
                           message: "Die Datei enthält eine DOCTYPE-Deklaration; aus Sicherheitsgründen (externe Entitäten, Entity-Bomben) werden solche Dateien abgelehnt",
                           fix: "die Zeile <!DOCTYPE …> samt Entity-Deklarationen entfernen; BPMN braucht keine DTD",
                           file: fileName, line: doctypeLine, column: 1)
        }
        if let depthLine = state.tooDeepLine {
            if let doc = result.doc { xmlFreeDoc(doc) }
            throw XMLError(.tooDeep, message: "Die Elemente sind tiefer als \(limits.maxDepth) Ebenen verschachtelt",
                           fix: "die Verschachtelung reduzieren; eine BPMN-Datei braucht selten mehr als 20 Ebenen",
                           file: fileName, line: depthLine, column: 0)
        }
        guard let doc = result.doc, result.wellFormed else {
            if let doc = result.doc { xmlFreeDoc(doc) }
            throw errors.first { $0.severity == .error }
                ?? XMLError(.malformed, message: "Die Datei ist kein wohlgeformtes XML", fix: "die Datei in einem XML-Editor prüfen", file: fileName)
        }
        self.pointer = doc
        self.source = bytes
        self.diagnostics = errors
    }

    /// Reads and parses a file.
    public convenience init(contentsOfFile path: String, limits: XMLLimits = XMLLimits()) throws(XMLError) {
        let bytes = try XMLFile.readBytes(path: path, maxBytes: limits.maxBytes)
        try self.init(bytes: bytes, fileName: path, limits: limits)
    }

    deinit { xmlFreeDoc(pointer) }

    /// The root element.
    public var root: XMLElement? {
        guard let node = xmlDocGetRootElement(pointer) else { return nil }
        return XMLElement(node: node, document: self)
    }

    // MARK: - Parsing

    /// Per-parse state reached from libxml2's SAX callbacks through `ctxt->_private`.
    final class ParseState {
        let maxDepth: Int
        var depth = 0
        var doctypeLine: Int?
        var tooDeepLine: Int?
        var startElement: startElementNsSAX2Func?
        var endElement: endElementNsSAX2Func?
        init(maxDepth: Int) { self.maxDepth = maxDepth }
    }

    static let parseOptions: Int32 = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue)

    private static func parse(_ bytes: [UInt8], state: ParseState) -> (doc: xmlDocPtr?, wellFormed: Bool, nsWellFormed: Bool) {
        guard let ctxt = xmlCreatePushParserCtxt(nil, nil, nil, 0, nil) else { return (nil, false, false) }
        defer { xmlFreeParserCtxt(ctxt) }
        _ = xmlCtxtUseOptions(ctxt, parseOptions)
        ctxt.pointee._private = Unmanaged.passUnretained(state).toOpaque()
        if let sax = ctxt.pointee.sax {
            // A DOCTYPE is refused the moment it is seen, before any internal subset is read.
            sax.pointee.internalSubset = { ctx, _, _, _ in
                guard let ctxt = ctx?.assumingMemoryBound(to: xmlParserCtxt.self) else { return }
                if let state = ParseState.from(ctxt) {
                    state.doctypeLine = Int(ctxt.pointee.input?.pointee.line ?? 1)
                }
                xmlStopParser(ctxt)
            }
            sax.pointee.externalSubset = nil
            state.startElement = sax.pointee.startElementNs
            state.endElement = sax.pointee.endElementNs
            sax.pointee.startElementNs = { ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes in
                guard let ctxt = ctx?.assumingMemoryBound(to: xmlParserCtxt.self), let state = ParseState.from(ctxt) else { return }
                state.depth += 1
                if state.depth > state.maxDepth {
                    state.tooDeepLine = Int(ctxt.pointee.input?.pointee.line ?? 0)
                    xmlStopParser(ctxt)
                    return
                }
                state.startElement?(ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes)
            }
            sax.pointee.endElementNs = { ctx, localname, prefix, uri in
                guard let ctxt = ctx?.assumingMemoryBound(to: xmlParserCtxt.self), let state = ParseState.from(ctxt) else { return }
                state.depth -= 1
                state.endElement?(ctx, localname, prefix, uri)
            }
        }
        withExtendedLifetime(state) {
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    _ = xmlParseChunk(ctxt, chars.baseAddress, Int32(chars.count), 1)
                }
            }
        }
        ctxt.pointee._private = nil
        let doc = ctxt.pointee.myDoc
        ctxt.pointee.myDoc = nil
        return (doc, ctxt.pointee.wellFormed != 0 && state.doctypeLine == nil && state.tooDeepLine == nil,
                ctxt.pointee.nsWellFormed != 0)
    }

    private static func convert(_ e: LibXML2ErrorCollector.Entry, fileName: String) -> XMLError {
        let isWarning = e.level == XML_ERR_WARNING
        let code: XMLError.Code
        let fix: String
        switch e.code {
        case Int32(XML_ERR_INVALID_CHAR.rawValue), Int32(XML_ERR_INVALID_ENCODING.rawValue),
             Int32(XML_ERR_UNSUPPORTED_ENCODING.rawValue):
            code = .encoding
            fix = "die Datei als UTF-8 speichern (oder die encoding-Angabe in der ersten Zeile korrigieren)"
        case Int32(XML_ERR_DOCUMENT_EMPTY.rawValue):
            code = .empty
            fix = "eine BPMN-2.0-Datei mit <definitions> als Wurzelelement angeben"
        case 200..<300 where !isWarning:
            code = .namespace
            fix = "das Namespace-Präfix im Wurzelelement deklarieren (xmlns:präfix=\"…\")"
        default:
            if e.message.contains("Excessive depth") {
                // libxml2's own ceiling (256 without XML_PARSE_HUGE, which is never set).
                return XMLError(.tooDeep, message: "Die Elemente sind tiefer als 256 Ebenen verschachtelt",
                                fix: "die Verschachtelung reduzieren; eine BPMN-Datei braucht selten mehr als 20 Ebenen",
                                file: fileName, line: e.line, column: e.column)
            }
            if isWarning {
                code = .warning
                fix = ""
            } else if e.message.contains("not proper UTF-8") || e.message.contains("encoding") || e.message.contains("conversion") {
                code = .encoding
                fix = "die Datei als UTF-8 speichern (oder die encoding-Angabe in der ersten Zeile korrigieren)"
            } else {
                code = .malformed
                fix = "die Datei an dieser Stelle in einem XML-Editor korrigieren"
            }
        }
        return XMLError(code, severity: isWarning ? .warning : .error,
                        message: "XML-Fehler: \(e.message)", fix: fix, file: fileName, line: e.line, column: e.column)
    }

    static func isXMLSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    // MARK: - Source positions

    private var lineStarts: [Int] {
        if let lineStartsCache { return lineStartsCache }
        var starts = [0]
        for (i, b) in source.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStartsCache = starts
        return starts
    }

    /// Finds where the start tag `<qualifiedName` that libxml2 reports on `line` begins.
    /// libxml2 records the line where the start tag *ends*, so a tag spread over several lines is
    /// searched backwards. Best effort: `(line, 0)` when the tag cannot be found.
    func startTagPosition(qualifiedName: String, reportedLine line: Int) -> (line: Int, column: Int) {
        let key = StartTagKey(line: line, name: qualifiedName)
        if let cached = startTagCache[key] { return cached }
        let position = searchStartTag(qualifiedName: qualifiedName, reportedLine: line)
        startTagCache[key] = position
        return position
    }

    private func searchStartTag(qualifiedName: String, reportedLine line: Int) -> (line: Int, column: Int) {
        let starts = lineStarts
        guard line >= 1, line <= starts.count else { return (line, 0) }
        let needle = Array(("<" + qualifiedName).utf8)
        var current = line
        while current >= 1 && current > line - 100 {
            let lineStart = starts[current - 1]
            let lineEnd = current < starts.count ? starts[current] : source.count
            // The last occurrence on the reported line (the tag ends there), any on earlier lines.
            var found: Int?
            var i = lineStart
            while i + needle.count <= lineEnd {
                if source[i] == needle[0] && source[i..<(i + needle.count)].elementsEqual(needle) {
                    let after = i + needle.count
                    if after >= source.count || Self.isNameEnd(source[after]) {
                        found = i
                        if current < line { break }
                    }
                }
                i += 1
            }
            if let found {
                // Columns count characters: skip UTF-8 continuation bytes.
                let column = source[lineStart..<found].reduce(1) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
                return (current, column)
            }
            current -= 1
        }
        return (line, 0)
    }

    private static func isNameEnd(_ b: UInt8) -> Bool { isXMLSpace(b) || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") }
}

extension XMLDocument.ParseState {
    static func from(_ ctxt: xmlParserCtxtPtr) -> XMLDocument.ParseState? {
        guard let p = ctxt.pointee._private else { return nil }
        return Unmanaged<XMLDocument.ParseState>.fromOpaque(p).takeUnretainedValue()
    }
}
