import NahtstelleFEEL

/// Whether the RAV, during its reduced procedure, releases the person from Arbeitsbemühungen
/// (job-search efforts and their monthly check), and why (§8, concept Kap. 3.3.1).
///
/// - OPTIMA-SH (RAV → SD/SoBZ): only once the person has **signed** the Vereinbarung ALV.
/// - OPTIMA-IV (RAV → IV): a person who draws ALE and is handed to the IV cannot be released
///   unless the legal basis exists (the SECO's confirmation the concept asks for); the
///   installation's configuration says whether it does.
public struct JobSearchRelease: Sendable, Hashable {
    public var released: Bool
    /// German: why the person is or is not released, as the case page shows it.
    public var reason: String

    public init(released: Bool, reason: String) {
        self.released = released
        self.reason = reason
    }

    /// OPTIMA-SH from the RAV: the signature on the Vereinbarung ALV decides.
    public static func forSocialCounselling(signedAt: LocalDate?) -> JobSearchRelease {
        if let signedAt {
            return JobSearchRelease(
                released: true,
                reason: "Von den Arbeitsbemühungen befreit: Vereinbarung ALV am \(signedAt.swissFormatted) unterzeichnet.")
        }
        return JobSearchRelease(
            released: false,
            reason: "Nicht befreit: Die Vereinbarung ALV ist nicht unterzeichnet. Das RAV prüft die Arbeitsbemühungen weiter, "
                + "bis die Unterschrift nachgetragen ist.")
    }

    /// OPTIMA-IV from the RAV: ALE recipients only with the legal basis.
    public static func forIVHandover(status: PersonStatus, legalBasis: Bool) -> JobSearchRelease {
        if status.receivesALE == false {
            return JobSearchRelease(
                released: true, reason: "Bezieht keine ALE: keine Arbeitsbemühungen gegenüber der Arbeitslosenversicherung nötig.")
        }
        if legalBasis {
            return JobSearchRelease(
                released: true,
                reason: "Von den Arbeitsbemühungen befreit: Die Rechtsgrundlage für die Befreiung von ALE-Beziehenden während "
                    + "OPTIMA-IV ist gemäss Konfiguration der Koordinationsstelle gegeben.")
        }
        let who = status.receivesALE == true ? "Die Person bezieht ALE" : "Ob die Person ALE bezieht, ist nicht erfasst"
        return JobSearchRelease(
            released: false,
            reason: "Nicht befreit: \(who). Ohne Rechtsgrundlage (Bestätigung des SECO, Konzept Kap. 3.3.1) kann das RAV "
                + "sie während OPTIMA-IV nicht von den Arbeitsbemühungen befreien; es prüft sie weiter.")
    }
}
