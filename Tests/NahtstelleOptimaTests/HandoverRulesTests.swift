import Testing

@testable import NahtstelleOptima

@Suite struct HandoverRulesTests {
    @Test func allowedCombinationsGiveProcessAndReducedProcedure() throws {
        let cases: [(Office, Office, ProcessKind, ReducedProcedure)] = [
            (Offices.ravWolhusen, Offices.ivLuzern, .optimaIV, .reducedRAV),
            (Offices.ravWolhusen, Offices.sobzHochdorf, .optimaSH, .reducedRAV),
            (Offices.ivLuzern, Offices.ravWolhusen, .optimaALV, .reducedIV),
            (Offices.ivLuzern, Offices.sobzHochdorf, .optimaSH, .reducedIV),
            (Offices.sdStadtLuzern, Offices.ravWolhusen, .optimaALV, .reducedSD),
            (Offices.sdStadtLuzern, Offices.ivLuzern, .optimaIV, .reducedSD),
            (Offices.sdStadtLuzern, Offices.sobzHochdorf, .optimaSH, .reducedSD),
        ]
        for (referrer, receiver, process, reduced) in cases {
            let handover = try HandoverRules.check(referrer: referrer, receiver: receiver).get()
            #expect(handover.processKind == process)
            #expect(handover.reducedProcedure == reduced)
            #expect(HandoverRules.isAllowed(referrer: referrer, receiver: receiver))
        }
    }

    @Test func sameOfficeIsRefusedWithGermanMessage() {
        guard case .failure(let error) = HandoverRules.check(referrer: Offices.ivLuzern, receiver: Offices.ivLuzern)
        else { Issue.record("expected failure"); return }
        #expect(error.code == .sameOffice)
        #expect(error.field == "receiverOfficeId")
        #expect(error.message.contains("WAS IV Luzern"))
        #expect(error.message.contains("an sich selbst"))
    }

    @Test func sameTypeRAVAndIVAreRefused() {
        for (a, b) in [(Offices.ravWolhusen, Offices.ravLuzern)] {
            guard case .failure(let error) = HandoverRules.check(referrer: a, receiver: b)
            else { Issue.record("expected failure"); continue }
            #expect(error.code == .handoverNotAllowed)
            #expect(error.message.contains("Eine Übergabe von RAV an RAV ist in OPTIMA nicht vorgesehen"))
            #expect(error.message.contains("IV-Stelle, Sozialdienst / SoBZ (mit integraler Fallführung)"))
        }
        let ivToIV = HandoverRules.check(referrerType: .iv, receiverType: .iv, receiverOffersIntegralCaseManagement: false)
        guard case .failure(let error) = ivToIV else { Issue.record("expected failure"); return }
        #expect(error.code == .handoverNotAllowed)
    }

    @Test func shOnlyToOfficesWithIntegralCaseManagement() {
        for referrer in [Offices.ravWolhusen, Offices.ivLuzern, Offices.sdStadtLuzern] {
            guard case .failure(let error) = HandoverRules.check(referrer: referrer, receiver: Offices.sobzLuzern)
            else { Issue.record("expected failure for \(referrer.name)"); continue }
            #expect(error.code == .noIntegralCaseManagement)
            #expect(error.message.contains("«SoBZ Luzern» bietet keine integrale Fallführung an"))
        }
    }

    @Test func messagesHaveNoSharpS() {
        let errors = [
            HandoverRules.check(referrer: Offices.ivLuzern, receiver: Offices.ivLuzern),
            HandoverRules.check(referrer: Offices.ravWolhusen, receiver: Offices.ravLuzern),
            HandoverRules.check(referrer: Offices.ravWolhusen, receiver: Offices.sobzLuzern),
        ]
        for result in errors {
            if case .failure(let error) = result { #expect(!error.message.contains("ß")) }
        }
    }

    @Test func processKindFollowsReceiverType() {
        #expect(ProcessKind(receiverType: .rav) == .optimaALV)
        #expect(ProcessKind(receiverType: .iv) == .optimaIV)
        #expect(ProcessKind(receiverType: .sd) == .optimaSH)
        #expect(sampleCase().processKind == .optimaALV)
        #expect(sampleCase().reducedProcedure == .reducedSD)
        for kind in ProcessKind.allCases { #expect(ProcessKind(receiverType: kind.receiverType) == kind) }
    }
}
