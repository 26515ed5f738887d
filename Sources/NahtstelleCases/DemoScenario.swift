import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// Walks a few realistic cases through their processes, over the last 100 days, so that a
/// newcomer sees real documents, inboxes and a report. Runs on its own clock that moves from
/// 100 days ago to now; every step goes through `OptimaService` as the user who does it.
public enum DemoScenario {
    /// Seeds offices and users, deploys the definitions and walks the demo cases. Idempotent per
    /// demo case and per step: a second run changes nothing, and a run killed partway is finished
    /// by the next one (each step is one transaction; a step already done is skipped). The caller
    /// holds the `DemoLock` of the database (`DemoScenario.run(databasePath:…)` of
    /// `NahtstelleCaseStore` does), so two runs at once never create a case twice. Returns the
    /// ids of the cases in the database.
    /// - Parameter log: receives one German line per step.
    @discardableResult
    package static func run(storage: () throws -> any ApplicationStorage, resources: OptimaService.Resources, now: Date = Date(),
                            log: (String) -> Void) throws -> [String] {
        let today = ISODateTime.localDate(of: now)
        let base = ISODateTime.startOfDay(today.adding(days: -100)).addingTimeInterval(8 * 3600)
        let clock = MovableClock(base)
        let service = try OptimaService(storage: try storage(), resources: resources, now: { clock.now })
        try service.seedDemoData()
        log("Stellen und Benutzer: \(DemoData.offices.count) Stellen, \(DemoData.staff.count) Benutzer (idempotent)")
        for d in try service.deployWorkflows(by: "demo") {
            log("Definition \(d.processID) v\(d.version)\(d.isNew ? " bereitgestellt" : " (unverändert)")")
        }
        let skippedBefore = try withoutActuallyEscaping(log) { log in
            var demo = Demo(service: service, clock: clock, base: base, log: log)
            try demo.walk()
            return demo.skipped
        }
        if skippedBefore > 0 {
            log("Die Datenbank enthält die Demo-Fälle bereits: \(skippedBefore) Schritte waren erledigt (früherer Demo-Lauf) und wurden übersprungen.")
        }
        clock.set(now)
        let fired = try service.fireDueTimers()
        if fired > 0 { log("Heute: \(fired) fällige Zeitgeber ausgelöst (Erinnerungen, Eskalationen)") }
        return try service.allCases().map(\.id)
    }

    struct Demo {
        let service: OptimaService
        let clock: MovableClock
        let base: Date
        let log: (String) -> Void
        /// How often the walk has reached each step so far, per case and element.
        var reached: [String: Int] = [:]
        /// Steps found done by an earlier run.
        var skipped = 0

        init(service: OptimaService, clock: MovableClock, base: Date, log: @escaping (String) -> Void) {
            self.service = service
            self.clock = clock
            self.base = base
            self.log = log
        }

        /// Moves the clock to day `day` (from the start) at `hour` and fires what became due.
        func at(_ day: Int, _ hour: Double = 9) throws {
            let target = base.addingTimeInterval(Double(day) * 86_400 + (hour - 8) * 3600)
            if target > clock.now { clock.set(target) }
            let fired = try service.fireDueTimers()
            if fired > 0 { log("  \(date(clock.now)): \(fired) Zeitgeber ausgelöst") }
        }

        func date(_ t: Date) -> String { ISODateTime.localDate(of: t).swissFormatted }

        func instant(_ day: Int, _ hour: Double) -> Value {
            .string(Value.isoDateTime(base.addingTimeInterval(Double(day) * 86_400 + (hour - 8) * 3600)))
        }

        func dayDate(_ day: Int) -> Value { .date(ISODateTime.localDate(of: base).adding(days: day)) }

        func task(_ element: String, _ caseID: String) throws -> TaskRecord {
            guard let task = try service.engine.tasks(TaskQuery(businessKey: caseID, limit: 200)).first(where: { $0.elementID == element }) else {
                throw CaseServiceError(.notFound, "Demo: Aufgabe \(element) im Fall \(caseID) fehlt.")
            }
            return task
        }

        /// Completes the open task `element` of the case — unless an earlier run did: the n-th
        /// time the walk reaches an element it is done when the case has n completed tasks of it.
        mutating func complete(_ element: String, _ caseID: String, by user: String, _ data: [String: Value] = [:], _ what: String) throws {
            let step = caseID + "/" + element
            reached[step, default: 0] += 1
            let done = try service.engine.tasks(TaskQuery(businessKey: caseID, states: [.completed], limit: 1000))
                .filter { $0.elementID == element }.count
            if done >= reached[step, default: 0] {
                skipped += 1
                return
            }
            let outcome = try service.completeTask(by: user, taskID: try task(element, caseID).id, formData: data)
            let next = outcome.createdTasks.map { $0.name ?? $0.elementID }
            log("  \(date(clock.now)) \(caseID) \(user): \(what)" + (next.isEmpty ? "" : " → nächster Schritt: " + next.joined(separator: ", ")))
        }

        /// The demo case of this person (by AHV number), when an earlier run created it.
        func existingCase(_ data: [String: Value]) throws -> String? {
            guard case .string(let ahv)? = data["ahvNumber"] else { return nil }
            return try service.read { try $0.firstCaseID(ahvNumber: ahv) }
        }

        static func person(_ last: String, _ first: String, _ birth: String, _ street: String, _ plz: String, _ city: String,
                           _ ahv: String, _ persNr: String) -> [String: Value] {
            ["lastName": .string(last), "firstName": .string(first), "birthDate": .string(birth), "street": .string(street),
             "postalCode": .string(plz), "city": .string(city), "ahvNumber": .string(ahv), "persNr": .string(persNr)]
        }

        static let consent: [String: Value] = ["consentHandover": true, "consentDataExchange": true, "ivMeasuresRunning": false,
                                               "ivLegalProceedings": false, "ivHealthDamageSuspected": false, "canAndWillWork": true]

        mutating func submit(_ user: String, _ receiver: String, _ data: [String: Value]) throws -> String {
            if let caseID = try existingCase(data) {
                skipped += 1
                return caseID
            }
            let result = try service.submitApplication(by: user, receiverOffice: receiver, formData: data)
            let c = try service.caseView(user, caseID: result.caseID)
            log("Fall \(result.caseID): \(c.optimaCase.person.fullName), \(c.referrerOffice.name) → \(c.receiverOffice.name), "
                + "\(Glossary.label(result.process)), Zielgruppe \(result.targetGroup.group?.rawValue ?? "–"), "
                + "Vorprüfung \(Glossary.label(result.eligibility.trafficLight))")
            log("  \(date(clock.now)) \(result.caseID) \(user): Antrag eingereicht, Antragsformular erstellt")
            return result.caseID
        }

        mutating func walk() throws {
            // A: RAV Wolhusen → SoBZ Hochdorf (OPTIMA-SH): the whole way, with an immediate KGS.
            var a = Self.person("Muster", "Anna", "17.03.1984", "Bahnhofstrasse 12", "6280", "Hochdorf", "756.1234.5678.97", "1612589")
            a.merge(Self.consent) { _, new in new }
            a.merge([
                "phone": "079 123 45 67", "socialCounselling": false, "socialAssistance": false, "ravRegistered": true, "receivesAle": true,
                "ivProcedure": "none", "intactLabourOffer": false, "topics": ["debts", "childcare"], "durationMonths": 6,
                "goal": "Stabilisierung der finanziellen Situation (Schuldenberatung) und Organisation der Kinderbetreuung, damit Frau Muster wieder an Massnahmen des RAV teilnehmen kann.",
                "socialDifficulties": "Schulden (Betreibungen), fehlende Kinderbetreuung für zwei Kinder", "personalHelpEntitled": true,
                "remarks": "Vorgängiger telefonischer Kontakt mit Frau Studer.",
            ]) { _, new in new }
            try at(0, 8.5)
            let caseA = try submit("h.lustenberger", "sobz-hochdorf", a)
            try at(1, 10)
            try complete("check-application", caseA, by: "c.studer", ["decision": "accepted", "advisor": "s.wicki"],
                         "Antrag angenommen, Fallführung Sandra Wicki, Entscheid Annahme erstellt")
            try complete("plan-handover", caseA, by: "h.lustenberger", ["meetingAt": instant(8, 9), "place": "RAV Wolhusen"],
                         "Übergabegespräch geplant, Einladung erstellt")

            // B: Soziale Dienste Stadt Luzern → RAV Wolhusen (OPTIMA-ALV): rejected.
            var b = Self.person("Gashi", "Driton", "02.11.1990", "Baselstrasse 41", "6003", "Luzern", "756.9217.0769.85", "SD-44718")
            b.merge(Self.consent) { _, new in new }
            b.merge([
                "socialCounselling": true, "socialAssistance": true, "ravRegistered": false, "receivesAle": false, "ivProcedure": "none",
                "workLossPercent": 0, "intactLabourOffer": true, "reRegistrationAgreed": true, "ivClarificationRunning": false,
                "ravRegisteredLast6Months": false, "topics": ["other"], "durationMonths": 3,
                "goal": "Stellensuche im Detailhandel mit Unterstützung des RAV.",
            ]) { _, new in new }
            try at(2, 9)
            let caseB = try submit("n.frei", "rav-wolhusen", b)
            try at(5, 11)
            try complete("check-application", caseB, by: "m.bucher", ["decision": "rejected", "rejectionReason": "no-capacity"],
                         "Antrag abgelehnt (keine Kapazität), Mitteilung erstellt, zuweisende Stelle benachrichtigt")

            try at(8, 10.5)
            try complete("handover-meeting", caseA, by: "s.wicki", [
                "participants": "Anna Muster\nHeidi Lustenberger\nSandra Wicki", "situation": "Seit 8 Monaten arbeitslos; Betreibungen und fehlende Kinderbetreuung verhindern Bewerbungen.",
                "strategy": "Schuldenberatung, Kita-Platz, danach Bewerbungstraining.", "canAndWillWork": true, "allAgree": true,
                "nextMeetingAt": instant(36, 9),
                "measures": [["name": "Bewerbungstraining mit Einzelcoaching", "provider": "Arbeitsintegration Zentralschweiz AG", "needsCostApproval": true]],
                "costApprovalRequested": true, "measure": "Bewerbungstraining mit Einzelcoaching", "periodFrom": dayDate(15), "periodTo": dayDate(50),
                "provider": "Arbeitsintegration Zentralschweiz AG", "providerAddress": "Sentimattstrasse 6, 6003 Luzern",
                "positions": [["description": "Kursmodul Bewerbungsdossier (10 Halbtage)", "tariff": "AMM-BT-10", "quantity": 10, "unitPrice": 120, "amount": 1200],
                              ["description": "Einzelcoaching", "tariff": "AMM-EC-60", "quantity": 8, "unitPrice": 135, "amount": 1080]],
            ], "Übergabegespräch: alle einverstanden, Gesprächsnotiz, Vereinbarung ALV und Kostengutsprache erstellt")
            try complete("sign-agreement-alv", caseA, by: "h.lustenberger", ["signedByPerson": true, "signedAt": dayDate(8)],
                         "Vereinbarung ALV unterzeichnet, reduziertes Verfahren RAV gestartet")
            try complete("invite-status-meeting", caseA, by: "s.wicki", [:], "Einladung zum Standortgespräch erstellt")
            try at(11, 14)
            try complete("sign-cost-approval", caseA, by: "e.renggli", ["decision": "approved"], "Kostengutsprache unterzeichnet")
            try complete("book-measure", caseA, by: "s.wicki", [:], "Massnahme gebucht")

            // C: RAV Wolhusen → WAS IV Luzern (OPTIMA-IV): in case work, a KGS waits for its signature.
            var c = Self.person("Bühler", "Marco", "08.06.1979", "Menznauerstrasse 5", "6110", "Wolhusen", "756.3047.5009.62", "2298731")
            c.merge(Self.consent) { _, new in new }
            c.merge([
                "socialCounselling": false, "socialAssistance": false, "ravRegistered": true, "receivesAle": true, "ivProcedure": "none",
                "highSupportNeed": true, "intactLabourOffer": true, "coachingAtJobStart": true, "topics": ["health"], "durationMonths": 6,
                "goal": "Begleiteter Wiedereinstieg nach langer Krankheit, Coaching in den ersten Monaten der neuen Stelle.",
            ]) { _, new in new }
            try at(20, 9)
            let caseC = try submit("h.lustenberger", "was-iv-luzern", c)
            try at(22, 9)
            try complete("check-application", caseC, by: "c.zimmermann", ["decision": "accepted", "advisor": "r.huber"], "Antrag angenommen")
            try at(23, 9)
            try complete("plan-handover", caseC, by: "h.lustenberger", ["meetingAt": instant(30, 14), "place": "WAS IV Luzern"],
                         "Übergabegespräch geplant")
            try at(30, 15.5)
            try complete("handover-meeting", caseC, by: "r.huber", [
                "participants": "Marco Bühler\nHeidi Lustenberger\nRahel Huber", "situation": "Nach Rückenoperation arbeitsfähig für leichte Tätigkeiten.",
                "strategy": "Arbeitsversuch im Lager, Job-Coaching.", "canAndWillWork": true, "allAgree": true, "nextMeetingAt": instant(120, 14),
            ], "Übergabegespräch: Übergabe wirksam")
            try complete("invite-status-meeting", caseC, by: "r.huber", [:], "Einladung zum Standortgespräch erstellt")

            try at(36, 10)
            try complete("status-meeting", caseA, by: "s.wicki", [
                "participants": "Anna Muster, Sandra Wicki", "status": "Schuldensanierung eingeleitet, Kita-Platz ab nächstem Monat.",
                "decision": "continue", "nextMeetingAt": instant(64, 9), "allAgree": true,
            ], "Standortgespräch: Fortsetzung, Gesprächsnotiz erstellt")
            try complete("invite-status-meeting", caseA, by: "s.wicki", [:], "Einladung zum nächsten Standortgespräch erstellt")
            try at(50, 9)
            try complete("forward-invoice", caseA, by: "s.wicki",
                         ["invoiceNumber": "AZ-2211", "invoiceDate": dayDate(50), "amount": 2280, "measureCompleted": true], "Rechnung weitergeleitet")
            try at(55, 9)
            try complete("pay-invoice", caseA, by: "e.renggli", [:], "Rechnung bezahlt")
            try at(60, 9)
            let hasApproval = try service.read { try $0.costApprovals(caseID: caseC).count }
            if hasApproval > 0 { skipped += 1 } else {
                let kgs = try service.requestCostApproval(by: "r.huber", caseID: caseC, formData: [
                    "measure": "Job-Coaching am Arbeitsplatz", "periodFrom": dayDate(70), "periodTo": dayDate(160), "provider": "Stiftung Brändi",
                    "positions": [["description": "Job-Coaching (12 Stunden)", "quantity": 12, "unitPrice": 95, "amount": 1140]],
                ])
                log("  \(date(clock.now)) \(caseC) r.huber: Kostengutsprache beantragt (CHF \(SwissFormat.amount(kgs.amount))), wartet auf die Unterschrift des RAV")
            }
            try at(64, 11)
            try complete("status-meeting", caseA, by: "s.wicki", [
                "participants": "Anna Muster, Sandra Wicki, Heidi Lustenberger", "status": "Festanstellung als Detailhandelsangestellte (80 %) ab nächstem Monat.",
                "decision": "close", "closingReason": "goal-reached", "outcome": "successful", "allAgree": true,
            ], "Abschlussgespräch: Ziel erreicht, Gesprächsnotiz erstellt")
            try complete("hand-back-documents", caseA, by: "s.wicki", ["documents": "Kopie Arbeitsvertrag, Budget"], "Akten übergeben, Ende OPTIMA gemeldet")
            try complete("resume-procedure", caseA, by: "h.lustenberger", [:], "RAV nimmt das Standardverfahren wieder auf")

            // D: Sozialdienst Gemeinde Ebikon (triage only): SoBZ Luzern refuses, SoBZ Hochdorf receives.
            var d = Self.person("Roth", "Lea", "23.09.1996", "Luzernerstrasse 30", "6030", "Ebikon", "756.5581.2230.48", "EB-0932")
            d.merge(Self.consent) { _, new in new }
            d.merge([
                "socialCounselling": true, "socialAssistance": true, "ravRegistered": false, "receivesAle": false, "ivProcedure": "none",
                "topics": ["addiction", "conflicts"], "durationMonths": 6, "socialDifficulties": "Suchtmittelkonsum, familiäre Konflikte",
                "personalHelpEntitled": true, "goal": "Stabilisierung und Tagesstruktur als Grundlage für die Arbeitsintegration.",
            ]) { _, new in new }
            try at(95, 9)
            do {
                _ = try submit("i.bachmann", "sobz-luzern", d)
            } catch let error as CaseServiceError {
                log("  \(date(clock.now)) i.bachmann: Antrag an SoBZ Luzern abgewiesen: \(error.message)")
            }
            _ = try submit("i.bachmann", "sobz-hochdorf", d)
            log("  Offen: Prüfung durch Claudia Studer (c.studer), Kostengutsprache bei Erika Renggli (e.renggli)")
        }
    }
}
