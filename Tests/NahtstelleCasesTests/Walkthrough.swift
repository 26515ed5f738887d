import Foundation
import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// Who does what in the three processes of the tests (demo offices and users).
struct Parties: Sendable {
    var kind: ProcessKind
    var referrerAdvisor: String
    var receiverOffice: String
    var contact: String
    var advisor: String
    /// Signatory of the paying (= referring) office.
    var signatory: String
    var application: @Sendable (Int) -> [String: Value]
    var reduced: String

    /// RAV Wolhusen → SoBZ Hochdorf (OPTIMA-SH, group G).
    static let sh = Parties(kind: .optimaSH, referrerAdvisor: "h.lustenberger", receiverOffice: "sobz-hochdorf", contact: "c.studer",
                            advisor: "s.wicki", signatory: "e.renggli", application: { Applications.ravToSH($0) }, reduced: "reduced-rav")
    /// Soziale Dienste Stadt Luzern → RAV Wolhusen (OPTIMA-ALV, group H).
    static let alv = Parties(kind: .optimaALV, referrerAdvisor: "n.frei", receiverOffice: "rav-wolhusen", contact: "m.bucher",
                             advisor: "p.baumann", signatory: "d.schmid", application: { Applications.sdToALV($0) }, reduced: "reduced-sd")
    /// RAV Wolhusen → WAS IV Luzern (OPTIMA-IV, group F).
    static let iv = Parties(kind: .optimaIV, referrerAdvisor: "h.lustenberger", receiverOffice: "was-iv-luzern", contact: "c.zimmermann",
                            advisor: "r.huber", signatory: "e.renggli", application: { Applications.ravToIV($0) }, reduced: "reduced-rav")

    static func of(_ kind: ProcessKind) -> Parties {
        switch kind {
        case .optimaSH: sh
        case .optimaALV: alv
        case .optimaIV: iv
        }
    }
}

/// Steps of a case, each through the service as the user who does it.
struct Walk {
    let t: TestOffice
    let p: Parties
    var caseID = ""
    var n: Int

    init(_ t: TestOffice, _ p: Parties, n: Int = 1) {
        self.t = t
        self.p = p
        self.n = n
    }

    mutating func submit() throws {
        let result = try t.service.submitApplication(by: p.referrerAdvisor, receiverOffice: p.receiverOffice, formData: p.application(n))
        caseID = result.caseID
    }

    func accept() throws {
        try t.complete("check-application", caseID, by: p.contact, ["decision": "accepted", "advisor": .string(p.advisor)])
    }

    func planHandover(_ meetingAt: String = "2026-03-10T09:00:00+01:00") throws {
        try t.complete("plan-handover", caseID, by: p.referrerAdvisor, ["meetingAt": .string(meetingAt), "place": "RAV Wolhusen"])
    }

    func handover(allAgree: Bool = true, nextMeetingAt: String = "2026-04-07T09:00:00+02:00", costApproval: [String: Value]? = nil) throws {
        var data: [String: Value] = [
            "participants": "Anna Muster\nHeidi Lustenberger\nSandra Wicki\nDolmetscherin Frau Krasniqi",
            "situation": "Frau Muster ist seit 8 Monaten arbeitslos; Schulden und fehlende Kinderbetreuung erschweren die Stellensuche.",
            "strategy": "Schuldenberatung, Kita-Platz organisieren, danach Bewerbungstraining.",
            "measures": [["name": "Bewerbungstraining", "provider": "Arbeitsintegration Zentralschweiz AG", "needsCostApproval": true]],
            "canAndWillWork": true, "allAgree": .bool(allAgree),
        ]
        if allAgree { data["nextMeetingAt"] = .string(nextMeetingAt) } else { data["disagreementNote"] = "Die Person ist mit der Übergabe nicht einverstanden." }
        if let costApproval {
            data["costApprovalRequested"] = true
            data.merge(costApproval) { _, new in new }
        }
        try t.complete("handover-meeting", caseID, by: p.advisor, data)
    }

    func signAgreementIfSH() throws {
        if try t.openTasks(caseID).contains(where: { $0.elementID == "sign-agreement-alv" }) {
            try t.complete("sign-agreement-alv", caseID, by: p.referrerAdvisor, ["signedByPerson": true, "signedAt": "10.03.2026"])
        }
    }

    func invite() throws { try t.complete("invite-status-meeting", caseID, by: p.advisor) }

    func statusMeeting(continueTo next: String) throws {
        try t.complete("status-meeting", caseID, by: p.advisor, [
            "participants": "Anna Muster, Sandra Wicki", "status": "Schuldenberatung läuft, Kita-Platz ab Mai.", "decision": "continue",
            "nextMeetingAt": .string(next), "allAgree": true,
        ])
    }

    func closingMeeting(reason: String, outcome: String) throws {
        var data: [String: Value] = [
            "participants": "Anna Muster, Sandra Wicki, Heidi Lustenberger", "status": "Stelle als Detailhandelsangestellte (80 %) gefunden.",
            "decision": "close", "closingReason": .string(reason), "outcome": .string(outcome), "allAgree": true,
        ]
        if outcome == "other" { data["outcomeNote"] = "Umzug in einen anderen Kanton." }
        try t.complete("status-meeting", caseID, by: p.advisor, data)
    }

    func handBack() throws {
        try t.complete("hand-back-documents", caseID, by: p.advisor, ["documents": "Kopie Arbeitsvertrag, Budget"])
    }

    /// The referrer's reduced-procedure task that runs during the hand-over (IV, SD referrers).
    func reducedDuty() throws {
        for element in ["suspend-iv-procedure", "adjust-counselling-plan"]
        where try t.openTasks(caseID).contains(where: { $0.elementID == element }) {
            try t.complete(element, caseID, by: p.referrerAdvisor)
        }
    }

    /// Submitted → accepted → hand-over (restarting the service between steps); stops with the
    /// case active and the first status meeting invited.
    mutating func toCasework(costApproval: [String: Value]? = nil) throws {
        try submit()
        try t.restart()
        try t.advance(days: 1)
        try accept()
        try t.restart()
        try planHandover()
        try t.advance(to: "2026-03-10T10:30:00+01:00")
        try handover(costApproval: costApproval)
        try t.restart()
        try signAgreementIfSH()
        try reducedDuty()
    }
}
