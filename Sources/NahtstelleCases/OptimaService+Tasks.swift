import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// A task's form as the user opens it: the definition and the values prefilled from the case.
public struct TaskForm: Sendable {
    public var task: TaskRecord
    public var form: FormDefinition?
    public var defaults: [String: Value]
}

/// What completing a task did.
public struct TaskOutcome: Sendable {
    public var completed: TaskRecord
    public var caseID: String?
    /// Tasks the step created (the next steps, in any linked process).
    public var createdTasks: [TaskRecord]
    /// Instances the step started (e.g. the reduced procedure at the hand-over).
    public var startedInstances: [Int64]
    public var endedInstances: [Int64]
}

extension OptimaService {
    // MARK: Authorisation

    /// The task, if `user` may work on it: same office, the task's role, and (when assigned) the assignee.
    func authorizedTask(_ user: StaffMember, _ taskID: Int64) throws -> TaskRecord {
        try authorized(user, taskID, try engine.task(id: taskID))
    }

    /// `task` (read as task `taskID`, nil: no such task) if `user` may work on it, as `authorizedTask`.
    func authorized(_ user: StaffMember, _ taskID: Int64, _ task: TaskRecord?) throws -> TaskRecord {
        guard let task else {
            throw CaseServiceError(.notFound, "Aufgabe \(taskID) gibt es nicht. Bitte die Aufgabenliste neu laden.")
        }
        let name = task.name ?? task.elementID
        guard task.state.isOpen else {
            throw CaseServiceError(.conflict, "Die Aufgabe «\(name)» ist bereits \(task.state == .completed ? "erledigt" : "abgebrochen")"
                                   + (task.completedBy.map { " (von \($0))" } ?? "") + ". Bitte die Aufgabenliste neu laden.")
        }
        // Outside the caller's office the task does not exist for them (ids cannot be probed).
        switch AccessPolicy.taskRefusal(user.user, task) {
        case nil:
            return task
        case .otherOffice:
            throw CaseServiceError(.notFound, "Aufgabe \(taskID) nicht gefunden: Sie sehen nur Aufgaben Ihrer Stelle. "
                                   + "Bitte die Aufgabenliste neu laden.")
        case .missingRole(let role):
            throw CaseServiceError(.notFound, "Aufgabe \(taskID) nicht gefunden in Ihren Aufgaben: für die Aufgabe «\(name)» braucht es die "
                                   + "Rolle «\(Glossary.label(role))». \(user.displayName) hat sie nicht; bitte eine Person mit dieser "
                                   + "Rolle beauftragen oder die Rolle bei der Koordinationsstelle beantragen.")
        case .assignedToSomeoneElse(let assignee):
            let owner = (try? staff(assignee).displayName) ?? assignee
            throw CaseServiceError(.conflict, "Die Aufgabe «\(name)» ist \(owner) zugewiesen. Nur diese Person kann sie erledigen; "
                                   + "sie kann die Aufgabe freigeben.")
        }
    }

    // MARK: Tasks

    /// Takes a task for the user, so that colleagues see who works on it.
    @discardableResult
    public func claim(by username: String, taskID: Int64) throws -> TaskRecord {
        let user = try staff(username)
        let task = try authorizedTask(user, taskID)
        if task.state == .claimed {
            throw CaseServiceError(.conflict, "Sie haben die Aufgabe «\(task.name ?? task.elementID)» bereits übernommen.")
        }
        do { return try engine.claim(taskID: task.id, user: user.username, expectedVersion: task.version) } catch {
            throw CaseServiceError.wrapping(error)
        }
    }

    /// The form of a task with the values the case already knows (no double entry).
    public func taskForm(by username: String, taskID: Int64) throws -> TaskForm {
        let read = try taskSnapshot(username, taskID)
        let task = try authorized(read.user, taskID, read.task)
        return TaskForm(task: task, form: task.formKey.flatMap(forms.form), defaults: try formDefaults(task, read.user, read))
    }

    /// What a task's routes read first, from one snapshot (one read transaction instead of one per
    /// part): the caller, the task, its case and that case's instance (for the form's defaults),
    /// and with `references` the offices and users a form may name. Nothing is checked here.
    struct TaskSnapshot {
        let user: StaffMember
        let task: TaskRecord?
        let stored: StoredCase?
        let instance: InstanceRecord?
        let references: FormReferences?
    }

    func taskSnapshot(_ username: String, _ taskID: Int64, references: Bool = false) throws -> TaskSnapshot {
        let found = try snapshot { records, tx -> TaskSnapshot? in
            guard let user = try records.staff(username) else { return nil }
            let task = try tx.task(id: taskID)
            let stored = try task?.businessKey.flatMap { try records.loadCase(id: $0) }
            let instance = try stored == nil ? nil : task.flatMap { try tx.instance(id: $0.instanceID) }
            var known: FormReferences? = nil
            if references, task?.formKey != nil {
                let offices = Set(try records.offices().map(\.id)), users = Set(try records.usernames())
                known = FormReferences(officeExists: { offices.contains($0) }, userExists: { users.contains($0) })
            }
            return TaskSnapshot(user: user, task: task, stored: stored, instance: instance, references: known)
        }
        guard let found else { throw Self.unknownUser(username) }
        return found
    }

    /// Completes a user task: checks the user against the task, validates its form (with its
    /// conditional requiredness; every error at once), completes it and records the case facts
    /// its variables carry — one transaction, with the documents and notifications it causes.
    @discardableResult
    public func completeTask(by username: String, taskID: Int64, formData: [String: Value] = [:]) throws -> TaskOutcome {
        let read = try taskSnapshot(username, taskID, references: true)
        let user = read.user
        let task = try authorized(user, taskID, read.task)
        let today = self.today
        let stored = read.stored
        let data = try formDefaults(task, user, read).merging(formData) { _, given in given }
        var errors: [CaseServiceError.FieldError] = []
        var values: [String: Value] = [:]
        let form = task.formKey.flatMap(forms.form)
        if let key = task.formKey, form == nil {
            throw CaseServiceError(.processFailed, "Das Formular «\(key)» der Aufgabe fehlt im Ordner forms/. Die Koordinationsstelle ergänzt es.")
        }
        if let form {
            let result = form.validate(data, references: try read.references ?? formReferences())
            errors = result.errors.map(CaseServiceError.FieldError.init)
            values = result.values
        }
        var costApproval: [String: Value]? = nil
        switch task.elementID {
        case "check-application" where values["decision"]?.stringValue == "accepted":
            if let advisor = values["advisor"]?.stringValue, let receiverOffice = stored?.optimaCase.receiverOfficeId,
                let member = try self.read({ try $0.staff(advisor) }), member.officeId != receiverOffice || !member.has(.advisor) {
                errors.append(.init(field: "advisor", code: "notAllowed",
                                    message: "Fallführung: \(member.displayName) ist nicht Fallführer:in der aufnehmenden Stelle. "
                                        + "Bitte eine Person der eigenen Stelle mit der Rolle «Fallführer:in» wählen."))
            }
        case "handover-meeting" where values["allAgree"]?.boolValue == true:
            // OPTIMA-ALV and -IV: the hand-over becomes effective only with the person's explicit
            // statement "kann und will arbeiten" (concept Kap. 3.2.1/3.2.2, Gesprächsnotiz).
            if task.processID != ProcessKind.optimaSH.rawValue && values["canAndWillWork"]?.boolValue != true {
                errors.append(.init(field: "canAndWillWork", code: "required",
                                    message: "Die Person erklärt ausdrücklich: kann und will arbeiten: Bei OPTIMA-ALV und OPTIMA-IV wird "
                                        + "die Übergabe nur mit dieser Erklärung wirksam. Gibt die Person sie nicht ab, bei «Alle "
                                        + "Teilnehmenden stimmen zu» Nein wählen und den Grund notieren."))
            }
            guard values["costApprovalRequested"]?.boolValue == true else { break }
            if task.processID == ProcessKind.optimaIV.rawValue {
                throw CaseServiceError(.ruleViolation, "Bei OPTIMA-IV wird im Übergabegespräch keine Kostengutsprache ausgestellt: keine "
                                       + "IV-Massnahme beginnt ohne nähere Prüfung. Bitte «Kostengutsprache angefordert» abwählen und "
                                       + "die Kostengutsprache später während der Fallarbeit beantragen.", field: "costApprovalRequested")
            }
            var kgs = data
            if let stored { kgs["payingOffice"] = .string(try payingOffice(for: stored, given: formData["payingOffice"]?.stringValue)) }
            if let kgsForm = forms.form("kostengutsprache-antrag") {
                let result = kgsForm.validate(kgs, references: try read.references ?? formReferences())
                errors += result.errors.map(CaseServiceError.FieldError.init)
                costApproval = result.values
            }
        case "sign-agreement-alv":
            if let signed = values["signedAt"].flatMap(TemplateData.localDate), signed > today {
                errors.append(.init(field: "signedAt", code: "outOfRange",
                                    message: "Unterzeichnet am: das Datum \(signed.swissFormatted) liegt in der Zukunft. Bitte das Datum der Unterschrift angeben."))
            }
        case "check-job-search":
            try releaseLater(stored, values: &values, today: today, errors: &errors)
        case "invite-status-meeting":
            // One date, one source: the date of the invitation is the date the meeting timer waits for.
            if let at = values["meetingAt"] { values["nextMeetingAt"] = at }
        case "sign-cost-approval":
            if let decided = values["decidedAt"].flatMap(TemplateData.localDate), decided > today {
                errors.append(.init(field: "decidedAt", code: "outOfRange",
                                    message: "Unterzeichnet am: das Datum \(decided.swissFormatted) liegt in der Zukunft. Bitte das Datum der Unterschrift angeben."))
            }
        default:
            break
        }
        if !errors.isEmpty, let form { throw Self.formError(form, errors) }

        if let stored { try addReleaseVariables(task, stored, &values, today: today) }
        let (_, result) = try perform(username, "complete", caseOf: { _ in task.businessKey }) { cmd, db -> Void in
            if task.elementID == "handover-meeting" {
                values["costApprovalNow"] = .bool(costApproval != nil)
                if let kgs = costApproval, let stored {
                    let id = try insertCostApproval(db, caseID: stored.id, values: kgs, by: username, today: today)
                    values.merge(Self.costApprovalVariables(id: id, kgs, signatureDue: deadlines.costApprovalSignatureDue(requestedAt: today))) { _, new in new }
                }
            }
            try cmd.complete(taskID: task.id, variables: values, expectedVersion: task.version)
        }
        return TaskOutcome(completed: task, caseID: task.businessKey, createdTasks: result.createdTasks,
                           startedInstances: result.startedInstances, endedInstances: result.endedInstances)
    }

    /// The receiver's advisor requests a Kostengutsprache from the paying office during the case
    /// work: records it and correlates `cost-approval-requested` (key = case id), which files the
    /// Kostengutsprache (document) and creates the signatory's task — one transaction.
    @discardableResult
    public func requestCostApproval(by username: String, caseID: String, formData: [String: Value]) throws -> CostApprovalEntry {
        let user = try staff(username)
        let stored = try visibleCase(user, caseID)
        try requireReceiverCasework(
            user, stored.optimaCase, who: "Eine Kostengutsprache beantragt",
            early: "Eine Kostengutsprache kann erst nach dem Übergabegespräch beantragt werden, wenn die Übergabe wirksam ist. Soll eine "
                + "Massnahme sofort beginnen, im Übergabegespräch «Kostengutsprache angefordert» wählen (nicht bei OPTIMA-IV).",
            late: "es können keine Kostengutsprachen mehr beantragt werden.")
        var data = formData
        data["payingOffice"] = .string(try payingOffice(for: stored, given: formData["payingOffice"]?.stringValue))
        let values = try validate("kostengutsprache-antrag", data)
        let today = self.today
        let (id, _) = try perform(username, "request-cost-approval", caseOf: { _ in caseID }) { cmd, db -> Int64 in
            let id = try insertCostApproval(db, caseID: caseID, values: values, by: username, today: today)
            do {
                try cmd.correlate(message: "cost-approval-requested", correlationKey: caseID,
                                  variables: Self.costApprovalVariables(id: id, values,
                                                                        signatureDue: deadlines.costApprovalSignatureDue(requestedAt: today)))
            } catch let error as EngineError where error.code == .notFound {
                throw CaseServiceError(.ruleViolation, "Im Fall \(caseID) läuft keine Fallarbeit, die eine Kostengutsprache annehmen "
                                       + "kann. Kostengutsprachen sind nur während der Fallarbeit möglich.")
            }
            return id
        }
        guard let entry = try read({ try $0.costApproval(id: id) }) else {
            throw CaseServiceError(.processFailed, "Die Kostengutsprache wurde nicht gespeichert.")
        }
        return entry
    }

    /// Generates a document of the case again, as version n+1 (earlier versions stay unchanged).
    @discardableResult
    public func regenerateDocument(by username: String, caseID: String, template: String, costApprovalID: Int64? = nil) throws -> DocumentInfo {
        let user = try staff(username)
        let stored = try visibleCase(user, caseID)
        guard user.officeId == stored.optimaCase.referrerOfficeId || user.officeId == stored.optimaCase.receiverOfficeId else {
            throw CaseServiceError(.forbidden, "Dokumente erstellen nur die zuweisende und die aufnehmende Stelle des Falls.")
        }
        guard templates.names.contains(template) else {
            throw CaseServiceError(.notFound, "Die Vorlage «\(template)» gibt es nicht. Vorhanden: \(templates.names.joined(separator: ", ")).",
                                   field: "template")
        }
        let (info, _) = try perform(username, "regenerate-document", caseOf: { _ in caseID }) { cmd, db -> DocumentInfo in
            let variables = try stored.optimaInstanceID.map { try cmd.variables(instanceID: $0) } ?? [:]
            return try generator.generate(db, template: template, caseID: caseID, variables: variables, elementID: nil, actor: username,
                                          at: cmd.now, costApprovalID: costApprovalID)
        }
        return info
    }

    /// Fires every timer due at the service clock (status-meeting dates, KGS reminders and
    /// escalations, the mandate-end warning); returns how many fired.
    @discardableResult
    public func fireDueTimers() throws -> Int {
        do { return try engine.fireDueJobs(now: clock()) } catch { throw CaseServiceError.wrapping(error) }
    }

    // MARK: Helpers

    /// Cost approvals and measures: only the receiver's case management, and only during the case
    /// work (after the hand-over, before the closing).
    /// - Parameters:
    ///   - who: "Eine Kostengutsprache beantragt" (… die Fallführung der OPTIMA-Stelle).
    ///   - early: the refusal before the hand-over is effective; `late`: after the end, following "Der Fall … ist beendet (…); ".
    func requireReceiverCasework(_ user: StaffMember, _ c: OptimaCase, who: String, early: String, late: String) throws {
        guard user.officeId == c.receiverOfficeId, user.has(.advisor) else {
            throw CaseServiceError(.forbidden, "\(who) die Fallführung der OPTIMA-Stelle "
                                   + "(\((try? office(c.receiverOfficeId).name) ?? c.receiverOfficeId)).")
        }
        switch c.state {
        case .active: break
        case .submitted, .inClarification, .accepted, .draft:
            throw CaseServiceError(.ruleViolation, early)
        case .rejected, .noAgreement, .closed:
            throw CaseServiceError(.ruleViolation, "Der Fall \(c.id) ist beendet (\(Glossary.label(c.state))); " + late)
        }
    }

    /// The office that signs a Kostengutsprache of this case: derived from the person's
    /// entitlements (`MeasureFundingRules`), or the given one if it is of the paying type.
    /// No KGS when the person is entitled at the receiver itself.
    func payingOffice(for stored: StoredCase, given: String?) throws -> String {
        let c = stored.optimaCase
        switch MeasureFundingRules.funding(referrer: c.referrerType, receiver: c.receiverType, status: c.personStatus) {
        case .receiverOwnEntitlement(let reason):
            throw CaseServiceError(.ruleViolation, "Keine Kostengutsprache nötig. " + reason
                                   + " Bitte die Massnahme nach dem eigenen Verfahren verfügen und buchen.", field: "payingOffice")
        case .costApproval(let payer, let reason):
            if let given, !given.isEmpty {
                let office = try office(given)
                guard office.type == payer else {
                    throw CaseServiceError(.invalidInput, "Zahlende Stelle: «\(office.name)» ist kein(e) \(Glossary.label(payer)). "
                                           + reason + " Bitte eine solche Stelle wählen.", field: "payingOffice")
                }
                return office.id
            }
            if payer == c.referrerType { return c.referrerOfficeId }
            throw CaseServiceError(.invalidInput, reason + " Bitte die zahlende Stelle (\(Glossary.label(payer))) angeben.",
                                   field: "payingOffice")
        }
    }

    /// The variables that tell the RAV's reduced procedure whether the person is released from
    /// Arbeitsbemühungen (`jobSearchReleased`, `jobSearchReleaseReason`).
    func addReleaseVariables(_ task: TaskRecord, _ stored: StoredCase, _ values: inout [String: Value], today: LocalDate) throws {
        let c = stored.optimaCase
        var release: JobSearchRelease?
        switch task.elementID {
        case "handover-meeting" where c.referrerType == .rav:
            release = Self.plannedJobSearchRelease(c.processKind, referrerType: c.referrerType, status: c.personStatus,
                                                   settings: try settings())
        case "sign-agreement-alv":
            let signed = values["signedByPerson"]?.boolValue == true
            release = .forSocialCounselling(signedAt: signed ? (values["signedAt"].flatMap(TemplateData.localDate) ?? today) : nil)
        default:
            break
        }
        if let release {
            values["jobSearchReleased"] = .bool(release.released)
            values["jobSearchReleaseReason"] = .string(release.reason)
        }
    }

    /// `check-job-search`: the RAV releases the person later — OPTIMA-SH once the signature on the
    /// Vereinbarung ALV is recorded, OPTIMA-IV once the coordination office confirms the legal basis.
    func releaseLater(_ stored: StoredCase?, values: inout [String: Value], today: LocalDate,
                      errors: inout [CaseServiceError.FieldError]) throws {
        guard let c = stored?.optimaCase else { return }
        switch c.processKind {
        case .optimaSH:
            guard let signed = values["agreementSignedAt"].flatMap(TemplateData.localDate) else {
                errors.append(.init(field: "agreementSignedAt", code: "required",
                                    message: "Vereinbarung ALV unterzeichnet am: Angabe fehlt. Befreit wird erst mit der Unterschrift."))
                return
            }
            if signed > today {
                errors.append(.init(field: "agreementSignedAt", code: "outOfRange",
                                    message: "Vereinbarung ALV unterzeichnet am: das Datum \(signed.swissFormatted) liegt in der Zukunft."))
                return
            }
            let release = JobSearchRelease.forSocialCounselling(signedAt: signed)
            values["signedByPerson"] = .bool(true)
            values["jobSearchReleased"] = .bool(true)
            values["jobSearchReleaseReason"] = .string(release.reason)
        default:
            let release = JobSearchRelease.forIVHandover(status: c.personStatus, legalBasis: try settings().ravReleaseLegalBasisForIV)
            guard release.released else {
                throw CaseServiceError(.ruleViolation, release.reason + " Die Befreiung ist erst möglich, wenn die "
                                       + "IIZ-Koordinationsstelle die Rechtsgrundlage in den Einstellungen bestätigt.")
            }
            values["jobSearchReleased"] = .bool(true)
            values["jobSearchReleaseReason"] = .string(release.reason)
        }
    }

    func insertCostApproval(_ db: any ApplicationRecords, caseID: String, values v: [String: Value], by username: String, today: LocalDate) throws -> Int64 {
        let positions = v["positions"]?.listValue ?? []
        let total = positions.reduce(Decimal(0)) { sum, row in sum + (row.contextValue?["amount"]?.numberValue ?? 0) }
        guard let from = v["periodFrom"].flatMap(TemplateData.localDate), let to = v["periodTo"].flatMap(TemplateData.localDate) else {
            throw CaseServiceError(.invalidInput, "Kostengutsprache: Dauer von/bis fehlt. Bitte beide Daten angeben (TT.MM.JJJJ).")
        }
        return try db.insertCostApproval(NewCostApproval(
            caseID: caseID, measure: v["measure"]?.stringValue, provider: v["provider"]?.stringValue ?? "",
            providerAddress: v["providerAddress"]?.stringValue, periodFrom: from, periodTo: to, positions: positions, amount: total,
            payingOfficeID: v["payingOffice"]?.stringValue, requestedAt: today, requestedBy: username,
            signatureDue: deadlines.costApprovalSignatureDue(requestedAt: today)))
    }

    /// The variables a KGS request carries into its event sub-process instance.
    static func costApprovalVariables(id: Int64, _ v: [String: Value], signatureDue: LocalDate) -> [String: Value] {
        // signatureDue: the one date the signatory's due date, the reminder and the escalation derive from.
        var out: [String: Value] = ["costApprovalId": .number(Decimal(id)), "signatureDue": .date(signatureDue)]
        for key in ["measure", "periodFrom", "periodTo", "provider", "providerAddress", "positions", "payingOffice"] {
            if let value = v[key] { out[key] = value }
        }
        return out
    }

    /// Values a task's form starts with, from what the case and the process already know: the
    /// task's case and its instance as `read` holds them (`taskSnapshot`).
    func formDefaults(_ task: TaskRecord, _ user: StaffMember, _ read: TaskSnapshot) throws -> [String: Value] {
        guard let stored = read.stored else { return [:] }
        let c = stored.optimaCase
        let vars: [String: Value]
        do {
            guard let instance = read.instance else {
                throw EngineError(.notFound, "Prozessinstanz \(task.instanceID) gibt es nicht.")
            }
            let state = try engine.state(of: instance)
            vars = state.variables(visibleIn: state.tokens[task.tokenID]?.scopeID ?? InstanceState.rootScopeID)
        } catch { throw CaseServiceError.wrapping(error) }
        let today = self.today
        switch task.elementID {
        case "handover-meeting":
            return ["meetingAt": vars["meetingAt"], "place": vars["place"], "caseWorkStart": .date(today),
                    "plannedMonths": .number(Decimal(c.plannedMonths.rawValue))].compactMapValues { $0 }
        case "suspend-iv-procedure":
            return ["decidedAt": .date(today)]
        case "invite-status-meeting":
            let receiver = try office(c.receiverOfficeId)
            return ["meetingKind": .string("status"), "meetingAt": vars["nextMeetingAt"], "place": .string(receiver.name),
                    "placeAddress": .string("\(receiver.street), \(receiver.postalCode) \(receiver.city)"),
                    "salutation": .string("Guten Tag \(c.person.firstName) \(c.person.lastName)")].compactMapValues { $0 }
        case "status-meeting":
            return ["meetingAt": vars["nextMeetingAt"], "place": vars["place"]].compactMapValues { $0 }
        case "sign-agreement-alv":
            let from = c.handoverAt ?? today
            var d: [String: Value] = [
                "from": .date(from), "to": .date(from.adding(months: c.plannedMonths.rawValue)),
                "socialOffice": .string(try office(c.receiverOfficeId).name),
            ]
            if let fund = try office(c.referrerOfficeId).unemploymentFund { d["unemploymentFund"] = .string(fund) }
            return d
        case "sign-cost-approval":
            return ["signatory": .string(user.username), "decidedAt": .date(today)]
        case "book-measure":
            return ["confirmationSentAt": .date(today), "startDate": vars["periodFrom"], "endDate": vars["periodTo"]].compactMapValues { $0 }
        case "pay-invoice":
            return ["paidAt": .date(today), "amount": vars["amount"]].compactMapValues { $0 }
        case "hand-back-documents":
            return ["handedOverAt": .date(today)]
        default:
            return [:]
        }
    }
}
