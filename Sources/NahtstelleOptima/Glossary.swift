/// The one place where contract identifiers meet their Swiss Standard German labels.
///
/// Every enum of the domain whose raw value is a contract id (office types, roles, processes,
/// states, decisions, reasons, outcomes, target groups, conditions, recorded facts, deadlines,
/// holidays) has its label here, by an exhaustive `switch`, so a new case cannot go unlabelled.
/// Other layers (forms, documents, HTTP) take their labels from here; `entries` lists them all
/// for a UI or a template.
public enum Glossary {
    /// One label: category (e.g. `rejection-reason`), contract id, German label.
    public struct Entry: Sendable, Hashable {
        public var category: String
        public var id: String
        public var label: String
    }

    // MARK: Offices and people

    public static func label(_ value: InstitutionType) -> String {
        switch value {
        case .rav: "RAV"
        case .iv: "IV-Stelle"
        case .sd: "Sozialdienst / SoBZ"
        }
    }

    /// The institution as named in the pilot's Standardreporting: IV, RAV/ALV, Sozialhilfe.
    public static func reportLabel(_ value: InstitutionType) -> String {
        switch value {
        case .iv: "IV"
        case .rav: "RAV/ALV"
        case .sd: "Sozialhilfe"
        }
    }

    public static func label(_ value: Role) -> String {
        switch value {
        case .advisor: "Fallführer:in"
        case .optimaContact: "OPTIMA-Kontaktperson"
        case .signatory: "Zeichnungsberechtigte Person"
        case .coordinator: "IIZ-Koordinationsstelle"
        }
    }

    // MARK: Processes and cases

    public static func label(_ value: ProcessKind) -> String {
        switch value {
        case .optimaALV: "OPTIMA-ALV"
        case .optimaIV: "OPTIMA-IV"
        case .optimaSH: "OPTIMA-SH"
        }
    }

    public static func label(_ value: ReducedProcedure) -> String {
        switch value {
        case .reducedRAV: "Reduziertes Verfahren RAV"
        case .reducedIV: "Reduziertes Verfahren IV-Stelle"
        case .reducedSD: "Reduziertes Verfahren Sozialdienst / SoBZ"
        }
    }

    public static func label(_ value: CaseState) -> String {
        switch value {
        case .draft: "Entwurf"
        case .submitted: "Antrag eingereicht"
        case .inClarification: "Rücksprache"
        case .accepted: "Antrag angenommen"
        case .rejected: "Antrag abgelehnt"
        case .active: "Übergabe erfolgt"
        case .noAgreement: "Ende OPTIMA (keine Zustimmung)"
        case .closed: "Abgeschlossen"
        }
    }

    public static func label(_ value: Decision) -> String {
        switch value {
        case .accepted: "Angenommen"
        case .rejected: "Abgelehnt"
        }
    }

    /// The pilot report's wording.
    public static func label(_ value: RejectionReason) -> String {
        switch value {
        case .ivRejectionUnder1Year: "IV-Ablehnung < 1 Jahr zurück"
        case .noIntactLabourOffer: "Kein intaktes Arbeitsangebot"
        case .noCapacity: "Keine Kapazität"
        case .other: "Sonstige"
        case .goalNotAchievable: "Zielsetzung nicht realisierbar"
        }
    }

    public static func label(_ value: ClosingReason) -> String {
        switch value {
        case .referrerRevoked: "Auftrag durch zuweisende Stelle entzogen"
        case .goalReached: "Ziel erreicht"
        case .goalNotReachable: "Ziel nicht erreichbar"
        case .costApprovalRefused: "Kostengutsprache verweigert"
        case .parallelCaseManagement: "Parallele Fallführung durch zuweisende Stelle"
        }
    }

    /// The pilot report's wording (Abschlussgründe).
    public static func label(_ value: Outcome) -> String {
        switch value {
        case .successful: "Auftrag erfolgreich umgesetzt"
        case .partial: "Auftrag teilweise umgesetzt"
        case .notAchieved: "Auftrag nicht umgesetzt"
        case .other: "Sonstige"
        }
    }

    public static func label(_ value: CaseTopic) -> String {
        switch value {
        case .labourMarket: "Arbeitsmarkt"
        case .debts: "Schulden"
        case .addiction: "Sucht"
        case .childcare: "Kinderbetreuung"
        case .conflicts: "Konflikte"
        case .burdeningEvents: "Belastende Ereignisse"
        case .health: "Gesundheit"
        }
    }

    public static func label(_ value: PlannedMonths) -> String {
        switch value {
        case .three: "3 Monate"
        case .six: "6 Monate"
        }
    }

    public static func label(_ value: CostApprovalDecision) -> String {
        switch value {
        case .approved: "Bewilligt"
        case .rejected: "Abgelehnt"
        }
    }

    // MARK: Target groups

    public static func label(_ value: TargetGroup) -> String {
        switch value {
        case .sdToSD: "Übergabe SD an SD"
        default: "Zielgruppe " + value.rawValue
        }
    }

    /// The situation the group stands for (table of §6).
    public static func targetGroupDescription(_ value: TargetGroup) -> String {
        switch value {
        case .a: "Zielgruppe A: IV-Verfahren (laufend oder abgeschlossen), keine ALE, intaktes Arbeitsangebot; IV an RAV (OPTIMA-ALV)"
        case .b: "Zielgruppe B: IV-Verfahren und ALE; IV und RAV (OPTIMA-ALV oder OPTIMA-IV)"
        case .c: "Zielgruppe C: laufendes IV-Verfahren, keine Sozialhilfe, erhebliche Probleme im Umfeld; IV an Sozialdienst (OPTIMA-SH)"
        case .d: "Zielgruppe D: laufendes IV-Verfahren und Sozialhilfe; IV und Sozialdienst (OPTIMA-SH oder OPTIMA-IV)"
        case .e: "Zielgruppe E: Sozialhilfe, kein IV-Verfahren, intaktes Arbeitsangebot, hoher Unterstützungsbedarf; Sozialdienst an IV (OPTIMA-IV)"
        case .f: "Zielgruppe F: ALE, kein IV-Verfahren, hoher Unterstützungsbedarf; RAV an IV (OPTIMA-IV)"
        case .g: "Zielgruppe G: ALE, keine Sozialhilfe, kein intaktes Arbeitsangebot (soziale Probleme); RAV an Sozialdienst (OPTIMA-SH)"
        case .h: "Zielgruppe H: Sozialhilfe, keine ALE, intaktes Arbeitsangebot; Sozialdienst an RAV (OPTIMA-ALV)"
        case .i: "Zielgruppe I: Sozialhilfe und ALE; Sozialdienst und RAV (OPTIMA-ALV oder OPTIMA-SH)"
        case .sdToSD: "Übergabe zwischen zwei Sozialdiensten an eine Stelle mit integraler Fallführung (OPTIMA-SH), ohne Zielgruppenbuchstabe"
        }
    }

    // MARK: Eligibility

    /// Short name of a condition, e.g. for a table column.
    public static func label(_ value: ConditionID) -> String {
        switch value {
        case .intactLabourOffer: "Intaktes Arbeitsangebot"
        case .workCapacityLossAtMost80: "Arbeitsausfall höchstens 80 %"
        case .noRunningIVClarification: "Keine laufenden IV-Abklärungen"
        case .noRunningIVMeasures: "Keine laufenden IV-Massnahmen"
        case .ivPensionQuestionSettled: "IV-Rentenfrage geklärt"
        case .noIVLegalProceedings: "Kein laufendes Rechtsmittelverfahren bei der IV"
        case .registeredAtRAV: "Anmeldung beim RAV"
        case .notRegisteredAtRAVWithinLast6Months: "Keine RAV-Anmeldung in den letzten 6 Monaten"
        case .canAndWantsToWork: "Kann und will arbeiten"
        case .supportNeed: "Hoher Unterstützungsbedarf"
        case .noIVRelevantHealthDamage: "Kein IV-relevanter Gesundheitsschaden"
        case .ivRejectionOver1Year: "IV-Ablehnung mehr als 1 Jahr zurück"
        case .noRunningIVProcedure: "Kein laufendes IV-Verfahren"
        case .ravJobSearchRelease: "Befreiung von den Arbeitsbemühungen"
        case .socialDifficulties: "Soziale Schwierigkeiten"
        case .entitledToPersonalSocialHelp: "Anspruch auf persönliche Sozialhilfe"
        case .receiverOffersIntegralCaseManagement: "Integrale Fallführung der aufnehmenden Stelle"
        case .consentHandover: "Einverständnis zur Übergabe"
        case .consentDataExchange: "Einverständnis zum Datenaustausch"
        }
    }

    /// The rule as the advisor reads it (§5).
    public static func ruleWording(_ value: ConditionID) -> String {
        switch value {
        case .intactLabourOffer:
            "Die Person hat ein intaktes Arbeitsangebot (vermittlungsfähig und mit grundlegenden Sekundärtugenden)."
        case .workCapacityLossAtMost80:
            "Der anrechenbare Arbeitsausfall beträgt höchstens 80 % (die Person kann mindestens 20 % arbeiten)."
        case .noRunningIVClarification:
            "Es finden keine laufenden Anspruchsabklärungen der IV-Stelle statt."
        case .noRunningIVMeasures:
            "Die Person befindet sich in keinen laufenden Massnahmen der IV."
        case .ivPensionQuestionSettled:
            "Die Rentenfrage seitens der IV ist geklärt."
        case .noIVLegalProceedings:
            "Bei der IV-Stelle ist kein Rechtsmittelverfahren hängig."
        case .registeredAtRAV:
            "Die Person ist beim zuständigen RAV angemeldet oder meldet sich vor der Übergabe (wieder) an."
        case .notRegisteredAtRAVWithinLast6Months:
            "Praxis: Sozialdienste überweisen keine Personen, die in den letzten 6 Monaten beim RAV angemeldet waren."
        case .canAndWantsToWork:
            "Die Person erachtet sich selbst als arbeitsfähig und will arbeiten."
        case .supportNeed:
            "Die Person hat einen hohen Unterstützungsbedarf bei der Arbeitsvermittlung bzw. einen gesundheitsbedingt "
                + "erschwerten Zugang zum Arbeitsmarkt und/oder braucht zu Beginn einer neuen Stelle eine Begleitung."
        case .noIVRelevantHealthDamage:
            "Es besteht kein Verdacht auf einen IV-relevanten Gesundheitsschaden (sonst ist eine reguläre "
                + "IV-Anmeldung nötig statt einer OPTIMA-Übergabe)."
        case .ivRejectionOver1Year:
            "Eine allfällige IV-Ablehnung liegt mehr als 1 Jahr zurück."
        case .noRunningIVProcedure:
            "Es läuft kein IV-Verfahren. Fälle mit laufendem IV-Verfahren oder einer IV-Ablehnung innerhalb des "
                + "letzten Jahres können nicht via OPTIMA der IV zugewiesen werden (einzige feste Regel gemäss Evaluation)."
        case .ravJobSearchRelease:
            "Das RAV kann Bezügerinnen und Bezüger von ALE während OPTIMA-IV nur von den Arbeitsbemühungen befreien, "
                + "wenn die Rechtsgrundlage dafür besteht (Konzept Kap. 3.3.1); sonst prüft es sie weiter."
        case .socialDifficulties:
            "Soziale Schwierigkeiten stehen der Arbeitsintegration im Weg (Sucht, familiäre Konflikte, fehlende "
                + "Kinderbetreuung, belastende Ereignisse, Schulden oder grosse finanzielle Probleme)."
        case .entitledToPersonalSocialHelp:
            "Die Person hat Anspruch auf persönliche Sozialhilfe bei der aufnehmenden Stelle."
        case .receiverOffersIntegralCaseManagement:
            "Die aufnehmende Stelle bietet eine integrale Fallführung an."
        case .consentHandover:
            "Die Person ist mit der Übergabe einverstanden (die Teilnahme ist freiwillig)."
        case .consentDataExchange:
            "Die Person ist mit dem Datenaustausch zwischen den Stellen einverstanden."
        }
    }

    public static func label(_ value: ConditionOutcome) -> String {
        switch value {
        case .met: "erfüllt"
        case .notMet: "nicht erfüllt"
        case .unknown: "unbekannt"
        }
    }

    public static func label(_ value: ConditionKind) -> String {
        switch value {
        case .requirement: "Aufnahmebedingung"
        case .advisory: "Hinweis"
        }
    }

    public static func label(_ value: TrafficLight) -> String {
        switch value {
        case .green: "Grün: alle Bedingungen erfüllt"
        case .yellow: "Gelb: Angaben fehlen oder Hinweise beachten"
        case .red: "Rot: mindestens eine Aufnahmebedingung nicht erfüllt"
        }
    }

    /// The recorded facts of the person status.
    public static func label(_ value: PersonStatus.Field) -> String {
        switch value {
        case .inSocialCounselling: "In Sozialberatung eines Sozialdienstes / SoBZ"
        case .receivesFinancialSocialAssistance: "Bezieht wirtschaftliche Sozialhilfe"
        case .registeredAtRAV: "Beim RAV als stellensuchend angemeldet"
        case .registeredAtRAVWithinLast6Months: "In den letzten 6 Monaten beim RAV angemeldet"
        case .reRegistrationAgreed: "Meldet sich vor der Übergabe beim zuständigen RAV (wieder) an"
        case .receivesALE: "Bezieht Arbeitslosenentschädigung (ALE)"
        case .ivProcedure: "IV-Verfahren"
        case .ivClarificationRunning: "Laufende Anspruchsabklärungen der IV"
        case .ivMeasuresRunning: "Laufende IV-Massnahmen"
        case .ivPensionQuestionSettled: "IV-Rentenfrage geklärt"
        case .ivLegalProceedings: "Rechtsmittelverfahren bei der IV"
        case .hadIVRejection: "Frühere IV-Ablehnung"
        case .lastIVRejectionDate: "Datum der letzten IV-Ablehnung"
        case .ivRelevantHealthDamageSuspected: "Verdacht auf IV-relevanten Gesundheitsschaden"
        case .workCapacityLossPercent: "Arbeitsausfall in %"
        case .canAndWantsToWork: "Kann und will arbeiten (Selbsteinschätzung)"
        case .highSupportNeed: "Hoher Unterstützungsbedarf bei der Arbeitsvermittlung"
        case .healthRelatedHardAccess: "Gesundheitsbedingt erschwerter Zugang zum Arbeitsmarkt"
        case .needsCoachingAtJobStart: "Begleitung zu Beginn einer neuen Stelle nötig"
        case .intactLabourOffer: "Intaktes Arbeitsangebot"
        case .socialDifficulties: "Soziale Schwierigkeiten"
        case .entitledToPersonalSocialHelpAtReceiver: "Anspruch auf persönliche Sozialhilfe bei der aufnehmenden Stelle"
        case .consentHandover: "Einverständnis zur Übergabe"
        case .consentDataExchange: "Einverständnis zum Datenaustausch"
        }
    }

    public static func label(_ value: IVProcedure) -> String {
        switch value {
        case .noProcedure: "Kein IV-Verfahren"
        case .running: "IV-Verfahren laufend"
        case .closed: "IV-Verfahren abgeschlossen"
        }
    }

    public static func label(_ value: SocialDifficulty) -> String {
        switch value {
        case .addiction: "Auffälliger Umgang mit Suchtmitteln oder Suchtverhalten"
        case .familyConflicts: "Familiäre Konflikte"
        case .childcare: "Fehlende Kinderbetreuung"
        case .burdeningEvents: "Belastende Ereignisse"
        case .debts: "Schulden oder grosse finanzielle Probleme"
        }
    }

    // MARK: Calendar and deadlines

    public static func label(_ value: PublicHoliday.ID) -> String {
        switch value {
        case .newYear: "Neujahr"
        case .berchtoldsDay: "Berchtoldstag"
        case .goodFriday: "Karfreitag"
        case .easterMonday: "Ostermontag"
        case .ascension: "Auffahrt"
        case .whitMonday: "Pfingstmontag"
        case .corpusChristi: "Fronleichnam"
        case .nationalDay: "Bundesfeier"
        case .assumption: "Mariä Himmelfahrt"
        case .allSaints: "Allerheiligen"
        case .immaculateConception: "Mariä Empfängnis"
        case .christmas: "Weihnachten"
        case .stStephensDay: "Stephanstag"
        }
    }

    public static func label(_ value: DeadlineKind) -> String {
        switch value {
        case .applicationCheck: "Prüfung des Antrags"
        case .costApprovalSignature: "Unterzeichnung der Kostengutsprache"
        case .mandateEnd: "Geplantes Ende des Auftrags"
        }
    }

    public static func label(_ value: DeadlineState) -> String {
        switch value {
        case .open: "offen"
        case .warning: "läuft bald ab"
        case .overdue: "überfällig"
        case .completed: "erledigt"
        case .completedLate: "verspätet erledigt"
        }
    }

    public static func yesNo(_ value: Bool) -> String { value ? "ja" : "nein" }

    // MARK: All entries

    /// Every label, by category, in declaration order.
    public static let entries: [Entry] = {
        var list: [Entry] = []
        func add<T: RawRepresentable & CaseIterable>(_ category: String, _: T.Type, _ label: (T) -> String)
        where T.RawValue == String {
            for value in T.allCases { list.append(Entry(category: category, id: value.rawValue, label: label(value))) }
        }
        add("institution-type", InstitutionType.self, label)
        add("report-institution", InstitutionType.self, reportLabel)
        add("role", Role.self, label)
        add("process-kind", ProcessKind.self, label)
        add("reduced-procedure", ReducedProcedure.self, label)
        add("case-state", CaseState.self, label)
        add("decision", Decision.self, label)
        add("rejection-reason", RejectionReason.self, label)
        add("closing-reason", ClosingReason.self, label)
        add("outcome", Outcome.self, label)
        add("case-topic", CaseTopic.self, label)
        add("cost-approval-decision", CostApprovalDecision.self, label)
        add("target-group", TargetGroup.self, label)
        add("condition", ConditionID.self, label)
        add("condition-wording", ConditionID.self, ruleWording)
        add("condition-outcome", ConditionOutcome.self, label)
        add("condition-kind", ConditionKind.self, label)
        add("traffic-light", TrafficLight.self, label)
        add("status-field", PersonStatus.Field.self, label)
        add("iv-procedure", IVProcedure.self, label)
        add("social-difficulty", SocialDifficulty.self, label)
        add("holiday", PublicHoliday.ID.self, label)
        add("deadline-kind", DeadlineKind.self, label)
        add("deadline-state", DeadlineState.self, label)
        for months in PlannedMonths.allCases {
            list.append(Entry(category: "planned-months", id: String(months.rawValue), label: label(months)))
        }
        return list
    }()

    /// The label of a contract id in a category, e.g. `("rejection-reason", "no-capacity")`.
    public static func label(category: String, id: String) -> String? {
        entries.first { $0.category == category && $0.id == id }?.label
    }
}
