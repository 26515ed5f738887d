import Foundation

/// Fast comparison of `Decimal`s, because conditions compare numbers on every gateway and
/// Foundation's `Decimal` comparison on Linux costs about 200 ns.
///
/// Most process numbers (amounts, counts) have a mantissa that fits in 64 bits. For those we read
/// mantissa and exponent straight from the value's bytes and compare integers. That relies on the
/// NSDecimal memory layout, so `layoutVerified` checks the layout once against Foundation's own
/// arithmetic; where it does not match (another platform or Foundation version), every comparison
/// takes Foundation's path and stays correct.
enum FEELDecimal {
    private static let powersOfTen: [Int64] = {
        var powers: [Int64] = [1]
        for _ in 1...18 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// Whether `parts(_:)` decodes this platform's layout; checked against known values.
    static let layoutVerified: Bool = {
        let samples: [Decimal] = [
            0, 1, -1, 7, 70000, -123_456, Decimal(sign: .minus, exponent: -3, significand: 123_456),
            Decimal(sign: .plus, exponent: -20, significand: 1), Decimal(sign: .plus, exponent: 5, significand: 9_876_543_210_123),
            Decimal(UInt64(1) << 62), Decimal(sign: .plus, exponent: -2, significand: 150),
        ]
        for sample in samples {
            guard let (value, exponent) = rawParts(sample) else { return false }
            let rebuilt = Decimal(sign: value < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(value.magnitude))
            guard rebuilt == sample else { return false }
        }
        return rawParts(Decimal.nan) == nil
    }()

    /// Signed mantissa and exponent when the mantissa fits in an `Int64`; `nil` otherwise and for NaN.
    @inline(__always)
    static func parts(_ d: Decimal) -> (Int64, Int)? {
        layoutVerified ? rawParts(d) : nil
    }

    private static func rawParts(_ d: Decimal) -> (Int64, Int)? {
        guard MemoryLayout<Decimal>.size == 20 else { return nil }
        return withUnsafeBytes(of: d) { raw -> (Int64, Int)? in
            let flags = raw[1]
            let length = Int(flags >> 4)
            let negative = flags & 0x08 != 0
            if length == 0 { return negative ? nil : (0, 0) }
            guard length <= 4 else { return nil }
            var magnitude: UInt64 = 0
            for k in 0..<length {
                magnitude |= UInt64(raw.loadUnaligned(fromByteOffset: 4 + 2 * k, as: UInt16.self)) << (16 * k)
            }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            let value = Int64(magnitude)
            return (negative ? -value : value, Int(Int8(bitPattern: raw[0])))
        }
    }

    /// -1, 0 or 1; `nil` when either is NaN.
    static func compare(_ a: Decimal, _ b: Decimal) -> Int? {
        if let (x, ex) = parts(a), let (y, ey) = parts(b) {
            if ex == ey || x == 0 || y == 0 { return x < y ? -1 : (x == y ? 0 : 1) }
            let diff = ex - ey
            if diff > 0, diff <= 18 {
                let (scaled, overflow) = x.multipliedReportingOverflow(by: powersOfTen[diff])
                if !overflow { return scaled < y ? -1 : (scaled == y ? 0 : 1) }
            } else if diff < 0, diff >= -18 {
                let (scaled, overflow) = y.multipliedReportingOverflow(by: powersOfTen[-diff])
                if !overflow { return x < scaled ? -1 : (x == scaled ? 0 : 1) }
            }
        }
        if a.isNaN || b.isNaN { return nil }
        return a < b ? -1 : (a == b ? 0 : 1)
    }

    static func isZero(_ d: Decimal) -> Bool {
        if let (x, _) = parts(d) { return x == 0 }
        return d.isZero
    }

    /// The value as `Int` when it is a whole number of at most 15 digits.
    static func integer(_ d: Decimal) -> Int? {
        if let (x, e) = parts(d) {
            if e == 0 { return x.magnitude < 1_000_000_000_000_000 ? Int(x) : nil }
            if e > 0, e <= 15 {
                let (v, overflow) = x.multipliedReportingOverflow(by: powersOfTen[e])
                return !overflow && v.magnitude < 1_000_000_000_000_000 ? Int(v) : nil
            }
            if e < 0, e >= -18, x % powersOfTen[-e] == 0 {
                let v = x / powersOfTen[-e]
                return v.magnitude < 1_000_000_000_000_000 ? Int(v) : nil
            }
        }
        guard !d.isNaN, d.magnitude < 1_000_000_000_000_000 else { return nil }
        var value = d
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        guard rounded == d else { return nil }
        return NSDecimalNumber(decimal: rounded).intValue
    }

    static func double(_ d: Decimal) -> Double {
        if let (x, e) = parts(d), e == 0 { return Double(x) }
        return NSDecimalNumber(decimal: d).doubleValue
    }

    static func rounded(_ d: Decimal, scale: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var value = d
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, mode)
        return result
    }
}
