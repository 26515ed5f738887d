import Foundation
import Testing
@testable import NahtstelleDocuments
import NahtstelleFEEL

/// Mangled templates and data must give errors, never a crash or a broken document.
@Suite struct RobustnessTests {
    /// A small deterministic generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedTemplatesNeverCrash() throws {
        let body = DocxFixture.p("A {{a}} B") + DocxFixture.p("{{#list}}") + DocxFixture.p("{{name}} {{#flag}}ja{{/flag}}") + DocxFixture.p("{{/list}}")
            + "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"1\"/><w:gridCol w:w=\"1\"/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>{{#list}}{{name}}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{/list}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>"
        let pieces = ["{{", "}}", "{{#list}}", "{{/list}}", "{{^a}}", "{{/a}}", "{{?list}}", "</w:t></w:r><w:r><w:t>", "<w:bookmarkStart w:id=\"1\" w:name=\"x\"/>", "&amp;", "{{a|chf}}", "{{@nr}}", "{{.}}", "|", "#", "\u{00A0}"]
        var rng = SplitMix(state: 42)
        let data: Value = ["a": "x", "list": [["name": "n1", "flag": true], ["name": "n2"]], "flag": false]
        var rendered = 0, rejected = 0
        for _ in 0..<400 {
            var text = Array(body)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0...text.count, using: &rng)
                if Bool.random(using: &rng) {
                    text.insert(contentsOf: pieces.randomElement(using: &rng) ?? "", at: at)
                } else if at < text.count {
                    text.removeSubrange(at..<min(text.count, at + Int.random(in: 1...12, using: &rng)))
                }
            }
            do {
                let template = try DocxFixture.template(body: String(text))
                let xml = try DocxFixture.part("word/document.xml", of: try template.render(data: data))
                #expect(DocxFixture.wellFormed(xml), "\(String(text))")
                rendered += 1
            } catch {
                rejected += 1
            }
        }
        #expect(rendered > 50 && rejected > 50)
    }

    @Test func garbageArchivesAreRejectedWithAReason() {
        for bytes: [UInt8] in [[], Array("PK\u{3}\u{4}kaputt".utf8), Array(repeating: 0, count: 100)] {
            #expect(throws: DocumentError.self) { try DocumentTemplate(bytes: bytes, name: "x") }
        }
    }

    @Test func unusualDataShapesRenderSomething() throws {
        let template = try DocxFixture.template(body: DocxFixture.p("{{a}}|{{a.b}}|{{#a}}[{{.}}]{{/a}}|{{d | datum}}|{{n | chf}}"))
        let shapes: [Value] = [
            ["a": ["b": ["deep": 1]], "d": "kein Datum", "n": "viel"],
            ["a": [1, "zwei", nil, true, ["x": 1]], "d": .date(LocalDate(year: 2026, month: 2, day: 28)), "n": -0.005, "a.b": 1],
            ["a": .dateTime(Date(timeIntervalSince1970: 0)), "d": .dayTimeDuration(seconds: 5), "n": .yearMonthDuration(months: 3)],
        ]
        for data in shapes {
            do {
                let xml = try DocxFixture.part("word/document.xml", of: try template.render(data: data))
                #expect(DocxFixture.wellFormed(xml))
            } catch {
                #expect((error as? DocumentError)?.code == .missingData)
            }
        }
    }
}
