import NahtstelleFEEL
import Testing

/// `SwissFormat.parseDate`, the one reader of typed dates (forms, the report's period, documents),
/// and the two ways a day is printed.
@Suite struct SwissDateTests {
    @Test func readsISOAndSwissDays() {
        let day = LocalDate(year: 2026, month: 3, day: 1)
        for text in ["2026-03-01", "1.3.2026", "01.03.2026", " 01.3.2026 "] {
            #expect(SwissFormat.parseDate(text) == day, "\(text)")
        }
        #expect(SwissFormat.parseDate("29.02.2024") == LocalDate(year: 2024, month: 2, day: 29))
    }

    @Test func refusesWhatIsNoDay() {
        for text in ["", "31.02.2026", "29.02.2025", "1.3.26", "001.03.2026", "1..3.2026", ".1.3.2026", "1.3.2026.", "2026-1-1",
                     "01/03/2026", "1.13.2026", "0.3.2026"] {
            #expect(SwissFormat.parseDate(text) == nil, "\(text)")
        }
    }

    /// Fuzz finding `Fuzz/report-date/regressions/negative-year`: `Int` took a sign, so
    /// `1.3.-026` was a day of the year -26 (and `2026-+1-+1` the first of January).
    @Test func refusesSigns() {
        for text in ["1.3.-026", "+1.3.2026", "1.+3.2026", "1.3.+026", "2026-+1-+1", "+026-01-01"] {
            #expect(SwissFormat.parseDate(text) == nil, "\(text)")
        }
        #expect(LocalDate(iso: "2026-+1-01") == nil)
        #expect(LocalDate(iso: "+026-01-01") == nil)
    }

    /// Fuzz finding `Fuzz/report-date/regressions/year-below-1000`: `0001-01-01` was printed
    /// as `01.01.1`, which no reader takes back.
    @Test func everyDayItReadsReadsBackFromBothForms() throws {
        for text in ["0001-01-01", "01.01.0999", "9999-12-31", "29.02.2000"] {
            let day = try #require(SwissFormat.parseDate(text))
            #expect(SwissFormat.parseDate(day.swissFormatted) == day, "\(day.swissFormatted)")
            #expect(SwissFormat.parseDate(day.description) == day, "\(day.description)")
        }
        #expect(LocalDate(year: 1, month: 1, day: 1).swissFormatted == "01.01.0001")
        #expect(LocalDate(year: 2026, month: 3, day: 5).swissFormatted == "05.03.2026")
    }
}
