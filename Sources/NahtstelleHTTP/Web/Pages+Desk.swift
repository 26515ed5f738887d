import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// Working habits: follow-up dates, saved filters, notes on a case, and the outbox of letters.
extension Pages {
    /// A date typed in a page (`TT.MM.JJJJ` or ISO), or a 422 page's message.
    static func typedDate(_ text: String?, label: String) throws -> LocalDate {
        guard let text, let d = FormDefinition.parseDate(.string(text)) else {
            throw CaseServiceError(.invalidInput, "\(label): bitte ein Datum als TT.MM.JJJJ eingeben (z. B. 15.01.2027).", field: "until")
        }
        return d
    }

    // MARK: Follow-up dates

    func taskFollowUp(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let id = try id(context)
        let service = self.service
        if form["clear"] != nil {
            try await core.run(context) { try service.clearTaskFollowUp(by: caller.username, taskID: id) }
        } else {
            let until = try Self.typedDate(form["until"], label: "Wiedervorlage")
            _ = try await core.run(context) { try service.setTaskFollowUp(by: caller.username, taskID: id, until: until) }
        }
        return Self.redirect(Self.safeReturn(form["back"]))
    }

    func caseFollowUp(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let service = self.service
        if form["clear"] != nil {
            try await core.run(context) { try service.clearCaseFollowUp(by: caller.username, caseID: caseID) }
        } else {
            let until = try Self.typedDate(form["until"], label: "Wiedervorlage")
            _ = try await core.run(context) { try service.setCaseFollowUp(by: caller.username, caseID: caseID, until: until) }
        }
        return Self.redirect("/cases/\(caseID)")
    }

    // MARK: Saved filters

    func saveFilter(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let role = form["role"].flatMap(Role.init(rawValue:))
        let process = form["process"].flatMap { Self.processIDs.contains($0) ? $0 : nil }
        let due = form["due"].flatMap(TaskFilter.Due.init(rawValue:))
        let assignee = form["assignee"].flatMap(TaskFilter.Assignee.init(rawValue:))
        let service = self.service
        let saved = try await core.run(context) {
            try service.saveFilter(by: caller.username, name: name, role: role, process: process, due: due, assignee: assignee)
        }
        let q = [saved.role.map { "role=" + $0.rawValue }, saved.process.map { "process=" + $0 }, saved.due.map { "due=" + $0.rawValue },
                 saved.assignee.map { "assignee=" + $0.rawValue }].compactMap { $0 }.joined(separator: "&")
        return Self.redirect("/inbox" + (q.isEmpty ? "" : "?" + q))
    }

    func deleteFilter(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else { throw APIError.notFound("Filter") }
        let service = self.service
        try await core.run(context) { try service.deleteFilter(by: caller.username, id: id) }
        return Self.redirect("/inbox")
    }

    // MARK: Notes

    func addNote(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let text = form["text"] ?? ""
        let service = self.service
        _ = try await core.run(context) { try service.addCaseNote(by: caller.username, caseID: caseID, text: text) }
        return Self.redirect("/cases/\(caseID)#notes")
    }

    // MARK: Outbox

    func outboxPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let state = request.uri.queryParameters.get("state").flatMap(OutboxState.init(rawValue:)) ?? .open
        let service = self.service
        let (letters, colleagues) = try await core.run(context) {
            (try service.outbox(by: caller.username, state: state),
             try service.staff(office: caller.officeID).map { ($0.username, $0.displayName) }.sorted { $0.1 < $1.1 })
        }
        let today = ISODateTime.localDate(of: service.now).swissFormatted
        let items: [[String: Any]] = letters.map { l in
            let d = l.document
            return [
                "id": String(d.id), "title": d.title, "version": d.version, "caseId": d.caseId, "person": l.personName,
                "recipient": l.recipientName, "address": l.recipientAddress.joined(separator: ", "),
                "toClient": l.recipient == .client, "created": PageFormat.dateTime(d.createdAt), "fileName": d.fileName,
                "sent": l.dispatch != nil, "sentText": l.dispatch.map { "\($0.channel.label) am \($0.sentOn.swissFormatted) durch \($0.sentByName ?? $0.sentBy)" } ?? "",
                "today": today, "csrf": caller.csrfToken,
                "channels": DispatchChannel.allCases.map { ["value": $0.rawValue, "label": $0.label] },
                "people": colleagues.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == caller.username] as [String: Any] },
            ]
        }
        return try await html("outbox", [
            "title": "Postausgang", "items": items, "hasItems": !items.isEmpty,
            "states": [("open", "noch nicht versandt"), ("sent", "versandt"), ("all", "alle")].map { v, l in
                ["value": v, "label": l, "selected": v == state.rawValue] as [String: Any]
            },
            "isOpen": state == .open,
        ], caller, context, current: "outbox")
    }

    func markSent(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else { throw APIError.notFound("Dokument") }
        guard let channel = form["channel"].flatMap(DispatchChannel.init(rawValue:)) else {
            throw CaseServiceError(.invalidInput, "Versandart: bitte «per Post», «persönlich übergeben» oder «per E-Mail» wählen.", field: "channel")
        }
        let sentOn = try form["sentOn"].flatMap { $0.isEmpty ? nil : $0 }.map { try Self.typedDate($0, label: "Versandt am") }
        let sentBy = form["sentBy"].flatMap { $0.isEmpty ? nil : $0 }
        let service = self.service
        _ = try await core.run(context) {
            try service.markLetterSent(by: caller.username, documentID: id, channel: channel, sentOn: sentOn, sentBy: sentBy)
        }
        core.metrics.command()
        return Self.redirect("/outbox")
    }
}
