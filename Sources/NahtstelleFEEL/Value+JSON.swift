import Foundation

/// JSON for `Value`: a hand-written reader and writer, because process variables are encoded on
/// every engine command and Foundation's coders cost more than the rest of a command together.
extension Value {
    /// An error in JSON input, with the byte offset where reading stopped.
    public struct JSONError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "Ungültiges JSON an Position \(offset): \(message)" }
    }

    /// Reads JSON text. Objects of the form `{"@date": "…"}`, `{"@dateTime": "…"}` and
    /// `{"@duration": "…"}` come back as the typed values `jsonString(tagged: true)` wrote.
    public static func parseJSON(_ text: String, maxDepth: Int = 64) throws(JSONError) -> Value {
        try parseJSON(bytes: Array(text.utf8), maxDepth: maxDepth)
    }

    public static func parseJSON(bytes: [UInt8], maxDepth: Int = 64) throws(JSONError) -> Value {
        // Invalid UTF-8 would otherwise become U+FFFD and end up in a letter.
        if let offset = invalidUTF8Offset(bytes) {
            throw JSONError(message: "Ungültige UTF-8-Zeichenfolge (Byte 0x\(String(bytes[offset], radix: 16, uppercase: true))); "
                            + "bitte die Datei als UTF-8 speichern", offset: offset)
        }
        let result: Result<Value, JSONError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer, maxDepth: maxDepth)
            do throws(JSONError) { return .success(try reader.readDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The offset of the first byte that is not part of well-formed UTF-8 (no overlong forms,
    /// no surrogates, nothing above U+10FFFF); `nil` when all of `bytes` is UTF-8.
    public static func invalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            guard (low...high).contains(bytes[i + 1]) else { return i }
            for k in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[i + k]) { return i }
            i += length
        }
        return nil
    }

    /// Writes JSON. With `tagged`, FEEL-only types are written as tagged objects that read back
    /// typed; without, they become plain ISO strings (for people and other systems).
    public func jsonString(tagged: Bool = true, sortedKeys: Bool = true) -> String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        writeJSON(into: &out, tagged: tagged, sortedKeys: sortedKeys)
        return String(decoding: out, as: UTF8.self)
    }

    public func writeJSON(into out: inout [UInt8], tagged: Bool, sortedKeys: Bool) {
        switch self {
        case .null: Value.writeRaw("null", into: &out)
        case .bool(let b): Value.writeRaw(b ? "true" : "false", into: &out)
        case .number(let n): Value.writeNumber(n, into: &out)
        case .string(let s): Value.writeString(s, into: &out)
        case .date(let d): Value.writeTagged("@date", d.description, tagged: tagged, into: &out)
        case .dateTime(let t): Value.writeTagged("@dateTime", Value.isoDateTime(t), tagged: tagged, into: &out)
        case .yearMonthDuration(let m):
            Value.writeTagged("@duration", Value.isoDuration(months: m), tagged: tagged, into: &out)
        case .dayTimeDuration(let s):
            Value.writeTagged("@duration", Value.isoDuration(seconds: s), tagged: tagged, into: &out)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.writeJSON(into: &out, tagged: tagged, sortedKeys: sortedKeys)
            }
            out.append(UInt8(ascii: "]"))
        case .context(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            func member(_ key: String, _ value: Value) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Value.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.writeJSON(into: &out, tagged: tagged, sortedKeys: sortedKeys)
            }
            if sortedKeys {
                for key in members.keys.sorted() { member(key, members[key]!) }
            } else {
                for (key, value) in members { member(key, value) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeTagged(_ tag: String, _ text: String, tagged: Bool, into out: inout [UInt8]) {
        if tagged {
            out.append(UInt8(ascii: "{"))
            writeString(tag, into: &out)
            out.append(UInt8(ascii: ":"))
            writeString(text, into: &out)
            out.append(UInt8(ascii: "}"))
        } else {
            writeString(text, into: &out)
        }
    }

    @usableFromInline static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    @inlinable  // written on every engine command (state, history): worth inlining into the engine
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most strings need no escaping: copy them in one go.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                out.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(92)
                    out.append(byte)
                case 0x0A:
                    out.append(92)
                    out.append(UInt8(ascii: "n"))
                case 0x0D:
                    out.append(92)
                    out.append(UInt8(ascii: "r"))
                case 0x09:
                    out.append(92)
                    out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    out.append(92)
                    out.append(UInt8(ascii: "u"))
                    out.append(48)
                    out.append(48)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 15)])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends literal text (JSON punctuation, keys) as it stands: one copy from static memory.
    @inlinable @inline(__always)
    public static func writeRaw(_ text: StaticString, into out: inout [UInt8]) {
        // Byte by byte: these are a few bytes each, and the generic bulk append costs more.
        let start = text.utf8Start
        for i in 0..<text.utf8CodeUnitCount { out.append(start[i]) }
    }

    /// Writes an integer in decimal, without making a `String` first.
    @inlinable
    public static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 {
            out.append(48 + UInt8(magnitude))
            return
        }
        // Digits from the right into a stack buffer, then one append: reversing a slice of
        // `out` in place would copy the whole array (the slice shares its storage).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            repeat {
                i -= 1
                digits[i] = 48 + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
        }
    }

    /// Writes a number as `canonical` spells it.
    public static func writeNumber(_ n: Decimal, into out: inout [UInt8]) {
        if let (mantissa, exponent) = FEELDecimal.parts(n), exponent >= 0, exponent <= 12 {
            if mantissa == 0 {
                out.append(48)
                return
            }
            writeInteger(mantissa, into: &out)
            for _ in 0..<exponent { out.append(48) }
            return
        }
        out.append(contentsOf: canonical(n).utf8)
    }

    /// A number without exponent or trailing noise: `1250`, `0.5`, `-3.25`.
    public static func canonical(_ n: Decimal) -> String {
        // Fast path for 64-bit mantissas (nearly every amount and count): Decimal's own
        // description costs microseconds on Linux, and numbers are written on every command.
        if let (mantissa, exponent) = FEELDecimal.parts(n), exponent >= -12, exponent <= 12 {
            return formatted(mantissa: mantissa, exponent: exponent)
        }
        var n = n
        var rounded = Decimal()
        NSDecimalRound(&rounded, &n, 12, .plain)
        return rounded.description
    }

    private static let utcCalendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// `2026-11-24T09:30:00Z` (milliseconds only when present).
    public static func isoDateTime(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let ms = Int(((totalMillis % 1000) + 1000) % 1000)
        let secs = (totalMillis - Int64(ms)) / 1000
        let days = Int(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400)
        let rem = Int(secs - Int64(days) * 86400)
        let d = LocalDate(daysSinceEpoch: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var s = "\(d)T\(two(rem / 3600)):\(two(rem / 60 % 60)):\(two(rem % 60))"
        if ms != 0 { s += "." + String(String(ms + 1000).dropFirst()) }
        return s + "Z"
    }

    private static func formatted(mantissa: Int64, exponent: Int) -> String {
        if mantissa == 0 { return "0" }
        var digits = String(mantissa.magnitude)
        if exponent >= 0 {
            digits += String(repeating: "0", count: exponent)
        } else {
            let fraction = -exponent
            if digits.count <= fraction { digits = String(repeating: "0", count: fraction - digits.count + 1) + digits }
            var chars = Array(digits)
            chars.insert(".", at: chars.count - fraction)
            while chars.last == "0" { chars.removeLast() }
            if chars.last == "." { chars.removeLast() }
            digits = String(chars)
        }
        return mantissa < 0 ? "-" + digits : digits
    }

    public static func isoDuration(months: Int) -> String {
        let sign = months < 0 ? "-" : ""
        let m = abs(months)
        if m == 0 { return "P0M" }
        var s = sign + "P"
        if m / 12 > 0 { s += "\(m / 12)Y" }
        if m % 12 > 0 { s += "\(m % 12)M" }
        return s
    }

    public static func isoDuration(seconds: Decimal) -> String {
        let negative = seconds < 0
        var total = negative ? -seconds : seconds
        if total == 0 { return "PT0S" }
        var whole = Decimal()
        NSDecimalRound(&whole, &total, 0, .down)
        let fraction = total - whole
        let w = NSDecimalNumber(decimal: whole).int64Value
        let days = w / 86400, hours = w % 86400 / 3600, minutes = w % 3600 / 60, secs = w % 60
        var s = (negative ? "-" : "") + "P"
        if days > 0 { s += "\(days)D" }
        if hours > 0 || minutes > 0 || secs > 0 || fraction != 0 {
            s += "T"
            if hours > 0 { s += "\(hours)H" }
            if minutes > 0 { s += "\(minutes)M" }
            if secs > 0 || fraction != 0 { s += Value.canonical(Decimal(secs) + fraction) + "S" }
        }
        return s
    }
}

struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var i = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func fail(_ message: String) -> Value.JSONError { Value.JSONError(message: message, offset: i) }

    mutating func readDocument() throws(Value.JSONError) -> Value {
        let v = try readValue()
        skipSpace()
        if i != bytes.count { throw fail("Nach dem Wert folgt noch Text") }
        return v
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func expect(_ word: String) throws(Value.JSONError) {
        for b in word.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw fail("\(word) erwartet") }
            i += 1
        }
    }

    mutating func readValue() throws(Value.JSONError) -> Value {
        skipSpace()
        guard i < bytes.count else { throw fail("Unerwartetes Ende") }
        switch bytes[i] {
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "["):
            depth += 1
            if depth > maxDepth { throw fail("Zu tief verschachtelt (höchstens \(maxDepth) Ebenen)") }
            defer { depth -= 1 }
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
            while true {
                items.append(try readValue())
                skipSpace()
                guard i < bytes.count else { throw fail("Liste nicht geschlossen") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
                throw fail("',' oder ']' erwartet")
            }
        case UInt8(ascii: "{"):
            depth += 1
            if depth > maxDepth { throw fail("Zu tief verschachtelt (höchstens \(maxDepth) Ebenen)") }
            defer { depth -= 1 }
            i += 1
            var members: [String: Value] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .context(members) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("Schlüssel in Anführungszeichen erwartet") }
                let key = try readString()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("':' erwartet") }
                i += 1
                members[key] = try readValue()
                skipSpace()
                guard i < bytes.count else { throw fail("Objekt nicht geschlossen") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("',' oder '}' erwartet")
            }
            if members.count == 1, let (tag, inner) = members.first, ["@date", "@dateTime", "@duration"].contains(tag) {
                // A typed value that is not one would otherwise stay an object and print blank.
                guard case .string(let text) = inner else { throw fail("\(tag) braucht einen Text, z. B. {\"@date\": \"2026-01-31\"}") }
                switch tag {
                case "@date":
                    if let d = LocalDate(iso: text) { return .date(d) }
                    throw fail("{\"@date\": \"\(text.prefix(40))\"} ist kein gültiges Datum (JJJJ-MM-TT, z. B. 2026-01-31)")
                case "@dateTime":
                    if let t = ISODateTime.parse(text) { return .dateTime(t) }
                    throw fail("{\"@dateTime\": \"\(text.prefix(40))\"} ist kein gültiger Zeitpunkt (z. B. 2026-01-31T09:00:00)")
                default:
                    if let d = ISODuration.parse(text) { return d }
                    throw fail("{\"@duration\": \"\(text.prefix(40))\"} ist keine gültige Dauer (z. B. P10D oder P3M)")
                }
            }
            return .context(members)
        default:
            return .number(try readNumber())
        }
    }

    mutating func readString() throws(Value.JSONError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw fail("Steuerzeichen in Zeichenkette muss maskiert sein") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(34)
            case UInt8(ascii: "\\"): out.append(92)
            case UInt8(ascii: "/"): out.append(47)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == 92, bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("Unvollständiges UTF-16-Ersatzpaar")
                    }
                    i += 2
                    let low = try readHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("Ungültiges UTF-16-Ersatzpaar") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("Ungültiges Unicode-Zeichen") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("Unbekannte Maskierung \\\(Character(Unicode.Scalar(e)))")
            }
        }
        throw fail("Zeichenkette nicht geschlossen")
    }

    mutating func readHex4() throws(Value.JSONError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("\\u braucht 4 Hexziffern") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 48...57: d = UInt32(b - 48)
            case 65...70: d = UInt32(b - 55)
            case 97...102: d = UInt32(b - 87)
            default: throw fail("\\u braucht 4 Hexziffern")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    mutating func readNumber() throws(Value.JSONError) -> Decimal {
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        var smallInt: Int64 = 0
        var simple = true
        while i < bytes.count, (48...57).contains(bytes[i]) {
            if digits < 17 { smallInt = smallInt * 10 + Int64(bytes[i] - 48) } else { simple = false }
            digits += 1
            i += 1
        }
        guard digits > 0 else { throw fail("Wert erwartet (Zahl, Text, true/false, null, Liste oder Objekt)") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            simple = false
            if bytes[i] == UInt8(ascii: ".") {
                i += 1
                let before = i
                while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
                if i == before { throw fail("Ziffer nach dem Dezimalpunkt erwartet") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                let before = i
                while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
                if i == before { throw fail("Ziffer im Exponenten erwartet") }
            }
        }
        if simple {
            return Decimal(bytes[start] == UInt8(ascii: "-") ? -smallInt : smallInt)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { throw fail("Zahl nicht lesbar") }
        return d
    }
}
