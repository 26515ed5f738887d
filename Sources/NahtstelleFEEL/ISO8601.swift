import Foundation

/// ISO 8601 date-times as BPMN timers and FEEL literals write them.
public enum ISODateTime {
    /// The zone in which local (zone-less) date-times are read: the offices are in Lucerne.
    public static let officeTimeZone = TimeZone(identifier: "Europe/Zurich")!

    /// Parses `2026-11-24T09:30:00Z`, `…+01:00`, `…T09:30` (office time zone) or a plain date
    /// (midnight, office time zone). `nil` when it is none of these.
    public static func parse(_ text: String) -> Date? {
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
