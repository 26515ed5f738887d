import Foundation
import Testing
@testable import NahtstelleDocuments
import NahtstelleFEEL

@Suite struct DocumentTemplateTests {
    typealias F = DocxFixture

    @Test func fieldIsReplacedAndEscaped() throws {
        let t = try F.template(body: F.p("Name: {{person.lastName}}!"))
        let out = try t.render(data: ["person": ["lastName": "Müller & <Söhne> \"AG\" 'x'\u{1}\u{0B}\u{FFFE}"]])
        let xml = try F.part("word/document.xml", of: out)
        #expect(xml.contains("Name: Müller &amp; &lt;Söhne&gt; \"AG\" 'x'!"))
        #expect(!xml.contains("\u{1}") && !xml.contains("\u{0B}") && !xml.contains("\u{FFFE}"))
        #expect(F.wellFormed(xml))
    }

    @Test func placeholderSplitAcrossRunsKeepsFirstRunFormattingAndMarkup() throws {
        // As Word writes it: spell-check marks, a bookmark and revision ids between the pieces.
        let body = """
        <w:p><w:r w:rsidR="00A1"><w:rPr><w:b/></w:rPr><w:t>Hallo {{per</w:t></w:r><w:proofErr w:type="spellStart"/>\
        <w:bookmarkStart w:id="7" w:name="Adresse"/><w:r w:rsidR="00B2"><w:rPr><w:i/></w:rPr><w:t>son.last</w:t></w:r>\
        <w:proofErr w:type="spellEnd"/><w:r><w:t>Na</w:t></w:r><w:bookmarkEnd w:id="7"/><w:r><w:t>me}} und Tschüss</w:t></w:r></w:p>
        """
        let t = try F.template(body: body)
        let xml = try F.part("word/document.xml", of: try t.render(data: ["person": ["lastName": "Muster"]]))
        #expect(xml.contains(#"<w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Hallo Muster</w:t>"#))
        #expect(xml.contains(#"<w:proofErr w:type="spellStart"/>"#) && xml.contains(#"<w:proofErr w:type="spellEnd"/>"#))
        #expect(xml.contains(#"<w:bookmarkStart w:id="7" w:name="Adresse"/>"#) && xml.contains(#"<w:bookmarkEnd w:id="7"/>"#))
        #expect(xml.contains("<w:i/>"))
        #expect(F.text(of: xml) == "Hallo Muster und Tschüss")
        #expect(F.wellFormed(xml))
    }

    @Test(arguments: [2, 3, 4, 5])
    func placeholderSplitIntoNPieces(pieces: Int) throws {
        let tag = Array("{{person.lastName}}")
        let size = (tag.count + pieces - 1) / pieces
        var runs: [String] = []
        for k in 0..<pieces {
            let chunk = String(tag[min(tag.count, k * size)..<min(tag.count, (k + 1) * size)])
            runs.append("<w:r><w:t>\(chunk)</w:t></w:r>")
            if k < pieces - 1 { runs.append(k % 2 == 0 ? #"<w:proofErr w:type="gramStart"/>"# : #"<w:bookmarkStart w:id="\#(k)" w:name="b\#(k)"/><w:bookmarkEnd w:id="\#(k)"/>"#) }
        }
        let xml = try F.part("word/document.xml", of: try F.template(body: "<w:p>" + runs.joined() + "</w:p>").render(data: ["person": ["lastName": "Gashi"]]))
        #expect(F.text(of: xml) == "Gashi")
        #expect(F.count("<w:proofErr", in: xml) == (pieces - 1 + 1) / 2)
        #expect(F.count("<w:bookmarkStart", in: xml) == (pieces - 1) / 2)
    }

    @Test func tableRowsRepeatPerListEntry() throws {
        let body = """
        <w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>\
        <w:tr><w:tc><w:p><w:r><w:t>Massnahme</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Betrag</w:t></w:r></w:p></w:tc></w:tr>\
        <w:tr><w:tc><w:p><w:r><w:t>{{#measures}}{{@nr}}. {{name}}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{amount | chf}}{{/measures}}</w:t></w:r></w:p></w:tc></w:tr>\
        </w:tbl><w:p/>
        """
        let t = try F.template(body: body)
        let data: Value = ["measures": [["name": "Kurs A", "amount": 1250], ["name": "Kurs B", "amount": 85.5]]]
        let xml = try F.part("word/document.xml", of: try t.render(data: data))
        #expect(F.count("<w:tr>", in: xml) == 3)
        #expect(F.text(of: xml) == "MassnahmeBetrag1. Kurs ACHF 1'250.002. Kurs BCHF 85.50")
        let empty = try F.part("word/document.xml", of: try t.render(data: ["measures": []]))
        #expect(F.count("<w:tr>", in: empty) == 1)
        let many = try F.part("word/document.xml", of: try t.render(data: ["measures": .list((1...200).map { ["name": .string("M\($0)"), "amount": .number(Decimal($0))] })]))
        #expect(F.count("<w:tr>", in: many) == 201)
        #expect(F.wellFormed(many))
    }

    @Test func tableWhoseOnlyRowIsRepeatedDisappearsWhenListIsEmpty() throws {
        let body = """
        <w:p><w:r><w:t>vorher</w:t></w:r></w:p><w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>\
        <w:tr><w:tc><w:p><w:r><w:t>{{#items}}{{.}}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{/items}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>
        """
        let xml = try F.part("word/document.xml", of: try F.template(body: body).render(data: ["items": []]))
        #expect(!xml.contains("<w:tbl>"))
        #expect(F.wellFormed(xml))
    }

    @Test func blockSectionDropsTagParagraphsAndRepeatsContent() throws {
        let body = F.p("Titel") + F.p("{{#people}}") + F.p("Name: {{name}}") + F.p("{{/people}}") + F.p("{{^people}}") + F.p("Niemand") + F.p("{{/people}}")
        let t = try F.template(body: body)
        let two = try F.part("word/document.xml", of: try t.render(data: ["people": [["name": "A"], ["name": "B"]]]))
        #expect(F.count("<w:p>", in: two) == 3)
        #expect(F.text(of: two) == "TitelName: AName: B")
        let none = try F.part("word/document.xml", of: try t.render(data: ["people": []]))
        #expect(F.text(of: none) == "TitelNiemand")
    }

    @Test func cellKeepsAParagraphWhenItsSectionIsLeftOut() throws {
        let body = """
        <w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/></w:tblGrid><w:tr><w:tc><w:tcPr/>\
        <w:p><w:r><w:t>{{#note}}</w:t></w:r></w:p><w:p><w:r><w:t>{{note}}</w:t></w:r></w:p><w:p><w:r><w:t>{{/note}}</w:t></w:r></w:p>\
        </w:tc></w:tr></w:tbl><w:p/>
        """
        let t = try F.template(body: body)
        let xml = try F.part("word/document.xml", of: try t.render(data: [:]))
        #expect(xml.contains("<w:tcPr/><w:p/></w:tc>"))
        let filled = try F.part("word/document.xml", of: try t.render(data: ["note": "Hinweis"]))
        #expect(F.text(of: filled) == "Hinweis")
        #expect(!filled.contains("<w:p/></w:tc>"))
    }

    @Test func conditionsCompareChoiceIds() throws {
        let body = F.p("{{#decision == \u{201E}close\u{201C}}}Abschluss{{/decision}}{{#decision != close}}weiter{{/decision}}")
        let t = try F.template(body: body)
        #expect(F.text(of: try F.part("word/document.xml", of: try t.render(data: ["decision": "close"]))) == "Abschluss")
        #expect(F.text(of: try F.part("word/document.xml", of: try t.render(data: ["decision": "continue"]))) == "weiter")
    }

    @Test func idsInRepeatedContentStayUnique() throws {
        let body = F.p("{{#items}}") + """
        <w:p><w:bookmarkStart w:id="3" w:name="Marke"/><w:r><w:t>{{.}}</w:t></w:r><w:bookmarkEnd w:id="3"/>\
        <w:r><w:drawing><wp:inline><wp:docPr id="5" name="Bild 1"/></wp:inline></w:drawing></w:r></w:p>
        """ + F.p("{{/items}}")
        let xml = try F.part("word/document.xml", of: try F.template(body: body).render(data: ["items": ["a", "b", "c"]]))
        var ids: [String] = [], names: [String] = [], drawings: [String] = []
        for line in xml.components(separatedBy: "<").dropFirst() {
            if line.hasPrefix("w:bookmarkStart") {
                ids.append(line.components(separatedBy: "w:id=\"")[1].components(separatedBy: "\"")[0])
                names.append(line.components(separatedBy: "w:name=\"")[1].components(separatedBy: "\"")[0])
            }
            if line.hasPrefix("wp:docPr") { drawings.append(line.components(separatedBy: "id=\"")[1].components(separatedBy: "\"")[0]) }
        }
        #expect(ids.count == 3 && Set(ids).count == 3)
        #expect(Set(names).count == 3)
        #expect(drawings.count == 3 && Set(drawings).count == 3 && !drawings.contains("5"))
        // Each bookmarkEnd carries the id of its own start.
        #expect(ids.allSatisfy { xml.contains(#"<w:bookmarkEnd w:id="\#($0)"/>"#) })
    }

    @Test func newlinesBecomeBreaksAndTabsTabs() throws {
        let xml = try F.part("word/document.xml", of: try F.template(body: F.p("{{text}}")).render(data: ["text": "  eins\r\nzwei\nd\trei  "]))
        #expect(xml.contains(#"<w:t xml:space="preserve">  eins</w:t><w:br/><w:t xml:space="preserve">zwei</w:t><w:br/><w:t xml:space="preserve">d</w:t><w:tab/><w:t xml:space="preserve">rei  </w:t>"#))
    }

    @Test func filtersFormatSwissStyle() throws {
        let body = F.p("{{d | datum}}|{{d | datumlang}}|{{t | datumzeit}}|{{a | chf}}|{{a | betrag}}|{{p | prozent}}|{{ahv | ahv}}|{{b | janein}}|{{missing | sonst \"–\"}}|{{n}}")
        let data: Value = ["d": "2026-03-01", "t": "2026-11-24T08:30:00Z", "a": 1_250_000.5, "p": 80, "ahv": "7561234567897", "b": false, "n": 12500]
        let text = F.text(of: try F.part("word/document.xml", of: try F.template(body: body).render(data: data)))
        #expect(text == "01.03.2026|1. März 2026|24.11.2026 09:30|CHF 1'250'000.50|1'250'000.50|80\u{00A0}%|756.1234.5678.97|Nein|–|12'500")
    }

    @Test func missingDataNamesEveryField() throws {
        let body = F.p("{{person.lastName}} {{person.firstName}} {{optionalThing | optional}}") + F.p("{{#items}}") + F.p("{{name}}") + F.p("{{/items}}")
        let t = try F.template(body: body)
        do {
            _ = try t.render(data: ["person": ["firstName": "Anna"], "items": [["name": "x"], ["other": 1]]])
            Issue.record("expected missing data")
        } catch {
            #expect(error.code == .missingData)
            #expect(error.missingFields == ["person.lastName", "items[2].name"])
            #expect(error.message.contains("person.lastName") && error.message.contains("items[2].name"))
        }
    }

    @Test func missingDataLeavesNoFileBehind() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.docx").path
        #expect(throws: DocumentError.self) { try F.template(body: F.p("{{x}}")).render(data: [:], to: out) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func outputIsByteIdenticalAndFileEqualsMemory() throws {
        let t = try F.template(body: F.p("{{a}}"), header: F.p("Kopf {{office}}"))
        let data: Value = ["a": "x", "office": "RAV Wolhusen"]
        let first = try t.render(data: data)
        let second = try t.render(data: data)
        #expect(first == second)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docs-\(UUID().uuidString).docx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try t.render(data: data, to: path)
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == first)
        #expect(F.text(of: try F.part("word/header1.xml", of: first)) == "Kopf RAV Wolhusen")
    }

    @Test func unchangedPartsAreCopiedAndNoDuplicatesOrDirectories() throws {
        let t = try F.template(body: F.p("{{a}}"))
        let parts = try F.parts(of: try t.render(data: ["a": "1"]))
        let names = parts.map(\.0)
        #expect(names == ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml"])
        #expect(Set(names).count == names.count && !names.contains { $0.hasSuffix("/") })
    }

    @Test func hostileValuesKeepDocumentValid() throws {
        let hostile: [String] = ["& < > \" '", "\u{0}\u{1}\u{8}\u{1F}\u{7F}\u{85}", String(repeating: "Ä", count: 10_000), "👩‍👧 🇨🇭", "مرحبا שלום", "]]> <![CDATA[ &amp; {{x}}"]
        let t = try F.template(body: F.p("{{v}}") + F.p("{{#l}}") + F.p("{{.}}") + F.p("{{/l}}"))
        for value in hostile {
            let xml = try F.part("word/document.xml", of: try t.render(data: ["v": .string(value), "l": [.string(value)]]))
            #expect(F.wellFormed(xml))
            #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0.value != 0x0A && $0.value != 0x0D && $0.value != 0x09 })
        }
    }

    @Test func invalidTemplateListsEveryProblem() throws {
        let body = F.p("{{person.lastName") + F.p("{{#a}}{{#b}}{{/a}}{{/b}}") + F.p("{{/never}}") + F.p("{{#open}}") + F.p("{{x | unbekannt}}")
        do {
            _ = try F.template(body: body)
            Issue.record("expected problems")
        } catch {
            let codes = Set(error.problems.map(\.code))
            #expect(codes.isSuperset(of: [.unclosedPlaceholder, .crossedSections, .unopenedSection, .unclosedSection, .unknownFilter]))
            #expect(error.problems.allSatisfy { $0.location.hasPrefix("Haupttext, Absatz") && !$0.fix.isEmpty })
        }
    }

    @Test func sectionFromCellOutOfTableIsReported() throws {
        let body = """
        <w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>{{#items}}x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
        <w:p><w:r><w:t>y{{/items}}</w:t></w:r></w:p>
        """
        do {
            _ = try F.template(body: body)
            Issue.record("expected a problem")
        } catch {
            let problem = try #require(error.problems.first)
            #expect(problem.code == .sectionAcrossCells)
            #expect(problem.message.contains("Tabelle 1, Zeile 1, Zelle 1"))
            #expect(problem.context.contains("{{#items}}"))
        }
    }

    @Test func schemaCatchesMisspeltFieldsWithSuggestion() throws {
        let schema = try TemplateDataSchema(json: try Value.parseJSON(#"{"fields": {"person": {"fields": {"lastName": {"type": "text"}, "birthDate": {"type": "date"}}}, "items": {"type": "list", "fields": {"name": {"type": "text"}}}}}"#))
        let body = F.p("{{person.lastname}} {{person.birthDate | chf}}") + F.p("{{#items}}{{name}}{{nme}}{{/items}}")
        do {
            _ = try F.template(body: body, schema: schema)
            Issue.record("expected problems")
        } catch {
            let messages = error.problems.map(\.message)
            #expect(messages.contains { $0.contains("«person.lastname»") && $0.contains("person.lastName") })
            #expect(messages.contains { $0.contains("«chf»") })
            #expect(messages.contains { $0.contains("«nme»") && $0.contains("«name»") })
            #expect(error.problems.count == 3)
        }
    }
}
