import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// The advisors' desk (issue 10): notifications, follow-up dates, notes, saved filters, the
/// outbox and the PDFs of documents.
extension API {
    // MARK: Notifications

    func notifications(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["unread", "limit"])
        let unread = try RequestInput.flag(params, "unread")
        let limit = try RequestInput.limit(params, default: 100, max: 500)
        let service = self.service
        let items = try await core.run(context) { try service.notificationList(by: caller.username, unreadOnly: unread, limit: limit) }
        return JSONBody.response(.context([
            "items": .list(items.map(Rep.notification)), "unread": Rep.int(items.filter { !$0.isRead }.count),
        ]))
    }

    func readNotification(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Mitteilung")
        let service = self.service
        try await core.run(context) { try service.markNotificationRead(by: caller.username, id: id) }
        return Response(status: .noContent)
    }

    func readAllNotifications(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        let count = try await core.run(context) { try service.markAllNotificationsRead(by: caller.username) }
        return JSONBody.response(.context(["marked": Rep.int(count)]))
    }

    // MARK: Follow-up dates

    func followUps(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        let items = try await core.run(context) { try service.followUps(by: caller.username) }
        return JSONBody.response(.context(["items": .list(items.map(Rep.followUp))]))
    }

    /// `{"until": "2026-12-01"}` (also `01.12.2026`).
    func followUpBody(_ request: Request, _ context: AppContext) async throws -> LocalDate {
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let text = fields.string("until", label: "Wiedervorlage", maxLength: 10)
        try fields.finish()
        guard let text else { throw APIError.invalid(["until": "Wiedervorlage: Angabe fehlt (JJJJ-MM-TT)."]) }
        guard let date = FormDefinition.parseDate(.string(text)) else {
            throw APIError.invalid(["until": "Wiedervorlage: «\(text)» ist kein gültiges Datum; bitte JJJJ-MM-TT oder TT.MM.JJJJ angeben."])
        }
        return date
    }

    func setTaskFollowUp(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Aufgabe")
        let until = try await followUpBody(request, context)
        let service = self.service
        let followUp = try await core.run(context) { try service.setTaskFollowUp(by: caller.username, taskID: id, until: until) }
        return JSONBody.response(Rep.followUp(followUp))
    }

    func clearTaskFollowUp(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Aufgabe")
        let service = self.service
        try await core.run(context) { try service.clearTaskFollowUp(by: caller.username, taskID: id) }
        return Response(status: .noContent)
    }

    func setCaseFollowUp(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let until = try await followUpBody(request, context)
        let service = self.service
        let followUp = try await core.run(context) { try service.setCaseFollowUp(by: caller.username, caseID: caseID, until: until) }
        return JSONBody.response(Rep.followUp(followUp))
    }

    func clearCaseFollowUp(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let service = self.service
        try await core.run(context) { try service.clearCaseFollowUp(by: caller.username, caseID: caseID) }
        return Response(status: .noContent)
    }

    // MARK: Notes

    func caseNotes(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let service = self.service
        let notes = try await core.run(context) { try service.caseNotes(by: caller.username, caseID: caseID) }
        return JSONBody.response(.context(["items": .list(notes.map(Rep.note))]))
    }

    func addCaseNote(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let text = fields.string("text", label: "Notiz", maxLength: OptimaService.noteMaxLength + 100)
        try fields.finish()
        guard let text else { throw APIError.invalid(["text": "Notiz: Angabe fehlt."]) }
        let service = self.service
        let note = try await core.run(context) { try service.addCaseNote(by: caller.username, caseID: caseID, text: text) }
        core.metrics.command()
        return JSONBody.response(Rep.note(note), status: .created)
    }

    // MARK: Saved filters

    func savedFilters(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        let items = try await core.run(context) { try service.savedFilters(by: caller.username) }
        return JSONBody.response(.context(["items": .list(items.map(Rep.savedFilter))]))
    }

    func saveFilter(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let name = fields.string("name", label: "Name", maxLength: 60)
        let roleText = fields.string("role", label: "Rolle", required: false, maxLength: 32)
        let process = fields.string("process", label: "Prozess", required: false, maxLength: 64)
        let dueText = fields.string("due", label: "Fälligkeit", required: false, maxLength: 16)
        let assigneeText = fields.string("assignee", label: "Zuständig", required: false, maxLength: 16)
        try fields.finish()
        var errors: [String: String] = [:]
        var role: Role?
        if let text = roleText, !text.isEmpty {
            role = Role(rawValue: text)
            if role == nil { errors["role"] = "Rolle: erlaubt sind \(Role.allCases.map(\.rawValue).joined(separator: ", "))." }
        }
        var due: TaskFilter.Due?
        if let text = dueText, !text.isEmpty {
            due = TaskFilter.Due(rawValue: text)
            if due == nil { errors["due"] = "Fälligkeit: erlaubt sind overdue, today, week." }
        }
        var assignee: TaskFilter.Assignee?
        if let text = assigneeText, !text.isEmpty {
            assignee = TaskFilter.Assignee(rawValue: text)
            if assignee == nil { errors["assignee"] = "Zuständig: erlaubt sind me, none." }
        }
        guard errors.isEmpty, let name else { throw APIError.invalid(errors.isEmpty ? ["name": "Name: Angabe fehlt."] : errors) }
        let service = self.service
        let saved = try await core.run(context) { [role, due, assignee] in
            try service.saveFilter(by: caller.username, name: name, role: role, process: process.flatMap { $0.isEmpty ? nil : $0 }, due: due,
                                   assignee: assignee)
        }
        return JSONBody.response(Rep.savedFilter(saved), status: .created)
    }

    func deleteFilter(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Filter")
        let service = self.service
        try await core.run(context) { try service.deleteFilter(by: caller.username, id: id) }
        return Response(status: .noContent)
    }

    // MARK: Outbox

    func outbox(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["state", "limit"])
        var state = OutboxState.all
        if let text = params["state"] {
            guard let s = OutboxState(rawValue: text) else { throw APIError.badParameter("state", "erlaubt sind open, sent, all.") }
            state = s
        }
        let limit = try RequestInput.limit(params, default: 200, max: 500)
        let service = self.service
        let letters = try await core.run(context) { [state] in try service.outbox(by: caller.username, state: state, limit: limit) }
        return JSONBody.response(.context([
            "items": .list(letters.map(Rep.letter)), "open": Rep.int(letters.filter { $0.dispatch == nil }.count),
        ]))
    }

    func markLetterSent(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Dokument")
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let channelText = fields.string("channel", label: "Versandart", maxLength: 16)
        let sentOnText = fields.string("sentOn", label: "Versanddatum", required: false, maxLength: 10)
        let sentBy = fields.string("sentBy", label: "Versandt von", required: false, maxLength: 64)
        try fields.finish()
        var errors: [String: String] = [:]
        let channel = channelText.flatMap(DispatchChannel.init(rawValue:))
        if channel == nil {
            errors["channel"] = "Versandart: erlaubt sind \(DispatchChannel.allCases.map(\.rawValue).joined(separator: ", "))."
        }
        var sentOn: LocalDate?
        if let text = sentOnText, !text.isEmpty {
            sentOn = FormDefinition.parseDate(.string(text))
            if sentOn == nil { errors["sentOn"] = "Versanddatum: «\(text)» ist kein gültiges Datum; bitte JJJJ-MM-TT oder TT.MM.JJJJ angeben." }
        }
        guard errors.isEmpty, let channel else { throw APIError.invalid(errors) }
        let service = self.service
        let letter = try await core.run(context) { [sentOn] in
            try service.markLetterSent(by: caller.username, documentID: id, channel: channel, sentOn: sentOn,
                                       sentBy: sentBy.flatMap { $0.isEmpty ? nil : $0 })
        }
        core.metrics.command()
        return JSONBody.response(Rep.letter(letter))
    }

    // MARK: PDF

    func documentPDF(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Dokument")
        let service = self.service
        switch try await core.run(context, { try service.documentPDF(by: caller.username, id: id) }) {
        case .ready(let bytes, let fileName):
            let safe = String(fileName.unicodeScalars.map { s -> Character in
                (s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "." || s == "-" || s == "_")) ? Character(s) : "_"
            })
            return Response(status: .ok, headers: [
                .contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(safe)\"",
            ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .pending(let message, let retryAfter):
            var response = JSONBody.response(.context(["status": "pending", "message": .string(message),
                                                       "retryAfter": Rep.int(retryAfter)]), status: .accepted)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        case .unavailable(let message, let retryAfter):
            throw APIError(.serviceUnavailable, "pdf-unavailable", message,
                           headers: retryAfter.map { [.retryAfter: String($0)] } ?? [:])
        }
    }
}

extension RequestInput {
    /// A yes/no query parameter (`true`/`false`, `1`/`0`); absent is false.
    static func flag(_ params: [String: String], _ name: String) throws -> Bool {
        guard let text = params[name] else { return false }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.badParameter(name, "erlaubt sind true und false.")
        }
    }

    /// The `followUp` parameter of the task and case lists.
    static func followUpView(_ params: [String: String]) throws -> FollowUpView {
        guard let text = params["followUp"] else { return .hide }
        guard let view = FollowUpView(rawValue: text) else {
            throw APIError.badParameter("followUp", "erlaubt sind hide (Vorgabe: Wiedervorlagen ausblenden), show (alle), only (nur Wiedervorlagen).")
        }
        return view
    }
}

extension Rep {
    static func notification(_ n: UserNotification) -> Value {
        let e = n.entry
        return .context([
            "id": int(e.id), "caseId": str(e.caseId), "office": .string(e.officeId), "role": str(e.role?.rawValue), "username": str(e.username),
            "kind": .string(e.kind), "text": .string(e.text), "createdAt": time(e.createdAt), "read": .bool(n.isRead),
        ])
    }

    static func followUp(_ f: FollowUp) -> Value {
        var out: [String: Value] = ["until": date(f.until), "setAt": time(f.setAt)]
        switch f.target {
        case .task(let id): out["taskId"] = int(id); out["caseId"] = .null
        case .case(let id): out["caseId"] = .string(id); out["taskId"] = .null
        }
        return .context(out)
    }

    static func note(_ n: CaseNote) -> Value {
        .context([
            "id": int(n.id), "caseId": .string(n.caseId), "author": .string(n.author), "authorName": str(n.authorName),
            "office": .string(n.officeId), "text": .string(n.text), "createdAt": time(n.createdAt),
        ])
    }

    static func savedFilter(_ f: SavedFilter) -> Value {
        var query: [String] = []
        if let r = f.role { query.append("role=\(r.rawValue)") }
        if let p = f.process { query.append("process=\(p)") }
        if let d = f.due { query.append("due=\(d.rawValue)") }
        if let a = f.assignee { query.append("assignee=\(a.rawValue)") }
        return .context([
            "id": int(f.id), "name": .string(f.name), "role": str(f.role?.rawValue), "process": str(f.process), "due": str(f.due?.rawValue),
            "assignee": str(f.assignee?.rawValue), "savedAt": time(f.savedAt), "query": .string(query.joined(separator: "&")),
        ])
    }

    static func letter(_ l: OutboxLetter) -> Value {
        var dispatch: Value = .null
        if let d = l.dispatch {
            dispatch = .context([
                "channel": .string(d.channel.rawValue), "channelLabel": .string(d.channel.label), "sentOn": date(d.sentOn),
                "sentBy": .string(d.sentBy), "sentByName": str(d.sentByName), "recordedAt": time(d.recordedAt), "recordedBy": .string(d.recordedBy),
            ])
        }
        return .context([
            "document": document(l.document), "pdfUrl": .string("/api/documents/\(l.document.id)/pdf"),
            "recipient": .string(l.recipient.rawValue), "recipientName": .string(l.recipientName),
            "recipientAddress": .list(l.recipientAddress.map(Value.string)), "senderOffice": .string(l.senderOfficeId),
            "personName": .string(l.personName), "sent": .bool(l.dispatch != nil), "dispatch": dispatch,
        ])
    }
}
