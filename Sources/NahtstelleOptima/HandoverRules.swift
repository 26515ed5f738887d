/// An allowed hand-over: who refers, who receives, which process and reduced procedure apply.
public struct Handover: Sendable, Hashable {
    public var referrerType: InstitutionType
    public var receiverType: InstitutionType
    public var processKind: ProcessKind { ProcessKind(receiverType: receiverType) }
    public var reducedProcedure: ReducedProcedure { ReducedProcedure(referrerType: referrerType) }
}

/// Which referrer → receiver combinations OPTIMA allows.
///
/// RAV→IV, RAV→SD, IV→RAV, IV→SD, SD→RAV, SD→IV, and SD→SD (a municipal service without
/// integral case management handing over to a regional SoBZ). Every hand-over to an SD/SoBZ
/// (OPTIMA-SH) needs a receiving office that offers integral case management. An office never
/// hands a case to itself.
public enum HandoverRules {
    /// The allowed (referrer, receiver) type pairs, before the integral-case-management rule.
    public static let allowedPairs: [(referrer: InstitutionType, receiver: InstitutionType)] = [
        (.rav, .iv), (.rav, .sd), (.iv, .rav), (.iv, .sd), (.sd, .rav), (.sd, .iv), (.sd, .sd),
    ]

    /// Checks a hand-over between two concrete offices.
    public static func check(referrer: Office, receiver: Office) -> Result<Handover, OptimaError> {
        if referrer.id == receiver.id {
            return .failure(
                OptimaError(
                    code: .sameOffice,
                    message: "Die Stelle «\(referrer.name)» kann einen Fall nicht an sich selbst übergeben. "
                        + "Bitte wählen Sie eine andere aufnehmende Stelle.",
                    field: "receiverOfficeId"))
        }
        return check(
            referrerType: referrer.type, receiverType: receiver.type,
            receiverOffersIntegralCaseManagement: receiver.offersIntegralCaseManagement, receiverName: receiver.name)
    }

    /// Checks a hand-over by office types alone.
    /// - Parameters:
    ///   - receiverOffersIntegralCaseManagement: the receiving office's flag; only consulted for SD receivers.
    ///   - receiverName: used in the error message when given.
    public static func check(
        referrerType: InstitutionType, receiverType: InstitutionType,
        receiverOffersIntegralCaseManagement: Bool, receiverName: String? = nil
    ) -> Result<Handover, OptimaError> {
        guard allowedPairs.contains(where: { $0.referrer == referrerType && $0.receiver == receiverType }) else {
            let from = Glossary.label(referrerType)
            return .failure(
                OptimaError(
                    code: .handoverNotAllowed,
                    message: "Eine Übergabe von \(from) an \(Glossary.label(receiverType)) ist in OPTIMA nicht "
                        + "vorgesehen. \(from) kann Fälle übergeben an: \(allowedReceiversText(for: referrerType)).",
                    field: "receiverOfficeId"))
        }
        if receiverType == .sd && !receiverOffersIntegralCaseManagement {
            let office = receiverName.map { "Die Stelle «\($0)»" } ?? "Die aufnehmende Stelle"
            return .failure(
                OptimaError(
                    code: .noIntegralCaseManagement,
                    message: "\(office) bietet keine integrale Fallführung an. OPTIMA-SH ist nur an einen "
                        + "Sozialdienst oder ein SoBZ mit Fallführung möglich. Bitte wählen Sie eine solche Stelle.",
                    field: "receiverOfficeId"))
        }
        return .success(Handover(referrerType: referrerType, receiverType: receiverType))
    }

    /// Whether `check` succeeds.
    public static func isAllowed(referrer: Office, receiver: Office) -> Bool {
        if case .success = check(referrer: referrer, receiver: receiver) { return true }
        return false
    }

    private static func allowedReceiversText(for referrer: InstitutionType) -> String {
        let receivers = allowedPairs.filter { $0.referrer == referrer }.map { $0.receiver }
        return receivers.map { receiver in
            receiver == .sd ? Glossary.label(receiver) + " (mit integraler Fallführung)" : Glossary.label(receiver)
        }.joined(separator: ", ")
    }
}
