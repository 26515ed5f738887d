import Foundation
import Testing

@testable import NahtstelleFEEL

/// The integer fast paths must agree with Foundation, and no number may crash the process.
@Suite("Decimal arithmetic")
struct DecimalTests {
    static let samples: [Decimal] = [
        "0", "1", "-1", "7", "1.5", "-0.25", "1000", "1000.50", "0.1", "123456789012345678",
        "99999999999999999999999999", "-3.14159", "9223372036854775807", "0.000000000000000001", "12345.6789",
    ].compactMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }

    @Test func layoutIsUnderstoodOnThisPlatform() {
        // If this fails the fast paths are off: results stay correct, only slower.
        #expect(FEELDecimal.layoutVerified)
    }

    @Test func fastPathsAgreeWithFoundation() {
        for a in Self.samples {
            for b in Self.samples {
                let order = a < b ? -1 : (a == b ? 0 : 1)
                #expect(FEELDecimal.compare(a, b) == order, "\(a) <=> \(b)")
                #expect(FEELDecimal.add(a, b) == a + b, "\(a) + \(b)")
                #expect(FEELDecimal.subtract(a, b) == a - b, "\(a) - \(b)")
                #expect(FEELDecimal.multiply(a, b) == a * b, "\(a) * \(b)")
            }
        }
    }

    @Test func wholeNumbers() {
        #expect(FEELDecimal.integer(Decimal(42)) == 42)
        #expect(FEELDecimal.integer(Decimal(string: "-3.000") ?? 0) == -3)
        #expect(FEELDecimal.integer(Decimal(string: "2.5") ?? 0) == nil)
        #expect(FEELDecimal.integer(Decimal(string: "1e30") ?? 0) == nil)
        #expect(FEELDecimal.integer(.nan) == nil)
    }

    @Test func extremeResultsGiveNullOrZeroNotACrash() throws {
        let tiny = "0." + String(repeating: "0", count: 69) + "1"
        #expect(try feel("\(tiny) * \(tiny)") == 0)
        #expect(try feel("x * x", ["x": .number(Decimal(sign: .plus, exponent: -100, significand: 1))]) == 0)
        #expect(try feel("0.1 ** 200") == .null)
        #expect(try feel("10 ** 130") == .null)
        #expect(try feel("decimal(0.5 ** 0.5, 6)") == number("0.707107"))
        #expect(try feel("0 ** -1") == .null)
        #expect(try feel("0 ** 0") == 1)
        #expect(try feel("x * x", ["x": .number(Decimal(sign: .plus, exponent: 100, significand: 1))]) == .null)
        #expect(try feel("1 / x", ["x": .number(Decimal(sign: .plus, exponent: -120, significand: 1))]) != 1)
        #expect(try feel("x - x", ["x": .number(.nan)]) == .null)
    }
}
