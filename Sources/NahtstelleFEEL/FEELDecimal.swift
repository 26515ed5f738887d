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

    /// Both mantissas brought to the smaller exponent, when that needs no more than 64 bits.
    private static func aligned(_ a: Decimal, _ b: Decimal) -> (Int64, Int64, Int)? {
        guard let (x, ex) = parts(a), let (y, ey) = parts(b) else { return nil }
        if ex == ey { return (x, y, ex) }
        let diff = ex - ey
        if diff > 0, diff <= 18 {
            let (scaled, overflow) = x.multipliedReportingOverflow(by: powersOfTen[diff])
            return overflow ? nil : (scaled, y, ey)
        }
        if diff < 0, diff >= -18 {
            let (scaled, overflow) = y.multipliedReportingOverflow(by: powersOfTen[-diff])
            return overflow ? nil : (x, scaled, ex)
        }
        return nil
    }

    private static func make(_ value: Int64, exponent: Int) -> Decimal? {
        guard exponent >= -127, exponent <= 127 else { return nil }
        if exponent == 0 { return Decimal(value) }
        return Decimal(sign: value < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(value.magnitude))
    }

    static func add(_ a: Decimal, _ b: Decimal) -> Decimal {
        if let (x, y, e) = aligned(a, b) {
            let (sum, overflow) = x.addingReportingOverflow(y)
            if !overflow, let result = make(sum, exponent: e) { return result }
        }
        return a + b
    }

    static func subtract(_ a: Decimal, _ b: Decimal) -> Decimal {
        if let (x, y, e) = aligned(a, b) {
            let (difference, overflow) = x.subtractingReportingOverflow(y)
            if !overflow, let result = make(difference, exponent: e) { return result }
        }
        return a - b
    }

    static func multiply(_ a: Decimal, _ b: Decimal) -> Decimal {
        if let (x, ex) = parts(a), let (y, ey) = parts(b) {
            let (product, overflow) = x.multipliedReportingOverflow(by: y)
            if !overflow, let result = make(product, exponent: ex + ey) { return result }
        }
        if a.isNaN || b.isNaN { return .nan }
        // Foundation on Linux traps (instead of returning NaN) when a product's exponent falls
        // below -128, e.g. 1e-70 * 1e-70. Rounding both factors to 60 decimal places first keeps
        // the exponent in range; such tiny parts round to zero anyway.
        if a.exponent + b.exponent < -120 {
            return rounded(a, scale: 60, .plain) * rounded(b, scale: 60, .plain)
        }
        return a * b
    }

    /// `x ** n` for whole n; NaN (null in FEEL) when the result lies outside ±10^±100, because
    /// Foundation traps on underflow (0.1 ** 200) and takes long for huge exponents.
    static func power(_ x: Decimal, _ n: Int) -> Decimal {
        guard !x.isNaN else { return .nan }
        if isZero(x) { return n > 0 ? 0 : (n == 0 ? 1 : .nan) }
        let magnitude = Foundation.log10(Swift.abs(double(x))) * Double(n)
        guard magnitude.isFinite, Swift.abs(magnitude) <= 100 else { return .nan }
        // By squaring with `multiply`, not Foundation's `pow`: that multiplies full 38-digit
        // mantissas and traps when an intermediate exponent falls below -128, even for a result
        // in range (`.58989 ** 400`, found by fuzzing). Every intermediate power lies between 1
        // and the result, so within ±10^±100 too.
        var result: Decimal = 1
        var base = x
        var remaining = n.magnitude
        while remaining > 0 {
            if remaining & 1 == 1 { result = multiply(result, base) }
            remaining >>= 1
            if remaining > 0 { base = multiply(base, base) }
        }
        if n >= 0 { return result }
        return result.isNaN || isZero(result) ? .nan : 1 / result
    }

    /// A `Double` result as a `Decimal`, NaN outside ±10^±100.
    static func fromDouble(_ r: Double) -> Decimal {
        guard r.isFinite, r == 0 || (Swift.abs(r) >= 1e-100 && Swift.abs(r) <= 1e100) else { return .nan }
        return Decimal(r)
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
