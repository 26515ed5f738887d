import Testing

@testable import NahtstelleOptima

@Suite struct VisibilityAndRepositoryTests {
    let sdAdvisor = User(username: "a.sd", displayName: "Anna SD", officeId: Offices.sdStadtLuzern.id, roles: [.advisor])
    let ravContact = User(username: "r.rav", displayName: "Reto RAV", officeId: Offices.ravWolhusen.id,
        roles: [.optimaContact, .advisor])
    let ivSignatory = User(username: "i.iv", displayName: "Ines IV", officeId: Offices.ivLuzern.id, roles: [.signatory])
    let coordinator = User(username: "k.iiz", displayName: "Karl IIZ", officeId: "iiz", roles: [.coordinator])

    @Test func visibilityRule() {
        let c = sampleCase(referrer: Offices.sdStadtLuzern, receiver: Offices.ravWolhusen)
        #expect(VisibilityRule.canSee(user: sdAdvisor, case: c))  // referrer office
        #expect(VisibilityRule.canSee(user: ravContact, case: c))  // receiver office
        #expect(!VisibilityRule.canSee(user: ivSignatory, case: c))  // uninvolved office
        #expect(VisibilityRule.canSee(user: coordinator, case: c))  // coordinators see all
        let otherRAV = User(username: "x", displayName: "X", officeId: Offices.ravLuzern.id, roles: [.advisor])
        #expect(!VisibilityRule.canSee(user: otherRAV, case: c))  // same type, other office
        #expect(VisibilityRule.visibleCases([c, sampleCase(id: "F-2", referrer: Offices.ivLuzern,
            receiver: Offices.sobzHochdorf)], to: sdAdvisor).map(\.id) == ["F-1"])
    }

    @Test func inMemoryRepository() async throws {
        let repository = InMemoryCaseRepository()
        let a = sampleCase(id: "A", referrer: Offices.sdStadtLuzern, receiver: Offices.ravWolhusen)
        let b = sampleCase(id: "B", referrer: Offices.ivLuzern, receiver: Offices.sobzHochdorf)
        _ = try await repository.create(a)
        _ = try await repository.create(b)
        await #expect(throws: OptimaError.self) { _ = try await repository.create(a) }
        #expect(try await repository.load(id: "A") == a)
        #expect(try await repository.load(id: "Z") == nil)

        var changed = a
        changed.state = .submitted
        changed.appliedAt = d("2025-03-03")
        try await repository.update(changed)
        #expect(try await repository.load(id: "A")?.state == .submitted)
        var missing = a
        missing.id = "Z"
        await #expect(throws: OptimaError.self) { try await repository.update(missing) }

        #expect(try await repository.cases(forOffice: Offices.ravWolhusen.id).map(\.id) == ["A"])
        #expect(try await repository.cases(forOffice: Offices.sobzHochdorf.id).map(\.id) == ["B"])
        #expect(try await repository.cases(visibleTo: sdAdvisor).map(\.id) == ["A"])
        #expect(try await repository.cases(visibleTo: ivSignatory).map(\.id) == ["B"])
        #expect(try await repository.cases(visibleTo: coordinator).map(\.id) == ["A", "B"])
        let records = try await repository.reportRecords(from: d("2025-01-01"), to: d("2025-12-31"))
        #expect(records.first { $0.caseId == "A" }?.applicationCheckDue == d("2025-03-17"))
    }

    @Test func usersAndRoles() {
        #expect(ravContact.has(.optimaContact) && ravContact.has(.advisor) && !ravContact.has(.signatory))
        #expect(Role.optimaContact.rawValue == "optima-contact")
    }
}
