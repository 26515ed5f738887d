import Foundation
@testable import NahtstelleDocuments
import NahtstelleFEEL

/// Builds small `.docx` archives in memory for tests, with the body XML written by hand so that
/// runs can be split the way Word splits them.
enum DocxFixture {
    static let namespaces = #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing""#

    static func archive(body: String, header: String? = nil) throws(DocumentError) -> [UInt8] {
        let writer = try ZipWriter()
        var types = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#
        if header != nil {
            types += #"<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#
        }
        types += "</Types>"
        try writer.add(name: "[Content_Types].xml", bytes: Array(types.utf8))
        try writer.add(name: "_rels/.rels", bytes: Array(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.utf8))
        var rels = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        var sectPr = "<w:sectPr>"
        if header != nil {
            rels += #"<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>"#
            sectPr += #"<w:headerReference w:type="default" r:id="rId7"/>"#
        }
        rels += "</Relationships>"
        sectPr += #"<w:pgSz w:w="11906" w:h="16838"/></w:sectPr>"#
        try writer.add(name: "word/_rels/document.xml.rels", bytes: Array(rels.utf8))
        let document = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document "# + namespaces + "><w:body>" + body + sectPr + "</w:body></w:document>"
        try writer.add(name: "word/document.xml", bytes: Array(document.utf8))
        if let header {
            let xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr "# + namespaces + ">" + header + "</w:hdr>"
            try writer.add(name: "word/header1.xml", bytes: Array(xml.utf8))
        }
        return try writer.closeReturningBytes()
    }

    /// A paragraph of plain runs.
    static func p(_ texts: String...) -> String {
        "<w:p>" + texts.map { "<w:r><w:t xml:space=\"preserve\">\($0)</w:t></w:r>" }.joined() + "</w:p>"
    }

    static func template(body: String, header: String? = nil, schema: TemplateDataSchema? = nil) throws(DocumentError) -> DocumentTemplate {
        try DocumentTemplate(bytes: try archive(body: body, header: header), name: "test", schema: schema)
    }

    /// The entry names and contents of a rendered archive.
    static func parts(of docx: [UInt8]) throws -> [(String, [UInt8])] {
        try docx.withUnsafeBytes { buffer in
            let reader = try ZipReader(buffer: buffer, location: "out")
            return try (0..<reader.entryCount).map { (reader.name(at: $0) ?? "?", try reader.read(at: $0)) }
        }
    }

    static func part(_ name: String, of docx: [UInt8]) throws -> String {
        String(decoding: try parts(of: docx).first { $0.0 == name }?.1 ?? [], as: UTF8.self)
    }

    /// Text as Word shows it: the `w:t` contents of the body, paragraphs separated by newlines.
    static func text(of xml: String) -> String {
        var out = ""
        var rest = Substring(xml)
        while let r = rest.range(of: "<w:t") {
            rest = rest[r.upperBound...]
            guard let next = rest.first, next == ">" || next == " " else { continue }  // not <w:tbl>, <w:tab/>, …
            guard let close = rest.firstIndex(of: ">") else { break }
            if close > rest.startIndex, rest[rest.index(before: close)] == "/" { rest = rest[close...]; continue }
            let content = rest[rest.index(after: close)...]
            guard let end = content.range(of: "</w:t>") else { break }
            out += content[..<end.lowerBound]
            rest = content[end.upperBound...]
        }
        return out.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    static func wellFormed(_ xml: String) -> Bool {
        let bytes = Array(xml.utf8)
        return bytes.withUnsafeBufferPointer { (try? XMLScanner.scan($0)) != nil }
    }

    static func count(_ needle: String, in haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
