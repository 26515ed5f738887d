import Foundation
import NahtstelleSQL
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// Hand-over rules, forms, visibility and permissions, documents and deadlines.
@Suite("OPTIMA-Anwendung: Regeln, Dokumente, Fristen")
struct CaseRulesTests {
    static func caseCount(_ t: TestOffice) throws -> Int {
        try t.service.sqlStorage.readSQL { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM optima_case") ?? -1 }
    }

    static func instanceCount(_ t: TestOffice) throws -> Int {
        try t.service.sqlStorage.readSQL { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM instance") ?? -1 }
    }

    @Test("SD → SD nur an eine Stelle mit integraler Fallführung; sonst klare Meldung und nichts gespeichert")
    func sdToSdNeedsIntegralCaseManagement() throws {
        let t = try TestOffice()
        // SoBZ Luzern does addiction counselling only: no integral case management.
        let error = try #require(throws: CaseServiceError.self) {
            try t.service.submitApplication(by: "i.bachmann", receiverOffice: "sobz-luzern", formData: Applications.sdToSH(1))
        }
        #expect(error.code == .ruleViolation)
        #expect(error.field == "receiverOffice")
        #expect(error.message.contains("SoBZ Luzern"))
        #expect(error.message.contains("integrale Fallführung"))
        // An office cannot hand a case to itself either.
        #expect(throws: CaseServiceError.self) {
            try t.service.submitApplication(by: "i.bachmann", receiverOffice: "sd-ebikon", formData: Applications.sdToSH(1))
        }
        #expect(try Self.caseCount(t) == 0)
        #expect(try Self.instanceCount(t) == 0)
        // Towards SoBZ Hochdorf (integral case management) it works, as target group SD-SD.
        let result = try t.service.submitApplication(by: "i.bachmann", receiverOffice: "sobz-hochdorf", formData: Applications.sdToSH(2))
        #expect(result.process == .optimaSH)
        #expect(result.targetGroup.group == .sdToSD)
        #expect(try t.stored(result.caseID).optimaCase.targetGroup == .sdToSD)
        #expect(result.openTasks.map(\.elementID) == ["check-application"])
        #expect(result.openTasks.first?.office == "sobz-hochdorf")
        // The advisory pre-check says the same before sending.
        let pre = try t.service.eligibility(referrer: "sd-ebikon", receiver: "sobz-luzern", status: PersonStatus())
        #expect(pre.handoverProblem?.contains("integrale Fallführung") == true)
        #expect(pre.eligibility.conditions.contains { $0.id == .receiverOffersIntegralCaseManagement && $0.outcome == .notMet })
    }

    @Test("Antrag: jeder Formularfehler auf einmal, nichts gespeichert")
    func applicationFormErrorsAllAtOnce() throws {
        let t = try TestOffice()
        var data = Applications.ravToSH(1)
        data["ahvNumber"] = "756.1234.5678.90"
        data["lastName"] = nil
        data["durationMonths"] = 4
        data["personalHelpEntitled"] = nil
        let error = try #require(throws: CaseServiceError.self) {
            try t.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf", formData: data)
        }
        #expect(error.code == .invalidForm)
        let fields = Set(error.fieldErrors.map(\.field))
        #expect(fields == ["lastName", "ahvNumber", "durationMonths", "personalHelpEntitled"])
        #expect(error.fieldErrors.first { $0.field == "ahvNumber" }?.message.contains("Prüfziffer") == true)
        #expect(!error.message.contains("ß"))
        #expect(try Self.caseCount(t) == 0)
    }

    @Test("Zielgruppe und Vorprüfung werden beim Antrag bestimmt und gespeichert")
    func targetGroupAndPreCheckStored() throws {
        let t = try TestOffice()
        let sh = try t.service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf", formData: Applications.ravToSH(1))
        #expect(sh.targetGroup.group == .g)
        let alv = try t.service.submitApplication(by: "n.frei", receiverOffice: "rav-wolhusen", formData: Applications.sdToALV(2))
        #expect(alv.targetGroup.group == .h)
        let iv = try t.service.submitApplication(by: "h.lustenberger", receiverOffice: "was-iv-luzern", formData: Applications.ravToIV(3))
        #expect(iv.targetGroup.group == .f)
        #expect(iv.caseID == "OPT-2026-0003")
        try t.restart()
        let stored = try t.stored(alv.caseID)
        #expect(stored.optimaCase.targetGroup == .h)
        let eligibility = try #require(stored.eligibility)
        #expect(eligibility.process == .optimaALV)
        #expect(eligibility.conditions.contains { $0.id == .intactLabourOffer && $0.outcome == .met })
        // SD → RAV: the person agreed to (re-)register and was not registered in the last 6 months: green (issue 14).
        #expect(eligibility.conditions.contains { $0.id == .registeredAtRAV && $0.outcome == .met && $0.kind == .advisory })
        #expect(eligibility.trafficLight == .green)
        #expect(stored.optimaCase.person.ahvNumber.hasPrefix("756."))
    }

    @Test("Nur die eigene Stelle, Rolle und Person erledigt eine Aufgabe; Fälle sieht nur, wer beteiligt ist")
    func permissionsAndVisibility() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        let check = try t.task("check-application", w.caseID)
        // Another office, the wrong role, the right office and role.
        // Outside the caller's office and role a task answers "not found" (ids cannot be probed).
        for (user, fragment) in [("t.gut", "Sie sehen nur Aufgaben Ihrer Stelle"), ("s.wicki", "Rolle «OPTIMA-Kontaktperson»")] {
            let error = try #require(throws: CaseServiceError.self) {
                try t.service.completeTask(by: user, taskID: check.id, formData: ["decision": "accepted", "advisor": "s.wicki"])
            }
            #expect(error.code == .notFound)
            #expect(error.message.contains(fragment))
        }
        // The contact must assign an advisor of the own office.
        let wrongAdvisor = try #require(throws: CaseServiceError.self) {
            try t.service.completeTask(by: "c.studer", taskID: check.id, formData: ["decision": "accepted", "advisor": "p.baumann"])
        }
        #expect(wrongAdvisor.fieldErrors.map(\.field) == ["advisor"])
        // Conditional requiredness: rejecting needs a reason.
        let noReason = try #require(throws: CaseServiceError.self) {
            try t.service.completeTask(by: "c.studer", taskID: check.id, formData: ["decision": "rejected"])
        }
        #expect(noReason.fieldErrors.map(\.field) == ["rejectionReason"])
        try w.accept()
        // The hand-over meeting is the assigned advisor's, not a colleague's.
        try w.planHandover()
        let meeting = try t.task("handover-meeting", w.caseID)
        #expect(meeting.assignee == "s.wicki")
        let colleague = try #require(throws: CaseServiceError.self) { try t.service.claim(by: "a.keller", taskID: meeting.id) }
        #expect(colleague.message.contains("Sandra Wicki"))
        // Visibility: referrer and receiver see the case, others do not; the coordinator sees no case contents.
        #expect(try t.service.cases("h.lustenberger").map(\.id) == [w.caseID])
        #expect(try t.service.cases("s.wicki").map(\.id) == [w.caseID])
        #expect(try t.service.cases("t.gut").isEmpty)
        #expect(try t.service.cases("iiz.koordination").isEmpty)
        #expect(try #require(throws: CaseServiceError.self) { try t.service.caseView("iiz.koordination", caseID: w.caseID) }.code == .notFound)
        let hidden = try #require(throws: CaseServiceError.self) { try t.service.caseView("r.huber", caseID: w.caseID) }
        #expect(hidden.code == .notFound)
        let doc = try #require(try t.documents(w.caseID).first)
        #expect(throws: CaseServiceError.self) { try t.service.document("r.huber", id: doc.id) }
        // Inbox: the hand-over meeting shows for the assigned advisor only.
        #expect(try t.service.inbox("s.wicki").map(\.task.elementID) == ["handover-meeting"])
        #expect(try t.service.inbox("a.keller").isEmpty)
        #expect(try t.service.inbox("s.wicki").first?.personName == "Muster Anna")
        // Reads are audit-logged; refused reads leave no trace of the case's content.
        _ = try t.service.caseView("h.lustenberger", caseID: w.caseID)
        _ = try t.service.document("s.wicki", id: doc.id)
        let log = try t.service.accessLog(caseID: w.caseID)
        #expect(log.contains { $0.username == "h.lustenberger" && $0.action == "view-case" })
        #expect(log.contains { $0.username == "s.wicki" && $0.action == "read-document" && $0.documentID == doc.id })
        #expect(!log.contains { $0.username == "r.huber" })
    }

    @Test("RAV → SH erzeugt die Vereinbarung ALV mit den Angaben des Falls")
    func agreementALV() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework()
        let agreement = try #require(try t.documents(w.caseID).first { $0.template == "vereinbarung-alv" })
        #expect(agreement.elementID == "generate-agreement-alv")
        let text = try #require(docxText(try t.service.document("h.lustenberger", id: agreement.id).bytes))
        let stored = try t.stored(w.caseID)
        for value in ["RAV Wolhusen", "Im Schmitteli 2", "Anna Muster", stored.optimaCase.person.ahvNumber, "P-1001", "SoBZ Hochdorf",
                      "Arbeitslosenkasse Luzern", "10.03.2026", "10.09.2026", "Heidi", "Lustenberger"] {
            #expect(text.contains(value), "\(value) fehlt in der Vereinbarung ALV")
        }
        // Not for other referrers (SD → SD, SD → RAV).
        let sdsd = try t.service.submitApplication(by: "i.bachmann", receiverOffice: "sobz-hochdorf", formData: Applications.sdToSH(5))
        try t.complete("check-application", sdsd.caseID, by: "c.studer", ["decision": "accepted", "advisor": "a.keller"])
        try t.complete("plan-handover", sdsd.caseID, by: "i.bachmann", ["meetingAt": "2026-03-12T09:00", "place": "Ebikon"])
        try t.complete("handover-meeting", sdsd.caseID, by: "a.keller", [
            "participants": "Lea Roth", "situation": "Sucht, Konflikte", "strategy": "Begleitung", "allAgree": true,
            "nextMeetingAt": "2026-04-09T10:00",
        ])
        #expect(try !t.documents(sdsd.caseID).contains { $0.template == "vereinbarung-alv" })
        #expect(try t.service.caseView("i.bachmann", caseID: sdsd.caseID).instances.contains { $0.processID == "reduced-sd" })
    }

    @Test("Jedes erzeugte Dokument ist ein gültiges DOCX mit den Werten des Falls")
    func everyDocumentIsValid() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.toCasework(costApproval: costApprovalForm())
        try t.complete("sign-cost-approval", w.caseID, by: w.p.signatory, ["decision": "approved"])
        try w.invite()
        try t.advance(to: "2026-04-07T09:00:00+02:00")
        try w.statusMeeting(continueTo: "2026-05-05T09:00:00+02:00")
        try w.invite()
        try t.advance(to: "2026-05-05T09:00:00+02:00")
        try w.closingMeeting(reason: "goal-reached", outcome: "successful")
        try w.handBack()
        let documents = try t.documents(w.caseID)
        #expect(Set(documents.map(\.template)) == [
            "antragsformular-sh", "entscheid-annahme", "einladung-gespraech", "einladung-zuweisende-stelle", "gespraechsnotiz-uebergabe",
            "vereinbarung-alv", "kostengutsprache", "gespraechsnotiz-standort", "gespraechsnotiz-abschluss",
        ])
        for info in documents {
            let doc = try t.service.document("s.wicki", id: info.id)
            #expect(doc.bytes.count == info.size)
            #expect(Array(doc.bytes.prefix(2)) == [0x50, 0x4B], "\(info.fileName) ist kein ZIP")
            let text = try #require(docxText(doc.bytes), "\(info.fileName) ist kein gültiges DOCX")
            #expect(text.contains("Muster"), "\(info.fileName): Name der Person fehlt")
            #expect(!text.contains("{{"), "\(info.fileName): Platzhalter nicht ersetzt")
            #expect(info.fileName == "\(w.caseID)_\(info.template)_v\(info.version).docx")
        }
        let application = try #require(documents.first { $0.template == "antragsformular-sh" })
        let text = try #require(docxText(try t.service.document("s.wicki", id: application.id).bytes))
        for value in [w.caseID, "RAV Wolhusen", "SoBZ Hochdorf", "17.03.1984", "Bahnhofstrasse 12", "6280", "Wiedereinstieg"] {
            #expect(text.contains(value), "\(value) fehlt im Antragsformular")
        }
        let note = try #require(documents.first { $0.template == "gespraechsnotiz-uebergabe" })
        let noteText = try #require(docxText(try t.service.document("s.wicki", id: note.id).bytes))
        #expect(noteText.contains("Dolmetscherin Frau Krasniqi"))
        #expect(noteText.contains("07.04.2026"))
    }

    @Test("Dokumente werden versioniert: neue Version, die alte bleibt unverändert")
    func documentsAreVersioned() throws {
        let t = try TestOffice()
        var w = Walk(t, .alv)
        try w.submit()
        let first = try #require(try t.documents(w.caseID).first { $0.template == "antragsformular-rav" })
        let before = try t.service.document("n.frei", id: first.id).bytes
        try t.restart()
        t.clock.advance(days: 1)
        let second = try t.service.regenerateDocument(by: "n.frei", caseID: w.caseID, template: "antragsformular-rav")
        #expect(second.version == 2)
        #expect(second.id != first.id)
        #expect(try t.service.document("n.frei", id: first.id).bytes == before)
        #expect(try t.documents(w.caseID).filter { $0.template == "antragsformular-rav" }.map(\.version) == [1, 2])
        // The database refuses to overwrite or delete a stored document.
        #expect(throws: SQLConstraintError.self) {
            try t.service.sqlStorage.writeSQL { try $0.execute(sql: "UPDATE case_document SET bytes = ?, size = 1 WHERE id = ?", arguments: [[UInt8](arrayLiteral: 0), first.id]) }
        }
        #expect(throws: SQLConstraintError.self) {
            try t.service.sqlStorage.writeSQL { try $0.execute(sql: "DELETE FROM case_document WHERE id = ?", arguments: [first.id]) }
        }
        // Other offices cannot generate documents of the case.
        #expect(throws: CaseServiceError.self) { try t.service.regenerateDocument(by: "r.huber", caseID: w.caseID, template: "antragsformular-rav") }
    }

    @Test("Fehlende Vorlagendaten brechen den Schritt ab und nennen die Felder; nichts halb erledigt")
    func missingTemplateDataAbortsTheStep() throws {
        let t = try TestOffice()
        var wolhusen = try t.service.office("rav-wolhusen")
        wolhusen.unemploymentFund = nil
        try t.service.saveDirectory(offices: [wolhusen], staff: [])
        var w = Walk(t, .sh)
        try w.submit()
        try w.accept()
        // The Vereinbarung ALV is generated for the hand-over meeting, when the meeting is planned.
        let documentsBefore = try t.documents(w.caseID).count
        let error = try #require(throws: CaseServiceError.self) { try w.planHandover() }
        #expect(error.code == .documentFailed)
        #expect(error.message.contains("Vereinbarung ALV"))
        #expect(error.message.contains("agreement.unemploymentFund"))
        // Nothing of the step was kept: the planning is still open, no invitation, no meeting task.
        #expect(try t.task("plan-handover", w.caseID).state == .created)
        #expect(try !t.openTasks(w.caseID).contains { $0.elementID == "handover-meeting" })
        #expect(try t.stored(w.caseID).optimaCase.handoverMeetingAt == nil)
        #expect(try t.documents(w.caseID).count == documentsBefore)
        wolhusen.unemploymentFund = "Arbeitslosenkasse Luzern"
        try t.service.saveDirectory(offices: [wolhusen], staff: [])
        try w.planHandover()
        try w.handover()
        #expect(try t.stored(w.caseID).optimaCase.state == .active)
    }

    @Test("Fristen: Antragsprüfung 10 Arbeitstage (mit Ostern), Mandatsende mit Warnung zwei Wochen vorher")
    func deadlines() throws {
        // Submitted on Thursday before Easter 2026: Good Friday and Easter Monday do not count.
        let t = try TestOffice(start: "2026-04-02T10:00:00+02:00")
        var w = Walk(t, .sh)
        w.n = 7
        let data = Applications.ravToSH(7, months: 3)
        w.caseID = try t.service.submitApplication(by: w.p.referrerAdvisor, receiverOffice: w.p.receiverOffice, formData: data).caseID
        let check = try t.task("check-application", w.caseID)
        #expect(ISODateTime.localDate(of: try #require(check.dueAt)) == d("2026-04-20"))
        var view = try t.service.caseView(w.p.contact, caseID: w.caseID)
        #expect(view.deadlines.first { $0.kind == .applicationCheck }?.due == d("2026-04-20"))
        try w.accept()
        try w.planHandover("2026-04-14T09:00:00+02:00")
        try t.advance(to: "2026-04-14T10:00:00+02:00")
        try w.handover(nextMeetingAt: "2026-06-30T09:00:00+02:00")
        try w.signAgreementIfSH()
        view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(view.plannedEnd == d("2026-07-14"))
        #expect(view.plannedEndWarningFrom == d("2026-06-30"))
        #expect(view.nextStatusMeeting == d("2026-06-30"))
        #expect(view.deadlines.first { $0.kind == .mandateEnd }?.state == .open)
        // Two weeks before the planned end, both sides are reminded.
        try t.restart()
        try w.invite()
        try t.advance(to: "2026-06-29T12:00:00+02:00")
        #expect(try t.service.notifications(w.p.advisor).filter { $0.kind.hasPrefix("notify-planned-end") }.isEmpty)
        try t.advance(to: "2026-06-30T11:00:00+02:00")
        #expect(try t.service.notifications(w.p.advisor).contains { $0.kind == "notify-planned-end-receiver" })
        let referrer = try t.service.notifications(w.p.referrerAdvisor).first { $0.kind == "notify-planned-end-referrer" }
        #expect(referrer?.text.contains("14.07.2026") == true)
        view = try t.service.caseView(w.p.advisor, caseID: w.caseID)
        #expect(view.deadlines.first { $0.kind == .mandateEnd }?.state == .warning)
        // Read notifications drop out of the unread list.
        let unread = try t.service.notifications(w.p.advisor, unreadOnly: true)
        try t.service.markRead(w.p.advisor, ids: unread.map(\.id))
        #expect(try t.service.notifications(w.p.advisor, unreadOnly: true).isEmpty)
    }
}

extension CaseRulesTests {
    @Test("Typisierter Antrag: Person, Status, Ziel, Themen, Dauer und Einverständnis")
    func typedApplication() throws {
        let t = try TestOffice()
        let application = ApplicationInput(
            receiverOffice: "sobz-hochdorf",
            person: PersonInput(lastName: "Studer", firstName: "Mia", birthDate: d("1991-05-04"), street: "Kirchweg 3", postalCode: "6110",
                                city: "Wolhusen", ahvNumber: People.ahv("756000100077"), persNr: "2201"),
            status: PersonStatus(inSocialCounselling: false, receivesFinancialSocialAssistance: false, registeredAtRAV: true, receivesALE: true,
                                 ivProcedure: .noProcedure, ivMeasuresRunning: false, ivLegalProceedings: false,
                                 ivRelevantHealthDamageSuspected: false, canAndWantsToWork: true, intactLabourOffer: false,
                                 entitledToPersonalSocialHelpAtReceiver: true),
            goal: "Schuldensanierung und Tagesstruktur.", topics: ["debts"], plannedMonths: .three, consentHandover: true,
            consentDataExchange: true, formData: ["socialDifficulties": "Schulden"])
        let result = try t.service.submitApplication(by: "h.lustenberger", application: application)
        #expect(result.targetGroup.group == .g)
        let c = try t.stored(result.caseID).optimaCase
        #expect(c.plannedMonths == .three)
        #expect(c.personStatus.intactLabourOffer == false)
        #expect(c.personStatus.socialDifficulties == [.debts])
        #expect(c.person.ahvNumber.count == 16)
        #expect(result.eligibility.conditions.contains { $0.id == .socialDifficulties && $0.outcome == .met })
    }
}
