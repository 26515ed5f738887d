// libFuzzer harness: the report's period as typed on the command line (`nahtstelle report --from
// … --to … --as-of …`). The input's lines are --from, --to and, when there is a third, --as-of;
// "today" is fixed. Besides not crashing, every day the shared reader (`SwissFormat.parseDate`)
// accepts must read back from both ways it is printed, and an accepted period must be one.
// Compiled by `scripts/fuzz report-date` (with -sanitize=fuzzer,address); never part of the
// package build. NahtstelleOptimaTests/FuzzRegressionTests replays Fuzz/report-date/regressions
// the same way.
import NahtstelleFEEL
import NahtstelleOptima

private let fuzzToday = LocalDate(year: 2026, month: 11, day: 29)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReportDate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for line in lines {
        guard let day = SwissFormat.parseDate(line) else { continue }
        precondition(SwissFormat.parseDate(day.swissFormatted) == day, "«\(line)» → \(day.swissFormatted) does not read back")
        precondition(SwissFormat.parseDate(day.description) == day, "«\(line)» → \(day.description) does not read back")
    }
    guard lines.count >= 2 else { return 0 }
    do throws(OptimaError) {
        let period = try ReportPeriod(from: lines[0], to: lines[1], asOf: lines.count > 2 ? lines[2] : nil, today: fuzzToday)
        precondition(period.from <= period.to && period.asOf <= fuzzToday, "not a period: \(period)")
    } catch {
        _ = error.description
    }
    return 0
}
