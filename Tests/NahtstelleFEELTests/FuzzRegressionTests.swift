import Foundation
import NahtstelleFEEL
import Testing

/// Inputs the FEEL fuzz harness (`Fuzz/feel`, `scripts/fuzz feel`) found crashing, replayed as
/// the harness runs them: parse, then evaluate against the harness's context.
@Suite struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/feel/regressions").standardizedFileURL

    static let context = FEELContext(
        variables: [
            "amount": .number(1250), "decision": .string("accepted"), "items": .list([.number(1), .number(2), .number(3)]),
            "since": .date(LocalDate(year: 2026, month: 1, day: 31)), "person": .context(["name": .string("Muster"), "age": .number(42)]),
            "flag": .bool(true), "nothing": .null,
        ],
        now: Date(timeIntervalSince1970: 1_795_000_000))

    @Test func everyFindingParsesAndEvaluatesWithoutCrashing() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
        #expect(!files.isEmpty, "no regression inputs in \(Self.directory.path)")
        for file in files {
            let data = try Data(contentsOf: Self.directory.appendingPathComponent(file))
            let text = String(decoding: data, as: UTF8.self)
            if let expression = try? FEELExpression.parse(text) { _ = expression.evaluate(Self.context) }
        }
    }

    /// The first finding: Foundation's `pow` trapped on an intermediate exponent below -128.
    @Test func powersWithTinyIntermediatesStayInRange() throws {
        let value = try FEELExpression.parse(".58989**5**4").evaluate(Self.context)  // 0.58989 ** 20
        guard case .number(let n) = value else { Issue.record("not a number: \(value)"); return }
        #expect(abs(NSDecimalNumber(decimal: n).doubleValue - pow(0.58989, 20)) < 1e-15)
        #expect(try FEELExpression.parse(".58989**400").evaluate(Self.context) != .null)  // about 1e-92
        #expect(try FEELExpression.parse(".58989**500").evaluate(Self.context) == .null)  // below 1e-100: null
        #expect(try FEELExpression.parse("2 ** -3").evaluate(Self.context) == .number(Decimal(string: "0.125")!))
        #expect(try FEELExpression.parse("1.5 ** 2").evaluate(Self.context) == .number(Decimal(string: "2.25")!))
    }
}
