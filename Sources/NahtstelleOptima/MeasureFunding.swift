/// Who pays a measure of the OPTIMA-Stelle, derived from the person's entitlements (concept §5.2:
/// "Jede Massnahme wird von derjenigen Institution finanziert, bei welcher die betreffende Person
/// zum Leistungsbezug berechtigt ist").
public enum MeasureFunding: Sendable, Hashable {
    /// The person is entitled at the receiving office itself: it decides and pays the measure in its
    /// own procedure; no Kostengutsprache.
    case receiverOwnEntitlement(reason: String)
    /// A Kostengutsprache of an office of this type is needed before the measure is booked.
    case costApproval(payer: InstitutionType, reason: String)

    public var needsCostApproval: Bool {
        if case .costApproval = self { return true }
        return false
    }

    /// German: why.
    public var reason: String {
        switch self {
        case .receiverOwnEntitlement(let reason), .costApproval(_, let reason): reason
        }
    }
}

/// The funding rule of §5.2 and the process chapters 3.2.1–3.2.3.
public enum MeasureFundingRules {
    /// Whether the person holds an entitlement at an office of `type`; `nil` when not recorded.
    /// RAV: draws ALE. IV: an IV procedure runs. SD/SoBZ: receives wirtschaftliche Sozialhilfe (the
    /// budget measures are paid from).
    public static func entitled(at type: InstitutionType, _ status: PersonStatus) -> Bool? {
        switch type {
        case .rav: status.receivesALE
        case .iv: status.ivProcedure.map { $0 == .running }
        case .sd: status.receivesFinancialSocialAssistance
        }
    }

    /// The funding of a measure in a hand-over from `referrer` to `receiver`.
    ///
    /// - Own entitlement at the receiver: no KGS.
    /// - Otherwise the office where the person is entitled pays; the IV only without a parallel
    ///   ALV entitlement (then the unemployment insurance pays first).
    /// - Entitled nowhere (or not recorded): the referrer, the Auftraggeberin, pays (evaluation:
    ///   "Massnahmen, welche finanzielle Auswirkungen haben, [müssen] von der auftraggebenden
    ///   Institution übernommen werden"). Never pre-financed: unknown means a KGS is needed.
    public static func funding(referrer: InstitutionType, receiver: InstitutionType, status: PersonStatus) -> MeasureFunding {
        // SD → SD: the recorded social assistance is the referring service's (the municipality's).
        if entitled(at: receiver, status) == true && !(referrer == .sd && receiver == .sd) {
            return .receiverOwnEntitlement(
                reason: "Die Person hat bei \(Glossary.label(receiver)) einen eigenen Leistungsanspruch: die OPTIMA-Stelle verfügt "
                    + "und bezahlt die Massnahme im eigenen Verfahren, ohne Kostengutsprache.")
        }
        if referrer == .iv && status.receivesALE == true && receiver != .rav {
            return .costApproval(
                payer: .rav,
                reason: "Die Person bezieht ALE: die IV-Stelle erteilt keine Kostengutsprache, solange ein paralleler Anspruch "
                    + "bei der Arbeitslosenversicherung besteht; zahlende Stelle ist das RAV.")
        }
        if entitled(at: referrer, status) == true {
            return .costApproval(
                payer: referrer,
                reason: "Die Person ist bei der zuweisenden Stelle (\(Glossary.label(referrer))) zum Leistungsbezug berechtigt; "
                    + "diese erteilt die Kostengutsprache.")
        }
        return .costApproval(
            payer: referrer,
            reason: "Kein eigener Anspruch bei der OPTIMA-Stelle erfasst: die zuweisende Stelle (\(Glossary.label(referrer))) "
                + "als Auftraggeberin erteilt die Kostengutsprache.")
    }
}
