/// Who may see a case (§3): a user sees the cases in which their office is the referrer or the
/// receiver; coordinators see all cases.
public enum VisibilityRule {
    public static func canSee(user: User, referrerOfficeId: String, receiverOfficeId: String) -> Bool {
        if user.has(.coordinator) { return true }
        return user.officeId == referrerOfficeId || user.officeId == receiverOfficeId
    }

    public static func canSee(user: User, case optimaCase: OptimaCase) -> Bool {
        canSee(user: user, referrerOfficeId: optimaCase.referrerOfficeId, receiverOfficeId: optimaCase.receiverOfficeId)
    }

    /// The cases of `cases` that `user` may see, in their order.
    public static func visibleCases(_ cases: [OptimaCase], to user: User) -> [OptimaCase] {
        cases.filter { canSee(user: user, case: $0) }
    }
}
