import Foundation
import Hummingbird
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// Case search, the case page and the hand-over (new application) on one page.
extension Pages {
    // MARK: Search

    func casesPage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let params = request.uri.queryParameters
        let q = String((params.get("q") ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        let stateText = params.get("state") ?? ""
        let state = CaseState(rawValue: stateText)
        var cursor = params.get("cursor")
        if let c = cursor, !(c.hasPrefix("OPT-") && c.count <= 32 && c.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase || $0 == "-") }) {
            cursor = nil
        }
        let service = self.service
        let (page, offices) = try await core.run(context) { [cursor] in
            let page = try service.casePage(by: caller.username, state: state, query: q.isEmpty ? nil : q, limit: 50, cursor: cursor)
            return (page, Dictionary(uniqueKeysWithValues: try service.offices().map { ($0.id, $0.name) }))
        }
        let items: [[String: Any]] = page.items.map { s in
            var row = caseSummary(s, officeNames: offices)
            row["appliedAt"] = PageFormat.date(s.optimaCase.appliedAt)
            return row
        }
        var query: [String] = []
        if !q.isEmpty { query.append("q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
        if let state { query.append("state=" + state.rawValue) }
        return try await html("cases", [
            "title": "Fälle", "q": q, "items": items, "hasItems": !items.isEmpty, "hasNext": page.next != nil,
            "next": page.next.map { "/cases?" + (query + ["cursor=" + $0]).joined(separator: "&") } ?? "",
            "states": [["value": "", "label": "alle Zustände", "selected": state == nil] as [String: Any]]
                + CaseState.allCases.map { ["value": $0.rawValue, "label": Glossary.label($0), "selected": $0 == state] as [String: Any] },
            "searched": !q.isEmpty || state != nil,
        ], caller, context, current: "cases")
    }

    // MARK: Case

    func casePage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let q = request.uri.queryParameters
        let notice = q.get("done").flatMap { Self.caseNotices[$0] }
        return try await renderCase(caseID, caller, context, created: q.get("created") != nil, notice: notice)
    }

    /// What the case page says after an action on it (`?done=…`).
    static let caseNotices = [
        "reschedule": "Das Standortgespräch ist neu angesetzt. Die OPTIMA-Stelle lädt dazu neu ein (Aufgabe unten unter «Offene Schritte»).",
        "resume": "Das RAV berät die Person wieder und prüft die Arbeitsbemühungen; die Sozialberatung läuft weiter.",
        "measure": "Die Massnahme ist gebucht (ohne Kostengutsprache, bezahlt von der OPTIMA-Stelle).",
        "cost-approval": "Die Kostengutsprache ist beantragt; die zahlende Stelle unterzeichnet sie (Aufgabe bei ihr).",
    ]

    /// Input of an action on the case page that was refused: the message, per field, and what was typed.
    struct CaseActionInput {
        var action: String
        var errors: [String: String] = [:]
        var general: [String] = []
        var values: [String: String] = [:]
    }

    func renderCase(_ caseID: String, _ caller: Caller, _ context: AppContext, created: Bool = false, notice: String? = nil,
                    action: CaseActionInput? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let service = self.service
        let (view, staff, offices, forms, followUp) = try await core.run(context) {
            () -> (CaseView, [String: StaffMember], [String: String], FormCatalog, LocalDate?) in
            let view = try service.caseView(caller.username, caseID: caseID)
            let followUp = try service.followUps(by: caller.username).first { $0.target == .case(caseID) }?.until
            var staff: [String: StaffMember] = [:]
            let c = view.optimaCase
            let names = [c.referrerAdvisor, c.receiverAdvisor].compactMap { $0 } + view.history.map(\.actor)
                + (view.openTasks + view.completedTasks).compactMap(\.assignee) + view.documents.map(\.createdBy)
            for name in Set(names) { if let m = try? service.staff(name) { staff[name] = m } }
            let offices = Dictionary(uniqueKeysWithValues: try service.offices().map { ($0.id, $0.name) })
            return (view, staff, offices, service.forms, followUp)
        }
        let c = view.optimaCase
        func name(_ u: String?) -> String { u.flatMap { staff[$0]?.displayName } ?? u ?? "" }
        func contact(_ role: String, _ office: OfficeEntry, _ username: String?) -> [String: Any] {
            let m = username.flatMap { staff[$0] }
            return [
                "role": role, "office": office.name, "officeType": Glossary.label(office.type), "hasContact": m != nil,
                "name": m?.displayName ?? "noch nicht bestimmt", "function": m?.function ?? "", "phone": m?.phone ?? office.phone ?? "",
                "email": m?.email ?? office.email ?? "", "hasPhone": (m?.phone ?? office.phone) != nil, "hasEmail": (m?.email ?? office.email) != nil,
            ]
        }
        let now = service.now
        let today = ISODateTime.localDate(of: now)
        var taskNames: [Int64: String] = [:]
        for t in view.openTasks + view.completedTasks { taskNames[t.id] = t.name ?? t.elementID }
        let timeline: [[String: Any]] = view.history.reversed().map { h in
            ["at": PageFormat.dateTime(h.at), "who": name(h.actor), "what": Self.historyText(h, taskNames: taskNames)]
        }
        var versions: [String: Int] = [:]
        for d in view.documents { versions[d.template] = max(versions[d.template] ?? 0, d.version) }
        let meetings = meetingNotes(view, forms: forms, name: name)
        var data: [String: Any] = [
            "title": "Fall \(c.id)", "case": caseSummary(view.stored, officeNames: offices), "created": created,
            "parties": [contact("Zuweisende Stelle", view.referrerOffice, c.referrerAdvisor), contact("Aufnehmende Stelle (OPTIMA-Fallführung)", view.receiverOffice, c.receiverAdvisor)],
            "targetGroupExplanation": view.stored.targetGroupExplanation,
            "trafficLight": view.stored.eligibility.map { Glossary.label($0.trafficLight) } ?? "",
            "appliedAt": PageFormat.date(c.appliedAt), "handoverAt": PageFormat.date(c.handoverAt),
            "plannedEnd": PageFormat.date(view.plannedEnd), "nextMeeting": PageFormat.date(view.nextStatusMeeting),
            "plannedMonths": c.plannedMonths.rawValue, "closedAt": PageFormat.date(c.closedAt), "isClosed": c.closedAt != nil,
            "closingReason": c.closingReason.map { Glossary.label($0) } ?? "", "outcome": c.outcome.map { Glossary.label($0) } ?? "",
            "payingOffice": offices[view.stored.payingOfficeId] ?? view.stored.payingOfficeId,
            "deadlines": view.deadlines.map { d -> [String: Any] in
                let cls = d.completedAt == nil ? PageFormat.dueClass(ISODateTime.startOfDay(d.due.adding(days: 1)), now: now, today: today) : ""
                return ["kind": Glossary.label(d.kind), "due": PageFormat.date(d.due), "state": Glossary.label(d.state),
                        "done": PageFormat.date(d.completedAt), "dueClass": cls]
            },
            "hasDeadlines": !view.deadlines.isEmpty,
            "openTasks": view.openTasks.map { t -> [String: Any] in
                let cls = PageFormat.dueClass(t.dueAt, now: now, today: today)
                return ["id": String(t.id), "step": t.name ?? t.elementID, "office": t.office.flatMap { offices[$0] } ?? "",
                        "who": t.assignee.map { name($0) } ?? (t.role.flatMap(Role.init(rawValue:)).map { Glossary.label($0) + " (offen)" } ?? ""),
                        "due": PageFormat.date(t.dueAt), "dueClass": cls, "dueLabel": PageFormat.dueLabel(cls),
                        "canOpen": t.office == caller.officeID && caller.roles.contains { $0.rawValue == t.role }]
            },
            "hasOpenTasks": !view.openTasks.isEmpty,
            "documents": view.documents.sorted { ($0.template, $0.version) < ($1.template, $1.version) }.map { d -> [String: Any] in
                ["id": String(d.id), "title": d.title, "version": d.version, "fileName": d.fileName, "at": PageFormat.dateTime(d.createdAt),
                 "by": name(d.createdBy), "latest": versions[d.template] == d.version, "size": "\(max(1, d.size / 1024)) KB",
                 "templateVersion": d.templateVersion.map { "\($0)" } ?? ""]
            },
            "hasDocuments": !view.documents.isEmpty,
            "costApprovals": view.costApprovals.map { k -> [String: Any] in
                ["measure": k.measure, "provider": k.provider, "period": PageFormat.date(k.periodFrom) + " – " + PageFormat.date(k.periodTo),
                 "amount": SwissFormat.chf(k.amount), "payer": offices[k.payingOfficeId] ?? k.payingOfficeId,
                 "state": k.decision.map { Glossary.label($0) } ?? "zur Unterschrift bis \(PageFormat.date(k.signatureDue))",
                 "booked": PageFormat.date(k.bookedAt), "paid": PageFormat.date(k.paidAt)]
            },
            "hasCostApprovals": !view.costApprovals.isEmpty,
            "meetings": meetings, "hasMeetings": !meetings.isEmpty,
            "timeline": timeline,
            "notes": view.notes.map { n -> [String: Any] in
                ["text": n.text, "who": n.authorName ?? n.author, "office": offices[n.officeId] ?? n.officeId, "at": PageFormat.dateTime(n.createdAt)]
            },
            "hasNotes": !view.notes.isEmpty, "csrf": caller.csrfToken, "caseId": c.id,
            "followUp": followUp?.swissFormatted ?? "", "hasFollowUp": followUp != nil,
            "followUpDefault": LucerneCalendar.standard.addWorkingDays(today, 5).swissFormatted,
            "canWrite": caller.roles.contains { $0 != .coordinator },
            "diagramURL": "/cases/\(c.id)/diagram.svg",
            "jobSearchRelease": view.jobSearchRelease.map { ($0.released ? "befreit: " : "nicht befreit: ") + $0.reason } ?? "",
        ]
        data["actions"] = caseActions(view, caller, action: action, today: today)
        if let notice { data["notice"] = notice }
        data["ownMeasures"] = view.ownEntitlementMeasures.map { m -> [String: Any] in
            ["measure": m.measure, "provider": m.provider, "period": PageFormat.date(m.periodFrom) + "–" + PageFormat.date(m.periodTo),
             "amount": SwissFormat.chf(m.amount), "payer": offices[m.payingOfficeId] ?? m.payingOfficeId, "booked": PageFormat.date(m.bookedAt),
             "by": name(m.bookedBy), "reason": m.fundingReason]
        }
        data["hasOwnMeasures"] = !view.ownEntitlementMeasures.isEmpty
        return try await html("case", data, caller, context, current: "cases", status: status)
    }

    /// The actions a user may take on the case besides its tasks, each only where the service
    /// would allow it (the service decides again on submit).
    func caseActions(_ view: CaseView, _ caller: Caller, action: CaseActionInput?, today: LocalDate) -> [String: Any] {
        let c = view.optimaCase
        let advisor = caller.roles.contains(.advisor)
        let atReferrer = caller.officeID == c.referrerOfficeId, atReceiver = caller.officeID == c.receiverOfficeId
        let active = c.state == .active
        let canMeasure = active && advisor && atReceiver
        let canReschedule = active && advisor && (atReferrer || atReceiver)
        let canResume = active && advisor && atReferrer && c.processKind == .optimaSH && c.referrerType == .rav
        // What was entered and refused, for the action it belongs to.
        let reschedule = action?.action == "reschedule" ? action : nil
        let resume = action?.action == "resume" ? action : nil
        return [
            "caseId": c.id, "csrf": caller.csrfToken, "any": canMeasure || canReschedule || canResume,
            "canMeasure": canMeasure, "needsCostApproval": view.measureFunding.needsCostApproval,
            "canReschedule": canReschedule, "isReferrer": atReferrer, "canResume": canResume,
            "reschedule": [
                "date": reschedule?.values["date"] ?? "", "time": reschedule?.values["time"] ?? "09:00",
                "reason": reschedule?.values["reason"] ?? "", "dateError": reschedule?.errors["at"] ?? "",
                "reasonError": reschedule?.errors["reason"] ?? "", "general": reschedule?.general ?? [],
                "placeholder": LucerneCalendar.standard.addWorkingDays(today, 10).swissFormatted,
            ] as [String: Any],
            "resume": ["note": resume?.values["note"] ?? "", "general": resume?.general ?? []] as [String: Any],
        ]
    }

    // MARK: Actions on the case

    /// An additional or moved Standortgespräch (referrer or OPTIMA-Stelle): date, time, reason.
    func rescheduleSubmit(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let date = (form["date"] ?? "").trimmingCharacters(in: .whitespaces)
        let time = (form["time"] ?? "").trimmingCharacters(in: .whitespaces)
        let reason = String((form["reason"] ?? "").prefix(2000))
        var input = CaseActionInput(action: "reschedule", values: ["date": String(date.prefix(20)), "time": String(time.prefix(8)), "reason": reason])
        // Swiss date and office-local time, as the forms read «20.04.2027 09:00».
        let at = FormDefinition.parseDateTime(.string(date + " " + time))
        if at == nil {
            input.errors["at"] = "Neuer Termin: bitte Datum als TT.MM.JJJJ und Zeit als HH:MM angeben (z. B. 20.04.2027, 09:00)."
        }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            input.errors["reason"] = "Grund: Angabe fehlt. Ein zusätzliches Standortgespräch gibt es aus wichtigen Gründen (z. B. eine ungeplante Kündigung)."
        }
        if let at, input.errors.isEmpty {
            let service = self.service
            do {
                _ = try await core.run(context) { try service.rescheduleStatusMeeting(by: caller.username, caseID: caseID, at: at, reason: reason) }
                core.metrics.command()
                return Self.redirect("/cases/\(caseID)?done=reschedule#actions")
            } catch let error as CaseServiceError where [.invalidInput, .ruleViolation, .invalidForm].contains(error.code) {
                if let field = error.field { input.errors[field] = error.message } else { input.general.append(error.message) }
            }
        }
        return try await renderCase(caseID, caller, context, action: input, status: .unprocessableContent)
    }

    /// The RAV resumes advising during OPTIMA-SH (intact labour offer again).
    func resumeSubmit(_ request: Request, _ context: AppContext, _ caller: Caller, _ form: PostedForm) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let note = String((form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(2000))
        let service = self.service
        do {
            _ = try await core.run(context) { try service.resumeRAVAdvising(by: caller.username, caseID: caseID, note: note.isEmpty ? nil : note) }
            core.metrics.command()
            return Self.redirect("/cases/\(caseID)?done=resume#actions")
        } catch let error as CaseServiceError where [.invalidInput, .ruleViolation].contains(error.code) {
            return try await renderCase(caseID, caller, context, action: CaseActionInput(action: "resume", general: [error.message], values: ["note": note]),
                                        status: .unprocessableContent)
        }
    }

    /// The case's OPTIMA process drawn with the steps it passed and where it waits now; only for
    /// users who may see the case (the read is logged like the case page's).
    func caseDiagram(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        let caseID = try RequestInput.caseID(context)
        let service = self.service
        let (record, passed, current) = try await core.run(context) { () -> (DefinitionRecord, Set<String>, Set<String>) in
            let view = try service.caseView(caller.username, caseID: caseID)
            guard let instance = view.instances.first(where: { $0.processID.hasPrefix("optima-") }),
                let record = try service.definitions(by: caller.username).first(where: { $0.id == instance.definitionID })
            else { throw APIError.notFound("Prozess des Falls") }
            let path = try service.engine.path(instanceID: instance.id)
            return (record, path.passed, path.waiting)
        }
        let svg = try API.svg(record, counts: [:], path: passed, current: current)
        return Response(status: .ok, headers: [.contentType: "image/svg+xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    /// The notes of the meetings (hand-over, status, closing): the completed meeting tasks' texts.
    func meetingNotes(_ view: CaseView, forms: FormCatalog, name: (String?) -> String) -> [[String: Any]] {
        let meetingForms: Set<String> = ["uebergabegespraech", "standortgespraech"]
        var tasks: [Int64: TaskRecord] = [:]
        for t in view.completedTasks { tasks[t.id] = t }
        return view.history.compactMap { h -> [String: Any]? in
            guard h.command == "complete", let id = h.taskID, let task = tasks[id], let key = task.formKey, meetingForms.contains(key),
                let form = forms.form(key), let details = try? Value.parseJSON(bytes: Array(h.details.utf8)),
                let variables = details.contextValue?["variables"]?.contextValue
            else { return nil }
            let lines: [[String: Any]] = form.fields.compactMap { f in
                guard f.type != .table, let v = variables[f.id] else { return nil }
                let shown = FieldView.display(v, f)
                return shown.isEmpty ? nil : ["label": f.label, "value": shown]
            }
            return ["step": task.name ?? task.elementID, "who": name(h.actor), "at": PageFormat.dateTime(h.at), "lines": lines]
        }
    }

    /// One line of the timeline.
    static func historyText(_ h: HistoryRecord, taskNames: [Int64: String]) -> String {
        let step = h.taskID.flatMap { taskNames[$0] } ?? h.elementID ?? ""
        switch h.command {
        case "submit-application": return "Antrag eingereicht"
        case "complete": return "Erledigt: \(step)"
        case "claim": return "Übernommen: \(step)"
        case "unclaim": return "Freigegeben: \(step)"
        case "timer": return "Frist/Termin ausgelöst" + (h.elementID.map { " (\($0))" } ?? "")
        case "request-cost-approval": return "Kostengutsprache beantragt"
        case "message": return "Nachricht zwischen den Verfahren" + (h.elementID.map { " (\($0))" } ?? "")
        case "letter-sent": return "Brief als versandt markiert"
        case "add-note": return "Notiz zum Fall"
        case "migrate":
            let event = (try? Value.parseJSON(bytes: Array(h.details.utf8)))?.contextValue?["events"]?.listValue?.first?.contextValue
            guard let from = event?["from"]?.numberValue, let to = event?["to"]?.numberValue else { return "Auf eine neue Version migriert" }
            return "Migriert von Version \(from) auf \(to) der Prozessdefinition"
        default: return h.command + (step.isEmpty ? "" : ": \(step)")
        }
    }

    // MARK: Hand-over

    /// The application forms by process: the receiver decides which one applies.
    struct ApplicationForms {
        var base: FormDefinition
        var byKind: [(kind: ProcessKind, form: FormDefinition, extra: [String])]
    }

    func applicationForms() throws -> ApplicationForms {
        let forms = service.forms
        guard let base = forms.form("antrag") else { throw APIError(.internalServerError, "form-missing", "Das Formular «antrag» fehlt in forms/.") }
        let baseIDs = Set(base.fields.map(\.id))
        var byKind: [(ProcessKind, FormDefinition, [String])] = []
        for kind in ProcessKind.allCases {
            guard let form = forms.form("antrag-" + kind.rawValue.replacingOccurrences(of: "optima-", with: "")) else { continue }
            byKind.append((kind, form, form.fields.map(\.id).filter { !baseIDs.contains($0) }))
        }
        return ApplicationForms(base: base, byKind: byKind)
    }

    static let fixedApplicationFields: Set<String> = ["referrerOffice", "referrerAdvisor", "receiverOffice"]

    func newCasePage(_ request: Request, _ context: AppContext, _ caller: Caller) async throws -> Response {
        try await renderNewCase(caller, context, receiver: request.uri.queryParameters.get("to"), values: [:],
                                errors: [:], general: [], precheck: nil, status: .ok)
    }

    func renderNewCase(_ caller: Caller, _ context: AppContext, receiver: String?, values: [String: Value],
                       errors: [String: String], general: [String], precheck: PreCheck?, status: HTTPResponse.Status) async throws -> Response {
        let service = self.service
        let (options, me, office) = try await core.run(context) {
            (try service.receiverOptions(by: caller.username), try service.staff(caller.username), try service.office(caller.officeID))
        }
        guard caller.roles.contains(.advisor) else {
            throw APIError(.forbidden, "forbidden", "Einen OPTIMA-Antrag stellt die Fallführung der zuweisenden Stelle (Rolle «Fallführer:in»).")
        }
        let forms = try applicationForms()
        let choices = FieldView.Choices(offices: [], users: [])
        let chosenKind = options.first { $0.office.id == receiver }?.process
        let baseIDs = Set(forms.base.fields.map(\.id)).subtracting(Self.fixedApplicationFields)
        var data: [String: Any] = [
            "title": "Neuer OPTIMA-Antrag", "referrerOffice": office.name, "referrerAdvisor": me.displayName,
            "receivers": options.filter { $0.problem == nil }.map { o -> [String: Any] in
                ["value": o.office.id, "label": o.office.name + " (" + Glossary.label(o.process) + ")", "selected": o.office.id == receiver,
                 "process": o.process.rawValue]
            },
            "excluded": options.filter { $0.problem != nil }.map { ["name": $0.office.name, "why": $0.problem ?? ""] },
            "hasExcluded": options.contains { $0.problem != nil },
            "receiverError": errors["receiverOffice"] ?? "", "hasReceiverError": errors["receiverOffice"] != nil,
            "sections": FieldView.sections(forms.base, values: values, errors: errors, choices: choices, only: baseIDs),
            "general": general, "hasGeneral": !general.isEmpty, "hasErrors": !errors.isEmpty || !general.isEmpty,
            "errorCount": errors.count + general.count,
        ]
        data["errorList"] = errors.sorted { $0.key < $1.key }.map { key, message in
            ["anchor": key == "receiverOffice" ? "f-receiverOffice" : "f-" + (forms.base.field(FieldView.baseID(key)) != nil ? "" : "\(chosenKind?.rawValue ?? "").")
                .replacingOccurrences(of: ".", with: "-") + FieldView.htmlName(key).replacingOccurrences(of: ".", with: "-"), "message": message]
        }
        data["kinds"] = forms.byKind.map { entry -> [String: Any] in
            let active = entry.kind == chosenKind
            var fields: [[String: Any]] = []
            for id in entry.extra {
                guard let f = entry.form.field(id) else { continue }
                fields.append(FieldView.field(entry.form, f, values: active ? values : [:], errors: active ? errors : [:], choices: choices,
                                              name: entry.kind.rawValue + "." + id))
            }
            return ["kind": entry.kind.rawValue, "label": Glossary.label(entry.kind), "fields": fields, "hasFields": !fields.isEmpty,
                    "hidden": chosenKind != nil && !active]
        }
        if let precheck { data["precheck"] = Self.precheckView(precheck); data["hasPrecheck"] = true }
        return try await html("case-new", data, caller, context, current: "new", status: status)
    }

    static func precheckView(_ p: PreCheck) -> [String: Any] {
        [
            "light": p.eligibility.trafficLight.rawValue, "lightLabel": Glossary.label(p.eligibility.trafficLight),
            "process": Glossary.label(p.process),
            "problem": p.handoverProblem ?? "", "hasProblem": p.handoverProblem != nil,
            "targetGroup": p.targetGroup.group.map { Glossary.label($0) } ?? "noch offen", "targetExplanation": p.targetGroup.explanation,
            "conditions": p.eligibility.conditions.map { c -> [String: Any] in
                ["wording": c.wording, "outcome": c.outcome.rawValue, "outcomeLabel": Glossary.label(c.outcome), "explanation": c.explanation ?? ""]
            },
        ]
    }

    /// The posted fields of the chosen process: `optima-alv.intactLabourOffer` → `intactLabourOffer`;
    /// the other processes' fields are dropped.
    static func applicationValues(_ posted: PostedForm, kind: ProcessKind?, forms: ApplicationForms) -> [String: Value] {
        let prefix = (kind?.rawValue ?? "-") + "."
        let pairs = posted.pairs.compactMap { pair -> (name: String, value: String)? in
            if fixedApplicationFields.contains(pair.name) || pair.name.hasPrefix("_") { return nil }
            if pair.name.hasPrefix(prefix) { return (String(pair.name.dropFirst(prefix.count)), pair.value) }
            if ProcessKind.allCases.contains(where: { pair.name.hasPrefix($0.rawValue + ".") }) { return nil }
            return pair
        }
        let form = forms.byKind.first { $0.kind == kind }?.form ?? forms.base
        return PostedForm(pairs: pairs).values(for: form)
    }

    func newCaseSubmit(_ request: Request, _ context: AppContext, _ caller: Caller, _ posted: PostedForm) async throws -> Response {
        let forms = try applicationForms()
        let receiver = (posted["receiverOffice"] ?? "").trimmingCharacters(in: .whitespaces)
        let service = self.service
        let options = try await core.run(context) { try service.receiverOptions(by: caller.username) }
        let kind = options.first { $0.office.id == receiver && $0.problem == nil }?.process
        let values = Self.applicationValues(posted, kind: kind, forms: forms)
        guard kind != nil else {
            return try await renderNewCase(caller, context, receiver: nil, values: values,
                                           errors: ["receiverOffice": "Aufnehmende Stelle: Bitte eine der angebotenen Stellen wählen."],
                                           general: [], precheck: nil, status: .unprocessableContent)
        }
        if posted["_action"] == "precheck" {
            let check = try await core.run(context) { try service.precheck(by: caller.username, receiverOffice: receiver, formData: values) }
            return try await renderNewCase(caller, context, receiver: receiver, values: values, errors: [:], general: [],
                                           precheck: check, status: .ok)
        }
        do {
            let result = try await core.run(context) { try service.submitApplication(by: caller.username, receiverOffice: receiver, formData: values) }
            core.metrics.command()
            return Self.redirect("/cases/\(result.caseID)?created=1")
        } catch let error as CaseServiceError where error.code == .invalidForm || error.code == .ruleViolation || error.code == .invalidInput {
            let (byField, general) = FieldView.errors(error)
            let check = try? await core.run(context) { try service.precheck(by: caller.username, receiverOffice: receiver, formData: values) }
            return try await renderNewCase(caller, context, receiver: receiver, values: values, errors: byField,
                                           general: general.isEmpty && byField.isEmpty ? [error.message] : general, precheck: check,
                                           status: .unprocessableContent)
        }
    }
}
