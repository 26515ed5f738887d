import CLibXML2

/// A compiled XML schema (XSD); owns its `xmlSchemaPtr`.
///
/// Imports and includes are read from local files only (the network is refused process-wide,
/// see `LibXML2`).
public final class XMLSchema {
    let pointer: xmlSchemaPtr
    public let path: String

    /// Loads and compiles the schema at `path`.
    /// - Throws: `XMLError` with code `.schemaLoad` listing what libxml2 reported.
    public init(path: String) throws(XMLError) {
        LibXML2.ensureInitialised()
        self.path = path
        let collector = LibXML2ErrorCollector()
        let schema: xmlSchemaPtr? = collector.capturing {
            guard let ctxt = xmlSchemaNewParserCtxt(path) else { return nil }
            defer { xmlSchemaFreeParserCtxt(ctxt) }
            xmlSchemaSetParserStructuredErrors(ctxt, { context, error in
                guard let context, let error else { return }
                Unmanaged<LibXML2ErrorCollector>.fromOpaque(context).takeUnretainedValue().add(error)
            }, Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaParse(ctxt)
        }
        guard let schema else {
            let first = collector.entries.first
            throw XMLError(.schemaLoad,
                           message: "Das XML-Schema kann nicht geladen werden: \(first?.message ?? "unbekannter Fehler")",
                           fix: "Pfad des Schemas und seiner lokal importierten Dateien prüfen",
                           file: path, line: first?.line ?? 0, column: first?.column ?? 0)
        }
        self.pointer = schema
    }

    deinit { xmlSchemaFree(pointer) }

    /// Validates `document` and returns every error found (empty when valid), each with line and
    /// (best-effort) column of the offending element.
    public func validate(_ document: XMLDocument) -> [XMLError] {
        let collector = LibXML2ErrorCollector()
        let result: Int32 = collector.capturing {
            guard let ctxt = xmlSchemaNewValidCtxt(pointer) else { return -1 }
            defer { xmlSchemaFreeValidCtxt(ctxt) }
            xmlSchemaSetValidStructuredErrors(ctxt, { context, error in
                guard let context, let error else { return }
                Unmanaged<LibXML2ErrorCollector>.fromOpaque(context).takeUnretainedValue().add(error)
            }, Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaValidateDoc(ctxt, document.pointer)
        }
        var errors = collector.entries.filter { $0.level != XML_ERR_WARNING }.map { entry -> XMLError in
            var line = entry.line
            var column = entry.column
            if let raw = entry.node {
                let node = raw.assumingMemoryBound(to: xmlNode.self)
                if node.pointee.type == XML_ELEMENT_NODE {
                    (line, column) = XMLElement(node: node, document: document).position
                }
            }
            return XMLError(.schemaInvalid, message: "Schema-Verletzung: \(entry.message)",
                            fix: "das Element gemäss BPMN-2.0-Schema korrigieren (Reihenfolge, Pflichtattribute, erlaubte Kinder)",
                            file: document.fileName, line: line, column: column)
        }
        if result != 0 && errors.isEmpty {
            errors.append(XMLError(.schemaInvalid, message: "Die Datei entspricht nicht dem Schema \(path)",
                                   fix: "die Datei mit xmllint --schema prüfen", file: document.fileName))
        }
        return errors
    }
}
