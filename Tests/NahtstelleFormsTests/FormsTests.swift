import Foundation
import NahtstelleFEEL
import NahtstelleForms
import Testing

@Suite struct AHVNumberTests {
    @Test func acceptsWithAndWithoutDots() throws {
        #expect(try AHVNumber("7561234567897").formatted == "756.1234.5678.97")
        #expect(try AHVNumber("756.1234.5678.97").formatted == "756.1234.5678.97")
        #expect(try AHVNumber(" 756 1234 5678 97 ").digits == "7561234567897")
    }

    @Test func rejectsWithReason() {
        #expect(AHVNumber.problem(in: "756.1234.5678.98") == .wrongCheckDigit)
        #expect(AHVNumber.problem(in: "757.1234.5678.97") == .wrongPrefix)
        #expect(AHVNumber.problem(in: "756.1234.5678.9") == .wrongLength(12))
        #expect(AHVNumber.problem(in: "756.1234.5678.9x") == .invalidCharacters)
        #expect(AHVNumber.problem(in: "") == .empty)
        #expect(AHVNumber.Problem.wrongCheckDigit.message == "Prüfziffer stimmt nicht")
    }

    @Test func checkDigitIsEAN13() {
        #expect(AHVNumber.checkDigit(of: "756921707698") == 5)  // the BSV's sample number 756.9217.0769.85
        #expect(AHVNumber.isValid("756.9217.0769.85"))
    }
}

@Suite struct FormCatalogTests {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/forms"
    }

    static func catalog() throws -> FormCatalog { try FormCatalog(directory: directory) }

    @Test func everyOptimaFormKeyResolves() throws {
        let catalog = try Self.catalog()
        for key in ["antrag-alv", "antrag-iv", "antrag-sh", "pruefung-antrag", "rueckfrage-antrag", "planung-uebergabe", "uebergabegespraech",
                    "kostengutsprache-antrag", "kostengutsprache-entscheid", "massnahme-buchen", "rechnung-weiterleiten", "rechnung-bezahlen",
                    "standortgespraech", "akten-uebergabe", "vereinbarung-alv", "einladung"] {
            #expect(catalog.form(key) != nil, "\(key)")
        }
        #expect(catalog.form("gibt-es-nicht") == nil)
    }

    @Test func variantsExtendTheCommonApplication() throws {
        let catalog = try Self.catalog()
        let base = try #require(catalog.form("antrag"))
        let sh = try #require(catalog.form("antrag-sh"))
        #expect(sh.fields.count > base.fields.count)
        #expect(sh.field("ahvNumber") != nil && sh.field("socialDifficulties") != nil)
        #expect(catalog.form("antrag-iv")?.field("socialDifficulties") == nil)
    }

    static let application: [String: Value] = [
        "referrerOffice": "rav-wolhusen", "referrerAdvisor": "mbucher", "receiverOffice": "sobz-hochdorf",
        "lastName": "Muster", "firstName": "Anna", "birthDate": "17.03.1984", "street": "Bahnhofstrasse 12", "postalCode": "6280",
        "city": "Hochdorf", "ahvNumber": "7561234567897", "socialCounselling": "nein", "socialAssistance": false, "ravRegistered": true,
        "receivesAle": "ja", "ivProcedure": "none", "ivMeasuresRunning": false, "ivLegalProceedings": false, "canAndWillWork": true,
        "ivHealthDamageSuspected": false, "goal": "Schulden ordnen\r\nKinderbetreuung", "durationMonths": "6", "consentHandover": true,
        "consentDataExchange": true, "socialDifficulties": "Schulden", "personalHelpEntitled": true, "topics": ["debts", "Fehlende Kinderbetreuung"],
    ]

    @Test func validApplicationIsNormalised() throws {
        let result = try #require(try Self.catalog().form("antrag-sh")).validate(Self.application)
        #expect(result.errors == [])
        #expect(result.values["ahvNumber"] == "756.1234.5678.97")
        #expect(result.values["birthDate"] == .date(LocalDate(year: 1984, month: 3, day: 17)))
        #expect(result.values["receivesAle"] == true)
        #expect(result.values["durationMonths"] == 6)
        #expect(result.values["goal"] == "Schulden ordnen\nKinderbetreuung")
        #expect(result.values["topics"] == ["debts", "childcare"])
    }

    @Test func everyErrorForEveryFieldInGerman() throws {
        var data = Self.application
        data["ahvNumber"] = "756.1234.5678.98"
        data["birthDate"] = "31.02.1984"
        data["lastName"] = nil
        data["durationMonths"] = 4
        data["ivProcedure"] = "vielleicht"
        data["consentHandover"] = "jein"
        let result = try #require(try Self.catalog().form("antrag-sh")).validate(data)
        let messages = Dictionary(uniqueKeysWithValues: result.errors.map { ($0.field, $0.message) })
        #expect(messages["ahvNumber"] == "AHV-Nummer: Prüfziffer stimmt nicht")
        #expect(messages["birthDate"] == "Geburtsdatum: kein gültiges Datum (TT.MM.JJJJ)")
        #expect(messages["lastName"] == "Name: Angabe fehlt")
        #expect(messages["durationMonths"] == "Geplante Dauer in Monaten: erlaubt sind: 3, 6")
        #expect(messages["ivProcedure"]?.contains("«vielleicht» ist keine gültige Auswahl") == true)
        #expect(messages["consentHandover"]?.hasSuffix("Ja oder Nein wählen") == true)
        #expect(result.errors.count == 6)
        #expect(!result.isValid)
        // Errors come in form order.
        #expect(result.errors.first?.field == "lastName")
    }

    @Test func requiredWhenFollowsTheDecision() throws {
        let form = try #require(try Self.catalog().form("pruefung-antrag"))
        #expect(form.validate(["decision": "rejected"]).errors.map(\.field) == ["rejectionReason"])
        #expect(form.validate(["decision": "rejected", "rejectionReason": "other"]).errors.map(\.field) == ["rejectionText"])
        #expect(form.validate(["decision": "accepted"]).errors.map(\.field) == ["advisor"])
        #expect(form.validate(["decision": "accepted", "advisor": "skaufmann"]).isValid)
        #expect(form.validate(["decision": "clarify"]).errors.map(\.field) == ["clarificationQuestion"])
        #expect(form.validate([:]).errors.map(\.message) == ["Entscheid: Angabe fehlt"])
    }

    @Test func statusMeetingCloseNeedsReasonAndOutcome() throws {
        let form = try #require(try Self.catalog().form("standortgespraech"))
        let base: [String: Value] = ["meetingAt": "2027-02-04T14:00", "place": "SoBZ", "participants": "A, B", "status": "gut", "allAgree": true]
        var close = base
        close["decision"] = "close"
        #expect(Set(form.validate(close).errors.map(\.field)) == ["closingReason", "outcome"])
        var cont = base
        cont["decision"] = "continue"
        #expect(form.validate(cont).errors.map(\.field) == ["nextMeetingAt"])
        cont["nextMeetingAt"] = "08.04.2027 10:00"
        let ok = form.validate(cont)
        #expect(ok.isValid)
        if case .dateTime? = ok.values["nextMeetingAt"] {} else { Issue.record("nextMeetingAt not a date-time") }
    }

    @Test func costApprovalTableAmountsAndPeriod() throws {
        let form = try #require(try Self.catalog().form("kostengutsprache-antrag"))
        let data: [String: Value] = [
            "measure": "Bewerbungstraining", "periodFrom": "2027-03-01", "periodTo": "2027-01-11", "provider": "AIZ AG", "payingOffice": "rav-wolhusen",
            "positions": [["description": "Kurs", "amount": "CHF 1'250.50"], ["description": "Coaching", "amount": "12.345"], ["amount": "-5"]],
        ]
        let result = form.validate(data)
        let fields = result.errors.map(\.field)
        #expect(fields == ["periodTo", "positions[2].amount", "positions[3].description", "positions[3].amount"])
        #expect(result.errors[0].message == "Dauer bis: darf nicht vor «Dauer von» liegen")
        #expect(result.errors[1].message == "Kostenpositionen, Zeile 2, Betrag: höchstens zwei Nachkommastellen (Rappen)")
        var fixed = data
        fixed["periodTo"] = "2027-03-19"
        fixed["positions"] = [["description": "Kurs", "amount": "CHF 1'250.50", "quantity": 10]]
        let ok = form.validate(fixed)
        #expect(ok.isValid)
        #expect(ok.values["positions"] == [["description": "Kurs", "amount": 1250.5, "quantity": 10]])
    }

    @Test func referencesAreCheckedWhenADirectoryIsGiven() throws {
        let form = try #require(try Self.catalog().form("pruefung-antrag"))
        let references = FormReferences(officeExists: { _ in true }, userExists: { $0 == "skaufmann" })
        #expect(form.validate(["decision": "accepted", "advisor": "nobody"], references: references).errors.map(\.message)
            == ["Zuständige:r Fallführer:in: unbekannte Benutzerin / unbekannter Benutzer"])
    }

    @Test func hostileInputNeverCrashesAndIsCleaned() throws {
        let form = try #require(try Self.catalog().form("rueckfrage-antrag"))
        let long = String(repeating: "x", count: 10_000)
        #expect(form.validate(["answer": .string(long)]).errors.first?.code == .tooLong)
        let cleaned = form.validate(["answer": "  a\u{0}b\u{7}\r\nc 👩‍👧 مرحبا  ", "applicationUpdated": ["not", "bool"]])
        #expect(cleaned.errors.map(\.field) == ["applicationUpdated"])
        #expect(form.validate(["answer": "  a\u{0}b\u{7}\r\nc 👩‍👧 مرحبا  "]).values["answer"] == "ab\nc 👩‍👧 مرحبا")
        #expect(form.validate(["answer": ["nested": ["x": 1]], "zusatz": 1]).unknownFields == ["zusatz"])
    }

    @Test func brokenDefinitionsAreAllReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("forms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"key": "a", "title": "A", "sections": [{"title": "S", "fields": [{"id": "x", "label": "X", "type": "textt"}, {"id": "y", "label": "Y", "type": "text", "requierd": true}, {"id": "z", "label": "Z", "type": "text", "requiredWhen": {"field": "nope", "equals": 1}}]}]}"#
            .write(to: dir.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)
        try #"{"key": "b", "title": "B", "extends": "missing"}"#.write(to: dir.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        try "{ kaputt".write(to: dir.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        #expect { try FormCatalog(directory: dir.path) } throws: { error in
            guard let problems = (error as? FormCatalogError)?.problems else { return false }
            let text = problems.map(\.description).joined(separator: "\n")
            return problems.count == 5 && text.contains("textt") && text.contains("meinten Sie «required»") && text.contains("nope")
                && text.contains("missing") && text.contains("c.json")
        }
    }
}
