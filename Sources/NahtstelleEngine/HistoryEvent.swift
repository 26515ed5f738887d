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
    /// The instance moved to another deployed version of its process.
    case migrated(process: String, from: Int, to: Int)
    /// Something the definition asked for could not be done (e.g. a due date that is no date).
    case warning(element: String, message: String)

    /// A key written as the literal JSON it is (with what precedes it), then a string value.
    @inline(__always)
    private static func field(_ key: StaticString, _ value: String, into out: inout [UInt8]) {
        Value.writeRaw(key, into: &out)
        Value.writeString(value, into: &out)
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .started(let process, let version):
            Self.field(#"{"started":"#, process, into: &out)
            Value.writeRaw(#","version":"#, into: &out)
            Value.writeInteger(Int64(version), into: &out)
        case .startedBy(let message): Self.field(#"{"startedBy":"#, message, into: &out)
        case .task(let element, let id):
            Value.writeRaw(#"{"id":"#, into: &out)
            Value.writeInteger(id, into: &out)
            Self.field(#","task":"#, element, into: &out)
        case .taskCancelled(let element): Self.field(#"{"taskCancelled":"#, element, into: &out)
        case .timer(let element): Self.field(#"{"timer":"#, element, into: &out)
        case .message(let name, let at):
            Self.field(#"{"at":"#, at, into: &out)
            Self.field(#","message":"#, name, into: &out)
        case .sent(let message): Self.field(#"{"sent":"#, message, into: &out)
        case .undelivered(let message): Self.field(#"{"delivered":false,"message":"#, message, into: &out)
        case .service(let element): Self.field(#"{"service":"#, element, into: &out)
        case .terminated(let element): Self.field(#"{"terminated":"#, element, into: &out)
        case .cancelled(let reason): Self.field(#"{"cancelled":"#, reason, into: &out)
        case .ended(let element): Self.field(#"{"ended":"#, element, into: &out)
        case .migrated(let process, let from, let to):
            Value.writeRaw(#"{"from":"#, into: &out)
            Value.writeInteger(Int64(from), into: &out)
            Self.field(#","migrated":"#, process, into: &out)
            Value.writeRaw(#","to":"#, into: &out)
            Value.writeInteger(Int64(to), into: &out)
        case .warning(let element, let message):
            Self.field(#"{"element":"#, element, into: &out)
            Self.field(#","warning":"#, message, into: &out)
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

extension HistoryRecord {
    /// The elements this history line shows the instance passing: the element the command acted
    /// on, and the tasks created, timers fired, service tasks run and end events reached that its
    /// `events` list records. What the diagrams mark as a case's (or a dry run's) path.
    public var passedElementIDs: [String] {
        var ids: [String] = []
        if let elementID { ids.append(elementID) }
        for fields in events {
            for key in ["task", "timer", "service", "ended", "terminated"] {
                if let id = fields[key]?.stringValue { ids.append(id) }
            }
        }
        return ids
    }

    /// The names of the messages this line's command sent (delivered or not).
    public var sentMessageNames: [String] {
        events.compactMap { fields in fields["sent"]?.stringValue ?? (fields["delivered"] != nil ? fields["message"]?.stringValue : nil) }
    }

    /// The `events` list of `details`, each as its fields.
    private var events: [[String: Value]] {
        guard let parsed = try? Value.parseJSON(bytes: Array(details.utf8)), let list = parsed.contextValue?["events"]?.listValue else {
            return []
        }
        return list.compactMap(\.contextValue)
    }
}
