/// Plain-word names of BPMN elements and what to do about the ones Nahtstelle does not run.
/// One place for the German wording of element names in messages.
enum ElementCatalog {
    /// Flow nodes Nahtstelle runs.
    static let supportedFlowNodes: Set<String> = [
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
        "userTask", "serviceTask", "sendTask", "receiveTask", "task", "manualTask",
        "exclusiveGateway", "parallelGateway", "subProcess",
    ]

    /// Activities (what boundary events attach to), supported or not.
    static let activities: Set<String> = [
        "userTask", "serviceTask", "sendTask", "receiveTask", "task", "manualTask", "subProcess",
        "callActivity", "scriptTask", "businessRuleTask", "transaction", "adHocSubProcess",
    ]

    /// Flow nodes Nahtstelle does not run: (name in plain words, fix).
    static let unsupportedFlowNodes: [String: (name: String, fix: String)] = [
        "callActivity": ("Aufruf-Aktivität (callActivity)",
                         "durch einen eingebetteten Teilprozess oder eine Nachricht an einen separaten Prozess ersetzen"),
        "scriptTask": ("Skriptaufgabe (scriptTask)", "durch eine Serviceaufgabe mit nahtstelle:handler ersetzen"),
        "businessRuleTask": ("Geschäftsregel-Aufgabe (businessRuleTask)",
                             "durch ein exklusives Gateway mit FEEL-Bedingungen oder eine Serviceaufgabe ersetzen"),
        "inclusiveGateway": ("inklusives Gateway (ODER)", "mit exklusiven und parallelen Gateways ausdrücken"),
        "eventBasedGateway": ("ereignisbasiertes Gateway",
                              "durch eine Empfangsaufgabe mit angehefteten Nachrichten- oder Zeitgeber-Ereignissen ersetzen"),
        "complexGateway": ("komplexes Gateway", "mit exklusiven und parallelen Gateways ausdrücken"),
        "transaction": ("Transaktion (transaction)", "durch einen eingebetteten Teilprozess ersetzen"),
        "adHocSubProcess": ("Ad-hoc-Teilprozess (adHocSubProcess)",
                            "durch einen eingebetteten Teilprozess mit parallelem Gateway ersetzen"),
        "implicitThrowEvent": ("implizites Wurfereignis", "durch ein Nachrichten-Zwischenereignis ersetzen"),
        "choreographyTask": ("Choreographie-Aufgabe", "Choreographien gehören nicht in einen ausführbaren Prozess; entfernen"),
        "callChoreography": ("Choreographie-Aufruf", "Choreographien gehören nicht in einen ausführbaren Prozess; entfernen"),
        "subChoreography": ("Sub-Choreographie", "Choreographien gehören nicht in einen ausführbaren Prozess; entfernen"),
    ]

    /// Unsupported containers whose content is still read (to report everything inside).
    static let unsupportedContainers: Set<String> = ["transaction", "adHocSubProcess"]

    /// Event definitions Nahtstelle does not run: (name in plain words, fix).
    static let unsupportedEventDefinitions: [String: (name: String, fix: String)] = [
        "signalEventDefinition": ("Signalereignis", "durch ein Nachrichtenereignis ersetzen"),
        "errorEventDefinition": ("Fehlerereignis",
                                 "das Ergebnis als Variable setzen und mit einem exklusiven Gateway verzweigen, oder eine Nachricht verwenden"),
        "escalationEventDefinition": ("Eskalationsereignis", "durch ein Nachrichtenereignis ersetzen"),
        "compensateEventDefinition": ("Kompensationsereignis", "die Rückabwicklung als gewöhnliche Aufgaben modellieren"),
        "conditionalEventDefinition": ("Bedingungsereignis", "durch ein exklusives Gateway oder ein Zeitgeber-Ereignis ersetzen"),
        "linkEventDefinition": ("Link-Ereignis", "die beiden Link-Ereignisse durch einen Sequenzfluss ersetzen"),
        "cancelEventDefinition": ("Abbruchereignis", "durch ein Terminierungs-Endereignis ersetzen"),
    ]

    /// Elements that carry no execution semantics here: reported as warnings.
    static let ignorable: [String: String] = [
        "documentation": "Dokumentation (documentation)",
        "textAnnotation": "Textanmerkung (textAnnotation)",
        "association": "Assoziation (association)",
        "group": "Gruppe (group)",
        "dataObject": "Datenobjekt (dataObject)",
        "dataObjectReference": "Datenobjekt-Referenz (dataObjectReference)",
        "dataStoreReference": "Datenspeicher-Referenz (dataStoreReference)",
        "dataInputAssociation": "Dateneingabe-Zuordnung (dataInputAssociation)",
        "dataOutputAssociation": "Datenausgabe-Zuordnung (dataOutputAssociation)",
        "ioSpecification": "Ein-/Ausgabe-Spezifikation (ioSpecification)",
        "property": "Eigenschaft (property)",
        "category": "Kategorie (category)",
        "dataInput": "Dateneingabe (dataInput)",
        "dataOutput": "Datenausgabe (dataOutput)",
        "inputSet": "Eingabemenge (inputSet)",
        "outputSet": "Ausgabemenge (outputSet)",
        "monitoring": "Überwachung (monitoring)",
        "auditing": "Protokollierung (auditing)",
        "correlationSubscription": "Korrelations-Abonnement (correlationSubscription)",
        "performer": "Ausführende (performer)",
        "potentialOwner": "mögliche Bearbeitende (potentialOwner)",
        "humanPerformer": "Bearbeitende (humanPerformer)",
    ]

    /// Loop markers (errors).
    static let loops: [String: (name: String, fix: String)] = [
        "multiInstanceLoopCharacteristics": ("Mehrfachinstanz (multi-instance)",
                                             "die Aufgabe mehrmals modellieren oder die Mehrfachbearbeitung im Formular abbilden"),
        "standardLoopCharacteristics": ("Schleife (standard loop)",
                                        "die Wiederholung mit einem exklusiven Gateway und einem Rückfluss modellieren"),
    ]

    /// German name of a supported element for messages.
    static func name(of localName: String) -> String {
        switch localName {
        case "startEvent": "Startereignis"
        case "endEvent": "Endereignis"
        case "intermediateCatchEvent": "Zwischenereignis (empfangend)"
        case "intermediateThrowEvent": "Zwischenereignis (sendend)"
        case "boundaryEvent": "angeheftetes Ereignis"
        case "userTask": "Benutzeraufgabe"
        case "serviceTask": "Serviceaufgabe"
        case "sendTask": "Sendeaufgabe"
        case "receiveTask": "Empfangsaufgabe"
        case "task": "Aufgabe"
        case "manualTask": "manuelle Aufgabe"
        case "exclusiveGateway": "exklusives Gateway"
        case "parallelGateway": "paralleles Gateway"
        case "subProcess": "Teilprozess"
        case "sequenceFlow": "Sequenzfluss"
        case "process": "Prozess"
        case "lane": "Lane"
        case "message": "Nachricht"
        case "participant": "Pool (participant)"
        case "messageFlow": "Nachrichtenfluss"
        default: unsupportedFlowNodes[localName]?.name ?? ignorable[localName] ?? "<\(localName)>"
        }
    }
}
