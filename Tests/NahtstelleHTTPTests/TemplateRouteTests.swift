import CLibZip
import Foundation
import NahtstelleSQL
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleFEEL
import NIOCore
import Testing

/// Coordinators' templates (issue 11): a new version is checked, stored and used for the next
/// document while older documents keep their bytes; a broken or hostile upload is refused with
/// every problem located and nothing stored; the pages; the pseudonymised export.
@Suite struct TemplateRouteTests {
    static let docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    static func docx(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: docxType] }
    static func shipped(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/templates/\(name).docx")))
    }

    @Test func aNewVersionIsUsedForNewDocumentsWhileOldDocumentsKeepTheirBytes() async throws {
        let s = try TestServer()
        let first = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                    formData: applicationValues(lastName: "Vorher", ahvSerial: 61).contextValue!)
        let oldInfo = try #require(first.documents.first { $0.template == "antragsformular-sh" })
        #expect(oldInfo.templateVersion == 1)
        let oldBytes = try s.service.document("h.lustenberger", id: oldInfo.id).bytes
        let original = try Self.shipped("antragsformular-sh")
        let changed = try DocxEditing.replacing(">Antragsformular OPTIMA-SH<", with: ">Antragsformular OPTIMA-SH (Fassung 2027)<", in: original)
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            let stored = try await client.execute(uri: "/api/templates/antragsformular-sh?fileName=Antrag%20SH%20neu.docx", method: .post,
                                                  headers: Self.docx(coordinator), body: ByteBuffer(bytes: changed))
            #expect(stored.status == .created)
            #expect(json(stored)["version"]?.numberValue == 2)
            #expect(json(stored)["new"] == .bool(true))
            // The same bytes again: no new version.
            let same = try await client.execute(uri: "/api/templates/antragsformular-sh", method: .post, headers: Self.docx(coordinator),
                                                body: ByteBuffer(bytes: changed))
            #expect(same.status == .ok)
            #expect(json(same)["new"] == .bool(false))
            #expect(json(same)["version"]?.numberValue == 2)
            let detail = json(try await client.execute(uri: "/api/templates/antragsformular-sh", method: .get, headers: bearer(coordinator)))
            #expect(detail["currentVersion"]?.numberValue == 2)
            let versions = detail["versions"]?.listValue?.compactMap(\.contextValue) ?? []
            #expect(versions.map { $0["version"]?.numberValue } == [2, 1])
            #expect(versions.first?["uploadedBy"] == "iiz.koordination")
            #expect(versions.first?["fileName"] == "AntragSHneu.docx")
            #expect(versions.last?["shipped"] == .bool(true))
            #expect(detail["fields"]?.listValue?.contains("person.lastName") == true)
            // Each version downloads as stored; the preview fills it with the sample data.
            let v2 = try await client.execute(uri: "/api/templates/antragsformular-sh/versions/2", method: .get, headers: bearer(coordinator))
            #expect(Array(v2.body.readableBytesView) == changed)
            let v1 = try await client.execute(uri: "/api/templates/antragsformular-sh/versions/1", method: .get, headers: bearer(coordinator))
            #expect(Array(v1.body.readableBytesView) == original)
            let preview = try await client.execute(uri: "/api/templates/antragsformular-sh/versions/2/preview", method: .get, headers: bearer(coordinator))
            #expect(preview.status == .ok)
            #expect(preview.headers[.contentDisposition]?.contains("antragsformular-sh-v2-vorschau.docx") == true)
            let previewText = DocxEditing.text(Array(preview.body.readableBytesView)) ?? ""
            #expect(previewText.contains("Fassung 2027") && previewText.contains("Muster-Gashi") && !previewText.contains("{{"))
            let oldPreview = try await client.execute(uri: "/api/templates/antragsformular-sh/versions/1/preview", method: .get, headers: bearer(coordinator))
            #expect(DocxEditing.text(Array(oldPreview.body.readableBytesView))?.contains("Fassung 2027") == false)
            #expect(try await client.execute(uri: "/api/templates/antragsformular-sh/versions/3", method: .get, headers: bearer(coordinator)).status
                == .notFound)
        }
        // The next case's document comes from version 2; the first case's document is unchanged.
        let second = try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                                     formData: applicationValues(lastName: "Nachher", ahvSerial: 62).contextValue!)
        let newInfo = try #require(second.documents.first { $0.template == "antragsformular-sh" })
        #expect(newInfo.templateVersion == 2)
        let newText = DocxEditing.text(try s.service.document("h.lustenberger", id: newInfo.id).bytes) ?? ""
        #expect(newText.contains("Fassung 2027") && newText.contains("Nachher"))
        #expect(try s.service.document("h.lustenberger", id: oldInfo.id).bytes == oldBytes)
        #expect(DocxEditing.text(oldBytes)?.contains("Fassung 2027") == false)
        #expect(try s.service.documents("h.lustenberger", caseID: first.caseID).first { $0.id == oldInfo.id }?.templateVersion == 1)
        // The upload is in the access log, once (the identical upload stored nothing).
        let uploads = try s.service.auditLog(by: "iiz.koordination", caseID: nil, user: "iiz.koordination", from: nil, to: nil)
            .filter { $0.action == "upload-template" }
        #expect(uploads.count == 1)
    }

    @Test func brokenOrHostileUploadsAreRefusedWithEveryProblemLocatedAndNothingStored() async throws {
        let s = try TestServer()
        let original = try Self.shipped("antragsformular-sh")
        let broken = try DocxEditing.replacing("{{person.lastName}}, {{person.firstName}}", with: "{{person.lastNme}}, {{person.firstName", in: original)
        let needsMeeting = try DocxEditing.replacing("{{person.lastName}}, {{person.firstName}}",
                                                     with: "{{person.lastName}}, {{person.firstName}}, {{meeting.at | datumzeit}}", in: original)
        // 40 MB of zeros packs into some 40 KB: a small upload that would unpack far beyond the limit.
        let bomb = try DocxEditing.adding("word/media/image9.bin", bytes: [UInt8](repeating: 0, count: 40 << 20), to: original)
        let escaping = try DocxEditing.adding("../../etc/cron.d/nahtstelle", bytes: Array("* * * * * root true\n".utf8), to: original)
        #expect(bomb.count < 1_000_000)
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            func upload(_ bytes: [UInt8], name: String = "antragsformular-sh") async throws -> TestResponse {
                try await client.execute(uri: "/api/templates/\(name)", method: .post, headers: Self.docx(coordinator), body: ByteBuffer(bytes: bytes))
            }
            func problems(_ r: TestResponse) -> [[String: Value]] { json(r)["problems"]?.listValue?.compactMap(\.contextValue) ?? [] }

            let refused = try await upload(broken)
            #expect(refused.status == .unprocessableContent)
            #expect(json(refused)["error"]?.contextValue?["code"] == "invalid-template")
            let located = problems(refused)
            #expect(located.count >= 2)
            #expect(located.allSatisfy { $0["severity"] == "error" && $0["location"]?.stringValue?.contains("Tabelle") == true
                && $0["fix"]?.stringValue?.isEmpty == false })
            #expect(located.contains { $0["message"]?.stringValue?.contains("person.lastNme") == true })

            let missing = try await upload(needsMeeting)
            #expect(missing.status == .unprocessableContent)
            #expect(problems(missing).contains { $0["code"] == "missing-sample-data" && $0["message"]?.stringValue?.contains("meeting.at") == true })

            for (bytes, code) in [(Array("Das ist kein Word-Dokument".utf8), "invalid-archive"), (bomb, "archive-too-large"),
                                  (escaping, "unsafe-entry"), (Array(original.prefix(5000)), "invalid-archive")] {
                let r = try await upload(bytes)
                #expect(r.status == .unprocessableContent, "\(code)")
                #expect(problems(r).contains { $0["code"]?.stringValue == code && $0["fix"]?.stringValue?.isEmpty == false }, "\(code): \(problems(r))")
            }
            let empty = try await upload([])
            #expect(empty.status == .unprocessableContent)
            // Only the known templates: no new names, nothing outside the folder.
            #expect(try await upload(original, name: "neue-vorlage").status == .notFound)
            #expect(try await upload(original, name: "..%2Ffields").status == .notFound)
            let jsonBody = try await client.execute(uri: "/api/templates/antragsformular-sh", method: .post, headers: bearer(coordinator),
                                                    body: ByteBuffer(string: "{}"))
            #expect(jsonBody.status == .unsupportedMediaType)
            let tooLarge = try await upload([UInt8](repeating: 0x50, count: 1_100_000))
            #expect(tooLarge.status == .contentTooLarge)
        }
        let overview = try s.service.templateOverview(by: "iiz.koordination", name: "antragsformular-sh")
        #expect(overview.versions.map(\.version) == [1])
        let stored = try s.service.sqlStorage.readSQL { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM template_version") }
        #expect(stored == 0)
    }

    @Test func templatesAndFormsAreForCoordinatorsOnly() async throws {
        let s = try TestServer()
        let changed = try DocxEditing.replacing(">Antragsformular OPTIMA-SH<", with: ">Antrag SH<", in: try Self.shipped("antragsformular-sh"))
        try await s.test { client in
            let advisor = try await client.token("s.wicki")
            for uri in ["/api/templates", "/api/templates/antragsformular-sh", "/api/templates/antragsformular-sh/versions/1",
                        "/api/templates/antragsformular-sh/versions/1/preview"] {
                let r = try await client.execute(uri: uri, method: .get, headers: bearer(advisor))
                #expect(r.status == .forbidden, "\(uri)")
            }
            let post = try await client.execute(uri: "/api/templates/antragsformular-sh", method: .post, headers: Self.docx(advisor),
                                                body: ByteBuffer(bytes: changed))
            #expect(post.status == .forbidden)
            let (cookie, _) = try await PageTests.signIn(client, "s.wicki")
            for uri in ["/templates", "/templates/antragsformular-sh", "/forms", "/forms/pruefung-antrag"] {
                let r = try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie, .accept: "text/html"])
                #expect(r.status == .forbidden, "\(uri)")
            }
        }
        #expect(try s.service.templateOverview(by: "iiz.koordination", name: "antragsformular-sh").versions.count == 1)
    }

    /// Signs the coordinator in through the login page (start page /definitions); the session
    /// cookie and the CSRF token of the pages.
    static func coordinatorSession(_ client: any TestClientProtocol) async throws -> (cookie: String, csrf: String) {
        let page = try await client.execute(uri: "/login", method: .get)
        let loginCookie = page.headers[values: .setCookie].first { $0.hasPrefix("nahtstelle_login=") }?.split(separator: ";").first.map(String.init) ?? ""
        let response = try await client.execute(
            uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: loginCookie],
            body: ByteBuffer(string: "_login=\(loginCookie.dropFirst("nahtstelle_login=".count))&next=%2Ftemplates&username=iiz.koordination"
                                 + "&password=\(TestServer.password)"))
        #expect(response.status == .seeOther)
        let session = response.headers[values: .setCookie].first { $0.hasPrefix("nahtstelle_session=") }?.split(separator: ";").first.map(String.init) ?? ""
        let html = String(buffer: try await client.execute(uri: "/templates", method: .get, headers: [.cookie: session]).body)
        let csrf = html.range(of: "name=\"csrf-token\" content=\"").map { r in String(html[r.upperBound...].prefix { $0 != "\"" }) } ?? ""
        #expect(!csrf.isEmpty)
        return (session, csrf)
    }

    /// A multipart body as a browser sends the upload form.
    static func multipart(_ fields: [(String, String)], file: [UInt8]?, fileName: String = "vorlage.docx") -> (String, ByteBuffer) {
        let boundary = "----nahtstelle\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: \(docxType)\r\n\r\n".utf8)
            body += file + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", ByteBuffer(bytes: body))
    }

    @Test func thePagesCheckUploadAndShowTheFormsWithEveryRule() async throws {
        let s = try TestServer()
        let original = try Self.shipped("entscheid-annahme")
        let broken = try DocxEditing.replacing("{{salutation}}", with: "{{salutaton}} {{#case.process}}", in: original)
        let changed = try DocxEditing.replacing("Besten Dank für Ihren Antrag", with: "Herzlichen Dank für Ihren Antrag", in: original)
        try await s.test { client in
            let (cookie, csrf) = try await Self.coordinatorSession(client)
            func post(_ fields: [(String, String)], _ file: [UInt8]?) async throws -> TestResponse {
                let (type, body) = Self.multipart(fields, file: file)
                return try await client.execute(uri: "/templates/entscheid-annahme", method: .post, headers: [.cookie: cookie, .contentType: type],
                                                body: body)
            }
            let list = try await client.execute(uri: "/templates", method: .get, headers: [.cookie: cookie])
            #expect(list.status == .ok)
            let listHTML = String(buffer: list.body)
            #expect(listHTML.contains("href=\"/templates/entscheid-annahme\"") && listHTML.contains("href=\"/forms\""))
            // Without the CSRF token nothing is checked or stored.
            #expect(try await post([("_action", "upload")], changed).status == .forbidden)
            let checked = try await post([("_csrf", csrf), ("_action", "check")], broken)
            #expect(checked.status == .ok)
            let checkHTML = String(buffer: checked.body)
            #expect(checkHTML.contains("Fehler gefunden") && checkHTML.contains("Behebung") && checkHTML.contains("Absatz"))
            let refused = try await post([("_csrf", csrf), ("_action", "upload")], broken)
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Es wurde nichts gespeichert"))
            let stored = try await post([("_csrf", csrf), ("_action", "upload")], changed)
            #expect(stored.status == .created)
            let storedHTML = String(buffer: stored.body)
            #expect(storedHTML.contains("Version 2 übernommen") && storedHTML.contains("/api/templates/entscheid-annahme/versions/2/preview"))
            let forms = try await client.execute(uri: "/forms", method: .get, headers: [.cookie: cookie])
            #expect(String(buffer: forms.body).contains("href=\"/forms/pruefung-antrag\""))
            let form = String(buffer: try await client.execute(uri: "/forms/pruefung-antrag", method: .get, headers: [.cookie: cookie]).body)
            #expect(form.contains("Ablehnungsgrund") && form.contains("Pflicht, wenn «Entscheid»") && form.contains("Auswahl (eine)"))
            let kgs = String(buffer: try await client.execute(uri: "/forms/kostengutsprache-antrag", method: .get, headers: [.cookie: cookie]).body)
            #expect(kgs.contains("Spalte:") && kgs.contains("Betrag (CHF)"))
            #expect(try await client.execute(uri: "/forms/gibt-es-nicht", method: .get, headers: [.cookie: cookie]).status == .notFound)
        }
        #expect(try s.service.templateOverview(by: "iiz.koordination", name: "entscheid-annahme").current.version == 2)
    }

    @Test func thePseudonymisedExportNeedsTheServersKeyAndNamesNoOne() async throws {
        let without = try TestServer()
        try await without.test { client in
            let coordinator = try await client.token("iiz.koordination")
            let r = try await client.execute(uri: "/api/reports/export?format=csv", method: .get, headers: bearer(coordinator))
            #expect(r.status == .serviceUnavailable)
            #expect(json(r)["error"]?.contextValue?["message"]?.stringValue?.contains("--report-key-file") == true)
            let advisor = try await client.token("s.wicki")
            #expect(try await client.execute(uri: "/api/reports/export", method: .get, headers: bearer(advisor)).status == .forbidden)
            let (cookie, _) = try await Self.coordinatorSession(client)
            let page = String(buffer: try await client.execute(uri: "/reports", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("Pseudonymisierter Fallexport") && page.contains("--report-key-file") && !page.contains("/api/reports/export"))
        }

        let s = try TestServer(reportKey: try ReportKey(secret: Array("ein-geheimer-schluessel-fuer-tests".utf8), source: "test"))
        let submitted = try (1...3).map { n in
            try s.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf",
                                            formData: applicationValues(lastName: "Geheimname\(n)", ahvSerial: 70 + n).contextValue!)
        }
        let ahvNumbers = (1...3).compactMap { applicationValues(ahvSerial: 70 + $0).contextValue?["ahvNumber"]?.stringValue }
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            let csv = try await client.execute(uri: "/api/reports/export?format=csv", method: .get, headers: bearer(coordinator))
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let text = String(buffer: csv.body)
            let lines = text.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("personKey,caseKey") == true)
            #expect(lines.count == 1 + submitted.count)
            #expect(!text.contains("Geheimname") && !text.contains("Anna") && !text.contains("756") && !text.contains("OPT-"))
            for ahv in ahvNumbers { #expect(!text.contains(ahv) && !text.contains(ahv.filter(\.isNumber))) }
            let jsonExport = try await client.execute(uri: "/api/reports/export?format=json", method: .get, headers: bearer(coordinator))
            let records = (try? Value.parseJSON(bytes: Array(jsonExport.body.readableBytesView)))?.listValue ?? []
            #expect(records.count == submitted.count)
            #expect(records.allSatisfy { ($0.contextValue?["personKey"]?.stringValue?.count ?? 0) == 32 })
            let bad = try await client.execute(uri: "/api/reports/export?format=xml", method: .get, headers: bearer(coordinator))
            #expect(bad.status == .badRequest)
            // A key in the request is no parameter: refused, the server's key is the only one.
            let keyed = try await client.execute(uri: "/api/reports/export?key=abc", method: .get, headers: bearer(coordinator))
            #expect(keyed.status == .badRequest)
            let (cookie, _) = try await Self.coordinatorSession(client)
            let page = String(buffer: try await client.execute(uri: "/reports", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("/api/reports/export?format=csv") && page.contains("/api/reports/export?format=json"))
        }
        try s.service.accessLog.flush()
        let exports = try s.service.auditLog(by: "iiz.koordination", caseID: nil, user: "iiz.koordination", from: nil, to: nil)
            .filter { $0.action == "export" }
        #expect(exports.count == 2)
    }
}
