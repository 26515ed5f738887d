/// Checks the ISO 8601 literals BPMN timers and due dates are written in. Only the syntax is
/// checked here; the runtime computes the instants.
enum ISO8601Literal {
    /// `P10D`, `PT1H30M`, `P1Y2M3W4DT5H6M7.5S` (at least one component; `T` only before a time part).
    static func isDuration(_ text: Substring) -> Bool {
        var s = text[...]
        guard s.first == "P" else { return false }
        s = s.dropFirst()
        var inTime = false
        var components = 0
        var lastUnitRank = -1
        let dateUnits: [Character] = ["Y", "M", "W", "D"]
        let timeUnits: [Character] = ["H", "M", "S"]
        while let c = s.first {
            if c == "T" {
                guard !inTime else { return false }
                inTime = true
                lastUnitRank = -1
                s = s.dropFirst()
                guard let next = s.first, next.isASCII, next.isNumber else { return false }
                continue
            }
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return false }
            s = s.dropFirst(digits.count)
            var hasFraction = false
            if let sep = s.first, sep == "." || sep == "," {
                let fraction = s.dropFirst().prefix { $0.isASCII && $0.isNumber }
                guard !fraction.isEmpty else { return false }
                s = s.dropFirst(1 + fraction.count)
                hasFraction = true
            }
            guard let unit = s.first else { return false }
            let units = inTime ? timeUnits : dateUnits
            guard let rank = units.firstIndex(of: unit), rank > lastUnitRank else { return false }
            if hasFraction && !(inTime && unit == "S") { return false }
            lastUnitRank = rank
            components += 1
            s = s.dropFirst()
        }
        return components > 0
    }

    /// `2026-12-01`, `2026-12-01T09:00`, `2026-12-01T09:00:00Z`, `…+01:00`, `…T09:00:00.5`.
    static func isDateOrDateTime(_ text: Substring) -> Bool {
        let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        guard let datePart = parts.first, isDate(datePart) else { return false }
        guard parts.count == 2 else { return true }
        return isTimeWithZone(parts[1])
    }

    /// Only a date-time (what `timeDate` needs); a plain date counts (midnight, office time).
    static func isDateTime(_ text: Substring) -> Bool { isDateOrDateTime(text) }

    /// `R3/PT1H`, `R/P1D`, `R3/2026-01-01T00:00:00Z/P1D`, `R/P1D/2026-12-31T00:00:00Z`.
    static func isCycle(_ text: Substring) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let repeatPart = parts.first, repeatPart.first == "R",
            repeatPart.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        if parts.count == 2 { return isDuration(parts[1]) }
        return (isDateTime(parts[1]) && isDuration(parts[2])) || (isDuration(parts[1]) && isDateTime(parts[2]))
    }

    private static func number(_ s: Substring, digits: Int, range: ClosedRange<Int>) -> Int? {
        guard s.count == digits, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s), range.contains(n) else { return nil }
        return n
    }

    private static func isDate(_ s: Substring) -> Bool {
        let f = s.split(separator: "-", omittingEmptySubsequences: false)
        guard f.count == 3, let y = number(f[0], digits: 4, range: 1...9999), let m = number(f[1], digits: 2, range: 1...12),
            let d = number(f[2], digits: 2, range: 1...31)
        else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= lengths[m - 1]
    }

    private static func isTimeWithZone(_ text: Substring) -> Bool {
        var time = text
        if time.hasSuffix("Z") || time.hasSuffix("z") {
            time = time.dropLast()
        } else if let sign = time.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = time[time.index(after: sign)...]
            let zoneParts = zone.split(separator: ":", omittingEmptySubsequences: false)
            let valid: Bool
            switch zoneParts.count {
            case 1 where zone.count == 2: valid = number(zone, digits: 2, range: 0...23) != nil
            case 1 where zone.count == 4:
                valid = number(zone.prefix(2), digits: 2, range: 0...23) != nil && number(zone.suffix(2), digits: 2, range: 0...59) != nil
            case 2: valid = number(zoneParts[0], digits: 2, range: 0...23) != nil && number(zoneParts[1], digits: 2, range: 0...59) != nil
            default: valid = false
            }
            guard valid else { return false }
            time = time[..<sign]
        }
        let f = time.split(separator: ":", omittingEmptySubsequences: false)
        guard f.count == 2 || f.count == 3, number(f[0], digits: 2, range: 0...23) != nil,
            number(f[1], digits: 2, range: 0...59) != nil
        else { return false }
        if f.count == 3 {
            let secParts = f[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard number(secParts[0], digits: 2, range: 0...60) != nil else { return false }
            if secParts.count == 2 {
                guard !secParts[1].isEmpty, secParts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            }
        }
        return true
    }
}
