import Testing

@testable import NahtstelleOptima

@Suite struct TargetGroupTests {
    func derive(_ referrer: InstitutionType, _ receiver: InstitutionType, _ status: PersonStatus) -> TargetGroupDerivation {
        TargetGroupRules.derive(referrer: referrer, receiver: receiver, status: status)
    }

    // One test per row of the table in §6 (both directions for the "↔" rows).

    @Test func rowA() {
        for procedure in [IVProcedure.running, .closed] {
            let r = derive(.iv, .rav, PersonStatus(receivesALE: false, ivProcedure: procedure, intactLabourOffer: true))
            #expect(r.group == .a)
            #expect(r.explanation.hasPrefix("Zielgruppe A"))
        }
    }

    @Test func rowB() {
        let status = PersonStatus(receivesALE: true, ivProcedure: .running)
        #expect(derive(.iv, .rav, status).group == .b)
        #expect(derive(.rav, .iv, status).group == .b)
        #expect(derive(.rav, .iv, PersonStatus(receivesALE: true, ivProcedure: .closed)).group == .b)
        // A closed procedure with intact offer and high support need fits F too; F is the narrower row.
        #expect(derive(.rav, .iv, PersonStatus(receivesALE: true, ivProcedure: .closed, highSupportNeed: true,
                                               intactLabourOffer: true)).group == .f)
    }

    @Test func rowC() {
        let status = PersonStatus(
            inSocialCounselling: false, receivesFinancialSocialAssistance: false, ivProcedure: .running,
            intactLabourOffer: false, socialDifficulties: [.familyConflicts])
        #expect(derive(.iv, .sd, status).group == .c)
        // C means no intact labour offer (OPTIMA.md §6).
        var intact = status
        intact.intactLabourOffer = true
        #expect(derive(.iv, .sd, intact).group == nil)
    }

    @Test func rowD() {
        let status = PersonStatus(receivesFinancialSocialAssistance: true, ivProcedure: .running)
        #expect(derive(.iv, .sd, status).group == .d)
        #expect(derive(.sd, .iv, status).group == .d)
        // SH through counselling alone counts too.
        #expect(derive(.sd, .iv, PersonStatus(inSocialCounselling: true, ivProcedure: .running)).group == .d)
    }

    @Test func rowE() {
        let status = PersonStatus(
            receivesFinancialSocialAssistance: true, ivProcedure: .noProcedure, highSupportNeed: true,
            intactLabourOffer: true)
        #expect(derive(.sd, .iv, status).group == .e)
        let hardAccess = PersonStatus(
            inSocialCounselling: true, ivProcedure: .noProcedure, highSupportNeed: false, healthRelatedHardAccess: true,
            intactLabourOffer: true)
        #expect(derive(.sd, .iv, hardAccess).group == .e)
    }

    @Test func rowF() {
        let status = PersonStatus(receivesALE: true, ivProcedure: .noProcedure, highSupportNeed: true, intactLabourOffer: true)
        #expect(derive(.rav, .iv, status).group == .f)
        // F needs an intact labour offer, and no *running* IV procedure (a closed one is allowed).
        var noOffer = status
        noOffer.intactLabourOffer = false
        #expect(derive(.rav, .iv, noOffer).group == nil)
        var running = status
        running.ivProcedure = .running
        #expect(derive(.rav, .iv, running).group == .b)
    }

    @Test func rowG() {
        let status = PersonStatus(
            inSocialCounselling: false, receivesFinancialSocialAssistance: false, receivesALE: true,
            intactLabourOffer: false)
        #expect(derive(.rav, .sd, status).group == .g)
    }

    @Test func rowH() {
        let status = PersonStatus(receivesFinancialSocialAssistance: true, receivesALE: false, intactLabourOffer: true)
        #expect(derive(.sd, .rav, status).group == .h)
    }

    @Test func rowI() {
        let status = PersonStatus(receivesFinancialSocialAssistance: true, receivesALE: true)
        #expect(derive(.sd, .rav, status).group == .i)
        #expect(derive(.rav, .sd, status).group == .i)
    }

    @Test func sdToSD() {
        let r = derive(.sd, .sd, PersonStatus())
        #expect(r.group == .sdToSD)
        #expect(r.group?.rawValue == "SD-SD")
    }

    @Test func noExactMatchGivesNilWithExplanation() {
        // IV → RAV without ALE and without intact offer: neither A nor B.
        let r = derive(.iv, .rav, PersonStatus(receivesALE: false, ivProcedure: .running, intactLabourOffer: false))
        #expect(r.group == nil)
        #expect(r.missingFacts.isEmpty)
        #expect(r.explanation.contains("keiner Zielgruppe"))
        #expect(r.explanation.contains("A, B"))
        #expect(r.explanation.contains("trotzdem gestellt"))
        // SD → IV with a closed IV procedure: E needs no *running* one (a closed one is allowed).
        #expect(derive(.sd, .iv, PersonStatus(receivesFinancialSocialAssistance: true, ivProcedure: .closed,
            highSupportNeed: true, intactLabourOffer: true)).group == .e)
        // RAV → IV without ALE.
        #expect(derive(.rav, .iv, PersonStatus(receivesALE: false, ivProcedure: .noProcedure, highSupportNeed: true)).group == nil)
    }

    @Test func unknownFactsAreNamed() {
        let r = derive(.iv, .rav, PersonStatus(ivProcedure: .running, intactLabourOffer: true))
        #expect(r.group == nil)
        #expect(r.missingFacts == [.receivesALE])
        #expect(r.explanation.contains("Nicht erfasst: Bezieht Arbeitslosenentschädigung (ALE)"))
        // A row excluded by a known fact does not ask for its other facts.
        let f = derive(.rav, .iv, PersonStatus(receivesALE: true, ivProcedure: .noProcedure))
        #expect(f.group == nil)
        #expect(f.missingFacts == [.intactLabourOffer, .highSupportNeed, .healthRelatedHardAccess])
    }

    @Test func pairsOutsideTheTable() {
        let r = derive(.rav, .rav, PersonStatus())
        #expect(r.group == nil)
        #expect(r.explanation.contains("keine Zielgruppe vor"))
        #expect(derive(.iv, .iv, PersonStatus()).group == nil)
    }
}
