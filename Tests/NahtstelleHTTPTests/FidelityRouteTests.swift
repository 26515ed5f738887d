import Foundation
import NahtstelleSQL
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
@testable import NahtstelleHTTP
import Testing

/// The routes of issue 14 as their users meet them: a measure without KGS, a moved
/// Standortgespräch, the RAV's resumed advising, the settings and the flat-rate billing.
@Suite("Routen aus Issue 14 (OPTIMA-Treue)")
struct FidelityRouteTests {
    /// Completes the one open task `elementID` of a case as `user`.
    static func complete(_ s: TestServer, _ caseID: String, _ elementID: String, by user: String, _ values: [String: Value] = [:]) throws {
        let tasks = try s.service.engine.tasks(TaskQuery(businessKey: caseID, limit: 100)).filter { $0.elementID == elementID }
        let task = try #require(tasks.first, "offene Aufgabe \(elementID)")
        try s.service.completeTask(by: user, taskID: task.id, formData: values)
    }

    /// Submitted, accepted, hand-over held on 10.03.2026: the case is in its case work.
    static func activeCase(_ s: TestServer, referrer: String, receiver: String, contact: String, advisor: String,
                           values: [String: Value]) throws -> String {
        let caseID = try s.service.submitApplication(by: referrer, receiverOffice: receiver, formData: values).caseID
        try complete(s, caseID, "check-application", by: contact, ["decision": "accepted", "advisor": .string(advisor)])
        try complete(s, caseID, "plan-handover", by: referrer, ["meetingAt": "2026-03-10T09:00:00+01:00", "place": "RAV Wolhusen"])
        s.clock.set(ISODateTime.parse("2026-03-10T10:30:00+01:00")!)
        try complete(s, caseID, "handover-meeting", by: advisor, [
            "participants": "Anna Muster, Fallführung beider Stellen", "situation": "Seit acht Monaten ohne Stelle.",
            "strategy": "Bewerbungscoaching, danach Einsätze im ersten Arbeitsmarkt.", "canAndWillWork": true, "allAgree": true,
            "nextMeetingAt": "2026-04-07T09:00:00+02:00",
        ])
        return caseID
    }

    /// SD Stadt Luzern → RAV Wolhusen in its case work, the first Standortgespräch invited: its date can be moved.
    static func caseAwaitingStatusMeeting(_ s: TestServer, serial: Int) throws -> String {
        let caseID = try activeCase(s, referrer: "n.frei", receiver: "rav-wolhusen", contact: "m.bucher", advisor: "p.baumann",
                                    values: alvValues(ownEntitlement: false, serial: serial))
        try complete(s, caseID, "adjust-counselling-plan", by: "n.frei")
        try complete(s, caseID, "invite-status-meeting", by: "p.baumann")
        return caseID
    }

    /// SD Stadt Luzern → RAV Wolhusen (OPTIMA-ALV). `ownEntitlement`: the person draws ALE.
    static func alvValues(ownEntitlement: Bool, serial: Int) -> [String: Value] {
        var v = applicationValues(lastName: "Gashi", ahvSerial: serial).contextValue!
        v.merge([
            "socialCounselling": true, "socialAssistance": true, "ravRegistered": .bool(ownEntitlement), "receivesAle": .bool(ownEntitlement),
            "workLossPercent": 0, "intactLabourOffer": true, "reRegistrationAgreed": true, "ivClarificationRunning": false,
            "ravRegisteredLast6Months": false, "topics": ["other"],
        ]) { _, new in new }
        v["socialDifficulties"] = nil
        v["personalHelpEntitled"] = nil
        return v
    }

    @Test("Massnahme ohne KGS: 201 für die Fallführung der OPTIMA-Stelle, im Fall sichtbar; Fehler alle auf einmal; Cookie braucht CSRF")
    func measureWithoutCostApproval() async throws {
        let s = try TestServer()
        let caseID = try Self.activeCase(s, referrer: "n.frei", receiver: "rav-wolhusen", contact: "m.bucher", advisor: "p.baumann",
                                         values: Self.alvValues(ownEntitlement: true, serial: 7))
        try await s.test { client in
            let advisor = try await client.token("p.baumann")
            let uri = "/api/cases/\(caseID)/measures"
            let measure: Value = .context(["measure": "Bewerbungscoaching", "provider": "Job Factory Luzern", "periodFrom": "16.03.2026",
                                           "periodTo": "30.04.2026", "amount": "1'250.50"])
            let bad = try await client.execute(uri: uri, method: .post, headers: bearer(advisor),
                                               body: body(.context(["measure": "", "periodFrom": "30.04.2026", "periodTo": "16.03.2026",
                                                                    "amount": -3, "payingOffice": "sd-stadt-luzern"])))
            #expect(bad.status == .unprocessableContent)
            let fields = json(bad)["error"]?.contextValue?["fields"]?.contextValue ?? [:]
            #expect(Set(fields.keys) == ["measure", "provider", "periodTo", "amount", "payingOffice"])
            // The referrer sees the case but does not book (403); another office does not see it (404).
            let referrer = try await client.token("n.frei")
            #expect(try await client.execute(uri: uri, method: .post, headers: bearer(referrer), body: body(measure)).status == .forbidden)
            let outsider = try await client.token("r.huber")
            #expect(try await client.execute(uri: uri, method: .post, headers: bearer(outsider), body: body(measure)).status == .notFound)
            // With the session cookie: without the CSRF token 403, with it 201.
            let login = try await client.execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                                 body: body(.context(["username": "p.baumann", "password": .string(TestServer.password)])))
            let cookieToken = try #require(json(login)["token"]?.stringValue)
            let csrf = try #require(json(login)["csrfToken"]?.stringValue)
            var cookie: HTTPFields = [.cookie: "nahtstelle_session=\(cookieToken)", .contentType: "application/json"]
            #expect(try await client.execute(uri: uri, method: .post, headers: cookie, body: body(measure)).status == .forbidden)
            #expect(try s.service.caseView("p.baumann", caseID: caseID).ownEntitlementMeasures.isEmpty)
            cookie[AuthMiddleware.csrfHeader] = csrf
            let booked = try await client.execute(uri: uri, method: .post, headers: cookie, body: body(measure))
            #expect(booked.status == .created)
            #expect(json(booked)["payingOffice"] == "rav-wolhusen")
            #expect(json(booked)["amount"] == .number(Decimal(string: "1250.5")!))

            let detail = json(try await client.execute(uri: "/api/cases/\(caseID)", method: .get, headers: bearer(referrer)))
            let measures = detail["measuresWithoutCostApproval"]?.listValue ?? []
            #expect(measures.count == 1)
            #expect(measures.first?.contextValue?["provider"] == "Job Factory Luzern")
            #expect(detail["measureFunding"]?.contextValue?["needsCostApproval"] == .bool(false))
            let history = json(try await client.execute(uri: "/api/cases/\(caseID)/history", method: .get, headers: bearer(advisor)))
            #expect((history["items"]?.listValue ?? []).contains { $0.contextValue?["command"] == "book-own-entitlement-measure" })
            // The write is in the access log with its request.
            let coordinator = try await client.token("iiz.koordination")
            let audit = json(try await client.execute(uri: "/api/audit?caseId=\(caseID)", method: .get, headers: bearer(coordinator)))
            #expect((audit["items"]?.listValue ?? []).contains {
                $0.contextValue?["action"] == "book-own-entitlement-measure" && $0.contextValue?["requestId"]?.stringValue?.isEmpty == false
            })
        }
    }

    @Test("KGS nötig: Buchung ohne KGS 422 mit Hinweis auf die Kostengutsprache")
    func measureNeedingCostApprovalIsRefused() async throws {
        let s = try TestServer()
        let caseID = try Self.activeCase(s, referrer: "n.frei", receiver: "rav-wolhusen", contact: "m.bucher", advisor: "p.baumann",
                                         values: Self.alvValues(ownEntitlement: false, serial: 8))
        try await s.test { client in
            let advisor = try await client.token("p.baumann")
            let r = try await client.execute(uri: "/api/cases/\(caseID)/measures", method: .post, headers: bearer(advisor),
                                             body: body(.context(["measure": "Kurs", "provider": "Anbieter", "periodFrom": "2026-03-16",
                                                                  "periodTo": "2026-03-20", "amount": 500])))
            #expect(r.status == .unprocessableContent)
            let message = json(r)["error"]?.contextValue?["message"]?.stringValue ?? ""
            #expect(message.contains("braucht eine Kostengutsprache") && message.contains("Kostengutsprache beantragen"))
            #expect(try s.service.caseView("p.baumann", caseID: caseID).ownEntitlementMeasures.isEmpty)
        }
    }

    @Test("Standortgespräch verschieben: zuweisende Stelle mit Grund; neue Einladung; 422 mit allen Feldern")
    func rescheduleStatusMeeting() async throws {
        let s = try TestServer()
        let caseID = try Self.caseAwaitingStatusMeeting(s, serial: 9)
        try await s.test { client in
            let referrer = try await client.token("n.frei")
            let uri = "/api/cases/\(caseID)/status-meeting/reschedule"
            let bad = try await client.execute(uri: uri, method: .post, headers: bearer(referrer),
                                               body: body(.context(["at": "2026-03-01T09:00", "reason": "  "])))
            #expect(bad.status == .unprocessableContent)
            #expect(Set((json(bad)["error"]?.contextValue?["fields"]?.contextValue ?? [:]).keys) == ["at", "reason"])
            let ok = try await client.execute(uri: uri, method: .post, headers: bearer(referrer),
                                              body: body(.context(["at": "2026-03-24T14:00", "reason": "Ungeplante Kündigung"])))
            #expect(ok.status == .ok)
            let next = json(ok)["next"]?.listValue ?? []
            #expect(next.contains { $0.contextValue?["taskId"] == "invite-status-meeting" })
            let detail = json(try await client.execute(uri: "/api/cases/\(caseID)", method: .get, headers: bearer(referrer)))
            #expect(detail["nextStatusMeeting"] == "2026-03-24")
            // Nothing waits any more: a second request is refused by rule, not silently accepted.
            let again = try await client.execute(uri: uri, method: .post, headers: bearer(referrer),
                                                 body: body(.context(["at": "2026-03-25T14:00", "reason": "Nochmals"])))
            #expect(again.status == .unprocessableContent)
        }
    }

    @Test("OPTIMA-SH: RAV nimmt die Beratung wieder auf (200), nur die Personalberatung des RAV")
    func resumeRAVAdvising() async throws {
        let s = try TestServer()
        let caseID = try Self.activeCase(s, referrer: "h.lustenberger", receiver: "sobz-hochdorf", contact: "c.studer", advisor: "s.wicki",
                                         values: applicationValues(ahvSerial: 10).contextValue!)
        try Self.complete(s, caseID, "sign-agreement-alv", by: "h.lustenberger", ["signedByPerson": true, "signedAt": "10.03.2026"])
        try await s.test { client in
            let uri = "/api/cases/\(caseID)/rav-advising/resume"
            let receiver = try await client.token("s.wicki")
            #expect(try await client.execute(uri: uri, method: .post, headers: bearer(receiver), body: body("{}")).status == .forbidden)
            let rav = try await client.token("h.lustenberger")
            let r = try await client.execute(uri: uri, method: .post, headers: bearer(rav),
                                             body: body(.context(["note": "Stelle in Aussicht, Arbeitsangebot wieder intakt."])))
            #expect(r.status == .ok)
            #expect((json(r)["next"]?.listValue ?? []).contains { $0.contextValue?["taskId"] == "resume-advising" })
        }
    }

    @Test("Einstellungen: lesen und ändern nur die Koordinationsstelle; geändert mit Protokoll; Fallpauschalen je Unterzeichnende")
    func settingsAndBilling() async throws {
        let s = try TestServer()
        // Billable for the RAV (not registered there before): RAV Wolhusen bills SD Stadt Luzern.
        let caseID = try Self.activeCase(s, referrer: "n.frei", receiver: "rav-wolhusen", contact: "m.bucher", advisor: "p.baumann",
                                         values: Self.alvValues(ownEntitlement: false, serial: 11))
        try await s.test { client in
            let coordinator = try await client.token("iiz.koordination")
            let before = json(try await client.execute(uri: "/api/settings", method: .get, headers: bearer(coordinator)))
            #expect(before["ravReleaseLegalBasisForIV"] == .bool(false))
            #expect(before["flatRates"]?.contextValue?["RAV"] == .number(125))
            let put = try await client.execute(uri: "/api/settings", method: .put, headers: bearer(coordinator),
                                               body: body(.context(["ravReleaseLegalBasisForIV": true,
                                                                    "flatRates": ["IV": 300, "RAV": 130.5, "SD": 125]])))
            #expect(put.status == .ok)
            #expect(json(put)["flatRates"]?.contextValue?["RAV"] == .number(Decimal(string: "130.5")!))
            #expect(try s.service.settings().ravReleaseLegalBasisForIV)
            let audit = json(try await client.execute(uri: "/api/audit?user=iiz.koordination", method: .get, headers: bearer(coordinator)))
            #expect((audit["items"]?.listValue ?? []).contains { $0.contextValue?["action"] == "save-settings" })

            // The statement of March 2026 at the new rate, for the two offices' signatories and the coordinators.
            for user in ["iiz.koordination", "e.renggli", "d.schmid"] {
                let token = try await client.token(user)
                let r = json(try await client.execute(uri: "/api/billing/flat-rates?year=2026&month=3", method: .get, headers: bearer(token)))
                let statements = r["statements"]?.listValue ?? []
                #expect(statements.count == 1, "\(user)")
                let statement = statements.first?.contextValue ?? [:]
                #expect(statement["receiverOffice"] == "rav-wolhusen" && statement["payingOffice"] == "sd-stadt-luzern")
                #expect(statement["payingOfficeName"] == "Soziale Dienste Stadt Luzern")
                #expect(statement["total"] == .number(Decimal(string: "130.5")!))
                #expect((statement["lines"]?.listValue ?? []).first?.contextValue?["caseId"] == .string(caseID))
            }
            // A signatory of an office that neither bills nor pays sees no statement.
            let other = try await client.token("b.steiner")
            let none = json(try await client.execute(uri: "/api/billing/flat-rates?year=2026&month=3", method: .get, headers: bearer(other)))
            #expect(none["statements"]?.listValue?.isEmpty == true)
            let csv = try await client.execute(uri: "/api/billing/flat-rates?year=2026&month=3&format=csv", method: .get,
                                               headers: bearer(coordinator))
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(String(buffer: csv.body).contains("03.2026;sd-stadt-luzern;\(caseID);rav-wolhusen;RAV;130.50"))
            // The invoice as DOCX names the person: the two offices' signatories only, not the coordinators.
            let document = "/api/billing/flat-rates/document?year=2026&month=3&receiverOffice=rav-wolhusen&payingOffice=sd-stadt-luzern"
            let docx = try await client.execute(uri: document, method: .get, headers: bearer(try await client.token("d.schmid")))
            #expect(docx.status == .ok)
            #expect(docx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            #expect(Array(docx.body.readableBytesView.prefix(2)) == [0x50, 0x4B])  // a zip, as every DOCX
            #expect(try await client.execute(uri: document, method: .get, headers: bearer(coordinator)).status == .forbidden)
            #expect(try await client.execute(uri: document, method: .get, headers: bearer(other)).status == .forbidden)
            // The coordinator's report carries the same statement.
            let report = json(try await client.execute(uri: "/api/reports/standard?from=2026-01-01&to=2026-03-31", method: .get,
                                                       headers: bearer(coordinator)))
            #expect(report["flatRates"]?.contextValue?["statements"]?.listValue?.count == 1)
        }
    }
}
