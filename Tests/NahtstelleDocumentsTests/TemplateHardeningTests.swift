import Foundation
@testable import NahtstelleDocuments
import NahtstelleFEEL
import Testing

/// Issue 15, items 8–10: what `templates check` passes, `render` renders — and neither hangs,
/// nor copies hostile ZIP entries into generated letters.
@Suite("Template hardening")
struct TemplateHardeningTests {
    static let listSchema = TemplateDataSchema(root: SchemaField(kind: .object, fields: [
        "positions": SchemaField(kind: .list, label: "Positionen", fields: ["description": SchemaField(kind: .text, label: "Text")]),
        "decision": SchemaField(kind: .choice, label: "Entscheid", choices: [("close", "Abschluss"), ("continue", "Weiterführung")]),
        "name": SchemaField(kind: .text, label: "Name"),
    ]))

    static func problems(_ body: String, schema: TemplateDataSchema? = listSchema) throws -> [TemplateProblem] {
        try DocumentTemplate.analyse(bytes: try DocxFixture.archive(body: body), name: "t", location: "t.docx", schema: schema).problems
    }

    /// An archive whose entry names are patched after writing (libzip writes only sane names).
    static func archive(extra: [(String, String)]) throws -> [UInt8] {
        let body = DocxFixture.p("Hallo")
        var bytes = try DocxFixture.archive(body: body)
        // Rebuild with placeholder names, then patch the names in place (same length).
        let writer = try ZipWriter()
        try bytes.withUnsafeBytes { buffer in
            let reader = try ZipReader(buffer: buffer, location: "x")
            for i in 0..<reader.entryCount { try writer.add(name: reader.name(at: i) ?? "?", bytes: try reader.read(at: i)) }
        }
        for (placeholder, _) in extra { try writer.add(name: placeholder, bytes: Array("<x/>".utf8)) }
        bytes = try writer.closeReturningBytes()
        for (placeholder, hostile) in extra {
            let from = Array(placeholder.utf8), to = Array(hostile.utf8)
            precondition(from.count == to.count)
            var i = 0
            while i + from.count <= bytes.count {
                if Array(bytes[i..<(i + from.count)]) == from { bytes.replaceSubrange(i..<(i + from.count), with: to); i += from.count } else { i += 1 }
            }
        }
        return bytes
    }

    @Test("Entries outside the package or twice are refused", arguments: [
        ("zz/zz/evil.xml", "../../evil.xml"), ("ttmp/evil.xml", "/tmp/evil.xml"), ("word/documenX.xml", "word/document.xml"),
        ("word/Documenx.xml", "word/Document.xml"), ("zz\\evil", "..\\evil"),
    ])
    func hostileEntries(_ placeholder: String, _ hostile: String) throws {
        let bytes = try Self.archive(extra: [(placeholder, hostile)])
        let problems = try DocumentTemplate.analyse(bytes: bytes, name: "t", location: "t.docx", schema: nil).problems
        #expect(problems.contains { $0.code == .unsafeEntry }, "\(problems.map(\.message))")
        #expect(throws: DocumentError.self) { try DocumentTemplate(bytes: bytes, name: "t") }
    }

    @Test func nestedSectionsOfTheSameListAreReportedByTheCheck() throws {
        let open = String(repeating: DocxFixture.p("{{#positions}}"), count: 30)
        let close = String(repeating: DocxFixture.p("{{/positions}}"), count: 30)
        let problems = try Self.problems(open + DocxFixture.p("{{description}}") + close)
        #expect(problems.contains { $0.code == .nestingTooDeep })
    }

    @Test func renderingStopsInsteadOfHanging() throws {
        // Without a schema the checker cannot know the list: rendering itself must stop.
        let depth = 40
        let body = String(repeating: DocxFixture.p("{{#positions}}"), count: depth) + DocxFixture.p("x")
            + String(repeating: DocxFixture.p("{{/positions}}"), count: depth)
        let problems = try Self.problems(body, schema: nil)
        #expect(problems.contains { $0.code == .nestingTooDeep })
        // Distinct lists below the depth limit, with data that would multiply to 10^9 copies.
        let lists = (0..<9).map { "l\($0)" }
        let nested = lists.map { DocxFixture.p("{{#\($0)}}") }.joined() + DocxFixture.p("x") + lists.reversed().map { DocxFixture.p("{{/\($0)}}") }.joined()
        let template = try DocxFixture.template(body: nested)
        var data: [String: Value] = [:]
        for l in lists { data[l] = .list(Array(repeating: .context([:]), count: 10)) }
        do {
            _ = try template.render(data: .context(data))
            Issue.record("rendered 10^9 paragraphs")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test("What the check passes, render renders: one grammar", arguments: [
        "{{@nr}}", "{{{name}}}", "{{{name}}", "{{name}}}",
    ])
    func checkRefusesWhatRenderCannotDo(_ text: String) throws {
        #expect(!(try Self.problems(DocxFixture.p(text))).isEmpty, "\(text)")
        #expect(!(try Self.problems(DocxFixture.p(text), schema: nil)).isEmpty, "\(text) without schema")
    }

    @Test func numberInsideAListAndQuotedComparisonsStayValid() throws {
        #expect(try Self.problems(DocxFixture.p("{{#positions}}{{@nr}}. {{description}}{{/positions}}")).isEmpty)
        #expect(try Self.problems(DocxFixture.p(#"{{#decision == "close"}}x{{/decision}}"#)).isEmpty)
        #expect(try Self.problems(DocxFixture.p(#"{{name | sonst "–"}}"#)).isEmpty)
    }

    @Test func anUnquotedComparisonMeansTheSameToCheckAndRender() throws {
        let body = DocxFixture.p("{{#decision == close}}Abschluss{{/decision}}")
        #expect(try Self.problems(body).isEmpty)
        let t = try DocxFixture.template(body: body, schema: Self.listSchema)
        #expect(DocxFixture.text(of: try DocxFixture.part("word/document.xml", of: try t.render(data: ["decision": "close"]))) == "Abschluss")
        // and a value the choice does not have is refused by both
        #expect(!(try Self.problems(DocxFixture.p("{{#decision == schliessen}}x{{/decision}}"))).isEmpty)
    }

    @Test func manyPlaceholdersInOneParagraphAreCheckedInLinearTime() throws {
        // Not a timing assertion: 20 000 placeholders must be checked at all (the quadratic
        // check took minutes) and every one found.
        let body = DocxFixture.p(String(repeating: "{{name}} ", count: 20_000))
        let analysis = try DocumentTemplate.analyse(bytes: try DocxFixture.archive(body: body), name: "t", location: "t.docx", schema: Self.listSchema)
        #expect(analysis.problems.isEmpty)
        #expect(analysis.usedPaths.count == 20_000)
    }

    @Test func manyUnknownFieldsEachGetTheirSuggestion() throws {
        // Found while fuzzing (`scripts/fuzz docx`): every unknown field listed the schema's paths
        // anew and measured its distance to each. Not a timing assertion: 5 000 unknown fields
        // are all reported, and the suggestions are the same as before.
        let body = DocxFixture.p(String(repeating: "{{nme}} {{positionen}} {{zzzzzzzzzzzzzzzzzzzz}} ", count: 5_000 / 3 + 1))
        let problems = try Self.problems(body).filter { $0.code == .unknownField }
        #expect(problems.count == 3 * (5_000 / 3 + 1))
        #expect(problems[0].message == "Unbekanntes Feld «nme» — meinten Sie «name»?")
        #expect(problems[1].message == "Unbekanntes Feld «positionen» — meinten Sie «positions»?")
        #expect(problems[2].message == "Unbekanntes Feld «zzzzzzzzzzzzzzzzzzzz»")
        #expect(Spelling.closest(to: "person.lastNme", among: ["person", "person.lastName", "person.firstName"]) == "person.lastName")
        #expect(Spelling.closest(to: "ab", among: ["abcdefgh", "xy"]) == "xy")
    }
}
