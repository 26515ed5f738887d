import Foundation
import Hummingbird
import HummingbirdBcrypt
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Synchronization

/// The JSON API's handlers. Each calls the application (`OptimaService`) on the pool; the
/// access checks are the application's (`AccessPolicy`), the HTTP layer maps errors and shapes.
struct API: Sendable {
    let core: ServerCore
    var service: OptimaService { core.service }

    static let notLoggedInHash = Mutex<String?>(nil)

    // MARK: Session

    func login(_ request: Request, _ context: AppContext) async throws -> Response {
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let username = fields.string("username", label: "Benutzername", maxLength: 64)
        let password = fields.string("password", label: "Passwort", maxLength: 256)
        try fields.finish()
        guard let username, let password else { throw APIError.invalid(["username": "Benutzername: Angabe fehlt."]) }
        let (token, session, user, officeName) = try await signIn(username: username, password: password, context)
        var response = JSONBody.response(.context([
            "token": .string(token), "csrfToken": .string(session.csrfToken), "user": Rep.user(user, officeName: officeName),
        ]))
        response.headers[.setCookie] = sessionCookie(token, maxAge: Int(AuthRepository.absoluteLifetime))
        return response
    }

    /// Checks the password (rate-limited per user and address) and opens a session: the token,
    /// the session, the user and their office's name. Shared by the API and the login page.
    func signIn(username: String, password: String, _ context: AppContext) async throws
        -> (token: String, session: SessionRecord, user: StaffMember, officeName: String?) {
        let address = context.clientAddress
        let service = self.service
        let cost = core.settings.bcryptCost
        return try await core.run(context) { () -> (String, SessionRecord, StaffMember, String?) in
            let auth = service.auth
            // The attempt is taken (and counted as failed) before the slow password check, so that
            // parallel attempts through any node cannot pass the limit together.
            guard try auth.takeAttempt(username: username, clientAddress: address) else {
                throw APIError(.tooManyRequests, "rate-limited", "Zu viele Anmeldeversuche für diesen Benutzer von dieser Adresse (höchstens 5 in 5 Minuten, auch gleichzeitige). Bitte in 5 Minuten nochmals versuchen.",
                               headers: [.retryAfter: "300"])
            }
            let verified: Bool
            if let hash = try auth.passwordHash(for: username) {
                verified = Bcrypt.verify(password, hash: hash)
            } else {
                // Same work as for a known user: the answer time does not tell which users exist.
                let dummy = API.notLoggedInHash.withLock { stored in
                    if let stored { return stored }
                    let made = Bcrypt.hash("nahtstelle-kein-benutzer", cost: cost)
                    stored = made
                    return made
                }
                _ = Bcrypt.verify(password, hash: dummy)
                verified = false
            }
            guard verified, let user = try? service.staff(username) else {
                throw APIError(.unauthorized, "invalid-credentials", "Benutzername oder Passwort ist falsch. Bitte nochmals versuchen.")
            }
            let token = ServerCore.randomToken()
            let session = try auth.createSession(tokenHash: ServerCore.sha256Hex(token), username: user.username,
                                                 csrfToken: ServerCore.randomToken(), clientAddress: address)
            return (token, session, user, try? service.office(user.officeId).name)
        }
    }

    func sessionCookie(_ value: String, maxAge: Int) -> String {
        "\(AuthMiddleware.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (core.settings.secureCookies ? "; Secure" : "")
    }

    func logout(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        core.forget(caller.tokenHash)
        try await core.run(context) { try service.auth.deleteSession(tokenHash: caller.tokenHash) }
        core.forget(caller.tokenHash)
        var response = Response(status: .noContent)
        response.headers[.setCookie] = sessionCookie("", maxAge: 0)
        return response
    }

    func me(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        let (user, officeName) = try await core.run(context) { (try service.staff(caller.username), try? service.office(caller.officeID).name) }
        return JSONBody.response(.context(["user": Rep.user(user, officeName: officeName), "csrfToken": .string(caller.csrfToken)]))
    }

    // MARK: Tasks

    func tasks(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["role", "process", "due", "assignee", "limit", "cursor", "followUp"])
        var filter = TaskFilter(limit: try RequestInput.limit(params), cursor: params["cursor"], followUp: try RequestInput.followUpView(params))
        if let text = params["role"] {
            guard let role = Role(rawValue: text) else {
                throw APIError.badParameter("role", "unbekannte Rolle. Erlaubt: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            filter.role = role
        }
        if let text = params["due"] {
            guard let due = TaskFilter.Due(rawValue: text) else { throw APIError.badParameter("due", "erlaubt sind overdue, today, week.") }
            filter.due = due
        }
        if let text = params["assignee"] {
            guard let who = TaskFilter.Assignee(rawValue: text) else { throw APIError.badParameter("assignee", "erlaubt sind me, none.") }
            filter.assignee = who
        }
        if let process = params["process"] {
            guard process.utf8.count <= 64 else { throw APIError.badParameter("process", "höchstens 64 Zeichen.") }
            filter.process = process
        }
        let service = self.service
        // A kept answer while nothing it depends on changed (`InboxCache`). The stamp and the time
        // are taken before the read transaction: the answer read is at least as new as both.
        let cache = core.inboxCache
        let key = InboxCache.Key(username: caller.username, filter: filter)
        let stamp = cache.admits(filter) ? service.changeStamp() : nil
        let now = service.now
        if let stamp, let body = cache.answer(key, stamp: stamp, now: now) {
            core.metrics.inboxCacheHits.increment()
            return JSONBody.response(body)
        }
        let page = try await core.run(context) { [filter] in try service.taskPage(by: caller.username, filter) }
        let body = JSONBody.bytes(.context(["items": .list(page.items.map(Rep.inboxItem)), "next": Rep.str(page.next)]))
        if let stamp {
            core.metrics.inboxCacheMisses.increment()
            cache.keep(key, stamp: stamp, now: now, items: page.items, body: body)
        }
        return JSONBody.response(body)
    }

    func task(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Aufgabe")
        let service = self.service
        let forms = core.formDocuments
        let value = try await core.run(context) { () -> Value in
            let detail = try service.taskDetail(by: caller.username, taskID: id)
            let t = detail.form.task
            return .context([
                "task": Rep.namedTask(t, service),
                "form": t.formKey.flatMap { forms[$0] } ?? .null,
                "defaults": .context(detail.form.defaults),
                "case": detail.stored.map(Rep.caseSummary) ?? .null,
            ])
        }
        return JSONBody.response(value)
    }

    func claim(_ request: Request, _ context: AppContext) async throws -> Response {
        try await changeClaim(context, action: "claim-task") { service, user, id in try service.claim(by: user, taskID: id) }
    }

    func unclaim(_ request: Request, _ context: AppContext) async throws -> Response {
        try await changeClaim(context, action: "unclaim-task") { service, user, id in try service.unclaim(by: user, taskID: id) }
    }

    /// Claim or release: the change, then its access-log entry.
    func changeClaim(_ context: AppContext, action: String,
                     _ change: @escaping @Sendable (OptimaService, String, Int64) throws -> TaskRecord) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Aufgabe")
        let task = try await changeClaim(context, caller, id, action: action, change)
        return JSONBody.response(.context(["task": Rep.task(task, assigneeName: task.assignee == nil ? nil : caller.name)]))
    }

    /// Claim or release for the API and the pages: the change, then its access-log entry.
    func changeClaim(_ context: AppContext, _ caller: Caller, _ id: Int64, action: String,
                     _ change: @escaping @Sendable (OptimaService, String, Int64) throws -> TaskRecord) async throws -> TaskRecord {
        let service = self.service
        let task = try await core.run(context) { () -> TaskRecord in
            let task = try change(service, caller.username, id)
            try service.logWrite(caller.username, action, caseID: task.businessKey)
            return task
        }
        core.metrics.command()
        return task
    }

    func complete(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Aufgabe")
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let values = fields.object("values", label: "Werte des Formulars")
        try fields.finish()
        let service = self.service
        let value = try await core.run(context) { () -> Value in
            // The access-log entry of the write commits with it (OptimaService.perform).
            let outcome = try service.completeTask(by: caller.username, taskID: id, formData: values ?? [:])
            let next = Rep.namedTasks(outcome.createdTasks, service)
            return .context([
                "completed": Rep.task(outcome.completed), "caseId": Rep.str(outcome.caseID), "next": .list(next),
                "startedInstances": .list(outcome.startedInstances.map { Rep.int($0) }),
                "endedInstances": .list(outcome.endedInstances.map { Rep.int($0) }),
            ])
        }
        core.metrics.command()
        return JSONBody.response(value)
    }

    // MARK: Cases

    /// `{receiverOffice, values}` of the pre-check and the submission.
    func applicationBody(_ request: Request, _ context: AppContext) async throws -> (receiver: String, values: [String: Value]) {
        var fields = BodyFields(try await RequestInput.jsonObject(request, context))
        let receiver = fields.string("receiverOffice", label: "Aufnehmende Stelle", maxLength: 64)
        let values = fields.object("values", label: "Werte des Antragsformulars")
        try fields.finish()
        guard let receiver, let values else { throw APIError.invalid(["receiverOffice": "Aufnehmende Stelle: Angabe fehlt."]) }
        return (receiver, values)
    }

    func precheck(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (receiver, values) = try await applicationBody(request, context)
        let service = self.service
        let check = try await core.run(context) { try service.precheck(by: caller.username, receiverOffice: receiver, formData: values) }
        return JSONBody.response(.context([
            "process": .string(check.process.rawValue), "handoverProblem": Rep.str(check.handoverProblem),
            "eligibility": Rep.eligibility(check.eligibility), "targetGroup": Rep.targetGroup(check.targetGroup),
        ]))
    }

    func createCase(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let (receiver, values) = try await applicationBody(request, context)
        let service = self.service
        let result = try await core.run(context) { () -> SubmissionResult in
            try service.submitApplication(by: caller.username, receiverOffice: receiver, formData: values)
        }
        core.metrics.command()
        var response = JSONBody.response(.context([
            "id": .string(result.caseID), "process": .string(result.process.rawValue), "targetGroup": Rep.targetGroup(result.targetGroup),
            "eligibility": Rep.eligibility(result.eligibility), "openTasks": .list(result.openTasks.map { Rep.task($0) }),
            "documents": .list(result.documents.map(Rep.document)),
        ]), status: .created)
        response.headers[.location] = "/api/cases/\(result.caseID)"
        return response
    }

    func cases(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["state", "q", "limit", "cursor", "followUp"])
        let followUp = try RequestInput.followUpView(params)
        var state: CaseState? = nil
        if let text = params["state"] {
            guard let s = CaseState(rawValue: text) else {
                throw APIError.badParameter("state", "unbekannter Zustand. Erlaubt: \(CaseState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            state = s
        }
        if let q = params["q"], q.count > 100 { throw APIError.badParameter("q", "höchstens 100 Zeichen.") }
        if let cursor = params["cursor"] {
            let parts = cursor.split(separator: "-", omittingEmptySubsequences: false)
            guard cursor.count <= 32, parts.count == 3, parts[0] == "OPT", parts[1].count == 4, (4...8).contains(parts[2].count),
                (parts[1] + parts[2]).allSatisfy(\.isASCII), (parts[1] + parts[2]).allSatisfy(\.isNumber)
            else { throw APIError.badParameter("cursor", "ungültig; den Wert «next» der vorigen Seite unverändert übergeben.") }
        }
        let limit = try RequestInput.limit(params)
        let service = self.service
        let page = try await core.run(context) { [state] in
            try service.casePage(by: caller.username, state: state, query: params["q"], limit: limit, cursor: params["cursor"], followUp: followUp)
        }
        return JSONBody.response(.context(["items": .list(page.items.map(Rep.caseSummary)), "next": Rep.str(page.next)]))
    }

    func caseDetail(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let service = self.service
        let value = try await core.run(context) { () -> Value in
            let view = try service.caseView(caller.username, caseID: caseID)
            let c = view.optimaCase
            let staff = { (name: String?) -> StaffMember? in name.flatMap { try? service.staff($0) } }
            var summary = Rep.caseSummary(view.stored).contextValue ?? [:]
            summary["person"] = .context([
                "lastName": .string(c.person.lastName), "firstName": .string(c.person.firstName), "birthDate": Rep.date(view.stored.birthDate),
                "street": .string(view.stored.street), "postalCode": .string(view.stored.postalCode), "city": .string(view.stored.city),
                "ahvNumber": .string(c.person.ahvNumber), "phone": Rep.str(c.person.phone),
            ])
            summary["parties"] = .list([
                .context(["role": "referrer", "office": Rep.office(view.referrerOffice), "contact": Rep.contact(staff(c.referrerAdvisor))]),
                .context(["role": "receiver", "office": Rep.office(view.receiverOffice), "contact": Rep.contact(staff(c.receiverAdvisor))]),
            ])
            summary["payingOffice"] = .string(view.stored.payingOfficeId)
            summary["targetGroupExplanation"] = .string(view.stored.targetGroupExplanation)
            summary["eligibility"] = Rep.storedEligibility(view.stored.eligibility)
            summary["deadlines"] = .list(view.deadlines.map(Rep.deadline))
            summary["nextStatusMeeting"] = Rep.date(view.nextStatusMeeting)
            summary["plannedEnd"] = Rep.date(view.plannedEnd)
            summary["openTasks"] = .list(view.openTasks.map { Rep.task($0, assigneeName: staff($0.assignee)?.displayName) })
            summary["completedTasks"] = .list(view.completedTasks.map { Rep.task($0) })
            summary["documents"] = .list(view.documents.map(Rep.document))
            summary["costApprovals"] = .list(view.costApprovals.map(Rep.costApproval))
            summary["measureFunding"] = Rep.measureFunding(view.measureFunding)
            summary["measuresWithoutCostApproval"] = .list(view.ownEntitlementMeasures.map(Rep.ownEntitlementMeasure))
            summary["closedAt"] = Rep.date(c.closedAt)
            summary["closingReason"] = Rep.str(c.closingReason?.rawValue)
            summary["outcome"] = Rep.str(c.outcome?.rawValue)
            summary["notes"] = .list(view.notes.map(Rep.note))
            return .context(summary)
        }
        return JSONBody.response(value)
    }

    func caseHistory(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let service = self.service
        let history = try await core.run(context) { try service.caseHistory(by: caller.username, caseID: caseID) }
        return JSONBody.response(.context(["items": .list(history.map(Rep.history))]))
    }

    func requestCostApproval(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let values = try await RequestInput.jsonObject(request, context)
        let service = self.service
        let entry = try await core.run(context) { () -> CostApprovalEntry in
            try service.requestCostApproval(by: caller.username, caseID: caseID, formData: values)
        }
        core.metrics.command()
        return JSONBody.response(Rep.costApproval(entry), status: .created)
    }

    func caseDocuments(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let caseID = try RequestInput.caseID(context)
        let service = self.service
        let documents = try await core.run(context) { try service.documents(caller.username, caseID: caseID) }
        return JSONBody.response(.context(["items": .list(documents.map(Rep.document))]))
    }

    func document(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try RequestInput.id(context, "Dokument")
        let service = self.service
        let doc = try await core.run(context) { try service.document(caller.username, id: id) }
        let safe = String(doc.info.fileName.unicodeScalars.map { s -> Character in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "." || s == "-" || s == "_")) ? Character(s) : "_"
        })
        let encoded = doc.info.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? safe
        return Response(status: .ok, headers: [
            .contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            .contentDisposition: "attachment; filename=\"\(safe)\"; filename*=UTF-8''\(encoded)",
        ], body: .init(byteBuffer: ByteBuffer(bytes: doc.bytes)))
    }

    // MARK: Directory, forms, definitions

    func offices(_ request: Request, _ context: AppContext) async throws -> Response {
        _ = try context.requireCaller()
        let service = self.service
        let offices = try await core.run(context) { try service.offices() }
        return JSONBody.response(.context(["items": .list(offices.map(Rep.office))]))
    }

    func form(_ request: Request, _ context: AppContext) async throws -> Response {
        _ = try context.requireCaller()
        guard let key = context.parameters.get("key"), let form = core.formDocuments[key] else { throw APIError.notFound("Formular") }
        return JSONBody.response(form)
    }

    func definitions(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let service = self.service
        let records = try await core.run(context) { try service.definitions(by: caller.username) }
        let grouped = Dictionary(grouping: records, by: \.processID)
        let items: [Value] = grouped.keys.sorted().map { id in
            let versions = grouped[id]!.sorted { $0.version < $1.version }
            return .context([
                "processId": .string(id), "name": Rep.str(versions.last?.name), "latestVersion": Rep.int(versions.last?.version ?? 0),
                "versions": .list(versions.map { d in
                    .context(["version": Rep.int(d.version), "fileName": .string(d.fileName), "deployedAt": Rep.time(d.deployedAt),
                              "deployedBy": .string(d.deployedBy), "contentHash": .string(d.contentHash)])
                }),
            ])
        }
        return JSONBody.response(.context(["items": .list(items)]))
    }

    // MARK: Coordinators

    func report(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["from", "to", "format"])
        var missing: [String: String] = [:]
        let from = try RequestInput.localDate(params, "from")
        let to = try RequestInput.localDate(params, "to")
        if from == nil { missing["from"] = "Beginn des Zeitraums fehlt (JJJJ-MM-TT)." }
        if to == nil { missing["to"] = "Ende des Zeitraums fehlt (JJJJ-MM-TT)." }
        let format = params["format"] ?? "json"
        if format != "json" && format != "csv" { missing["format"] = "erlaubt sind json und csv." }
        guard missing.isEmpty, let from, let to else {
            throw APIError(.badRequest, "invalid-parameter", "Parameter fehlen oder sind ungültig.", fields: missing)
        }
        let service = self.service
        let report = try await core.run(context) { try service.report(by: caller.username, from: from, to: to) }
        if format == "csv" {
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"optima-report-\(from)-\(to).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: report.csv())))
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: report.json(pretty: false) + "\n")))
    }

    func audit(_ request: Request, _ context: AppContext) async throws -> Response {
        let caller = try context.requireCaller()
        let params = try RequestInput.query(request, allowed: ["caseId", "user", "from", "to", "limit"])
        let from = try RequestInput.localDate(params, "from").map(ISODateTime.startOfDay)
        let to = try RequestInput.localDate(params, "to").map { ISODateTime.startOfDay($0.adding(days: 1)) }
        let limit = try RequestInput.limit(params, default: 500, max: 5000)
        if let c = params["caseId"], c.count > 32 { throw APIError.badParameter("caseId", "ungültig.") }
        if let u = params["user"], u.count > 64 { throw APIError.badParameter("user", "ungültig.") }
        let service = self.service
        let entries = try await core.run(context) {
            try service.auditLog(by: caller.username, caseID: params["caseId"], user: params["user"], from: from, to: to, limit: limit)
        }
        return JSONBody.response(.context(["items": .list(entries.map(Rep.access))]))
    }

    // MARK: Operation

    func health(_ request: Request, _ context: AppContext) async throws -> Response {
        JSONBody.response(.context(["status": "ok"]))
    }

    func ready(_ request: Request, _ context: AppContext) async throws -> Response {
        let service = self.service
        do {
            let count = try await core.run { try service.offices().count }
            return JSONBody.response(.context(["status": "ready", "offices": Rep.int(count)]))
        } catch {
            throw APIError(.serviceUnavailable, "not-ready", "Die Datenbank ist nicht erreichbar oder nicht eingerichtet.")
        }
    }

    func metrics(_ request: Request, _ context: AppContext) async throws -> Response {
        let service = self.service
        let counts = (try? await core.run { try service.taskCounts() }) ?? (0, 0)
        let text = core.metrics.render(openTasks: counts.0, overdueTasks: counts.1)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}
