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
        func pair(_ key: String, _ value: String) {
            Value.writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            Value.writeString(value, into: &out)
        }
        out.append(UInt8(ascii: "{"))
        switch self {
        case .started(let process, let version):
            pair("started", process)
            Value.writeRaw(#","version":"#, into: &out)
            Value.writeInteger(Int64(version), into: &out)
        case .startedBy(let message): pair("startedBy", message)
        case .task(let element, let id):
            Value.writeRaw(#""id":"#, into: &out)
            Value.writeInteger(id, into: &out)
            out.append(UInt8(ascii: ","))
            pair("task", element)
        case .taskCancelled(let element): pair("taskCancelled", element)
        case .timer(let element): pair("timer", element)
        case .message(let name, let at):
            pair("at", at)
            out.append(UInt8(ascii: ","))
            pair("message", name)
        case .sent(let message): pair("sent", message)
        case .undelivered(let message):
            Value.writeRaw(#""delivered":false,"#, into: &out)
            pair("message", message)
        case .service(let element): pair("service", element)
        case .terminated(let element): pair("terminated", element)
        case .cancelled(let reason): pair("cancelled", reason)
        case .ended(let element): pair("ended", element)
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
            for (i, event) in events.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                event.write(into: &out)
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
