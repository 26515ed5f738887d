import Foundation
import NahtstelleFEEL
import NahtstelleOptima

/// Assembles the data a template needs (`templates/fields.json`) from the case, the offices, the
/// people and the instance variables of the step that generates it.
///
/// Who writes to whom (letterhead = the issuing office's name and address):
/// - Antragsformular: referrer (office, advisor) → receiver office, OPTIMA-Kontaktperson.
/// - Entscheid Annahme / Ablehnung: receiver (the deciding contact) → referrer advisor.
/// - Einladung: to the client; from the referrer for the Übergabegespräch, from the receiver's
///   advisor for a Standortgespräch.
/// - Gesprächsnotizen: the receiver's advisor (author = who completed the meeting).
/// - Kostengutsprache: receiver (advisor) → paying office, to be signed there.
/// - Vereinbarung ALV: the RAV (referrer advisor) → the client.
struct TemplateData {
    let stored: StoredCase
    let referrerOffice: OfficeEntry
    let receiverOffice: OfficeEntry
    let payingOffice: OfficeEntry
    let referrerAdvisor: StaffMember?
    let receiverAdvisor: StaffMember?
    let receiverContact: StaffMember?
    let payingSignatory: StaffMember?
    let actor: StaffMember?
    let variables: [String: Value]
    let costApproval: CostApprovalEntry?
    let today: LocalDate

    static func load(_ db: any ApplicationRecords, caseID: String, variables: [String: Value], actor: String, costApprovalID: Int64?,
                     today: LocalDate) throws -> TemplateData {
        guard let stored = try db.loadCase(id: caseID) else {
            throw CaseServiceError(.notFound, "Der Fall \(caseID) existiert nicht; das Dokument kann nicht erstellt werden.")
        }
        let c = stored.optimaCase
        func office(_ id: String) throws -> OfficeEntry {
            guard let o = try db.office(id) else {
                throw CaseServiceError(.notFound, "Die Stelle «\(id)» ist nicht erfasst. Die Koordinationsstelle muss sie zuerst anlegen.")
            }
            return o
        }
        let approval = try costApprovalID.flatMap { try db.costApproval(id: $0) }
        let payingID = approval?.payingOfficeId ?? variables["payingOffice"]?.stringValue ?? stored.payingOfficeId
        let receiverStaff = try db.staff(office: c.receiverOfficeId)
        let payingStaff = try db.staff(office: payingID)
        return TemplateData(
            stored: stored, referrerOffice: try office(c.referrerOfficeId), receiverOffice: try office(c.receiverOfficeId),
            payingOffice: try office(payingID), referrerAdvisor: try db.staff(c.referrerAdvisor),
            receiverAdvisor: try (c.receiverAdvisor ?? variables["advisor"]?.stringValue).flatMap { try db.staff($0) },
            receiverContact: receiverStaff.first { $0.has(.optimaContact) },
            payingSignatory: payingStaff.first { $0.has(.signatory) }, actor: try db.staff(actor), variables: variables,
            costApproval: approval, today: today)
    }

    // MARK: Building blocks

    static func office(_ o: OfficeEntry) -> Value {
        var m: [String: Value] = [
            "name": .string(o.name), "kind": .string(o.type.rawValue), "street": .string(o.street),
            "postalCode": .string(o.postalCode), "city": .string(o.city),
        ]
        if let d = o.department { m["department"] = .string(d) }
        if let p = o.phone { m["phone"] = .string(p) }
        if let e = o.email { m["email"] = .string(e) }
        return .context(m)
    }

    static func user(_ u: StaffMember?) -> Value? {
        guard let u else { return nil }
        var m: [String: Value] = ["firstName": .string(u.firstName), "lastName": .string(u.lastName)]
        if let f = u.function { m["function"] = .string(f) }
        if let p = u.phone { m["phone"] = .string(p) }
        if let e = u.email { m["email"] = .string(e) }
        return .context(m)
    }

    static func recipient(office o: OfficeEntry, attention: String?) -> Value {
        var m: [String: Value] = ["line1": .string(o.name), "street": .string(o.street), "postalCode": .string(o.postalCode), "city": .string(o.city)]
        if let attention { m["line2"] = .string(attention) }
        return .context(m)
    }

    var personName: String { stored.optimaCase.person.firstName + " " + stored.optimaCase.person.lastName }

    var personRecipient: Value {
        .context(["line1": .string(personName), "street": .string(stored.street), "postalCode": .string(stored.postalCode),
                  "city": .string(stored.city)])
    }

    /// Letters to the client: gender-neutral, as the application records no form of address.
    var personSalutation: String { "Guten Tag " + personName }

    static func salutation(for u: StaffMember?) -> String {
        u.map { "Guten Tag " + $0.displayName } ?? "Sehr geehrte Damen und Herren"
    }

    static func processID(_ kind: ProcessKind) -> String {
        switch kind {
        case .optimaALV: "ALV"
        case .optimaIV: "IV"
        case .optimaSH: "SH"
        }
    }

    /// The planned end of the mandate: hand-over + 3 or 6 months (§7).
    var plannedEnd: LocalDate? {
        let c = stored.optimaCase
        return c.handoverAt.map { Deadlines().plannedMandateEnd(handoverMeetingAt: $0, months: c.plannedMonths) }
    }

    var base: [String: Value] {
        let c = stored.optimaCase
        var person: [String: Value] = [
            "firstName": .string(c.person.firstName), "lastName": .string(c.person.lastName), "birthDate": .date(stored.birthDate),
            "ahvNumber": .string(c.person.ahvNumber),
            "address": .context(["street": .string(stored.street), "postalCode": .string(stored.postalCode), "city": .string(stored.city)]),
        ]
        if let p = c.person.referrerPersonNumber { person["persNr"] = .string(p) }
        if let p = c.person.phone { person["phone"] = .string(p) }
        var caseData: [String: Value] = [
            "process": .string(Self.processID(c.processKind)), "durationMonths": .number(Decimal(c.plannedMonths.rawValue)),
            "goal": .string(c.goal),
        ]
        if let g = c.targetGroup { caseData["targetGroup"] = .string(g.rawValue) }
        if let end = plannedEnd { caseData["plannedEnd"] = .date(end) }
        if let applied = c.appliedAt { caseData["submittedAt"] = .date(applied) }
        if let r = stored.remarks { caseData["remarks"] = .string(r) }
        // The described social difficulties (form 1-SH), printed as written.
        if let text = stored.applicationValues["socialDifficulties"]?.stringValue, !text.isEmpty {
            caseData["socialDifficulties"] = .string(text)
        }
        let topics = stored.applicationValues["topics"]?.listValue
            ?? c.topics.map { Value.string($0 == .labourMarket ? "other" : $0.rawValue) }
        if !topics.isEmpty { caseData["topics"] = .list(topics) }
        var receiver: [String: Value] = ["office": Self.office(receiverOffice)]
        if let a = Self.user(receiverAdvisor) { receiver["advisor"] = a }
        if let k = Self.user(receiverContact) { receiver["contact"] = k }
        var referrer: [String: Value] = ["office": Self.office(referrerOffice)]
        if let a = Self.user(referrerAdvisor) { referrer["advisor"] = a }
        var paying: [String: Value] = ["office": Self.office(payingOffice)]
        if let s = Self.user(payingSignatory) { paying["contact"] = s }
        return [
            "document": .context(["date": .date(today), "place": .string(receiverOffice.city), "reference": .string(c.id)]),
            "person": .context(person),
            "referrer": .context(referrer),
            "receiver": .context(receiver),
            "case": .context(caseData),
            "status": StatusMapping.templateStatus(c.personStatus),
            "consent": .context([
                "handover": .bool(c.personStatus.consentHandover ?? false),
                "dataExchange": .bool(c.personStatus.consentDataExchange ?? false),
            ]),
            "payingOffice": .context(paying),
            // Defaults; each letter below sets its own sender and recipient.
            "sender": .context(["office": Self.office(receiverOffice)].merging(Self.user(receiverAdvisor).map { ["advisor": $0] } ?? [:]) { a, _ in a }),
            "recipient": Self.recipient(office: referrerOffice, attention: referrerAdvisor?.displayName),
            "salutation": .string(Self.salutation(for: referrerAdvisor)),
        ]
    }

    func sender(_ office: OfficeEntry, _ advisor: StaffMember?) -> Value {
        var m: [String: Value] = ["office": Self.office(office)]
        if let a = Self.user(advisor) { m["advisor"] = a }
        return .context(m)
    }

    // MARK: Per template

    /// The data for `template` at step `elementID`.
    func data(template: String, elementID: String?) -> Value {
        var d = base
        let v = variables
        func documentPlace(_ office: OfficeEntry) {
            if case .context(var doc)? = d["document"] { doc["place"] = .string(office.city); d["document"] = .context(doc) }
        }
        switch template {
        case let t where t.hasPrefix("antragsformular"):
            d["sender"] = sender(referrerOffice, referrerAdvisor)
            d["recipient"] = Self.recipient(office: receiverOffice, attention: receiverContact?.displayName ?? "OPTIMA-Kontaktperson")
            d["salutation"] = .string(Self.salutation(for: receiverContact))
            documentPlace(referrerOffice)
        case "entscheid-annahme", "entscheid-ablehnung":
            d["sender"] = sender(receiverOffice, actor ?? receiverContact)
            var decision: [String: Value] = [
                "result": .string(template == "entscheid-annahme" ? "accepted" : "rejected"),
                "decidedAt": .date(stored.optimaCase.decidedAt ?? today),
            ]
            if template == "entscheid-ablehnung" {
                decision["reason"] = .string((v["rejectionReason"]?.stringValue) ?? stored.optimaCase.rejectionReason?.rawValue ?? "other")
                if let text = v["rejectionText"]?.stringValue ?? stored.optimaCase.rejectionText { decision["text"] = .string(text) }
            }
            d["decision"] = .context(decision)
        case "einladung-gespraech":
            let isHandover = elementID == "plan-handover" || v["meetingKind"]?.stringValue == "handover"
            let office = isHandover ? referrerOffice : receiverOffice
            d["sender"] = sender(office, isHandover ? referrerAdvisor : (receiverAdvisor ?? actor))
            d["recipient"] = personRecipient
            d["salutation"] = .string(v["salutation"]?.stringValue ?? personSalutation)
            documentPlace(office)
            var meeting: [String: Value] = [
                "kind": .string(isHandover ? "handover" : "status"),
                "participants": .list(participants(text: nil)),
            ]
            if let at = v["meetingAt"] ?? v["nextMeetingAt"] { meeting["at"] = at }
            if let place = v["place"] { meeting["place"] = place }
            if let address = v["placeAddress"] { meeting["placeAddress"] = address }
            if let duration = v["duration"] { meeting["duration"] = duration }
            d["meeting"] = .context(meeting)
        case "einladung-zuweisende-stelle":
            // The OPTIMA-Stelle invites the referring office to the joint status meeting (concept Kap. 3.1).
            d["sender"] = sender(receiverOffice, receiverAdvisor ?? actor)
            d["recipient"] = Self.recipient(office: referrerOffice, attention: referrerAdvisor?.displayName)
            d["salutation"] = .string(Self.salutation(for: referrerAdvisor))
            documentPlace(receiverOffice)
            var meeting: [String: Value] = ["kind": .string("status"), "participants": .list(participants(text: nil))]
            if let at = v["meetingAt"] ?? v["nextMeetingAt"] { meeting["at"] = at }
            if let place = v["place"] { meeting["place"] = place }
            if let address = v["placeAddress"] { meeting["placeAddress"] = address }
            if let duration = v["duration"] { meeting["duration"] = duration }
            d["meeting"] = .context(meeting)
        case "gespraechsnotiz-uebergabe", "gespraechsnotiz-standort", "gespraechsnotiz-abschluss":
            d["sender"] = sender(receiverOffice, receiverAdvisor ?? actor)
            let kind = template == "gespraechsnotiz-uebergabe" ? "handover" : (template == "gespraechsnotiz-abschluss" ? "closing" : "status")
            var meeting: [String: Value] = [
                "kind": .string(kind),
                "participants": .list(participants(text: v["participants"]?.stringValue)),
                "allAgree": .bool(v["allAgree"]?.boolValue ?? false),
                "measures": v["measures"] ?? .list([]),
            ]
            if let a = Self.user(actor ?? receiverAdvisor) { meeting["author"] = a }
            for key in ["place", "caseWorkStart", "strategy", "topics", "canAndWillWork", "nextMeetingAt", "note", "decision"] {
                if let value = v[key] { meeting[key] = value }
            }
            if let at = v["meetingAt"] { meeting["at"] = at }
            meeting["situation"] = v[kind == "handover" ? "situation" : "status"] ?? v["situation"]
            if kind == "handover" { meeting["costApprovalRequested"] = .bool(v["costApprovalRequested"]?.boolValue ?? false) }
            if kind == "closing" || v["decision"]?.stringValue == "close" {
                if let reason = v["closingReason"] { meeting["closingReason"] = reason }
                if let outcome = v["outcome"] { meeting["outcome"] = outcome }
                if let documents = v["documents"] { meeting["documents"] = documents }
            }
            d["meeting"] = .context(meeting)
        case "kostengutsprache":
            d["sender"] = sender(receiverOffice, receiverAdvisor ?? actor)
            d["recipient"] = Self.recipient(office: payingOffice, attention: payingSignatory?.displayName)
            d["salutation"] = .string(Self.salutation(for: payingSignatory))
            if let a = costApproval {
                var m: [String: Value] = [
                    "measure": .string(a.measure), "from": .date(a.periodFrom), "to": .date(a.periodTo), "provider": .string(a.provider),
                    "positions": .list(a.positions), "total": .number(a.amount),
                    "returnDays": .number(Decimal(Deadlines.costApprovalSignatureCalendarDays)),
                ]
                if let address = a.providerAddress { m["providerAddress"] = .string(address) }
                if let by = a.decidedBy { m["decidedBy"] = .string(by) }
                if let at = a.decidedAt { m["decidedAt"] = .date(at) }
                d["costApproval"] = .context(m)
            }
        case "vereinbarung-alv":
            d["sender"] = sender(referrerOffice, referrerAdvisor)
            d["recipient"] = personRecipient
            d["salutation"] = .string(personSalutation)
            documentPlace(referrerOffice)
            // Generated for the hand-over meeting (before it): the period starts on the meeting's date.
            let from = v["from"].flatMap(Self.localDate) ?? stored.optimaCase.handoverAt ?? v["meetingAt"].flatMap(Self.localDate) ?? today
            var agreement: [String: Value] = [
                "from": .date(from),
                "to": .date(v["to"].flatMap(Self.localDate) ?? from.adding(months: stored.optimaCase.plannedMonths.rawValue)),
                "socialOffice": v["socialOffice"] ?? .string(receiverOffice.name),
            ]
            if let fund = v["unemploymentFund"]?.stringValue ?? referrerOffice.unemploymentFund { agreement["unemploymentFund"] = .string(fund) }
            d["agreement"] = .context(agreement)
        default:
            break
        }
        return .context(d)
    }

    /// "07.04.2026 09:00" (Zurich time) for a date-time, "07.04.2026" for a date.
    static func localDateTimeText(_ v: Value) -> String? {
        switch v {
        case .dateTime(let t): return dateTimeText(t)
        case .date(let d): return d.swissFormatted
        case .string(let s): return ISODateTime.parse(s).map(dateTimeText) ?? LocalDate(iso: s)?.swissFormatted
        default: return nil
        }
    }

    static func dateTimeText(_ t: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ISODateTime.officeTimeZone
        let c = calendar.dateComponents([.hour, .minute], from: t)
        let two = { (n: Int?) in n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return ISODateTime.localDate(of: t).swissFormatted + " " + two(c.hour) + ":" + two(c.minute)
    }

    static func localDate(_ v: Value) -> LocalDate? {
        switch v {
        case .date(let d): d
        case .dateTime(let t): ISODateTime.localDate(of: t)
        case .string(let s): LocalDate(iso: s)
        default: nil
        }
    }

    /// The participants of a meeting: the client, the referrer's and the receiver's advisors,
    /// and every further person the note names (one per line) who is not one of them.
    func participants(text: String?) -> [Value] {
        var list: [Value] = [.context(["name": .string(personName), "role": .string("Klient:in")])]
        var names = [personName.lowercased(), stored.optimaCase.person.lastName.lowercased()]
        if let a = referrerAdvisor {
            list.append(.context(["name": .string(a.displayName), "role": .string("zuweisende Stelle"), "office": .string(referrerOffice.name)]))
            names.append(a.lastName.lowercased())
        }
        if let a = receiverAdvisor {
            list.append(.context(["name": .string(a.displayName), "role": .string("Fallführung OPTIMA-Stelle"), "office": .string(receiverOffice.name)]))
            names.append(a.lastName.lowercased())
        }
        for line in (text ?? "").split(whereSeparator: \.isNewline) {
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty, !names.contains(where: { entry.lowercased().contains($0) }) else { continue }
            list.append(.context(["name": .string(entry), "role": .string("weitere Teilnehmende")]))
        }
        return list
    }
}
