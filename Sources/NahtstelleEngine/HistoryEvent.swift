import NahtstelleFEEL

/// What a command did to an instance, as recorded in its history line's `events` list.
/// Written straight to JSON: a history line is appended on every command.
enum HistoryEvent {
    case started(process: String, version: Int)
    case startedBy(message: String)
    case task(element: String, id: Int64)
    case taskCancelled(element: String)
    case timer(element: String)
    case message(name: String, at: String)
    case sent(message: String)
    case undelivered(message: String)
    case service(element: String)
    case terminated(element: String)
    case cancelled(reason: String)
    case ended(element: String)

    func write(into out: inout [UInt8]) {
        // Keys are written as the literal JSON they are (no escaping to look for).
        switch self {
        case .started(let process, let version):
            Value.writeRaw(#"{"started":"#, into: &out)
            Value.writeString(process, into: &out)
            Value.writeRaw(#","version":"#, into: &out)
            Value.writeInteger(Int64(version), into: &out)
        case .startedBy(let message):
            Value.writeRaw(#"{"startedBy":"#, into: &out)
            Value.writeString(message, into: &out)
        case .task(let element, let id):
            Value.writeRaw(#"{"id":"#, into: &out)
            Value.writeInteger(id, into: &out)
            Value.writeRaw(#","task":"#, into: &out)
            Value.writeString(element, into: &out)
        case .taskCancelled(let element):
            Value.writeRaw(#"{"taskCancelled":"#, into: &out)
            Value.writeString(element, into: &out)
        case .timer(let element):
            Value.writeRaw(#"{"timer":"#, into: &out)
            Value.writeString(element, into: &out)
        case .message(let name, let at):
            Value.writeRaw(#"{"at":"#, into: &out)
            Value.writeString(at, into: &out)
            Value.writeRaw(#","message":"#, into: &out)
            Value.writeString(name, into: &out)
        case .sent(let message):
            Value.writeRaw(#"{"sent":"#, into: &out)
            Value.writeString(message, into: &out)
        case .undelivered(let message):
            Value.writeRaw(#"{"delivered":false,"message":"#, into: &out)
            Value.writeString(message, into: &out)
        case .service(let element):
            Value.writeRaw(#"{"service":"#, into: &out)
            Value.writeString(element, into: &out)
        case .terminated(let element):
            Value.writeRaw(#"{"terminated":"#, into: &out)
            Value.writeString(element, into: &out)
        case .cancelled(let reason):
            Value.writeRaw(#"{"cancelled":"#, into: &out)
            Value.writeString(reason, into: &out)
        case .ended(let element):
            Value.writeRaw(#"{"ended":"#, into: &out)
            Value.writeString(element, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `{"events":[…],"variables":{…}}`, either part left out when empty.
    static func details(events: [HistoryEvent], variables: [String: Value]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(128)
        out.append(UInt8(ascii: "{"))
        if !events.isEmpty {
            Value.writeRaw(#""events":["#, into: &out)
            for i in events.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                events[i].write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if !variables.isEmpty {
            if !events.isEmpty { out.append(UInt8(ascii: ",")) }
            Value.writeRaw(#""variables":"#, into: &out)
            Value.context(variables).writeJSON(into: &out, tagged: true, sortedKeys: true)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
