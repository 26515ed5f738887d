import Foundation
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// Issue 14: the legal gates, the pre-check, cost approvals and meetings as the OPTIMA sources
/// describe them — each through `OptimaService` with the shipped definitions, forms and templates.
@Suite("OPTIMA-Treue: Szenarien (Issue 14)")
struct FidelityScenarioTests {
    // MARK: 1 — Vereinbarung ALV

    @Test("1: Vereinbarung ALV liegt zum Übergabegespräch vor; ohne Unterschrift keine Befreiung, Unterschrift nachtragen")
    func unsignedAgreementKeepsJobSearchChecks() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        try w.accept()
        try w.planHandover()
        // The agreement exists for the meeting, before it took place.
        #expect(try t.documents(w.caseID).contains { $0.template == "vereinbarung-alv" })
        let agreement = try #require(try t.documents(w.caseID).first { $0.template == "vereinbarung-alv" })
        let agreementText = try #require(docxText(try t.service.document(w.p.referrerAdvisor, id: agreement.id).bytes))
        #expect(agreementText.contains("vom 10.03.2026 bis 10.09.2026"))
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        try w.handover()
        try t.restart()
        try t.complete("sign-agreement-alv", w.caseID, by: w.p.referrerAdvisor, ["signedByPerson": false])
        // Unsigned: the RAV keeps checking Arbeitsbemühungen, and the case page says why.
        let check = try t.task("check-job-search", w.caseID)
        #expect(check.assignee == w.p.referrerAdvisor)
        var release = try #require(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).jobSearchRelease)
        #expect(!release.released)
        #expect(release.reason.contains("nicht unterzeichnet"))
        // A release without the signature date is refused.
        #expect(throws: CaseServiceError.self) { try t.complete("check-job-search", w.caseID, by: w.p.referrerAdvisor) }
        try t.advance(days: 5)
        try t.complete("check-job-search", w.caseID, by: w.p.referrerAdvisor, ["agreementSignedAt": "13.03.2026"])
        release = try #require(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).jobSearchRelease)
        #expect(release.released)
        #expect(release.reason.contains("13.03.2026"))
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "check-job-search" })
    }

    @Test("1: Unterzeichnet im Übergabegespräch: befreit, keine Prüfaufgabe")
    func signedAgreementReleases() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "check-job-search" })
        let release = try #require(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).jobSearchRelease)
        #expect(release.released)
        #expect(release.reason.contains("10.03.2026"))
    }

    // MARK: 2 — RAV → IV for ALE recipients

    @Test("2: RAV → IV mit ALE: ohne Rechtsgrundlage keine Befreiung; mit konfigurierter Grundlage schon")
    func ivHandoverOfALERecipients() throws {
        let t = try TestOffice()
        let pre = try t.service.eligibility(referrer: "rav-wolhusen", receiver: "was-iv-luzern",
                                            status: PersonStatus(receivesALE: true, ivProcedure: .noProcedure))
        let condition = try #require(pre.eligibility.conditions.first { $0.id == .ravJobSearchRelease })
        #expect(condition.outcome == .notMet)
        #expect(condition.explanation?.contains("SECO") == true)
        #expect(pre.jobSearchRelease?.released == false)

        var w = Walk(t, .iv)
        try w.toCasework()
        #expect(try t.task("check-job-search", w.caseID).office == "rav-wolhusen")
        let release = try #require(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).jobSearchRelease)
        #expect(!release.released)
        #expect(release.reason.contains("bezieht ALE"))
        // The advisor cannot release the person on their own.
        #expect(throws: CaseServiceError.self) { try t.complete("check-job-search", w.caseID, by: w.p.referrerAdvisor) }
        // Only the coordination office configures the legal basis.
        #expect(throws: CaseServiceError.self) {
            try t.service.saveSettings(InstallationSettings(ravReleaseLegalBasisForIV: true), by: w.p.referrerAdvisor)
        }
        try t.service.saveSettings(InstallationSettings(ravReleaseLegalBasisForIV: true), by: "iiz.koordination")
        try t.complete("check-job-search", w.caseID, by: w.p.referrerAdvisor)
        #expect(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).jobSearchRelease?.released == true)

        // With the basis configured, a new RAV → IV case is released at the hand-over.
        var second = Walk(t, .iv, n: 2)
        try second.toCasework()
        #expect(try !t.openTasks(second.caseID).contains { $0.elementID == "check-job-search" })
        let after = try t.service.eligibility(referrer: "rav-wolhusen", receiver: "was-iv-luzern",
                                              status: PersonStatus(receivesALE: true, ivProcedure: .noProcedure))
        #expect(after.eligibility.conditions.first { $0.id == .ravJobSearchRelease }?.outcome == .met)
    }

    // MARK: 3 — OPTIMA-IV hard rule, ALV condition 3 recorded

    @Test("3: Laufendes IV-Verfahren: Vorprüfung OPTIMA-IV rot, mit Hinweis auf den Konflikt der Quellen")
    func runningIVProcedureIsRed() throws {
        let t = try TestOffice()
        var application = Applications.ravToIV(1)
        application["ivProcedure"] = "running"
        application["ivPensionSettled"] = false
        let result = try t.service.submitApplication(by: "h.lustenberger", receiverOffice: "was-iv-luzern", formData: application)
        #expect(result.eligibility.trafficLight == .red)
        let rule = try #require(result.eligibility.conditions.first { $0.id == .noRunningIVProcedure })
        #expect(rule.outcome == .notMet)
        #expect(rule.explanation?.contains("Zielgruppen B und D") == true)
    }

    @Test("3: Antragsformular 1-RAV verlangt «laufende IV-Anspruchsabklärungen»; erfasst, nicht abgeleitet")
    func ivClarificationIsRecorded() throws {
        let t = try TestOffice()
        var application = Applications.ivToALV(1)
        application["ivClarificationRunning"] = nil
        do {
            _ = try t.service.submitApplication(by: "r.huber", receiverOffice: "rav-wolhusen", formData: application)
            Issue.record("Antrag ohne Angabe zu den IV-Anspruchsabklärungen wurde angenommen")
        } catch let error as CaseServiceError {
            #expect(error.fieldErrors.contains { $0.field == "ivClarificationRunning" })
        }
        application["ivClarificationRunning"] = true
        let result = try t.service.submitApplication(by: "r.huber", receiverOffice: "rav-wolhusen", formData: application)
        #expect(result.eligibility.conditions.first { $0.id == .noRunningIVClarification }?.outcome == .notMet)
        let form = try #require(try t.documents(result.caseID).first { $0.template == "antragsformular-rav" })
        let text = try #require(docxText(try t.service.document("r.huber", id: form.id).bytes))
        #expect(text.contains("IV-Anspruchsabklärungen laufen"))
    }

    // MARK: 4 — integral case management of office and person

    @Test("4: Soziale Dienste Stadt Luzern führen nur Personen mit wirtschaftlicher Sozialhilfe")
    func integralCaseManagementDependsOnThePerson() throws {
        let t = try TestOffice()
        let without = try t.service.eligibility(referrer: "rav-wolhusen", receiver: "sd-stadt-luzern",
                                                status: PersonStatus(receivesFinancialSocialAssistance: false))
        let condition = try #require(without.eligibility.conditions.first { $0.id == .receiverOffersIntegralCaseManagement })
        #expect(condition.outcome == .notMet)
        #expect(without.eligibility.trafficLight == .red)
        let with = try t.service.eligibility(referrer: "rav-wolhusen", receiver: "sd-stadt-luzern",
                                             status: PersonStatus(receivesFinancialSocialAssistance: true))
        #expect(with.eligibility.conditions.first { $0.id == .receiverOffersIntegralCaseManagement }?.outcome == .met)
        // SoBZ Hochdorf takes on every person.
        let sobz = try t.service.eligibility(referrer: "rav-wolhusen", receiver: "sobz-hochdorf",
                                             status: PersonStatus(receivesFinancialSocialAssistance: false))
        #expect(sobz.eligibility.conditions.first { $0.id == .receiverOffersIntegralCaseManagement }?.outcome == .met)
    }

    // MARK: 5 — "kann und will arbeiten"

    @Test("5: OPTIMA-ALV und -IV: ohne ausdrückliche Erklärung «kann und will arbeiten» keine wirksame Übergabe",
          arguments: [ProcessKind.optimaALV, .optimaIV])
    func canAndWillWorkIsRequired(kind: ProcessKind) throws {
        let t = try TestOffice()
        var w = Walk(t, Parties.of(kind))
        try w.submit()
        try w.accept()
        try w.planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        let data: [String: Value] = [
            "participants": "Teilnehmende", "situation": "Ausgangslage", "strategy": "Strategie", "allAgree": true,
            "nextMeetingAt": "2026-04-07T09:00:00+02:00", "canAndWillWork": false,
        ]
        do {
            try t.complete("handover-meeting", w.caseID, by: w.p.advisor, data)
            Issue.record("Übergabe ohne Erklärung wurde wirksam")
        } catch let error as CaseServiceError {
            #expect(error.fieldErrors.contains { $0.field == "canAndWillWork" })
        }
        #expect(try t.stored(w.caseID).optimaCase.state == .accepted)
        try t.complete("handover-meeting", w.caseID, by: w.p.advisor, data.merging(["canAndWillWork": true]) { _, new in new })
        #expect(try t.stored(w.caseID).optimaCase.state == .active)
        let note = try #require(try t.documents(w.caseID).first { $0.template == "gespraechsnotiz-uebergabe" })
        let text = try #require(docxText(try t.service.document(w.p.advisor, id: note.id).bytes))
        #expect(text.contains("erklärt ausdrücklich, arbeiten zu können und arbeiten zu wollen"))
        #expect(!text.contains("nicht erklärt"))
    }

    // MARK: 6, 7 — who pays, and form 2 per paying office

    @Test("6: Eigener Anspruch bei der OPTIMA-Stelle: keine Kostengutsprache")
    func ownEntitlementNeedsNoCostApproval() throws {
        let t = try TestOffice()
        // SD → RAV with ALE (target group I): the RAV pays its own labour-market measures.
        var application = Applications.sdToALV(1)
        application["receivesAle"] = true
        application["ravRegistered"] = true
        let submitted = try t.service.submitApplication(by: "n.frei", receiverOffice: "rav-wolhusen", formData: application)
        let pre = try t.service.eligibility(referrer: "sd-stadt-luzern", receiver: "rav-wolhusen",
                                            status: try t.stored(submitted.caseID).optimaCase.personStatus)
        #expect(!pre.measureFunding.needsCostApproval)
        var w = Walk(t, .alv)
        w.caseID = submitted.caseID
        try w.accept()
        try w.planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        try w.handover()
        do {
            try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
            Issue.record("Kostengutsprache trotz eigenem Anspruch bei der OPTIMA-Stelle")
        } catch let error as CaseServiceError {
            #expect(error.message.contains("Keine Kostengutsprache nötig"))
        }
        #expect(try t.service.caseView(w.p.advisor, caseID: w.caseID).costApprovals.isEmpty)
    }

    @Test("6: Zahlende Stelle muss dort sein, wo die Person Anspruch hat")
    func payingOfficeFollowsEntitlement() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        // The person draws ALE at the RAV: an SD cannot be named as paying office.
        do {
            var form = costApprovalForm()
            form["payingOffice"] = "sd-stadt-luzern"
            try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: form)
            Issue.record("Kostengutsprache bei einer Stelle ohne Anspruch der Person")
        } catch let error as CaseServiceError {
            #expect(error.field == "payingOffice")
        }
        let entry = try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        #expect(entry.payingOfficeId == "rav-wolhusen")
    }

    @Test("7: Formular 2 je zahlender Stelle: RAV mit Tarifliste DLZ AA, Sozialhilfe ohne")
    func costApprovalWordingPerPayingOffice() throws {
        let t = try TestOffice()
        var sh = Walk(t, .sh)
        try sh.toCasework()
        try t.service.requestCostApproval(by: sh.p.advisor, caseID: sh.caseID, formData: costApprovalForm())
        var alv = Walk(t, .alv, n: 2)
        try alv.toCasework()
        try t.service.requestCostApproval(by: alv.p.advisor, caseID: alv.caseID, formData: costApprovalForm())
        func text(_ w: Walk) throws -> String {
            let doc = try #require(try t.documents(w.caseID).first { $0.template == "kostengutsprache" })
            return try #require(docxText(try t.service.document(w.p.advisor, id: doc.id).bytes))
        }
        let rav = try text(sh)
        #expect(rav.contains("Tarifliste DLZ AA"))
        #expect(rav.contains("DLZ AA Emmenbrücke"))
        #expect(rav.contains("Arbeitslosenversicherung"))
        let sd = try text(alv)
        #expect(!sd.contains("DLZ AA"))
        #expect(sd.contains("Tarif der Sozialhilfe"))
        #expect(sd.contains("zulasten der Sozialhilfe"))
    }

    // MARK: 8 — the report counts KGS by the paying office

    @Test("8: Bericht zählt Anträge auf Kostengutsprache nach der zahlenden Stelle, nicht nach der OPTIMA-Stelle")
    func reportCountsCostApprovalsByPayer() throws {
        let t = try TestOffice()
        var w = Walk(t, .iv)  // RAV → IV: the IV-Stelle asks, the RAV pays
        try w.toCasework()
        let entry = try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        #expect(entry.payingOfficeType == .rav)
        try t.complete("sign-cost-approval", w.caseID, by: w.p.signatory, ["decision": "approved"])
        let report = try t.service.report(from: d("2026-01-01"), to: d("2026-12-31"), asOf: d("2026-12-31"))
        #expect(report.costApprovals.requested.rav == 1)
        #expect(report.costApprovals.requested.iv == 0)
        #expect(report.costApprovals.approved.rav == 1)
        #expect(report.measureCost(.rav) == Decimal(string: "1250.5"))
    }

    // MARK: 9 — one working-day rule for the KGS deadline

    @Test("9: Erinnerung und Eskalation der KGS folgen derselben Arbeitstagsregel wie die Frist")
    func costApprovalTimersUseTheDueDate() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        // Thursday 02.04.2026 + 10 days = Sunday 12.04. → due Monday 13.04.2026.
        try t.advance(to: "2026-04-02T10:00:00+02:00")
        let entry = try t.service.requestCostApproval(by: w.p.advisor, caseID: w.caseID, formData: costApprovalForm())
        #expect(entry.signatureDue == d("2026-04-13"))
        let sign = try t.task("sign-cost-approval", w.caseID)
        #expect(sign.dueAt.map { ISODateTime.localDate(of: $0) } == d("2026-04-13"))
        func kinds() throws -> [String] { try t.service.caseView(w.p.advisor, caseID: w.caseID).notifications.map(\.kind) }
        try t.advance(to: "2026-04-12T12:00:00+02:00")  // the calendar 10 days have passed: no reminder yet
        #expect(try !kinds().contains("notify-cost-approval-reminder"))
        try t.advance(to: "2026-04-13T18:00:00+02:00")
        #expect(try !kinds().contains("notify-cost-approval-reminder"))
        try t.advance(to: "2026-04-14T08:00:00+02:00")
        #expect(try kinds().contains("notify-cost-approval-reminder"))
        try t.advance(to: "2026-04-17T12:00:00+02:00")
        #expect(try !kinds().contains("notify-cost-approval-escalation"))
        try t.advance(to: "2026-04-20T08:00:00+02:00")  // 4 working days after the reminder
        #expect(try kinds().contains("notify-cost-approval-escalation"))
    }

    // MARK: 10–13 — meetings and the mandate

    @Test("10, 11: Zuweisende Stelle wird zu jedem Standortgespräch eingeladen; verschobener Termin gilt auch für den Zeitgeber")
    func referrerInvitedAndOneMeetingDate() throws {
        let t = try TestOffice()
        var w = Walk(t, .iv)
        try w.toCasework()
        // The receiver moves the agreed 07.04. to 14.04. in the invitation.
        try t.complete("invite-status-meeting", w.caseID, by: w.p.advisor, ["meetingAt": "2026-04-14T09:00:00+02:00"])
        let view = try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID)
        #expect(view.nextStatusMeeting == d("2026-04-14"))
        let notice = try #require(view.notifications.first { $0.kind == "notify-status-meeting-referrer" })
        #expect(notice.username == w.p.referrerAdvisor)
        #expect(notice.text.contains("14.04.2026 09:00"))
        let letter = try #require(view.documents.first { $0.template == "einladung-zuweisende-stelle" })
        let text = try #require(docxText(try t.service.document(w.p.referrerAdvisor, id: letter.id).bytes))
        #expect(text.contains("14.04.2026"))
        #expect(text.contains("Heidi Lustenberger"))
        // The meeting task comes at the date of the letter, not at the old one.
        try t.advance(to: "2026-04-07T10:00:00+02:00")
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "status-meeting" })
        try t.advance(to: "2026-04-14T09:00:00+02:00")
        #expect(try t.openTasks(w.caseID).contains { $0.elementID == "status-meeting" })
    }

    @Test("11: Zusätzliches Standortgespräch auf Verlangen der zuweisenden Stelle: neuer Termin, neue Einladung, Zeitgeber folgt")
    func additionalMeetingAtTheReferrersRequest() throws {
        let t = try TestOffice()
        var w = Walk(t, .iv)
        try w.toCasework()
        try w.invite()
        try t.advance(to: "2026-03-20T10:00:00+01:00")
        // Without a reason, or in the past: refused.
        #expect(throws: CaseServiceError.self) {
            try t.service.rescheduleStatusMeeting(by: w.p.referrerAdvisor, caseID: w.caseID, at: at("2026-03-25T09:00:00+01:00"), reason: " ")
        }
        #expect(throws: CaseServiceError.self) {
            try t.service.rescheduleStatusMeeting(by: w.p.referrerAdvisor, caseID: w.caseID, at: at("2026-03-19T09:00:00+01:00"),
                                                  reason: "Kündigung")
        }
        let outcome = try t.service.rescheduleStatusMeeting(by: w.p.referrerAdvisor, caseID: w.caseID, at: at("2026-03-25T09:00:00+01:00"),
                                                            reason: "Ungeplante Kündigung der Probestelle")
        #expect(outcome.createdTasks.map(\.elementID) == ["invite-status-meeting"])
        var view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(view.nextStatusMeeting == d("2026-03-25"))
        #expect(view.notifications.contains { $0.kind == "status-meeting-rescheduled" && $0.username == w.p.advisor })
        try w.invite()
        view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        let letters = view.documents.filter { $0.template == "einladung-zuweisende-stelle" }
        #expect(letters.map(\.version) == [1, 2])
        let last = try #require(letters.last)
        let text = try #require(docxText(try t.service.document(w.p.advisor, id: last.id).bytes))
        #expect(text.contains("25.03.2026"))
        try t.advance(to: "2026-03-25T09:00:00+01:00")
        #expect(try t.openTasks(w.caseID).contains { $0.elementID == "status-meeting" })
        // The old date fires nothing more.
        try w.statusMeeting(continueTo: "2026-05-05T09:00:00+02:00")
        try t.advance(to: "2026-04-07T10:00:00+02:00")
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "status-meeting" })
    }

    @Test("12: Übergabe am Tag des Gesprächs, Dauer im Übergabegespräch festgelegt; Mandatsende und Warnung danach")
    func mandateFromTheHandoverMeeting() throws {
        let t = try TestOffice()
        var w = Walk(t, .iv)
        try w.submit()
        try w.accept()
        try w.planHandover("2026-03-10T09:00:00+01:00")
        // The note is recorded two days after the meeting; the duration is set to 3 months there.
        try t.advance(to: "2026-03-12T16:00:00+01:00")
        try t.complete("handover-meeting", w.caseID, by: w.p.advisor, [
            "meetingAt": "2026-03-10T09:00:00+01:00", "participants": "Teilnehmende", "situation": "Ausgangslage",
            "strategy": "Strategie", "canAndWillWork": true, "allAgree": true, "nextMeetingAt": "2026-06-20T09:00:00+02:00",
            "plannedMonths": 3,
        ])
        let view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(view.optimaCase.handoverAt == d("2026-03-10"))
        #expect(view.optimaCase.plannedMonths == .three)
        #expect(view.plannedEnd == d("2026-06-10"))
        try t.complete("invite-status-meeting", w.caseID, by: w.p.advisor)
        try t.advance(to: "2026-05-26T12:00:00+02:00")
        #expect(try !t.service.caseView(w.p.advisor, caseID: w.caseID).notifications.contains { $0.kind == "notify-planned-end-receiver" })
        try t.advance(to: "2026-05-27T10:00:00+02:00")  // 10.06. minus 14 days, from the meeting's time
        #expect(try t.service.caseView(w.p.advisor, caseID: w.caseID).notifications.contains { $0.kind == "notify-planned-end-receiver" })
    }

    @Test("13: Abschlussnotiz nach der Aktenübergabe, mit den übergebenen Unterlagen")
    func closingNoteListsHandedBackDocuments() throws {
        let t = try TestOffice()
        var w = Walk(t, .alv)
        try w.toCasework()
        try w.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try w.closingMeeting(reason: "goal-reached", outcome: "successful")
        #expect(try !t.documents(w.caseID).contains { $0.template == "gespraechsnotiz-abschluss" })
        try w.handBack()
        let note = try #require(try t.documents(w.caseID).first { $0.template == "gespraechsnotiz-abschluss" })
        let text = try #require(docxText(try t.service.document(w.p.advisor, id: note.id).bytes))
        #expect(text.contains("Kopie Arbeitsvertrag, Budget"))
        #expect(text.contains("Stelle als Detailhandelsangestellte"))
    }

    // MARK: 14 — RAV resumes advising during OPTIMA-SH

    @Test("14: OPTIMA-SH: bei wieder intaktem Arbeitsangebot nimmt das RAV die Beratung parallel wieder auf")
    func ravResumesAdvisingDuringSH() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        #expect(throws: CaseServiceError.self) { try t.service.resumeRAVAdvising(by: w.p.advisor, caseID: w.caseID) }
        let outcome = try t.service.resumeRAVAdvising(by: w.p.referrerAdvisor, caseID: w.caseID)
        #expect(outcome.createdTasks.map(\.elementID) == ["resume-advising"])
        let release = try #require(try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID).jobSearchRelease)
        #expect(!release.released)
        #expect(release.reason.contains("intaktes Arbeitsangebot"))
        try t.complete("resume-advising", w.caseID, by: w.p.referrerAdvisor)
        // The social counselling goes on and closes normally; the RAV procedure has ended already.
        try w.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try w.closingMeeting(reason: "goal-reached", outcome: "successful")
        try w.handBack()
        let view = try t.service.caseView(w.p.referrerAdvisor, caseID: w.caseID)
        #expect(view.instances.first { $0.processID == "reduced-rav" }?.endEventID == "end-advising-resumed")
        #expect(view.instances.first { $0.processID == "optima-sh" }?.endEventID == "end-closed")
        #expect(view.openTasks.isEmpty)
    }

    // MARK: 15, 16, 18, 19, 20 — forms, templates, pre-check

    @Test("15: Antragsformular 1-SH druckt die beschriebenen Schwierigkeiten, nicht «kann und will arbeiten»")
    func shApplicationForm() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        let doc = try #require(try t.documents(w.caseID).first { $0.template == "antragsformular-sh" })
        let text = try #require(docxText(try t.service.document(w.p.referrerAdvisor, id: doc.id).bytes))
        #expect(text.contains("Schulden und fehlende Kinderbetreuung"))
        #expect(!text.contains("siehe Themen"))
        #expect(!text.contains("kann und will arbeiten"))
    }

    @Test("16: SD → RAV kann grün sein: (Wieder-)Anmeldung vereinbart, in den letzten 6 Monaten nicht angemeldet")
    func sdToRAVCanBeGreen() throws {
        let t = try TestOffice()
        let result = try t.service.submitApplication(by: "n.frei", receiverOffice: "rav-wolhusen", formData: Applications.sdToALV(1))
        #expect(result.eligibility.conditions.first { $0.id == .registeredAtRAV }?.outcome == .met)
        #expect(result.eligibility.conditions.first { $0.id == .notRegisteredAtRAVWithinLast6Months }?.outcome == .met)
        #expect(result.eligibility.trafficLight == .green)
    }

    @Test("18: Reduziertes Verfahren IV: Formular sistieren/abschliessen; abgeschlossen endet ohne Wiederaufnahme")
    func reducedIVCanClose() throws {
        let t = try TestOffice()
        var w = Walk(t, Parties(kind: .optimaALV, referrerAdvisor: "r.huber", receiverOffice: "rav-wolhusen", contact: "m.bucher",
                            advisor: "p.baumann", signatory: "u.achermann", application: { Applications.ivToALV($0) }, reduced: "reduced-iv"))
        try w.submit()
        try w.accept()
        try w.planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        try w.handover()
        #expect(try t.task("suspend-iv-procedure", w.caseID).formKey == "iv-verfahren-sistieren")
        try t.complete("suspend-iv-procedure", w.caseID, by: "r.huber", ["ivProcedureStatus": "closed"])
        try w.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try w.closingMeeting(reason: "goal-reached", outcome: "successful")
        try w.handBack()
        let view = try t.service.caseView("r.huber", caseID: w.caseID)
        #expect(view.instances.first { $0.processID == "reduced-iv" }?.endEventID == "end-iv-closed")
        #expect(view.openTasks.isEmpty)
    }

    @Test("19: Vereinbarung ALV mit dem vollen Wortlaut (Gemeindearbeitsamt)")
    func agreementWording() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        let doc = try #require(try t.documents(w.caseID).first { $0.template == "vereinbarung-alv" })
        let text = try #require(docxText(try t.service.document(w.p.referrerAdvisor, id: doc.id).bytes))
        #expect(text.contains("ausfüllen und dem zuständigen Gemeindearbeitsamt einreichen"))
    }

    @Test("20: Datenaustausch wird gezeigt, ist aber keine Aufnahmebedingung; kein «Antrag zurückziehen» ohne Wirkung")
    func dataExchangeIsNotAnAdmissionCondition() throws {
        let t = try TestOffice()
        var application = Applications.sdToALV(1)
        application["consentDataExchange"] = false
        let result = try t.service.submitApplication(by: "n.frei", receiverOffice: "rav-wolhusen", formData: application)
        let consent = try #require(result.eligibility.conditions.first { $0.id == .consentDataExchange })
        #expect(consent.outcome == .notMet)
        #expect(consent.kind == .advisory)
        #expect(result.eligibility.trafficLight == .yellow)
        #expect(t.service.forms.form("rueckfrage-antrag")?.field("withdraw") == nil)
    }

    // MARK: 21 — monthly flat-rate billing (model A)

    @Test("21: Fallpauschalen je Monat: nur Fälle ohne vorbestehenden Anspruch, Ansätze aus der Konfiguration, CSV und DOCX")
    func monthlyFlatRateBilling() throws {
        let t = try TestOffice()
        try t.service.saveSettings(InstallationSettings(flatRates: FlatRates(iv: 300, rav: 125, sd: 125)), by: "iiz.koordination")
        var iv = Walk(t, .iv)          // no IV procedure: billable by the IV-Stelle
        try iv.toCasework()
        var alv = Walk(t, .alv, n: 2)  // not registered at the RAV before: billable by the RAV
        try alv.toCasework()
        // A person already registered at the RAV: no flat rate.
        var registered = Applications.sdToALV(3)
        registered["ravRegistered"] = true
        var known = Walk(t, .alv, n: 3)
        known.caseID = try t.service.submitApplication(by: "n.frei", receiverOffice: "rav-wolhusen", formData: registered).caseID
        try known.accept()
        try known.planHandover()
        try known.handover()

        #expect(try t.service.flatRateStatements(year: 2026, month: 2).isEmpty)
        let march = try t.service.flatRateStatements(year: 2026, month: 3)
        #expect(march.map(\.receiverOfficeId) == ["rav-wolhusen", "was-iv-luzern"])
        let ivStatement = try #require(march.first { $0.receiverOfficeId == "was-iv-luzern" })
        #expect(ivStatement.payingOfficeId == "rav-wolhusen")
        #expect(ivStatement.lines.map(\.caseID) == [iv.caseID])
        #expect(ivStatement.total == 300)
        let ravStatement = try #require(march.first { $0.receiverOfficeId == "rav-wolhusen" })
        #expect(ravStatement.payingOfficeId == "sd-stadt-luzern")
        #expect(ravStatement.lines.map(\.caseID) == [alv.caseID])
        #expect(ravStatement.total == 125)
        let csv = try t.service.flatRateStatementsCSV(year: 2026, month: 3)
        #expect(csv.contains("03.2026;rav-wolhusen;\(iv.caseID);was-iv-luzern;IV-Stelle;300.00"))
        let docx = try t.service.flatRateStatementDocument(receiverOffice: "was-iv-luzern", payingOffice: "rav-wolhusen", year: 2026, month: 3)
        let text = try #require(docxText(docx))
        #expect(text.contains("März 2026"))
        #expect(text.contains("CHF 300.00"))
        #expect(text.contains("Bühler Marco"))

        // Closed in April: billed for April, not for May.
        try iv.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try iv.closingMeeting(reason: "goal-reached", outcome: "successful")
        #expect(try t.service.flatRateStatements(year: 2026, month: 4).contains { $0.lines.contains { $0.caseID == iv.caseID } })
        #expect(try !t.service.flatRateStatements(year: 2026, month: 5).contains { $0.lines.contains { $0.caseID == iv.caseID } })
        #expect(throws: CaseServiceError.self) { try t.service.flatRateStatements(year: 2026, month: 13) }
    }
}
