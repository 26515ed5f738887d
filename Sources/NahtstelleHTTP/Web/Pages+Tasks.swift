import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// The inbox, a task's form, claim and release.
extension Pages {
    /// The label of a process definition id (`optima-alv`, `reduced-rav`).
    static func processLabel(_ id: String) -> String {
        if let kind = ProcessKind(rawValue: id) { return Glossary.label(kind) }
        if let reduced = ReducedProcedure(rawValue: id) { return Glossary.label(reduced) }
        return id
    }

    static let processIDs: [String] = ProcessKind.allCases.map(\.rawValue) + ReducedProcedure.allCases.map(\.rawValue)

    // MARK: Inbox

    func inbox(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        // The coordination office works no case tasks: its start page is the definitions.
        if caller.roles == [.coordinator] { return Self.redirect("/definitions") }
        let q = request.uri.queryParameters
        var filter = TaskFilter(limit: 50, cursor: q.get("cursor").flatMap { $0.isEmpty ? nil : $0 })
        var problems: [String] = []
        if let role = q.get("role"), !role.isEmpty {
            if let r = Role(rawValue: role) { filter.role = r } else { problems.append("Unbekannte Rolle «\(role)»: Filter nicht angewendet.") }
        }
        if let process = q.get("process"), !process.isEmpty {
            if Self.processIDs.contains(process) { filter.process = process } else { problems.append("Unbekannter Prozess: Filter nicht angewendet.") }
        }
        if let due = q.get("due"), !due.isEmpty {
            if let d = TaskFilter.Due(rawValue: due) { filter.due = d } else { problems.append("Unbekannte Fälligkeit: Filter nicht angewendet.") }
        }
        if let view = q.get("followUp"), !view.isEmpty {
            if let v = FollowUpView(rawValue: view) { filter.followUp = v } else { problems.append("Unbekannte Wiedervorlage-Ansicht: Filter nicht angewendet.") }
        }
        if let who = q.get("assignee"), !who.isEmpty {
            if let a = TaskFilter.Assignee(rawValue: who) { filter.assignee = a } else { problems.append("Unbekannte Zuweisung: Filter nicht angewendet.") }
        }
        let service = self.service
        let now = service.now
        let today = ISODateTime.localDate(of: now)
        let (page, notifications, offices, people, saved) = try await core.run(context) { [filter] in
            let page = try service.taskPage(by: caller.username, filter)
            let notifications = try service.notificationList(by: caller.username, unreadOnly: true, limit: 20).map(\.entry)
            let saved = try service.savedFilters(by: caller.username)
            var offices: [String: String] = [:], people: [String: String] = [:]
            for item in page.items {
                if let o = item.task.office, offices[o] == nil { offices[o] = (try? service.office(o).name) ?? o }
                if let a = item.task.assignee, people[a] == nil { people[a] = (try? service.staff(a).displayName) ?? a }
            }
            return (page, notifications, offices, people, saved)
        }
        func option(_ value: String, _ label: String, _ selected: String?) -> [String: Any] {
            ["value": value, "label": label, "selected": value == (selected ?? "")]
        }
        var query: [String] = []
        if let r = filter.role { query.append("role=" + r.rawValue) }
        if let p = filter.process { query.append("process=" + p) }
        if let d = filter.due { query.append("due=" + d.rawValue) }
        if let a = filter.assignee { query.append("assignee=" + a.rawValue) }
        if filter.followUp != .hide { query.append("followUp=" + filter.followUp.rawValue) }
        let here = "/inbox" + (query.isEmpty && filter.cursor == nil ? "" : "?" + (query + (filter.cursor.map { ["cursor=" + $0] } ?? [])).joined(separator: "&"))
        let rows = Self.inboxRows(page.items, caller: caller, offices: offices, people: people, now: now, today: today)
        let data: [String: Any] = [
            "title": "Aufgaben", "csrf": caller.csrfToken, "rows": rows, "hasItems": !page.items.isEmpty, "count": page.items.count, "back": here,
            "next": page.next.map { "/inbox?" + (query + ["cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")]).joined(separator: "&") } ?? "",
            "hasNext": page.next != nil, "isFirstPage": filter.cursor == nil, "problems": problems, "hasProblems": !problems.isEmpty,
            "notifications": notifications.map { n -> [String: Any] in
                ["id": String(n.id), "text": n.text, "at": PageFormat.dateTime(n.createdAt), "caseId": n.caseId ?? "", "hasCase": n.caseId != nil]
            },
            "hasNotifications": !notifications.isEmpty,
            "roles": [option("", "alle meine Rollen", filter.role?.rawValue)]
                + caller.roles.filter { $0 != .coordinator }.map { option($0.rawValue, Glossary.label($0), filter.role?.rawValue) },
            "processes": [option("", "alle Prozesse", filter.process)] + Self.processIDs.map { option($0, Self.processLabel($0), filter.process) },
            "dues": [option("", "alle", filter.due?.rawValue), option("overdue", "überfällig", filter.due?.rawValue),
                     option("today", "bis heute", filter.due?.rawValue), option("week", "in den nächsten 7 Tagen", filter.due?.rawValue)],
            "assignees": [option("", "meine und nicht übernommene", filter.assignee?.rawValue), option("me", "nur meine", filter.assignee?.rawValue),
                          option("none", "nur nicht übernommene", filter.assignee?.rawValue)],
            "isCoordinator": caller.roles == [.coordinator],
            "followUps": [option("hide", "ohne Wiedervorlagen", filter.followUp.rawValue), option("show", "mit Wiedervorlagen", filter.followUp.rawValue),
                          option("only", "nur Wiedervorlagen", filter.followUp.rawValue)],
            "saved": saved.map { f -> [String: Any] in
                let q = [f.role.map { "role=" + $0.rawValue }, f.process.map { "process=" + $0 }, f.due.map { "due=" + $0.rawValue },
                         f.assignee.map { "assignee=" + $0.rawValue }].compactMap { $0 }.joined(separator: "&")
                return ["id": String(f.id), "name": f.name, "href": "/inbox" + (q.isEmpty ? "" : "?" + q), "csrf": caller.csrfToken]
            },
            "hasSaved": !saved.isEmpty, "canSave": filter.role != nil || filter.process != nil || filter.due != nil || filter.assignee != nil,
            "filterRole": filter.role?.rawValue ?? "", "filterProcess": filter.process ?? "", "filterDue": filter.due?.rawValue ?? "",
            "filterAssignee": filter.assignee?.rawValue ?? "",
        ]
        return try await html("inbox", data, caller, context, current: "inbox")
    }

    /// The inbox's rows as HTML, every value escaped. The one list drawn in code rather than by
    /// the template: fifty rows of some twenty values each cost Mustache about 5 ms a page (a
    /// lookup with dynamic casts per value), which is most of the page's server time.
    static func inboxRows(_ items: [InboxItem], caller: Caller, offices: [String: String], people: [String: String],
                          now: Date, today: LocalDate) -> String {
        let e = DiagramSVG.escape
        var html = ""
        html.reserveCapacity(items.count * 900)
        let soon = PageFormat.soonUntil(today)
        for item in items {
            let t = item.task
            let due = PageFormat.dueClass(t.dueAt, now: now, soonUntil: soon)
            let label = PageFormat.dueLabel(due)
            let person = e(item.personName ?? "–"), step = e(t.name ?? t.elementID), id = String(t.id)
            let role = t.role.flatMap(Role.init(rawValue:)).map { Glossary.label($0) } ?? ""
            html += "<tr class=\"\(due)\">\n    <td class=\"due\">\(t.dueAt == nil ? "–" : e(PageFormat.date(t.dueAt)))"
            if !label.isEmpty { html += " <span class=\"badge \(due)\">\(label)</span>" }
            html += "</td>\n    <td>\(person)</td>\n    <td>"
            if let caseID = item.caseID { html += "<a href=\"/cases/\(e(caseID))\">\(e(caseID))</a>" }
            html += "</td>\n    <td><a href=\"/tasks/\(id)\" class=\"task-link\">\(step)</a><br><span class=\"muted small\">"
            html += "\(e(Self.processLabel(t.processID))) · \(e(role))</span></td>\n    <td>\(e(t.office.flatMap { offices[$0] } ?? ""))</td>\n    <td>"
            if t.assignee == nil {
                html += "<span class=\"muted\">nicht übernommen</span>"
            } else {
                html += e(t.assignee.flatMap { people[$0] } ?? "")
            }
            html += "</td>\n    <td class=\"actions\">"
            // The buttons submit the page's one action form (its CSRF token and return address).
            if t.assignee == nil {
                html += "<button type=\"submit\" form=\"row-actions\" formaction=\"/tasks/\(id)/claim\" class=\"secondary\">Übernehmen"
                    + "<span class=\"visually-hidden\">: \(step), \(person)</span></button>"
            } else if t.assignee == caller.username {
                html += "<button type=\"submit\" form=\"row-actions\" formaction=\"/tasks/\(id)/release\" class=\"link\">Freigeben"
                    + "<span class=\"visually-hidden\">: \(step), \(person)</span></button>"
            }
            if let until = item.followUpUntil { html += "<span class=\"small\">Wiedervorlage \(until.swissFormatted)</span>" }
            html += "</td>\n  </tr>\n"
        }
        return html
    }

    /// One notification (`id`) or all of them read, for the caller.
    func readNotifications(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let one = form["one"].flatMap { Int64($0) }
        let service = self.service
        try await core.run(context) {
            if let one { try service.markNotificationRead(by: caller.username, id: one) } else { _ = try service.markAllNotificationsRead(by: caller.username) }
        }
        return Self.redirect(Self.safeReturn(form["back"]))
    }

    func claim(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let id = try id(context)
        _ = try await api.changeClaim(context, caller, id, action: "claim-task") { service, user, id in try service.claim(by: user, taskID: id) }
        return Self.redirect(Self.safeReturn(form["back"], fallback: "/tasks/\(id)"))
    }

    func release(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let id = try id(context)
        _ = try await api.changeClaim(context, caller, id, action: "unclaim-task") { service, user, id in try service.unclaim(by: user, taskID: id) }
        return Self.redirect(Self.safeReturn(form["back"]))
    }

    // MARK: Task

    /// What the task page shows besides the form: the task, its case, the notes of earlier steps.
    struct TaskContext: Sendable {
        var detail: TaskDetail
        var history: [HistoryRecord]
        var completed: [Int64: TaskRecord]
        var names: [String: String]
        var officeNames: [String: String]
        var offices: [(id: String, name: String)]
        var colleagues: [(id: String, name: String)]
    }

    func loadTask(_ id: Int64, _ caller: Caller, _ context: AppContext) async throws -> TaskContext {
        let service = self.service
        return try await core.run(context) {
            let detail = try service.taskDetail(by: caller.username, taskID: id)
            var history: [HistoryRecord] = [], completed: [Int64: TaskRecord] = [:]
            var names: [String: String] = [:], officeNames: [String: String] = [:]
            let offices = try service.offices()
            for o in offices { officeNames[o.id] = o.name }
            if let key = detail.stored?.id {
                let view = try service.caseView(caller.username, caseID: key)
                history = view.history
                for t in view.completedTasks { completed[t.id] = t }
                for h in history where names[h.actor] == nil { names[h.actor] = (try? service.staff(h.actor).displayName) ?? h.actor }
                for t in view.openTasks + view.completedTasks { if let a = t.assignee, names[a] == nil { names[a] = (try? service.staff(a).displayName) ?? a } }
            }
            let me = try service.staff(caller.username)
            let colleagues = try service.staff(office: me.officeId).map { ($0.username, $0.displayName) }.sorted { $0.1 < $1.1 }
            return TaskContext(detail: detail, history: history, completed: completed, names: names, officeNames: officeNames,
                               offices: offices.map { ($0.id, $0.name) }, colleagues: colleagues)
        }
    }

    func taskPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let id = try id(context)
        let loaded = try await loadTask(id, caller, context)
        return try await renderTask(loaded, caller, context, values: loaded.detail.form.defaults, errors: [:], general: [], status: .ok)
    }

    func renderTask(_ loaded: TaskContext, _ caller: Caller, _ context: AppContext, values: [String: Value], errors: [String: String],
                    general: [String], status: HTTPResponse.Status) async throws -> Response {
        let task = loaded.detail.form.task
        let form = loaded.detail.form.form
        let known = loaded.detail.form.defaults
        let now = service.now
        let due = PageFormat.dueClass(task.dueAt, now: now, today: ISODateTime.localDate(of: now))
        var data: [String: Any] = [
            "title": task.name ?? task.elementID, "taskId": String(task.id), "step": task.name ?? task.elementID,
            "process": Self.processLabel(task.processID), "due": PageFormat.date(task.dueAt), "hasDue": task.dueAt != nil, "dueClass": due,
            "dueLabel": PageFormat.dueLabel(due), "isOpen": task.state.isOpen, "mine": task.assignee == caller.username,
            "free": task.assignee == nil, "assignee": task.assignee.flatMap { loaded.names[$0] } ?? task.assignee ?? "",
            "office": task.office.flatMap { loaded.officeNames[$0] } ?? "", "general": general, "hasGeneral": !general.isEmpty,
            "hasErrors": !errors.isEmpty || !general.isEmpty, "errorCount": errors.count + general.count,
            "back": "/tasks/\(task.id)",
            "followUpDefault": LucerneCalendar.standard.addWorkingDays(ISODateTime.localDate(of: now), 5).swissFormatted,
        ]
        if let form {
            let choices = FieldView.Choices(offices: loaded.offices, users: loaded.colleagues)
            // Values known from earlier steps are shown filled in; the advisor only checks them.
            var sections = FieldView.sections(form, values: values, errors: errors, choices: choices)
            let allFields = form.fields + (companionForm(task).map { $0.0.fields.filter { !Self.derivedCompanionFields.contains($0.id) } } ?? [])
            let rendered = Set(allFields.map(\.id))
            let summary = FieldView.errorSummary(allFields, errors: errors)
            data["general"] = general + summary.unplaced
            data["hasGeneral"] = !(general + summary.unplaced).isEmpty
            data["formTitle"] = form.title
            data["formDescription"] = form.description
            data["knownCount"] = known.keys.filter { rendered.contains($0) }.count
            data["hasKnown"] = known.keys.contains { rendered.contains($0) }
            data["errorList"] = summary.links
            if let (companion, condition) = companionForm(task) {
                let when = [FieldCondition(field: condition, test: .equals(.bool(true)))]
                let applies = values[condition] == .bool(true)
                let extra = FieldView.sections(companion, values: values, errors: errors, choices: choices,
                                               only: Set(companion.fields.map(\.id)).subtracting(Self.derivedCompanionFields))
                sections += extra.map { section in
                    var section = section
                    section["fields"] = (section["fields"] as? [[String: Any]] ?? []).map { field in
                        var field = field
                        field["conditional"] = true
                        field["when"] = FieldView.whenJSON(when)
                        field["whenText"] = FieldView.whenText(form, when)
                        field["hiddenNow"] = values[condition] != nil && !applies && !(field["hasError"] as? Bool ?? false)
                        return field
                    }
                    return section
                }
            }
            data["sections"] = sections
            data["hasForm"] = true
        }
        if let stored = loaded.detail.stored {
            data["case"] = caseSummary(stored, officeNames: loaded.officeNames)
            data["hasCase"] = true
            let notes = stepNotes(loaded)
            data["notes"] = notes
            data["hasNotes"] = !notes.isEmpty
        }
        return try await html("task", data, caller, context, current: "inbox", status: status)
    }

    /// A second form some steps take on the same page, under a yes/no of the first: the hand-over
    /// meeting requests the Kostengutsprache when «Kostengutsprache angefordert» is yes.
    func companionForm(_ task: TaskRecord) -> (FormDefinition, String)? {
        guard task.elementID == "handover-meeting", let form = service.forms.form("kostengutsprache-antrag") else { return nil }
        return (form, "costApprovalRequested")
    }

    /// Companion fields the system derives itself (the paying office from the entitlements).
    static let derivedCompanionFields: Set<String> = ["payingOffice"]

    /// The notes of the earlier steps of the case: who did what when, with the text they wrote.
    func stepNotes(_ loaded: TaskContext) -> [[String: Any]] {
        loaded.history.filter { $0.command == "complete" && $0.taskID != nil }.reversed().compactMap { h -> [String: Any]? in
            guard let id = h.taskID, let task = loaded.completed[id] else { return nil }
            let form = task.formKey.flatMap(service.forms.form)
            var lines: [[String: Any]] = []
            if let form, let details = try? Value.parseJSON(bytes: Array(h.details.utf8)), let variables = details.contextValue?["variables"]?.contextValue {
                for field in form.fields where field.type != .table {
                    guard let value = variables[field.id], value != .null else { continue }
                    let shown = FieldView.display(value, field)
                    if shown.isEmpty { continue }
                    let label = field.type == .user ? (loaded.names[shown] ?? shown) : shown
                    lines.append(["label": field.label, "value": field.type == .office ? (loaded.officeNames[shown] ?? shown) : label,
                                  "long": field.type == .multiline])
                }
            }
            return ["step": task.name ?? task.elementID, "who": loaded.names[h.actor] ?? h.actor, "at": PageFormat.dateTime(h.at),
                    "lines": lines, "hasLines": !lines.isEmpty]
        }
    }

    func caseSummary(_ stored: StoredCase, officeNames: [String: String]) -> [String: Any] {
        let c = stored.optimaCase
        return [
            "id": c.id, "person": c.person.lastName + " " + c.person.firstName, "birthDate": PageFormat.date(stored.birthDate),
            "process": Glossary.label(c.processKind), "state": Glossary.label(c.state),
            "targetGroup": c.targetGroup.map { Glossary.label($0) } ?? "–",
            "referrer": officeNames[c.referrerOfficeId] ?? c.referrerOfficeId, "receiver": officeNames[c.receiverOfficeId] ?? c.receiverOfficeId,
            "goal": stored.applicationValues["goal"]?.stringValue ?? "",
        ]
    }

    func completeTask(_ request: Request, _ context: AppContext, _ caller: Caller, _ posted: PostedForm) async throws -> Response {
        let id = try id(context)
        // The form alone to read the values; the whole page (case, notes) only to show errors.
        let service = self.service
        let taskForm = try await core.run(context) { try service.taskForm(by: caller.username, taskID: id) }
        let task = taskForm.task
        var values = taskForm.form.map { posted.values(for: $0) } ?? [:]
        if let (companion, condition) = companionForm(task), values[condition].map({ FieldView.text($0, .yesNo) }) == "true" {
            values.merge(posted.values(for: companion)) { mine, _ in mine }
        }
        do {
            let outcome = try await core.run(context) { [values] in try service.completeTask(by: caller.username, taskID: id, formData: values) }
            core.metrics.command()
            return try await renderDone(outcome, task: task, caller, context)
        } catch let error as CaseServiceError where error.code == .invalidForm || error.code == .ruleViolation || error.code == .invalidInput {
            let (byField, general) = FieldView.errors(error)
            let loaded = try await loadTask(id, caller, context)
            // The values as entered, so nothing typed is lost.
            var shown = values
            for (key, value) in loaded.detail.form.defaults where shown[key] == nil && posted[key] == nil { shown[key] = value }
            return try await renderTask(loaded, caller, context, values: shown, errors: byField,
                                        general: general.isEmpty && byField.isEmpty ? [error.message] : general, status: .unprocessableContent)
        }
    }

    /// After completing: what happens next — which office and person, which step, by when.
    func renderDone(_ outcome: TaskOutcome, task: TaskRecord, _ caller: Caller, _ context: AppContext) async throws -> Response {
        let service = self.service
        struct Next: Sendable { var step, office, who, due: String; var hasDue: Bool; var id: String; var canOpen: Bool }
        let steps = try await core.run(context) { () -> [Next] in
            let myOffice = try service.staff(caller.username).officeId
            return try outcome.createdTasks.map { t -> Next in
                let office = try t.office.map { try service.office($0).name } ?? ""
                let person = t.assignee.flatMap { try? service.staff($0).displayName }
                let role = t.role.flatMap(Role.init(rawValue:)).map { Glossary.label($0) } ?? ""
                return Next(step: t.name ?? t.elementID, office: office, who: person ?? "\(role) (noch nicht übernommen)",
                            due: PageFormat.date(t.dueAt), hasDue: t.dueAt != nil, id: String(t.id),
                            canOpen: t.office == myOffice && (t.assignee == nil || t.assignee == caller.username))
            }
        }
        let next: [[String: Any]] = steps.map {
            ["step": $0.step, "office": $0.office, "who": $0.who, "due": $0.due, "hasDue": $0.hasDue, "id": $0.id, "canOpen": $0.canOpen]
        }
        let ended = !outcome.endedInstances.isEmpty
        return try await html("task-done", [
            "title": "Erledigt", "step": task.name ?? task.elementID, "caseId": outcome.caseID ?? "", "hasCase": outcome.caseID != nil,
            "next": next, "hasNext": !next.isEmpty, "ended": ended,
        ], caller, context, current: "inbox")
    }
}

extension FieldView {
    /// The error summary of a form page: a link to each shown field's errors (form order), and
    /// the messages of errors on no shown field (listed without a link).
    static func errorSummary(_ fields: [FormField], errors: [String: String]) -> (links: [[String: Any]], unplaced: [String]) {
        let shown = Set(fields.map(\.id))
        let links = fields.flatMap { f -> [[String: Any]] in
            errors.filter { baseID($0.key) == f.id }.sorted { $0.key < $1.key }.map { key, message in
                ["anchor": "f-" + htmlName(key).replacingOccurrences(of: ".", with: "-"), "message": message]
            }
        }
        return (links, errors.filter { key, _ in !shown.contains(baseID(key)) }.map(\.value))
    }

    /// `measures[1].name` → `measures`.
    static func baseID(_ key: String) -> String { key.split(separator: "[").first.map(String.init) ?? key }
    /// `measures[1].name` (validator, rows from 1) → `measures.0.name` (input names, rows from 0).
    static func htmlName(_ key: String) -> String {
        guard let open = key.firstIndex(of: "["), let close = key.firstIndex(of: "]"), let row = Int(key[key.index(after: open)..<close]) else {
            return key
        }
        return String(key[..<open]) + ".\(row - 1)" + String(key[key.index(after: close)...])
    }
}
