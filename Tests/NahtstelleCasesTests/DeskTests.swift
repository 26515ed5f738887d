import Foundation
import NahtstelleSQL
@testable import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// The advisors' desk (issue 10): notifications, follow-up dates, notes, saved filters, outbox,
/// PDFs and e-mail notices — each through the service as the user who does it.
@Suite("Arbeitsplatz: Mitteilungen, Wiedervorlage, Notizen, Filter, Postausgang, E-Mail-Hinweise")
struct DeskTests {
    static func code(_ body: () throws -> Void) -> CaseServiceError.Code? {
        do { try body(); return nil } catch let e as CaseServiceError { return e.code } catch { return nil }
    }

    @Test("Mitteilungen: ungelesene zuerst, jede Person liest für sich, fremde nicht markierbar")
    func notifications() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        try t.complete("check-application", w.caseID, by: "c.studer", ["decision": "rejected", "rejectionReason": "no-capacity"])
        let list = try t.service.notificationList(by: "h.lustenberger")
        #expect(list.count == 1 && list.allSatisfy { !$0.isRead })
        #expect(list[0].entry.text.contains("abgelehnt"))
        #expect(Self.code { try t.service.markNotificationRead(by: "r.huber", id: list[0].entry.id) } == .notFound)
        try t.service.markNotificationRead(by: "h.lustenberger", id: list[0].entry.id)
        #expect(try t.service.notificationList(by: "h.lustenberger", unreadOnly: true).isEmpty)
        #expect(try t.service.notificationList(by: "h.lustenberger").first?.isRead == true)
        #expect(try t.service.markAllNotificationsRead(by: "h.lustenberger") == 0)
    }

    @Test("Wiedervorlage einer Aufgabe: aus der Liste bis zum Datum, mit Filter sichtbar, Blättern ohne Lücken")
    func taskFollowUp() throws {
        let t = try TestOffice()
        var ids: [Int64] = []
        for n in 1...5 {
            var w = Walk(t, .sh, n: n)
            try w.submit()
            ids.append(try t.task("check-application", w.caseID).id)
            t.clock.advance(days: 0.01)
        }
        let today = ISODateTime.localDate(of: t.clock.now)
        #expect(try t.service.taskPage(by: "c.studer", TaskFilter()).items.count == 5)
        try t.service.setTaskFollowUp(by: "c.studer", taskID: ids[1], until: today.adding(days: 3))
        try t.service.setTaskFollowUp(by: "c.studer", taskID: ids[2], until: today.adding(days: 3))
        var seen: [Int64] = []
        var cursor: String? = nil
        repeat {
            let page = try t.service.taskPage(by: "c.studer", TaskFilter(limit: 1, cursor: cursor))
            seen += page.items.map(\.task.id)
            cursor = page.next
        } while cursor != nil
        #expect(seen == [ids[0], ids[3], ids[4]])
        let only = try t.service.taskPage(by: "c.studer", TaskFilter(followUp: .only)).items
        #expect(only.map(\.task.id) == [ids[1], ids[2]] && only.allSatisfy { $0.followUpUntil == today.adding(days: 3) })
        #expect(try t.service.taskPage(by: "c.studer", TaskFilter(followUp: .show)).items.count == 5)
        #expect(try t.service.followUps(by: "c.studer").count == 2)
        // Bad dates and other people's tasks change nothing.
        #expect(Self.code { try t.service.setTaskFollowUp(by: "c.studer", taskID: ids[0], until: today) } == .invalidInput)
        #expect(Self.code { try t.service.setTaskFollowUp(by: "c.studer", taskID: ids[0], until: today.adding(days: 400)) } == .invalidInput)
        #expect(Self.code { try t.service.setTaskFollowUp(by: "r.huber", taskID: ids[0], until: today.adding(days: 1)) } == .notFound)
        try t.service.clearTaskFollowUp(by: "c.studer", taskID: ids[1])
        #expect(try t.service.taskPage(by: "c.studer", TaskFilter()).items.count == 4)
        // On the day, the task is back.
        t.clock.advance(days: 3)
        #expect(try t.service.taskPage(by: "c.studer", TaskFilter()).items.count == 5)
        #expect(try t.service.followUps(by: "c.studer").isEmpty)
    }

    @Test("Wiedervorlage eines Falls: aus der Fallliste der Person bis zum Datum")
    func caseFollowUp() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        let today = ISODateTime.localDate(of: t.clock.now)
        try t.service.setCaseFollowUp(by: "h.lustenberger", caseID: w.caseID, until: today.adding(days: 7))
        #expect(try t.service.casePage(by: "h.lustenberger", state: nil, query: nil, limit: 50, cursor: nil).items.isEmpty)
        #expect(try t.service.casePage(by: "h.lustenberger", state: nil, query: nil, limit: 50, cursor: nil, followUp: .only).items.map(\.id)
            == [w.caseID])
        #expect(try t.service.casePage(by: "c.studer", state: nil, query: nil, limit: 50, cursor: nil).items.map(\.id) == [w.caseID])
        #expect(Self.code { try t.service.setCaseFollowUp(by: "r.huber", caseID: w.caseID, until: today.adding(days: 7)) } == .notFound)
        try t.service.clearCaseFollowUp(by: "h.lustenberger", caseID: w.caseID)
        #expect(try t.service.casePage(by: "h.lustenberger", state: nil, query: nil, limit: 50, cursor: nil).items.count == 1)
    }

    @Test("Notizen: beide Stellen lesen sie, niemand sonst; nie geändert; im Fall und im Verlauf")
    func notes() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        let note = try t.service.addCaseNote(by: "h.lustenberger", caseID: w.caseID, text: "  Frau Muster ist ab 12.03.2026 erreichbar.\n")
        #expect(note.text == "Frau Muster ist ab 12.03.2026 erreichbar." && note.officeId == "rav-wolhusen")
        try t.service.addCaseNote(by: "c.studer", caseID: w.caseID, text: "Danke, notiert.")
        let notes = try t.service.caseNotes(by: "c.studer", caseID: w.caseID)
        #expect(notes.map(\.author) == ["h.lustenberger", "c.studer"] && notes[0].authorName == "Heidi Lustenberger")
        #expect(try t.service.caseView("h.lustenberger", caseID: w.caseID).notes.count == 2)
        #expect(Self.code { _ = try t.service.caseNotes(by: "r.huber", caseID: w.caseID) } == .notFound)
        #expect(Self.code { _ = try t.service.caseNotes(by: "iiz.koordination", caseID: w.caseID) } == .notFound)
        #expect(Self.code { try t.service.addCaseNote(by: "r.huber", caseID: w.caseID, text: "x") } == .notFound)
        #expect(Self.code { try t.service.addCaseNote(by: "c.studer", caseID: w.caseID, text: " \n ") } == .invalidInput)
        #expect(Self.code { try t.service.addCaseNote(by: "c.studer", caseID: w.caseID, text: String(repeating: "x", count: 4001)) }
            == .invalidInput)
        #expect(try t.service.caseHistory(by: "c.studer", caseID: w.caseID).filter { $0.command == "add-note" }.count == 2)
        #expect(throws: (any Error).self) {
            try t.service.sqlStorage.writeSQL { try $0.execute(sql: "UPDATE case_note SET text = 'anders'") }
        }
        #expect(try t.service.caseNotes(by: "c.studer", caseID: w.caseID).count == 2)
    }

    @Test("Gespeicherte Filter: speichern, ersetzen, löschen; nur die eigenen")
    func savedFilters() throws {
        let t = try TestOffice()
        let saved = try t.service.saveFilter(by: "c.studer", name: "Überfällig", due: .overdue)
        try t.service.saveFilter(by: "c.studer", name: "Überfällig", process: "optima-sh", due: .overdue, assignee: .me)
        try t.service.saveFilter(by: "c.studer", name: "Alle offenen")
        let list = try t.service.savedFilters(by: "c.studer")
        #expect(list.map(\.name) == ["Alle offenen", "Überfällig"])
        #expect(list[1].id == saved.id && list[1].process == "optima-sh" && list[1].assignee == .me)
        #expect(try t.service.savedFilters(by: "h.lustenberger").isEmpty)
        #expect(Self.code { try t.service.deleteFilter(by: "h.lustenberger", id: saved.id) } == .notFound)
        #expect(Self.code { try t.service.saveFilter(by: "c.studer", name: " ") } == .invalidForm)
        #expect(Self.code { try t.service.saveFilter(by: "c.studer", name: "x", role: .signatory) } == .invalidForm)
        #expect(Self.code { try t.service.saveFilter(by: "c.studer", name: "x", process: "DROP TABLE") } == .invalidForm)
        try t.service.deleteFilter(by: "c.studer", id: saved.id)
        #expect(try t.service.savedFilters(by: "c.studer").map(\.name) == ["Alle offenen"])
    }

    @Test("Postausgang: Briefe der absendenden Stelle, Versand einmal erfasst und im Verlauf")
    func outbox() throws {
        let t = try TestOffice()
        var w = Walk(t, .sh)
        try w.submit()
        try w.accept()
        try w.planHandover()
        // The decision goes from the OPTIMA office to the referrer; the invitation from the referrer to the person.
        let receiver = try t.service.outbox(by: "c.studer")
        #expect(receiver.map(\.document.template) == ["entscheid-annahme"])
        #expect(receiver[0].recipient == .referrerOffice && receiver[0].recipientName == "RAV Wolhusen")
        let referrer = try t.service.outbox(by: "h.lustenberger")
        let invitation = try #require(referrer.first { $0.document.template == "einladung-gespraech" })
        #expect(invitation.recipient == .client && invitation.recipientAddress.count == 2)
        #expect(try t.service.outbox(by: "r.huber").isEmpty && t.service.outbox(by: "iiz.koordination").isEmpty)
        let decision = receiver[0].document.id
        let today = ISODateTime.localDate(of: t.clock.now)
        #expect(Self.code { try t.service.markLetterSent(by: "h.lustenberger", documentID: decision, channel: .post) } == .forbidden)
        #expect(Self.code { try t.service.markLetterSent(by: "r.huber", documentID: decision, channel: .post) } == .notFound)
        #expect(Self.code { try t.service.markLetterSent(by: "c.studer", documentID: decision, channel: .post, sentOn: today.adding(days: 1)) }
            == .invalidInput)
        #expect(Self.code { try t.service.markLetterSent(by: "c.studer", documentID: decision, channel: .post, sentBy: "h.lustenberger") }
            == .invalidInput)
        let form = try #require(t.documents(w.caseID).first { $0.template.hasPrefix("antragsformular") })
        #expect(Self.code { try t.service.markLetterSent(by: "c.studer", documentID: form.id, channel: .post) } == .ruleViolation)
        let sent = try t.service.markLetterSent(by: "c.studer", documentID: decision, channel: .email, sentBy: "s.wicki")
        #expect(sent.dispatch?.sentBy == "s.wicki" && sent.dispatch?.sentOn == today)
        #expect(Self.code { try t.service.markLetterSent(by: "c.studer", documentID: decision, channel: .post) } == .conflict)
        #expect(try t.service.outbox(by: "c.studer", state: .open).isEmpty)
        #expect(try t.service.outbox(by: "c.studer", state: .sent).first?.dispatch?.channel == .email)
        let entry = try #require(try t.service.caseHistory(by: "h.lustenberger", caseID: w.caseID).first { $0.command == "letter-sent" })
        #expect(entry.actor == "c.studer" && entry.details.contains("\"channel\":\"email\""))
    }

    @Test("PDF ohne LibreOffice: klare Meldung, nichts in der Warteschlange")
    func pdfWithoutLibreOffice() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nahtstelle-pdf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let service = try OptimaService(databasePath: directory + "/db.sqlite", resources: .init(root: repositoryRoot),
                                        pdfQueue: DocumentPDFQueue(soffice: nil))
        try service.seedDemoData()
        try service.deployWorkflows()
        let submitted = try service.submitApplication(by: "h.lustenberger", receiverOffice: "sobz-hochdorf", formData: Applications.ravToSH(1))
        let doc = try #require(submitted.documents.first)
        guard case .unavailable(let message, nil) = try service.documentPDF(by: "h.lustenberger", id: doc.id) else {
            Issue.record("erwartet: LibreOffice fehlt")
            return
        }
        #expect(message.contains("LibreOffice") && message.contains("libreoffice-writer"))
        #expect(Self.code { _ = try service.documentPDF(by: "r.huber", id: doc.id) } == .notFound)
    }

    @Test("E-Mail-Hinweise: neue und überfällige Aufgaben je einmal, ohne Personendaten, Wiederholung nach Fehler")
    func mailNotices() throws {
        let t = try TestOffice()
        #expect(try t.service.collectMailNotices() == 0)  // first call: starts from here
        var w = Walk(t, .sh)
        try w.submit()
        if t.service.location.isPostgres {
            // Commands commit out of id order there: a new task waits until it is older than the margin.
            #expect(try t.service.collectMailNotices() == 0)
            t.clock.advance(days: (OptimaService.mailCommitMargin + 1) / 86_400)
        }
        #expect(try t.service.collectMailNotices() >= 1)
        #expect(try t.service.collectMailNotices() == 0)
        let due = try t.service.claimDueMailNotices()
        let notice = try #require(due.first { $0.username == "c.studer" })
        // Taken: another node (or the next round) does not get it while the lease runs.
        #expect(try t.service.claimDueMailNotices().isEmpty)
        #expect(notice.kind == .new && notice.email == "claudia.studer@sobz-hochdorf.ch")
        let task = try t.task("check-application", w.caseID)
        #expect(notice.taskID == task.id)
        let text = MailNoticeText.subject(notice.kind) + MailNoticeText.body(notice.kind, taskID: notice.taskID, baseURL: "https://nahtstelle.lu.ch/")
        #expect(text.contains("https://nahtstelle.lu.ch/tasks/\(task.id)"))
        for secret in ["Muster", w.caseID, "756.", "Hochdorf", "Lustenberger", task.name ?? "-"] { #expect(!text.contains(secret), "\(secret)") }
        try t.service.mailNoticeFailed(notice.id, error: "Verbindung abgelehnt")
        #expect(try !t.service.claimDueMailNotices().contains { $0.id == notice.id })
        t.clock.advance(days: 0.001)  // 86 s: after the first pause of a minute
        #expect(try t.service.claimDueMailNotices().contains { $0.id == notice.id })
        // A node that took it and died: due again when the lease has run out.
        #expect(try !t.service.claimDueMailNotices().contains { $0.id == notice.id })
        t.clock.advance(days: (OptimaService.mailSendLease + 1) / 86_400)
        #expect(try t.service.claimDueMailNotices().contains { $0.id == notice.id })
        try t.service.mailNoticeSent(notice.id)
        #expect(try !t.service.claimDueMailNotices().contains { $0.id == notice.id })
        // Overdue: once, after the due date.
        let dueAt = try #require(task.dueAt)
        t.clock.set(dueAt.addingTimeInterval(3600))
        #expect(try t.service.collectMailNotices() >= 1)
        #expect(try t.service.claimDueMailNotices().contains { $0.kind == .overdue && $0.taskID == task.id })
        #expect(try t.service.collectMailNotices() == 0)
    }
}
