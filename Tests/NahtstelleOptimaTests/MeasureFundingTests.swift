import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// Who pays a measure (concept §5.2) and whether the RAV releases the person (Kap. 3.3.1).
@Suite struct MeasureFundingTests {
    @Test func ownEntitlementAtTheReceiverNeedsNoCostApproval() {
        // SD → RAV, the person draws ALE: the RAV pays its own labour-market measure.
        #expect(!MeasureFundingRules.funding(referrer: .sd, receiver: .rav, status: PersonStatus(receivesALE: true)).needsCostApproval)
        // RAV → SD with wirtschaftliche Sozialhilfe at the receiver.
        #expect(!MeasureFundingRules.funding(referrer: .rav, receiver: .sd,
                                             status: PersonStatus(receivesFinancialSocialAssistance: true)).needsCostApproval)
    }

    @Test func theEntitledOfficePays() {
        #expect(MeasureFundingRules.funding(referrer: .rav, receiver: .sd, status: PersonStatus(receivesALE: true))
            == .costApproval(payer: .rav, reason: MeasureFundingRules.funding(referrer: .rav, receiver: .sd,
                                                                             status: PersonStatus(receivesALE: true)).reason))
        // The IV issues a KGS only without a parallel ALV entitlement.
        guard case .costApproval(let payer, let reason) = MeasureFundingRules.funding(
            referrer: .iv, receiver: .sd, status: PersonStatus(receivesALE: true, ivProcedure: .running)) else {
            Issue.record("KGS erwartet")
            return
        }
        #expect(payer == .rav)
        #expect(reason.contains("parallele"))
        // Without ALE the IV pays for its insured person.
        if case .costApproval(let ivPayer, _) = MeasureFundingRules.funding(
            referrer: .iv, receiver: .sd, status: PersonStatus(receivesALE: false, ivProcedure: .running)) {
            #expect(ivPayer == .iv)
        } else {
            Issue.record("KGS der IV erwartet")
        }
    }

    @Test func unknownEntitlementMeansTheReferrerPays() {
        guard case .costApproval(let payer, _) = MeasureFundingRules.funding(referrer: .sd, receiver: .iv, status: PersonStatus()) else {
            Issue.record("KGS erwartet: nie vorfinanziert")
            return
        }
        #expect(payer == .sd)
        // SD → SD: the recorded social assistance is the referring service's.
        #expect(MeasureFundingRules.funding(referrer: .sd, receiver: .sd,
                                            status: PersonStatus(receivesFinancialSocialAssistance: true)).needsCostApproval)
    }

    @Test func jobSearchRelease() {
        #expect(!JobSearchRelease.forSocialCounselling(signedAt: nil).released)
        let signed = JobSearchRelease.forSocialCounselling(signedAt: LocalDate(year: 2026, month: 3, day: 10))
        #expect(signed.released)
        #expect(signed.reason.contains("10.03.2026"))
        #expect(!JobSearchRelease.forIVHandover(status: PersonStatus(receivesALE: true), legalBasis: false).released)
        #expect(!JobSearchRelease.forIVHandover(status: PersonStatus(), legalBasis: false).released)
        #expect(JobSearchRelease.forIVHandover(status: PersonStatus(receivesALE: true), legalBasis: true).released)
        #expect(JobSearchRelease.forIVHandover(status: PersonStatus(receivesALE: false), legalBasis: false).released)
    }
}
