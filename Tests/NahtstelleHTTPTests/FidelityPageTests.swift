import Foundation
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleFEEL
@testable import NahtstelleHTTP
import NIOCore
import Testing

/// The browser side of issue 14's entry points: a measure booked or a Kostengutsprache requested
/// from the case, a Standortgespräch moved or requested, the RAV's resumed advising, the settings
/// and the monthly flat rates — each with its errors beside the fields, nothing changed on bad
/// input, and only for those the service lets act.
@Suite struct FidelityPageTests {
    static func post(_ client: any TestClientProtocol, _ path: String, _ cookie: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: PageTests.form(cookie), body: ByteBuffer(string: body))
    }

    static func encoded(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    @Test func aMeasureIsBookedOrItsCostApprovalRequestedFromTheCase() async throws {
        let s = try TestServer()
        let own = try FidelityRouteTests.activeCase(s, referrer: "n.frei", receiver: "rav-wolhusen", contact: "m.bucher", advisor: "p.baumann",
                                                    values: FidelityRouteTests.alvValues(ownEntitlement: true, serial: 21))
        let kgs = try FidelityRouteTests.activeCase(s, referrer: "n.frei", receiver: "rav-wolhusen", contact: "m.bucher", advisor: "p.baumann",
                                                    values: FidelityRouteTests.alvValues(ownEntitlement: false, serial: 22))
        try await s.test { client in
            let (cookie, csrf) = try await PageTests.signIn(client, "p.baumann")
            // Own entitlement at the RAV: «Massnahme buchen», no Kostengutsprache.
            let casePage = String(buffer: try await client.execute(uri: "/cases/\(own)", method: .get, headers: [.cookie: cookie]).body)
            #expect(casePage.contains("href=\"/cases/\(own)/measure\"") && casePage.contains("Massnahme buchen"))
            let page = String(buffer: try await client.execute(uri: "/cases/\(own)/measure", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("Keine Kostengutsprache nötig") && page.contains("name=\"provider\""))
            let hostile = "<b>Job & \"Factory\"</b>"
            let bad = try await Self.post(client, "/cases/\(own)/measure", cookie,
                                          "_csrf=\(csrf)&measure=Coaching&provider=\(Self.encoded(hostile))&periodFrom=31.02.2026&periodTo=&amount=abc")
            #expect(bad.status == .unprocessableContent)
            let badHTML = String(buffer: bad.body)
            #expect(badHTML.contains("Bitte korrigieren") && badHTML.contains("id=\"f-periodFrom-error\"") && badHTML.contains("id=\"f-amount-error\""))
            #expect(badHTML.contains("&lt;b&gt;Job &amp; &quot;Factory&quot;&lt;/b&gt;") && !badHTML.contains("<b>Job"))
            #expect(try s.service.caseView("p.baumann", caseID: own).ownEntitlementMeasures.isEmpty)
            let ok = try await Self.post(client, "/cases/\(own)/measure", cookie,
                                         "_csrf=\(csrf)&measure=Bewerbungscoaching&provider=\(Self.encoded(hostile))&periodFrom=16.03.2026&periodTo=30.04.2026&amount=1%27250.50")
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.location] == "/cases/\(own)?done=measure")
            let booked = try s.service.caseView("p.baumann", caseID: own).ownEntitlementMeasures
            #expect(booked.count == 1 && booked.first?.provider == hostile)
            let after = String(buffer: try await client.execute(uri: "/cases/\(own)?done=measure", method: .get, headers: [.cookie: cookie]).body)
            #expect(after.contains("Die Massnahme ist gebucht") && after.contains("Massnahmen ohne Kostengutsprache") && after.contains("CHF 1&#39;250.50"))

            // No entitlement at the RAV: the Kostengutsprache form, paid by the referrer.
            let kgsPage = String(buffer: try await client.execute(uri: "/cases/\(kgs)/measure", method: .get, headers: [.cookie: cookie]).body)
            #expect(kgsPage.contains("braucht eine <strong>Kostengutsprache</strong>") && kgsPage.contains("Soziale Dienste Stadt Luzern"))
            #expect(!kgsPage.contains("name=\"payingOffice\""))
            let requested = try await Self.post(client, "/cases/\(kgs)/measure", cookie,
                                                "_csrf=\(csrf)&measure=Coaching&provider=Job+Factory&periodFrom=16.03.2026&periodTo=30.04.2026"
                                                + "&positions.0.description=Coaching&positions.0.amount=900")
            #expect(requested.status == .seeOther)
            #expect(requested.headers[.location] == "/cases/\(kgs)?done=cost-approval")
            #expect(try s.service.caseView("p.baumann", caseID: kgs).costApprovals.first?.payingOfficeId == "sd-stadt-luzern")

            // The referrer neither books nor requests: no link, and the service refuses the post.
            let (referrer, referrerCSRF) = try await PageTests.signIn(client, "n.frei")
            let referrerPage = String(buffer: try await client.execute(uri: "/cases/\(own)", method: .get, headers: [.cookie: referrer]).body)
            #expect(!referrerPage.contains("/measure\""))
            let refused = try await Self.post(client, "/cases/\(own)/measure", referrer,
                                              "_csrf=\(referrerCSRF)&measure=X&provider=Y&periodFrom=16.03.2026&periodTo=30.04.2026&amount=10")
            #expect(refused.status == .forbidden || refused.status == .unprocessableContent)
            #expect(try s.service.caseView("p.baumann", caseID: own).ownEntitlementMeasures.count == 1)
            // Without the CSRF token: refused, nothing booked.
            let forged = try await Self.post(client, "/cases/\(own)/measure", cookie,
                                             "measure=X&provider=Y&periodFrom=16.03.2026&periodTo=30.04.2026&amount=10")
            #expect(forged.status == .forbidden)
            #expect(try s.service.caseView("p.baumann", caseID: own).ownEntitlementMeasures.count == 1)
        }
    }

    @Test func theReferrerAsksForAStatusMeetingWithDateTimeAndReason() async throws {
        let s = try TestServer()
        let caseID = try FidelityRouteTests.caseAwaitingStatusMeeting(s, serial: 23)
        try await s.test { client in
            let (cookie, csrf) = try await PageTests.signIn(client, "n.frei")
            let page = String(buffer: try await client.execute(uri: "/cases/\(caseID)", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("Standortgespräch verlangen") && page.contains("action=\"/cases/\(caseID)/status-meeting#actions\""))
            let bad = try await Self.post(client, "/cases/\(caseID)/status-meeting", cookie, "_csrf=\(csrf)&date=32.03.2026&time=25%3A00&reason=+")
            #expect(bad.status == .unprocessableContent)
            let badHTML = String(buffer: bad.body)
            #expect(badHTML.contains("id=\"sm-date-error\"") && badHTML.contains("id=\"sm-reason-error\"") && badHTML.contains("value=\"32.03.2026\""))
            let past = try await Self.post(client, "/cases/\(caseID)/status-meeting", cookie, "_csrf=\(csrf)&date=01.03.2026&time=09%3A00&reason=K")
            #expect(past.status == .unprocessableContent)
            #expect(String(buffer: past.body).contains("nicht in der Zukunft"))
            #expect(try s.service.caseView("n.frei", caseID: caseID).nextStatusMeeting != ISODateTime.localDate(of: ISODateTime.parse("2026-03-24T14:00")!))
            let ok = try await Self.post(client, "/cases/\(caseID)/status-meeting", cookie,
                                         "_csrf=\(csrf)&date=24.03.2026&time=14%3A00&reason=\(Self.encoded("Ungeplante Kündigung <b>"))")
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.location] == "/cases/\(caseID)?done=reschedule#actions")
            #expect(try s.service.caseView("n.frei", caseID: caseID).nextStatusMeeting?.description == "2026-03-24")
            // The OPTIMA-Stelle was told, with the reason escaped on its page.
            let (receiver, _) = try await PageTests.signIn(client, "p.baumann")
            let inbox = String(buffer: try await client.execute(uri: "/inbox", method: .get, headers: [.cookie: receiver]).body)
            #expect(inbox.contains("Ungeplante Kündigung &lt;b&gt;") && !inbox.contains("Kündigung <b>"))
        }
    }

    @Test func theRAVResumesAdvisingDuringOptimaSH() async throws {
        let s = try TestServer()
        let caseID = try FidelityRouteTests.activeCase(s, referrer: "h.lustenberger", receiver: "sobz-hochdorf", contact: "c.studer",
                                                       advisor: "s.wicki", values: applicationValues(ahvSerial: 24).contextValue!)
        try FidelityRouteTests.complete(s, caseID, "sign-agreement-alv", by: "h.lustenberger", ["signedByPerson": true, "signedAt": "10.03.2026"])
        try await s.test { client in
            let (receiver, receiverCSRF) = try await PageTests.signIn(client, "s.wicki")
            let receiverPage = String(buffer: try await client.execute(uri: "/cases/\(caseID)", method: .get, headers: [.cookie: receiver]).body)
            #expect(!receiverPage.contains("rav-advising"))
            let refused = try await Self.post(client, "/cases/\(caseID)/rav-advising", receiver, "_csrf=\(receiverCSRF)")
            #expect(refused.status == .forbidden)
            let (cookie, csrf) = try await PageTests.signIn(client, "h.lustenberger")
            let page = String(buffer: try await client.execute(uri: "/cases/\(caseID)", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("Beratung durch das RAV wieder aufnehmen"))
            let ok = try await Self.post(client, "/cases/\(caseID)/rav-advising", cookie, "_csrf=\(csrf)&note=Stelle+in+Aussicht")
            #expect(ok.status == .seeOther)
            #expect(try s.service.engine.tasks(TaskQuery(businessKey: caseID, limit: 100)).contains { $0.elementID == "resume-advising" })
            // Nothing waits for it any more: a second resumption is refused by rule, on the case page.
            let again = try await Self.post(client, "/cases/\(caseID)/rav-advising", cookie, "_csrf=\(csrf)")
            #expect(again.status == .unprocessableContent)
            #expect(String(buffer: again.body).contains("wartet kein reduziertes Verfahren"))
        }
    }

    @Test func coordinatorsChangeTheSettingsAndSignatoriesReadTheirFlatRates() async throws {
        let s = try TestServer()
        let caseID = try FidelityRouteTests.activeCase(s, referrer: "n.frei", receiver: "rav-wolhusen", contact: "m.bucher", advisor: "p.baumann",
                                                       values: FidelityRouteTests.alvValues(ownEntitlement: false, serial: 25))
        try await s.test { client in
            let (cookie, csrf) = try await PageTests.signIn(client, "iiz.koordination", landing: "/definitions")
            let page = String(buffer: try await client.execute(uri: "/settings", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("name=\"rate-RAV\" value=\"125.00\""))
            let bad = try await Self.post(client, "/settings", cookie, "_csrf=\(csrf)&legalBasis=true&rate-IV=abc&rate-RAV=-1&rate-SD=125")
            #expect(bad.status == .unprocessableContent)
            let badHTML = String(buffer: bad.body)
            #expect(badHTML.contains("id=\"rate-IV-error\"") && badHTML.contains("id=\"rate-RAV-error\"") && badHTML.contains("value=\"abc\""))
            #expect(try s.service.settings() == InstallationSettings())
            let ok = try await Self.post(client, "/settings", cookie, "_csrf=\(csrf)&legalBasis=true&rate-IV=300&rate-RAV=130.50&rate-SD=125")
            #expect(ok.status == .seeOther)
            #expect(try s.service.settings().ravReleaseLegalBasisForIV && s.service.settings().flatRates[.rav] == Decimal(string: "130.5"))
            let billing = String(buffer: try await client.execute(uri: "/billing?month=2026-03", method: .get, headers: [.cookie: cookie]).body)
            #expect(billing.contains("RAV Wolhusen") && billing.contains("CHF 130.50") && billing.contains(caseID))
            #expect(billing.contains("nur Zeichnungsberechtigte"))
            let badMonth = try await client.execute(uri: "/billing?month=2026-13", method: .get, headers: [.cookie: cookie])
            #expect(badMonth.status == .unprocessableContent)

            let (signatory, _) = try await PageTests.signIn(client, "e.renggli")
            let own = String(buffer: try await client.execute(uri: "/billing?month=2026-03", method: .get, headers: [.cookie: signatory]).body)
            #expect(own.contains("/api/billing/flat-rates/document?year=2026&amp;month=3&amp;receiverOffice=rav-wolhusen&amp;payingOffice=sd-stadt-luzern"))
            let (other, _) = try await PageTests.signIn(client, "b.steiner")
            let none = String(buffer: try await client.execute(uri: "/billing?month=2026-03", method: .get, headers: [.cookie: other]).body)
            #expect(none.contains("Keine Fallpauschalen") && !none.contains(caseID))
            let (advisor, advisorCSRF) = try await PageTests.signIn(client, "p.baumann")
            #expect(try await client.execute(uri: "/settings", method: .get, headers: [.cookie: advisor]).status == .forbidden)
            #expect(try await client.execute(uri: "/billing", method: .get, headers: [.cookie: advisor]).status == .forbidden)
            let forged = try await Self.post(client, "/settings", advisor, "_csrf=\(advisorCSRF)&rate-IV=1&rate-RAV=1&rate-SD=1")
            #expect(forged.status == .forbidden)
            #expect(try s.service.settings().flatRates[.iv] == 300)
        }
    }
}
