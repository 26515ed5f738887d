import Foundation
import NahtstelleFEEL
import NahtstelleOptima

/// The one mapping between the Antragsformular's status fields (`forms/antrag.json`, also the
/// `status.*` names of the templates) and the domain's `PersonStatus`.
package enum StatusMapping {
    enum Kind { case bool, date, percent, ivProcedure }

    /// (domain field, form field id, kind) for every fact the form records directly.
    static let table: [(field: PersonStatus.Field, form: String, kind: Kind)] = [
        (.inSocialCounselling, "socialCounselling", .bool),
        (.receivesFinancialSocialAssistance, "socialAssistance", .bool),
        (.registeredAtRAV, "ravRegistered", .bool),
        (.registeredAtRAVWithinLast6Months, "ravRegisteredLast6Months", .bool),
        (.reRegistrationAgreed, "reRegistrationAgreed", .bool),
        (.receivesALE, "receivesAle", .bool),
        (.ivProcedure, "ivProcedure", .ivProcedure),
        (.ivClarificationRunning, "ivClarificationRunning", .bool),
        (.ivMeasuresRunning, "ivMeasuresRunning", .bool),
        (.ivPensionQuestionSettled, "ivPensionSettled", .bool),
        (.ivLegalProceedings, "ivLegalProceedings", .bool),
        (.lastIVRejectionDate, "ivLastRejection", .date),
        (.ivRelevantHealthDamageSuspected, "ivHealthDamageSuspected", .bool),
        (.workCapacityLossPercent, "workLossPercent", .percent),
        (.canAndWantsToWork, "canAndWillWork", .bool),
        (.highSupportNeed, "highSupportNeed", .bool),
        (.needsCoachingAtJobStart, "coachingAtJobStart", .bool),
        (.intactLabourOffer, "intactLabourOffer", .bool),
        (.entitledToPersonalSocialHelpAtReceiver, "personalHelpEntitled", .bool),
        (.consentHandover, "consentHandover", .bool),
        (.consentDataExchange, "consentDataExchange", .bool),
    ]

    /// Topics of the application that are social difficulties in the sense of OPTIMA-SH (§5).
    static let difficultyByTopic: [String: SocialDifficulty] = [
        "debts": .debts, "addiction": .addiction, "childcare": .childcare, "conflicts": .familyConflicts,
        "burdening-events": .burdeningEvents,
    ]

    /// The domain status from validated Antragsformular values.
    static func personStatus(formValues v: [String: Value], topics: [String]) -> PersonStatus {
        var s = PersonStatus()
        for entry in table { set(&s, entry.field, v[entry.form]) }
        if s.lastIVRejectionDate != nil { s.hadIVRejection = true }
        // Social difficulties come from the topics; without any difficulty topic the free text of
        // the SH form (if any) is for the receiver to read: the fact stays unknown, not "none".
        let difficulties = Set(topics.compactMap { difficultyByTopic[$0] })
        if !difficulties.isEmpty {
            s.socialDifficulties = difficulties
        } else if v["socialDifficulties"] == nil, v["topics"] != nil {
            s.socialDifficulties = []
        }
        return s
    }

    /// Form values for a typed status (the typed `submitApplication`).
    static func formValues(_ s: PersonStatus) -> [String: Value] {
        var out: [String: Value] = [:]
        for entry in table {
            if let value = get(s, entry.field) { out[entry.form] = value }
        }
        return out
    }

    /// The status as stored: a JSON object keyed by `PersonStatus.Field` names.
    package static func json(_ s: PersonStatus) -> String {
        var members: [String: Value] = [:]
        for field in PersonStatus.Field.allCases {
            if let value = get(s, field) { members[field.rawValue] = value }
        }
        return Value.context(members).jsonString()
    }

    package static func personStatus(json: String) -> PersonStatus {
        guard case .context(let members)? = try? Value.parseJSON(json) else { return PersonStatus() }
        var s = PersonStatus()
        for field in PersonStatus.Field.allCases { set(&s, field, members[field.rawValue]) }
        return s
    }

    /// The `status` object of the templates (form field names).
    static func templateStatus(_ s: PersonStatus) -> Value {
        var out: [String: Value] = [:]
        for entry in table where entry.form != "consentHandover" && entry.form != "consentDataExchange" {
            guard let value = get(s, entry.field) else { continue }
            out[entry.form] = value
        }
        return .context(out)
    }

    // MARK: - Field access

    static func get(_ s: PersonStatus, _ field: PersonStatus.Field) -> Value? {
        func b(_ x: Bool?) -> Value? { x.map(Value.bool) }
        switch field {
        case .inSocialCounselling: return b(s.inSocialCounselling)
        case .receivesFinancialSocialAssistance: return b(s.receivesFinancialSocialAssistance)
        case .registeredAtRAV: return b(s.registeredAtRAV)
        case .registeredAtRAVWithinLast6Months: return b(s.registeredAtRAVWithinLast6Months)
        case .reRegistrationAgreed: return b(s.reRegistrationAgreed)
        case .receivesALE: return b(s.receivesALE)
        case .ivProcedure: return s.ivProcedure.map { .string($0.rawValue) }
        case .ivClarificationRunning: return b(s.ivClarificationRunning)
        case .ivMeasuresRunning: return b(s.ivMeasuresRunning)
        case .ivPensionQuestionSettled: return b(s.ivPensionQuestionSettled)
        case .ivLegalProceedings: return b(s.ivLegalProceedings)
        case .hadIVRejection: return b(s.hadIVRejection)
        case .lastIVRejectionDate: return s.lastIVRejectionDate.map(Value.date)
        case .ivRelevantHealthDamageSuspected: return b(s.ivRelevantHealthDamageSuspected)
        case .workCapacityLossPercent: return s.workCapacityLossPercent.map { .number(Decimal($0)) }
        case .canAndWantsToWork: return b(s.canAndWantsToWork)
        case .highSupportNeed: return b(s.highSupportNeed)
        case .healthRelatedHardAccess: return b(s.healthRelatedHardAccess)
        case .needsCoachingAtJobStart: return b(s.needsCoachingAtJobStart)
        case .intactLabourOffer: return b(s.intactLabourOffer)
        case .socialDifficulties:
            return s.socialDifficulties.map { set in .list(set.map(\.rawValue).sorted().map(Value.string)) }
        case .entitledToPersonalSocialHelpAtReceiver: return b(s.entitledToPersonalSocialHelpAtReceiver)
        case .consentHandover: return b(s.consentHandover)
        case .consentDataExchange: return b(s.consentDataExchange)
        }
    }

    static func set(_ s: inout PersonStatus, _ field: PersonStatus.Field, _ value: Value?) {
        let bool = value?.boolValue
        switch field {
        case .inSocialCounselling: s.inSocialCounselling = bool
        case .receivesFinancialSocialAssistance: s.receivesFinancialSocialAssistance = bool
        case .registeredAtRAV: s.registeredAtRAV = bool
        case .registeredAtRAVWithinLast6Months: s.registeredAtRAVWithinLast6Months = bool
        case .reRegistrationAgreed: s.reRegistrationAgreed = bool
        case .receivesALE: s.receivesALE = bool
        case .ivProcedure: s.ivProcedure = value?.stringValue.flatMap(IVProcedure.init(rawValue:))
        case .ivClarificationRunning: s.ivClarificationRunning = bool
        case .ivMeasuresRunning: s.ivMeasuresRunning = bool
        case .ivPensionQuestionSettled: s.ivPensionQuestionSettled = bool
        case .ivLegalProceedings: s.ivLegalProceedings = bool
        case .hadIVRejection: s.hadIVRejection = bool
        case .lastIVRejectionDate:
            if case .date(let d)? = value { s.lastIVRejectionDate = d } else { s.lastIVRejectionDate = value?.stringValue.flatMap { LocalDate(iso: $0) } }
        case .ivRelevantHealthDamageSuspected: s.ivRelevantHealthDamageSuspected = bool
        case .workCapacityLossPercent:
            s.workCapacityLossPercent = value?.numberValue.map { NSDecimalNumber(decimal: $0).intValue }
        case .canAndWantsToWork: s.canAndWantsToWork = bool
        case .highSupportNeed: s.highSupportNeed = bool
        case .healthRelatedHardAccess: s.healthRelatedHardAccess = bool
        case .needsCoachingAtJobStart: s.needsCoachingAtJobStart = bool
        case .intactLabourOffer: s.intactLabourOffer = bool
        case .socialDifficulties:
            s.socialDifficulties = value?.listValue.map { Set($0.compactMap { $0.stringValue.flatMap(SocialDifficulty.init(rawValue:)) }) }
        case .entitledToPersonalSocialHelpAtReceiver: s.entitledToPersonalSocialHelpAtReceiver = bool
        case .consentHandover: s.consentHandover = bool
        case .consentDataExchange: s.consentDataExchange = bool
        }
    }
}

/// The eligibility pre-check as stored with the case (JSON) and shown in the case view.
package enum EligibilityJSON {
    package static func encode(_ a: EligibilityAssessment) -> String {
        encode(process: a.process, trafficLight: a.trafficLight, conditions: a.conditions)
    }

    package static func encode(process: ProcessKind, trafficLight: TrafficLight, conditions: [ConditionResult]) -> String {
        Value.context([
            "process": .string(process.rawValue),
            "trafficLight": .string(trafficLight.rawValue),
            "conditions": .list(conditions.map { c in
                var m: [String: Value] = [
                    "id": .string(c.id.rawValue), "outcome": .string(c.outcome.rawValue), "kind": .string(c.kind.rawValue),
                    "wording": .string(c.wording),
                ]
                if let e = c.explanation { m["explanation"] = .string(e) }
                if !c.decidingFacts.isEmpty { m["decidingFacts"] = .list(c.decidingFacts.map { .string($0.rawValue) }) }
                return .context(m)
            }),
        ]).jsonString()
    }

    package static func decode(_ json: String) -> StoredEligibility? {
        guard case .context(let root)? = try? Value.parseJSON(json),
            let process = root["process"]?.stringValue.flatMap(ProcessKind.init(rawValue:)),
            let light = root["trafficLight"]?.stringValue.flatMap(TrafficLight.init(rawValue:)),
            let list = root["conditions"]?.listValue
        else { return nil }
        let conditions = list.compactMap { item -> ConditionResult? in
            guard case .context(let m) = item, let id = m["id"]?.stringValue.flatMap(ConditionID.init(rawValue:)),
                let outcome = m["outcome"]?.stringValue.flatMap(ConditionOutcome.init(rawValue:))
            else { return nil }
            return ConditionResult(
                id: id, outcome: outcome, kind: m["kind"]?.stringValue.flatMap(ConditionKind.init(rawValue:)) ?? .requirement,
                decidingFacts: (m["decidingFacts"]?.listValue ?? []).compactMap { $0.stringValue.flatMap(PersonStatus.Field.init(rawValue:)) },
                explanation: m["explanation"]?.stringValue)
        }
        return StoredEligibility(process: process, trafficLight: light, conditions: conditions)
    }
}

/// The pre-check recorded at submission: advisory, never blocking (the receiver decides).
public struct StoredEligibility: Sendable, Hashable {
    public var process: ProcessKind
    public var trafficLight: TrafficLight
    public var conditions: [ConditionResult]
}
