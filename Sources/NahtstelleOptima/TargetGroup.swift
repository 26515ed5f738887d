/// The target groups of §6 (Zielgruppen A–I) plus the hand-over between two social services.
public enum TargetGroup: String, Sendable, Hashable, Codable, CaseIterable {
    case a = "A"
    case b = "B"
    case c = "C"
    case d = "D"
    case e = "E"
    case f = "F"
    case g = "G"
    case h = "H"
    case i = "I"
    /// SD → SD (municipal service without integral case management → regional SoBZ).
    case sdToSD = "SD-SD"
}

/// The result of deriving a target group: the group, or `nil` with the reason. Either way the
/// case proceeds; the explanation is shown to the advisor.
public struct TargetGroupDerivation: Sendable, Hashable {
    public var group: TargetGroup?
    /// German: why this group, or why none could be determined.
    public var explanation: String
    /// The facts whose absence kept the derivation from a result (empty when a group was found).
    public var missingFacts: [PersonStatus.Field]
}

/// Derives the target group from referrer type, receiver type and status (table of §6).
///
/// "SH" in the table means social assistance in the broad sense (in Sozialberatung or receiving
/// wirtschaftliche SH, `PersonStatus.receivesSocialAssistance`); "high support need" means a high
/// support need for placement or a health-related hard access to the labour market.
public enum TargetGroupRules {
    public static func derive(
        referrer: InstitutionType, receiver: InstitutionType, status: PersonStatus
    ) -> TargetGroupDerivation {
        if referrer == .sd && receiver == .sd {
            return TargetGroupDerivation(
                group: .sdToSD, explanation: Glossary.targetGroupDescription(.sdToSD), missingFacts: [])
        }
        let candidates = criteria.filter { $0.referrer == referrer && $0.receiver == receiver }
        guard !candidates.isEmpty else {
            return TargetGroupDerivation(
                group: nil,
                explanation: "Für eine Übergabe von \(Glossary.label(referrer)) an \(Glossary.label(receiver)) "
                    + "sieht die Zielgruppentabelle keine Zielgruppe vor.",
                missingFacts: [])
        }
        // Three-valued: a row matches when every test is true; a row with a false test is out;
        // a row with only true and unknown tests is still possible and names what is missing.
        var missing: [PersonStatus.Field] = []
        for candidate in candidates {
            let outcomes = candidate.tests.map { ($0, $0.evaluate(status)) }
            if outcomes.contains(where: { $0.1 == false }) { continue }
            let unknown = outcomes.filter { $0.1 == nil }
            if unknown.isEmpty {
                return TargetGroupDerivation(
                    group: candidate.group, explanation: Glossary.targetGroupDescription(candidate.group),
                    missingFacts: [])
            }
            for (test, _) in unknown {
                for field in test.fields where !missing.contains(field) { missing.append(field) }
            }
        }
        let groups = candidates.map(\.group.rawValue).joined(separator: ", ")
        if !missing.isEmpty {
            return TargetGroupDerivation(
                group: nil,
                explanation: "Zielgruppe nicht bestimmbar (in Frage kommen \(groups)). Nicht erfasst: "
                    + missing.map(Glossary.label).joined(separator: ", ") + ". Der Antrag kann trotzdem gestellt werden.",
                missingFacts: missing)
        }
        return TargetGroupDerivation(
            group: nil,
            explanation: "Die Situation der Person entspricht keiner Zielgruppe der Tabelle (in Frage kämen \(groups)). "
                + "Der Antrag kann trotzdem gestellt werden.",
            missingFacts: [])
    }

    // MARK: - The table

    /// One criterion of a row: a three-valued test and the facts it reads.
    struct Test: Sendable {
        var fields: [PersonStatus.Field]
        var evaluate: @Sendable (PersonStatus) -> Bool?
    }

    struct Row: Sendable {
        var group: TargetGroup
        var referrer: InstitutionType
        var receiver: InstitutionType
        var tests: [Test]
    }

    static let ivProcedureRunningOrClosed = Test(fields: [.ivProcedure]) { s in
        s.ivProcedure.map { $0 == .running || $0 == .closed }
    }
    static let ivProcedureRunning = Test(fields: [.ivProcedure]) { s in s.ivProcedure.map { $0 == .running } }
    /// No *running* IV procedure: none, or a closed one (target groups E and F).
    static let noRunningIVProcedure = Test(fields: [.ivProcedure]) { s in s.ivProcedure.map { $0 != .running } }
    static let ale = Test(fields: [.receivesALE]) { $0.receivesALE }
    static let noALE = Test(fields: [.receivesALE]) { s in s.receivesALE.map { !$0 } }
    static let sh = Test(fields: [.inSocialCounselling, .receivesFinancialSocialAssistance]) { $0.receivesSocialAssistance }
    static let noSH = Test(fields: [.inSocialCounselling, .receivesFinancialSocialAssistance]) { s in
        s.receivesSocialAssistance.map { !$0 }
    }
    static let intactOffer = Test(fields: [.intactLabourOffer]) { $0.intactLabourOffer }
    static let noIntactOffer = Test(fields: [.intactLabourOffer]) { s in s.intactLabourOffer.map { !$0 } }
    static let highSupportNeed = Test(fields: [.highSupportNeed, .healthRelatedHardAccess]) { s in
        if s.highSupportNeed == true || s.healthRelatedHardAccess == true { return true }
        if s.highSupportNeed == false && s.healthRelatedHardAccess == false { return false }
        return nil
    }
    static let severeSocialProblems = Test(fields: [.socialDifficulties]) { s in s.socialDifficulties.map { !$0.isEmpty } }

    /// The rows of §6; a "↔" row appears once per direction.
    static let criteria: [Row] = [
        Row(group: .a, referrer: .iv, receiver: .rav, tests: [ivProcedureRunningOrClosed, noALE, intactOffer]),
        Row(group: .b, referrer: .iv, receiver: .rav, tests: [ivProcedureRunningOrClosed, ale]),
        // F before B: a closed IV procedure fits both rows; F (no *running* procedure) is the narrower one.
        Row(group: .f, referrer: .rav, receiver: .iv, tests: [ale, noRunningIVProcedure, intactOffer, highSupportNeed]),
        Row(group: .b, referrer: .rav, receiver: .iv, tests: [ivProcedureRunningOrClosed, ale]),
        Row(group: .c, referrer: .iv, receiver: .sd, tests: [ivProcedureRunning, noSH, noIntactOffer, severeSocialProblems]),
        Row(group: .d, referrer: .iv, receiver: .sd, tests: [ivProcedureRunning, sh]),
        Row(group: .d, referrer: .sd, receiver: .iv, tests: [ivProcedureRunning, sh]),
        Row(group: .e, referrer: .sd, receiver: .iv, tests: [sh, noRunningIVProcedure, intactOffer, highSupportNeed]),
        Row(group: .g, referrer: .rav, receiver: .sd, tests: [ale, noSH, noIntactOffer]),
        Row(group: .h, referrer: .sd, receiver: .rav, tests: [sh, noALE, intactOffer]),
        Row(group: .i, referrer: .sd, receiver: .rav, tests: [sh, ale]),
        Row(group: .i, referrer: .rav, receiver: .sd, tests: [sh, ale]),
    ]
}
