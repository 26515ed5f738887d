import NahtstelleDefinition
import NahtstelleXML

/// The element ids and message names of the six OPTIMA definitions that the application's code
/// relies on (task forms and rules by task id, notifications by service task, the reduced
/// procedures' ends and messages). One place: a coordinator's edit that removes one is refused
/// at deployment with a clear problem, and a test holds the shipped definitions to it.
public enum ProcessContract {
    static let optimaTasks = ["check-application", "clarify-application", "plan-handover", "handover-meeting", "invite-status-meeting",
                              "status-meeting", "hand-back-documents", "sign-cost-approval", "book-measure", "forward-invoice", "pay-invoice",
                              "notify-rejection", "notify-cost-approval-reminder", "notify-cost-approval-escalation",
                              "notify-cost-approval-rejected", "notify-planned-end-receiver", "notify-planned-end-referrer",
                              "notify-status-meeting-referrer"]
    static let optimaMessages = ["cost-approval-requested", "status-meeting-rescheduled"]

    /// Process id → (element ids, message names) the code needs.
    public static let required: [String: (elements: [String], messages: [String])] = [
        "optima-alv": (optimaTasks, optimaMessages),
        "optima-iv": (optimaTasks, optimaMessages),
        "optima-sh": (optimaTasks + ["sign-agreement-alv"], optimaMessages),
        "reduced-rav": (["check-job-search", "resume-procedure", "end-advising-resumed", "intact-labour-offer"], ["intact-labour-offer"]),
        "reduced-iv": (["suspend-iv-procedure", "resume-procedure"], []),
        "reduced-sd": (["resume-procedure"], []),
    ]

    static let bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL"

    /// A problem for every required id or message missing from the processes of `bytes` that the
    /// contract knows (other processes are not judged).
    public static func problems(bytes: [UInt8], fileName: String) -> [Problem] {
        guard let document = try? XMLDocument(bytes: bytes, fileName: fileName), let root = document.root else { return [] }
        var problems: [Problem] = []
        let messages = Set(root.children("message", in: bpmn).compactMap { $0.attribute("name") })
        for process in root.children("process", in: bpmn) {
            guard let id = process.attribute("id"), let contract = required[id] else { continue }
            var ids: Set<String> = []
            func collect(_ e: XMLElement) {
                if let i = e.attribute("id") { ids.insert(i) }
                for c in e.children where c.namespaceURI == bpmn { collect(c) }
            }
            collect(process)
            let at = SourceLocation(file: fileName, line: process.position.line, column: process.position.column)
            for element in contract.elements where !ids.contains(element) {
                problems.append(Problem(.error, at: at, element: id,
                                        "Das Element «\(element)» fehlt in «\(id)»: Nahtstelle braucht es (Formular, Regeln oder Mitteilung hängen an dieser Id)",
                                        fix: "das Element mit der Id «\(element)» behalten (Namen und Lage dürfen sich ändern)"))
            }
            for message in contract.messages where !messages.contains(message) {
                problems.append(Problem(.error, at: at, element: id,
                                        "Die Nachricht «\(message)» fehlt in der Datei: die verknüpften Verfahren senden oder erwarten sie",
                                        fix: "<bpmn:message name=\"\(message)\"> und ihre Ereignisse behalten"))
            }
        }
        return problems
    }
}
