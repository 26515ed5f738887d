import Foundation
import Testing
@testable import NahtstelleDocuments
import NahtstelleFEEL

/// The templates in `templates/` pass the checker and render with their sample data.
@Suite struct ShippedTemplatesTests {
    static let names = ["antragsformular-rav", "antragsformular-iv", "antragsformular-sh", "kostengutsprache", "vereinbarung-alv",
                        "gespraechsnotiz-uebergabe", "gespraechsnotiz-standort", "gespraechsnotiz-abschluss", "einladung-gespraech",
                        "entscheid-annahme", "entscheid-ablehnung", "einladung-zuweisende-stelle", "abrechnung-fallpauschalen"]

    static var directory: String { DocxFixture.repositoryRoot + "/templates" }

    @Test func everyTemplateIsThere() throws {
        let library = try TemplateLibrary(directory: Self.directory)
        #expect(library.names == Self.names.sorted())
        #expect(library.schema != nil)
    }

    @Test(arguments: names)
    func templatePassesCheckAndRendersSample(name: String) throws {
        let library = try TemplateLibrary(directory: Self.directory)
        #expect(TemplateChecker.check(path: library.path(of: name), schema: library.schema).isEmpty)
        let sample = try #require(FileManager.default.contents(atPath: "\(Self.directory)/samples/\(name).json"))
        let data = try Value.parseJSON(bytes: Array(sample))
        let docx = try library.render(name, data: data)
        for (part, bytes) in try DocxFixture.parts(of: docx) where part.hasSuffix(".xml") {
            let xml = String(decoding: bytes, as: UTF8.self)
            #expect(DocxFixture.wellFormed(xml), "\(part)")
            #expect(!xml.contains("{{"), "\(part) still has a placeholder")
        }
        #expect(try library.render(name, data: data) == docx)
    }

    @Test func costApprovalShowsAmountsAndWording() throws {
        let library = try TemplateLibrary(directory: Self.directory)
        let data = try Value.parseJSON(bytes: Array(try #require(FileManager.default.contents(atPath: "\(Self.directory)/samples/kostengutsprache.json"))))
        let text = DocxFixture.text(of: try DocxFixture.part("word/document.xml", of: try library.render("kostengutsprache", data: data)))
        #expect(text.contains("Mit vorliegender Kostengutsprache bestätigt RAV Wolhusen, die untenstehenden Kosten gemäss der Massnahmenplanung zu übernehmen."))
        #expect(text.contains("CHF 2'995.50"))
        #expect(text.contains("Es werden keine zusätzlichen Spesen übernommen."))
        #expect(!text.contains("ß"))
    }

    @Test func missingSampleFieldIsNamed() throws {
        let library = try TemplateLibrary(directory: Self.directory)
        var data = try Value.parseJSON(bytes: Array(try #require(FileManager.default.contents(atPath: "\(Self.directory)/samples/kostengutsprache.json"))))
        guard case .context(var top) = data, case .context(var person)? = top["person"] else { Issue.record("sample shape"); return }
        person["lastName"] = nil
        top["person"] = .context(person)
        data = .context(top)
        #expect { try library.render("kostengutsprache", data: data) } throws: { error in
            (error as? DocumentError)?.missingFields == ["person.lastName"]
        }
    }
}
