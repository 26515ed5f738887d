import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleForms
import NahtstelleOptima

/// The person of an application, typed.
public struct PersonInput: Sendable, Hashable {
    public var lastName: String
    public var firstName: String
    public var birthDate: LocalDate
    public var street: String
    public var postalCode: String
    public var city: String
    /// With or without dots; validated (check digit) and normalised on submission.
    public var ahvNumber: String
    public var persNr: String?
    public var phone: String?

    public init(lastName: String, firstName: String, birthDate: LocalDate, street: String, postalCode: String, city: String,
                ahvNumber: String, persNr: String? = nil, phone: String? = nil) {
        self.lastName = lastName
        self.firstName = firstName
        self.birthDate = birthDate
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.ahvNumber = ahvNumber
        self.persNr = persNr
        self.phone = phone
    }
}

/// An application (Antragsformular), typed. `formData` carries the rest of the form (the
/// receiver-specific conditions such as `intactLabourOffer`, `remarks`) and wins over nothing:
/// the typed fields are authoritative.
public struct ApplicationInput: Sendable {
    public var receiverOffice: String
    public var person: PersonInput
    public var status: PersonStatus
    public var goal: String
    /// Topic ids of the form (`debts`, `addiction`, `childcare`, `conflicts`, `burdening-events`, `health`, `other`).
    public var topics: [String]
    public var plannedMonths: PlannedMonths
    public var consentHandover: Bool
    public var consentDataExchange: Bool
    public var formData: [String: Value]

    public init(receiverOffice: String, person: PersonInput, status: PersonStatus, goal: String, topics: [String],
                plannedMonths: PlannedMonths, consentHandover: Bool, consentDataExchange: Bool, formData: [String: Value] = [:]) {
        self.receiverOffice = receiverOffice
        self.person = person
        self.status = status
        self.goal = goal
        self.topics = topics
        self.plannedMonths = plannedMonths
        self.consentHandover = consentHandover
        self.consentDataExchange = consentDataExchange
        self.formData = formData
    }

    /// The Antragsformular fields.
    public var formValues: [String: Value] {
        var v = formData
        v.merge(StatusMapping.formValues(status)) { _, typed in typed }
        var typed: [String: Value] = [
            "lastName": .string(person.lastName), "firstName": .string(person.firstName), "birthDate": .date(person.birthDate),
            "street": .string(person.street), "postalCode": .string(person.postalCode), "city": .string(person.city),
            "ahvNumber": .string(person.ahvNumber), "goal": .string(goal), "durationMonths": .number(Decimal(plannedMonths.rawValue)),
            "consentHandover": .bool(consentHandover), "consentDataExchange": .bool(consentDataExchange),
        ]
        if !topics.isEmpty { typed["topics"] = .list(topics.map(Value.string)) }
        if let p = person.persNr { typed["persNr"] = .string(p) }
        if let p = person.phone { typed["phone"] = .string(p) }
        v.merge(typed) { _, t in t }
        return v
    }
}

/// The advisory pre-check before sending (§5, §6): never blocking.
public struct PreCheck: Sendable, Hashable {
    public var process: ProcessKind
    /// Set when the hand-over itself is not allowed (that one does block submission).
    public var handoverProblem: String?
    public var eligibility: EligibilityAssessment
    public var targetGroup: TargetGroupDerivation
    /// RAV → IV and RAV → SH: whether the RAV will release the person from Arbeitsbemühungen
    /// during the hand-over, and why (shown before sending).
    public var jobSearchRelease: JobSearchRelease?
    /// Who will pay measures (Kostengutsprache or the receiver's own entitlement).
    public var measureFunding: MeasureFunding
}

/// What a submission did.
public struct SubmissionResult: Sendable {
    public var caseID: String
    public var optimaInstanceID: Int64
    public var process: ProcessKind
    public var targetGroup: TargetGroupDerivation
    public var eligibility: EligibilityAssessment
    /// The check task of the receiver's OPTIMA contact.
    public var openTasks: [TaskRecord]
    public var documents: [DocumentInfo]
}

extension OptimaService {
    /// The pre-check of §5 and the target group of §6 for a planned hand-over, as the advisor
    /// sees it before sending. Advisory: only a hand-over OPTIMA does not allow is reported as a problem.
    public func eligibility(referrer: String, receiver: String, status: PersonStatus) throws -> PreCheck {
        let from = try office(referrer)
        let to = try office(receiver)
        var problem: String? = nil
        if case .failure(let error) = HandoverRules.check(referrer: from.office, receiver: to.office) { problem = error.message }
        let kind = ProcessKind(receiverType: to.type)
        let settings = try settings()
        return PreCheck(
            process: kind, handoverProblem: problem,
            eligibility: Self.assess(kind, status: status, today: today, referrer: from, receiver: to, settings: settings),
            targetGroup: TargetGroupRules.derive(referrer: from.type, receiver: to.type, status: status),
            jobSearchRelease: Self.plannedJobSearchRelease(kind, referrerType: from.type, status: status, settings: settings),
            measureFunding: MeasureFundingRules.funding(referrer: from.type, receiver: to.type, status: status))
    }

    /// The pre-check with the rules of the two offices and the installation.
    static func assess(_ kind: ProcessKind, status: PersonStatus, today: LocalDate, referrer: OfficeEntry, receiver: OfficeEntry,
                       settings: InstallationSettings) -> EligibilityAssessment {
        EligibilityCheck.assess(
            process: kind, status: status, today: today, referrerType: referrer.type,
            receiverOffersIntegralCaseManagement: receiver.type == .sd ? receiver.integralCaseManagement : nil,
            integralCaseManagementOnlyWithFinancialAssistance: receiver.integralCaseManagementOnlyWithFinancialAssistance,
            ravReleaseLegalBasis: kind == .optimaIV && referrer.type == .rav ? settings.ravReleaseLegalBasisForIV : nil)
    }

    /// What the RAV's reduced procedure will do about Arbeitsbemühungen, as known before the
    /// hand-over: OPTIMA-IV by the person's ALE and the legal basis; OPTIMA-SH only with the
    /// signed Vereinbarung ALV (not yet signed before the hand-over meeting).
    static func plannedJobSearchRelease(_ kind: ProcessKind, referrerType: InstitutionType, status: PersonStatus,
                                        settings: InstallationSettings) -> JobSearchRelease? {
        guard referrerType == .rav else { return nil }
        switch kind {
        case .optimaIV: return JobSearchRelease.forIVHandover(status: status, legalBasis: settings.ravReleaseLegalBasisForIV)
        case .optimaSH: return JobSearchRelease.forSocialCounselling(signedAt: nil)
        case .optimaALV: return nil
        }
    }

    /// Submits a typed application; see `submitApplication(by:receiverOffice:formData:)`.
    @discardableResult
    public func submitApplication(by username: String, application: ApplicationInput) throws -> SubmissionResult {
        try submit(by: username, receiverOffice: application.receiverOffice, formData: application.formValues, typedStatus: application.status)
    }

    /// The referrer's advisor submits the Antragsformular: validates the `antrag-<alv|iv|sh>` form
    /// (every error at once) and the hand-over rules, derives the target group and the pre-check,
    /// stores the case and starts `optima-<kind>` — all in one transaction; the process files the
    /// Antragsformular (document) and creates the receiver's check task.
    /// - Parameter formData: the form fields; `referrerOffice`, `referrerAdvisor` and
    ///   `receiverOffice` are taken from the user and `receiverOffice`.
    @discardableResult
    public func submitApplication(by username: String, receiverOffice: String, formData: [String: Value]) throws -> SubmissionResult {
        try submit(by: username, receiverOffice: receiverOffice, formData: formData, typedStatus: nil)
    }

    /// Status facts the receiver's form does not ask (e.g. the intact labour offer in the SH form,
    /// needed for target groups G and C) are taken from the typed status or, as yes/no values,
    /// from the form data; they inform the target group and the pre-check only.
    static func supplement(_ status: inout PersonStatus, form: FormDefinition?, formData: [String: Value], typed: PersonStatus?) {
        for entry in StatusMapping.table where StatusMapping.get(status, entry.field) == nil {
            if let typed, let value = StatusMapping.get(typed, entry.field) {
                StatusMapping.set(&status, entry.field, value)
            } else if entry.kind == .bool, form?.field(entry.form) == nil, let raw = formData[entry.form] {
                switch raw {
                case .bool(let b): StatusMapping.set(&status, entry.field, .bool(b))
                case .string(let s) where ["ja", "true", "yes"].contains(s.lowercased()): StatusMapping.set(&status, entry.field, .bool(true))
                case .string(let s) where ["nein", "false", "no"].contains(s.lowercased()): StatusMapping.set(&status, entry.field, .bool(false))
                default: break
                }
            }
        }
        for field in [PersonStatus.Field.registeredAtRAVWithinLast6Months, .ivClarificationRunning, .hadIVRejection, .healthRelatedHardAccess,
                      .socialDifficulties] where StatusMapping.get(status, field) == nil {
            if let typed, let value = StatusMapping.get(typed, field) { StatusMapping.set(&status, field, value) }
        }
    }

    func submit(by username: String, receiverOffice: String, formData: [String: Value], typedStatus: PersonStatus?) throws -> SubmissionResult {
        let user = try staff(username)
        guard user.has(.advisor) else {
            throw CaseServiceError(.forbidden, "Einen OPTIMA-Antrag stellt die Fallführung der zuweisenden Stelle (Rolle «"
                                   + Glossary.label(Role.advisor) + "»). \(user.displayName) hat diese Rolle nicht.")
        }
        let referrer = try office(user.officeId)
        let receiver = try office(receiverOffice)
        if case .failure(let error) = HandoverRules.check(referrer: referrer.office, receiver: receiver.office) {
            throw CaseServiceError(.ruleViolation, error.message, field: "receiverOffice")
        }
        let kind = ProcessKind(receiverType: receiver.type)
        let formKey = "antrag-" + TemplateData.processID(kind).lowercased()
        var data = formData
        data["referrerOffice"] = .string(referrer.id)
        data["referrerAdvisor"] = .string(user.username)
        data["receiverOffice"] = .string(receiver.id)
        let values = try validate(formKey, data)

        let topics = values["topics"]?.listValue?.compactMap(\.stringValue) ?? []
        var status = StatusMapping.personStatus(formValues: values, topics: topics)
        Self.supplement(&status, form: forms.form(formKey), formData: formData, typed: typedStatus)
        let months = values["durationMonths"]?.numberValue.map { NSDecimalNumber(decimal: $0).intValue }.flatMap(PlannedMonths.init(rawValue:)) ?? .six
        let derivation = TargetGroupRules.derive(referrer: referrer.type, receiver: receiver.type, status: status)
        let applied = today
        let assessment = Self.assess(kind, status: status, today: applied, referrer: referrer, receiver: receiver, settings: try settings())
        let person = Person(
            lastName: values["lastName"]?.stringValue ?? "", firstName: values["firstName"]?.stringValue ?? "",
            birthDate: values["birthDate"].flatMap(TemplateData.localDate),
            addressLines: [values["street"]?.stringValue ?? "", (values["postalCode"]?.stringValue ?? "") + " " + (values["city"]?.stringValue ?? "")],
            ahvNumber: values["ahvNumber"]?.stringValue ?? "", referrerPersonNumber: values["persNr"]?.stringValue,
            phone: values["phone"]?.stringValue)

        let ((caseID, instanceID), result) = try perform(username, "submit-application", caseOf: { $0.0 }) { cmd, db -> (String, Int64) in
            let caseID = try Self.nextCaseID(db, year: applied.year)
            let optimaCase = OptimaCase(
                id: caseID, referrerOfficeId: referrer.id, referrerAdvisor: user.username, referrerType: referrer.type,
                receiverOfficeId: receiver.id, receiverType: receiver.type, person: person, personStatus: status, state: .submitted,
                goal: values["goal"]?.stringValue ?? "", topics: Set(topics.compactMap(CaseTopic.init(rawValue:))), plannedMonths: months,
                targetGroup: derivation.group, appliedAt: applied)
            let stored = StoredCase(
                optimaCase: optimaCase, payingOfficeId: referrer.id, street: values["street"]?.stringValue ?? "",
                postalCode: values["postalCode"]?.stringValue ?? "", city: values["city"]?.stringValue ?? "",
                birthDate: person.birthDate ?? applied, remarks: values["remarks"]?.stringValue,
                targetGroupExplanation: derivation.explanation,
                eligibility: StoredEligibility(process: kind, trafficLight: assessment.trafficLight, conditions: assessment.conditions),
                applicationValues: values, optimaInstanceID: nil, reducedInstanceID: nil, createdAt: cmd.now, createdBy: user.username)
            try db.insertCase(stored)
            var variables = values
            variables["caseId"] = .string(caseID)
            variables["referrerOffice"] = .string(referrer.id)
            variables["referrerType"] = .string(referrer.type.rawValue)
            variables["referrerAdvisor"] = .string(user.username)
            variables["receiverOffice"] = .string(receiver.id)
            variables["receiverType"] = .string(receiver.type.rawValue)
            variables["payingOffice"] = .string(referrer.id)
            variables["plannedMonths"] = .number(Decimal(months.rawValue))
            if let group = derivation.group { variables["targetGroup"] = .string(group.rawValue) }
            let instanceID = try cmd.startInstance(processID: kind.rawValue, variables: variables, businessKey: caseID)
            try db.linkOptimaInstance(caseID: caseID, instanceID: instanceID)
            return (caseID, instanceID)
        }
        return SubmissionResult(
            caseID: caseID, optimaInstanceID: instanceID, process: kind, targetGroup: derivation, eligibility: assessment,
            openTasks: result.openTasks, documents: try read { try generator.list($0, caseID: caseID) })
    }

    /// `OPT-2026-0001`, numbered per year of application.
    static func nextCaseID(_ db: any ApplicationRecords, year: Int) throws -> String {
        let prefix = "OPT-\(year)-"
        let last = try db.lastCaseID(prefix: prefix)
        let number = (last.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0) + 1
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Validates `data` against a form; throws with every error at once.
    func validate(_ formKey: String, _ data: [String: Value]) throws -> [String: Value] {
        guard let form = forms.form(formKey) else {
            throw CaseServiceError(.processFailed, "Das Formular «\(formKey)» fehlt im Ordner forms/. Die Koordinationsstelle ergänzt es.")
        }
        let references = try formReferences()
        let result = form.validate(data, references: references)
        guard result.isValid else { throw Self.formError(form, result.errors.map(CaseServiceError.FieldError.init)) }
        return result.values
    }

    static func formError(_ form: FormDefinition, _ errors: [CaseServiceError.FieldError]) -> CaseServiceError {
        CaseServiceError(
            .invalidForm,
            "Das Formular «\(form.title)» ist unvollständig oder fehlerhaft (\(errors.count) \(errors.count == 1 ? "Angabe" : "Angaben")). "
                + "Bitte korrigieren und erneut senden:",
            fieldErrors: errors)
    }

    func formReferences() throws -> FormReferences {
        let (offices, users) = try read { db in
            (Set(try db.offices().map(\.id)), Set(try db.usernames()))
        }
        return FormReferences(officeExists: { offices.contains($0) }, userExists: { users.contains($0) })
    }
}
