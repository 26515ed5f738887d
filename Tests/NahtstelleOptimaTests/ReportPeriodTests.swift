import NahtstelleFEEL
import NahtstelleOptima
import Testing

/// The report's period as typed on the command line, with the messages `nahtstelle report` prints.
@Suite struct ReportPeriodTests {
    let today = LocalDate(year: 2026, month: 11, day: 29)

    func message(_ from: String, _ to: String, asOf: String? = nil) -> String? {
        do throws(OptimaError) {
            _ = try ReportPeriod(from: from, to: to, asOf: asOf, today: today)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func readsBothFormsAndDefaultsTheDayOfReckoning() throws {
        let year = try ReportPeriod(from: "01.01.2026", to: "2026-12-31", asOf: nil, today: today)
        #expect(year.from == LocalDate(year: 2026, month: 1, day: 1) && year.to == LocalDate(year: 2026, month: 12, day: 31))
        #expect(year.asOf == today)  // --to, but at most today
        let past = try ReportPeriod(from: "1.1.2025", to: " 31.12.2025 ", asOf: nil, today: today)
        #expect(past.asOf == LocalDate(year: 2025, month: 12, day: 31))
        let asOf = try ReportPeriod(from: "01.01.2026", to: "31.12.2026", asOf: "30.06.2026", today: today)
        #expect(asOf.asOf == LocalDate(year: 2026, month: 6, day: 30))
    }

    @Test func saysWhichOptionIsWrongAndHowToFixIt() {
        #expect(message("31.02.2026", "31.12.2026")
                == "--from: «31.02.2026» ist kein gültiges Datum. Bitte TT.MM.JJJJ (z. B. 31.03.2026) oder JJJJ-MM-TT angeben.")
        #expect(message("01.01.2026", "2026/12/31")
                == "--to: «2026/12/31» ist kein gültiges Datum. Bitte TT.MM.JJJJ (z. B. 31.03.2026) oder JJJJ-MM-TT angeben.")
        #expect(message("31.12.2026", "01.01.2026")
                == "Der Zeitraum ist leer: --from (31.12.2026) liegt nach --to (01.01.2026). Bitte die Daten tauschen.")
        #expect(message("01.01.2026", "31.12.2026", asOf: "morgen")
                == "--as-of: «morgen» ist kein gültiges Datum. Bitte TT.MM.JJJJ (z. B. 31.03.2026) oder JJJJ-MM-TT angeben.")
        #expect(message("01.01.2026", "31.12.2099", asOf: "01.01.2099")
                == "--as-of: 01.01.2099 liegt in der Zukunft. Der Stichtag ist höchstens heute (29.11.2026).")
        #expect(message("01.06.2026", "31.12.2026", asOf: "01.01.2026")
                == "--as-of: 01.01.2026 liegt vor dem Zeitraum (--from 01.06.2026). Bitte einen Stichtag im Zeitraum oder danach angeben.")
    }

    @Test func errorsNameTheOption() {
        do throws(OptimaError) {
            _ = try ReportPeriod.days(from: "01.01.2026", to: "kein Datum")
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidInput && error.field == "--to")
        }
    }

    /// The shared reader is stricter than the report's own was: an empty or signed part is no day.
    @Test func readsDaysLikeForms() {
        for text in ["1..3.2026", "001.03.2026", "1.3.-026", "+1.3.2026"] {
            #expect(message(text, "31.12.2026") != nil, "\(text)")
        }
    }
}
