import Foundation
import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// The seeds and findings of the report-date fuzz harness (`Fuzz/report-date`, `scripts/fuzz
/// report-date`), replayed as the harness runs them: every line through the shared date reader,
/// whose days must read back from both printed forms, then the lines as --from, --to, --as-of.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/report-date").standardizedFileURL
    static let today = LocalDate(year: 2026, month: 11, day: 29)

    static func inputs(_ folder: String) throws -> [(String, Data)] {
        let directory = root.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            ($0, try Data(contentsOf: directory.appendingPathComponent($0)))
        }
    }

    @Test(arguments: ["regressions", "corpus"])
    func everyInputRunsAsInTheHarness(folder: String) throws {
        let inputs = try Self.inputs(folder)
        #expect(!inputs.isEmpty, "nothing in Fuzz/report-date/\(folder)")
        for (file, data) in inputs {
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for line in lines {
                guard let day = SwissFormat.parseDate(line) else { continue }
                #expect(SwissFormat.parseDate(day.swissFormatted) == day, "\(file): «\(line)» → \(day.swissFormatted)")
                #expect(SwissFormat.parseDate(day.description) == day, "\(file): «\(line)» → \(day.description)")
            }
            guard lines.count >= 2 else { continue }
            if let period = try? ReportPeriod(from: lines[0], to: lines[1], asOf: lines.count > 2 ? lines[2] : nil, today: Self.today) {
                #expect(period.from <= period.to && period.asOf <= Self.today, "\(file)")
            }
        }
    }
}
