import Foundation

/// ISO 8601 date-times as BPMN timers and FEEL literals write them.
public enum ISODateTime {
    /// The zone in which local (zone-less) date-times are read: the offices are in Lucerne.
    public static let officeTimeZone = TimeZone(identifier: "Europe/Zurich")!

    /// Parses `2026-11-24T09:30:00Z`, `…+01:00`, `…T09:30` (office time zone) or a plain date
    /// (midnight, office time zone). `nil` when it is none of these.
    public static func parse(_ text: String) -> Date? {
        parseCanonical(text) ?? parseGeneral(text)
    }

    /// Every form `parse` accepts, the slow way.
    static func parseGeneral(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = LocalDate(iso: t) { return startOfDay(d) }
        guard let tIndex = t.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }),
            let date = LocalDate(iso: t[..<tIndex])
        else { return nil }
        var rest = t[t.index(after: tIndex)...]
        var offset: Int? = nil
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            offset = 0
            rest = rest.dropLast()
        } else if let signIndex = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = rest[rest.index(after: signIndex)...].split(separator: ":")
            guard (1...2).contains(zone.count), let h = Int(zone[0].prefix(2)) else { return nil }
            let m = zone.count == 2 ? Int(zone[1]) ?? -1 : (zone[0].count == 4 ? Int(zone[0].suffix(2)) ?? -1 : 0)
            guard (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            offset = (h * 3600 + m * 60) * (rest[signIndex] == "-" ? -1 : 1)
            rest = rest[..<signIndex]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let h = Int(parts[0]), let mi = Int(parts[1]),
            (0..<24).contains(h), (0..<60).contains(mi)
        else { return nil }
        var seconds = 0.0
        if parts.count == 3 {
            guard let s = Double(parts[2]), s >= 0, s < 61 else { return nil }
            seconds = s
        }
        let local = Double(date.daysSinceEpoch) * 86400 + Double(h * 3600 + mi * 60) + seconds
        if let offset { return Date(timeIntervalSince1970: local - Double(offset)) }
        return fromOfficeLocal(local)
    }

    /// The form `Value.isoDateTime` writes (`2026-11-24T09:30:00Z`, `…:00.250Z`), read byte by
    /// byte: every instance state and stored variable holds it, and the general path above (a
    /// trim, splits and `Int` parses through `Foundation`) cost about 14 µs per command on the
    /// writer. `nil` for anything else, which the general path then reads.
    static func parseCanonical(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 20 || b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
                b[b.count - 1] == 0x5A
            else { return nil }
            func number(_ from: Int, _ length: Int) -> Int? {
                var n = 0
                for i in from..<(from + length) {
                    let digit = Int(b[i]) - 48
                    guard digit >= 0, digit <= 9 else { return nil }
                    n = n * 10 + digit
                }
                return n
            }
            guard let y = number(0, 4), let m = number(5, 2), let d = number(8, 2), let h = number(11, 2), let mi = number(14, 2),
                let s = number(17, 2), (1...12).contains(m), d >= 1, d <= LocalDate.daysIn(month: m, year: y), h < 24, mi < 60, s < 60
            else { return nil }
            var millis = 0
            if b.count == 24 {
                guard b[19] == 0x2E, let ms = number(20, 3) else { return nil }
                millis = ms
            }
            // The same arithmetic as the general path, so both give the very same `Date`
            // (`Double("05.250")` is the correctly rounded 5250 / 1000).
            let days = LocalDate(year: y, month: m, day: d).daysSinceEpoch
            let seconds = Double(s * 1000 + millis) / 1000
            return Date(timeIntervalSince1970: Double(days) * 86400 + Double(h * 3600 + mi * 60) + seconds)
        }
    }

    /// Midnight of a date in the office time zone.
    public static func startOfDay(_ d: LocalDate) -> Date {
        fromOfficeLocal(Double(d.daysSinceEpoch) * 86400)
    }

    /// The office-local calendar date of an instant.
    public static func localDate(of date: Date) -> LocalDate {
        let offset = officeTimeZone.secondsFromGMT(for: date)
        let local = date.timeIntervalSince1970 + Double(offset)
        return LocalDate(daysSinceEpoch: Int((local / 86400).rounded(.down)))
    }

    static func fromOfficeLocal(_ localSeconds: Double) -> Date {
        // Two passes settle the offset around daylight-saving changes.
        var guess = Date(timeIntervalSince1970: localSeconds)
        for _ in 0..<2 {
            guess = Date(timeIntervalSince1970: localSeconds - Double(officeTimeZone.secondsFromGMT(for: guess)))
        }
        return guess
    }
}

/// ISO 8601 durations (`P3M`, `P10D`, `PT2H30M`, `P1Y2M`, `-P1D`) as FEEL durations.
public enum ISODuration {
    /// Years/months give a `yearMonthDuration`, days/time a `dayTimeDuration`; mixing both (which
    /// FEEL has no type for) returns `nil`. Weeks (`P2W`) count as 7 days.
    public static func parse(_ text: String) -> Value? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() }
        guard s.first == "P" || s.first == "p" else { return nil }
        s = s.dropFirst()
        guard !s.isEmpty else { return nil }
        var months = 0
        var seconds = Decimal(0)
        var inTime = false
        var number = ""
        var sawYM = false, sawDT = false, sawAny = false
        for ch in s {
            if ch == "T" || ch == "t" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if ch.isNumber || ch == "." || ch == "," { number.append(ch == "," ? "." : ch); continue }
            guard !number.isEmpty, let n = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            number = ""
            sawAny = true
            // Years and months become an Int; a hostile `P99999999999999999999Y` must not overflow it.
            if !inTime, ch == "Y" || ch == "y" || ch == "M" || ch == "m", n > 1_000_000 { return nil }
            switch (ch.uppercased(), inTime) {
            case ("Y", false): months += NSDecimalNumber(decimal: n).intValue * 12; sawYM = true
            case ("M", false): months += NSDecimalNumber(decimal: n).intValue; sawYM = true
            case ("W", false): seconds += n * 7 * 86400; sawDT = true
            case ("D", false): seconds += n * 86400; sawDT = true
            case ("H", true): seconds += n * 3600; sawDT = true
            case ("M", true): seconds += n * 60; sawDT = true
            case ("S", true): seconds += n; sawDT = true
            default: return nil
            }
        }
        guard number.isEmpty, sawAny, !(sawYM && sawDT) else { return nil }
        if sawYM { return .yearMonthDuration(months: negative ? -months : months) }
        return .dayTimeDuration(seconds: negative ? -seconds : seconds)
    }
}

/// The ISO 8601 texts of BPMN timers and due dates (`P10D`, `P1Y2M3W4DT5H`, `R3/PT1H`,
/// `R/2026-03-27T09:00/P1D`, `2026-12-01T09:00`): one parser for `validate`, `simulate` and
/// the running engine, with the limits that keep a deadline meaningful.
public enum ISOTimerText {
    /// A duration as a calendar part (months) and an exact part (seconds; whole days of it are
    /// calendar days in Lucerne, see `ISODateTime.adding`).
    public struct Duration: Sendable, Hashable {
        public var months: Int
        public var seconds: Decimal
        public init(months: Int, seconds: Decimal) {
            self.months = months
            self.seconds = seconds
        }
    }

    /// A repeating timer.
    public struct Cycle: Sendable, Hashable {
        /// Number of firings; `nil` repeats without end.
        public var repetitions: Int?
        /// The first firing, when the text gives one; else one interval from now.
        public var start: Date?
        public var interval: Duration
    }

    /// Longest duration of a deadline or timer: 100 years.
    public static let maximumYears = 100
    /// Shortest interval of a repeating timer: a minute (`R/PT0S` would fire without pause).
    public static let minimumCycleSeconds: Decimal = 60
    /// Dates of timers and deadlines lie in these years.
    public static let years = 1900...2199

    /// Parses a duration; the error says what is wrong in German.
    public static func duration(_ raw: String) -> Result<Duration, TimerTextError> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        var s = Substring(text)
        guard s.first == "P" else { return .failure(.init("«\(text.prefix(40))» ist keine Dauer: sie beginnt mit P, z. B. P10D, PT2H oder P1M")) }
        s = s.dropFirst()
        var inTime = false, components = 0, lastRank = -1
        var months = Decimal(0), seconds = Decimal(0)
        let dateUnits: [Character] = ["Y", "M", "W", "D"], timeUnits: [Character] = ["H", "M", "S"]
        while let c = s.first {
            if c == "T" {
                guard !inTime, let next = s.dropFirst().first, next.isASCII, next.isNumber else {
                    return .failure(.init("«\(text.prefix(40))»: nach T folgt eine Zeitangabe, z. B. PT2H"))
                }
                inTime = true
                lastRank = -1
                s = s.dropFirst()
                continue
            }
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 12 else {
                return .failure(.init("«\(text.prefix(40))» ist keine gültige Dauer (Zahl und Einheit, z. B. P10D, P1Y2M, PT1H30M)"))
            }
            s = s.dropFirst(digits.count)
            var number = String(digits)
            if let sep = s.first, sep == "." || sep == "," {
                let fraction = s.dropFirst().prefix { $0.isASCII && $0.isNumber }
                guard !fraction.isEmpty, fraction.count <= 9 else { return .failure(.init("«\(text.prefix(40))»: Nachkommastellen fehlen")) }
                number += "." + fraction
                s = s.dropFirst(1 + fraction.count)
            }
            guard let unit = s.first, let rank = (inTime ? timeUnits : dateUnits).firstIndex(of: unit), rank > lastRank else {
                return .failure(.init("«\(text.prefix(40))» ist keine gültige Dauer (Einheiten in der Reihenfolge Y M W D T H M S, z. B. P1Y2M3W4DT5H)"))
            }
            if number.contains("."), !(inTime && unit == "S") {
                return .failure(.init("«\(text.prefix(40))»: Nachkommastellen nur bei Sekunden"))
            }
            let n = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX")) ?? 0
            switch (unit, inTime) {
            case ("Y", false): months += n * 12
            case ("M", false): months += n
            case ("W", false): seconds += n * 7 * 86400
            case ("D", false): seconds += n * 86400
            case ("H", true): seconds += n * 3600
            case ("M", true): seconds += n * 60
            default: seconds += n
            }
            lastRank = rank
            components += 1
            s = s.dropFirst()
        }
        guard components > 0 else { return .failure(.init("«\(text.prefix(40))» nennt keine Zeitspanne, z. B. P10D")) }
        let limitMonths = Decimal(maximumYears * 12)
        guard months + seconds / Decimal(30 * 86400) <= limitMonths else {
            return .failure(.init("«\(text.prefix(40))» ist länger als \(maximumYears) Jahre; eine Frist oder ein Timer so weit in der Zukunft ist ein Tippfehler"))
        }
        return .success(Duration(months: NSDecimalNumber(decimal: months).intValue, seconds: seconds))
    }

    /// Parses a date or date-time (zone-less: Lucerne time) within `years`.
    public static func instant(_ raw: String) -> Result<Date, TimerTextError> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let date = ISODateTime.parse(text) else {
            return .failure(.init("«\(text.prefix(40))» ist kein gültiges Datum oder Zeitpunkt (z. B. 2026-12-01 oder 2026-12-01T09:00)"))
        }
        guard years.contains(ISODateTime.localDate(of: date).year) else {
            return .failure(.init("«\(text.prefix(40))» liegt ausserhalb der Jahre \(years.lowerBound)–\(years.upperBound)"))
        }
        return .success(date)
    }

    /// Parses `R3/PT1H`, `R/P1D`, `R3/2026-01-01T08:00/P1D`.
    public static func cycle(_ raw: String) -> Result<Cycle, TimerTextError> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, parts[0].first == "R" else {
            return .failure(.init("«\(text.prefix(40))» ist kein Zyklus (z. B. R3/PT1H, R/P1D oder R5/2026-01-01T08:00/P1D)"))
        }
        let count = parts[0].dropFirst()
        var repetitions: Int? = nil
        if !count.isEmpty {
            guard count.count <= 9, count.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(count) else {
                return .failure(.init("«\(parts[0])»: nach R folgt die Anzahl Wiederholungen (z. B. R3) oder nichts (ohne Ende)"))
            }
            guard n >= 1 else { return .failure(.init("«\(text.prefix(40))»: R0 löst nie aus; mindestens R1 angeben oder den Timer entfernen")) }
            repetitions = n
        }
        if parts.count == 3, parts[1].first == "P" {
            return .failure(.init("«\(text.prefix(40))»: ein Zyklus mit Enddatum wird nicht unterstützt; den Start zuerst angeben, z. B. R3/2026-01-01T08:00/P1D"))
        }
        let intervalText = parts.count == 2 ? parts[1] : parts[2]
        let startText: String? = parts.count == 3 ? parts[1] : nil
        let interval: Duration
        switch duration(intervalText) {
        case .success(let d): interval = d
        case .failure(let e): return .failure(.init("«\(text.prefix(40))»: der Abstand \(e.message)"))
        }
        guard interval.months > 0 || interval.seconds >= minimumCycleSeconds else {
            return .failure(.init("«\(text.prefix(40))»: der Abstand ist kürzer als eine Minute; ein Timer würde ohne Pause auslösen"))
        }
        var start: Date? = nil
        if let startText {
            switch instant(startText) {
            case .success(let d): start = d
            case .failure(let e): return .failure(.init("«\(text.prefix(40))»: der Start \(e.message)"))
            }
        }
        return .success(Cycle(repetitions: repetitions, start: start, interval: interval))
    }

    /// Adds a duration to an instant in Lucerne: months and whole days are calendar steps that
    /// keep the local wall-clock time (also across the clock changes), the rest is elapsed time.
    /// `nil` beyond the limits.
    public static func add(_ d: Duration, to t: Date) -> Date? {
        guard abs(d.months) <= maximumYears * 12 + 12 else { return nil }
        var result = t
        if d.months != 0 {
            guard case .dateTime(let moved) = FEELTemporal.dateTime(result, plusMonths: d.months) else { return nil }
            result = moved
        }
        return ISODateTime.adding(seconds: d.seconds, to: result)
    }
}

/// Why a timer or due-date text is not usable, in German.
public struct TimerTextError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ISODateTime {
    /// An instant plus a days-and-time duration, read as XML Schema and FEEL read a zone-less
    /// date-time: whole days move the Lucerne calendar date and keep the wall-clock time
    /// (28.03. 12:00 + P1D = 29.03. 12:00, though that day has 23 hours), the remainder is
    /// elapsed time. `nil` when the result would be beyond ±10 000 years.
    public static func adding(seconds: Decimal, to t: Date) -> Date? {
        let s = FEELDecimal.double(seconds)
        guard s.isFinite, abs(s) < Double(FEELTemporal.dayLimit) * 86400 else { return nil }
        let days = (s / 86400).rounded(.towardZero)
        let rest = s - days * 86400
        guard days != 0 else { return t.addingTimeInterval(rest) }
        guard let fields = FEELTemporal.officeFields(t) else { return nil }
        let moved = fields.date.adding(days: Int(days))
        return fromOfficeLocal(Double(moved.daysSinceEpoch) * 86400 + fields.secondOfDay).addingTimeInterval(rest)
    }
}
