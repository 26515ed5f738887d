import Foundation
import NahtstelleFEEL
import Testing

@testable import NahtstelleOptima

@Suite struct GlossaryTests {
    @Test func everyEntryIsSwissGerman() {
        #expect(Glossary.entries.count > 100)
        for entry in Glossary.entries {
            #expect(!entry.label.isEmpty, "empty label \(entry.category)/\(entry.id)")
            #expect(!entry.label.contains("ß"), "ß in \(entry.category)/\(entry.id)")
        }
        let keys = Glossary.entries.map { $0.category + "/" + $0.id }
        #expect(Set(keys).count == keys.count)
    }

    @Test func contractIdsAndLabels() {
        #expect(Glossary.label(category: "rejection-reason", id: "iv-rejection-under-1-year") == "IV-Ablehnung < 1 Jahr zurück")
        #expect(Glossary.label(category: "outcome", id: "successful") == "Auftrag erfolgreich umgesetzt")
        #expect(Glossary.label(category: "institution-type", id: "SD") == "Sozialdienst / SoBZ")
        #expect(Glossary.label(category: "report-institution", id: "RAV") == "RAV/ALV")
        #expect(Glossary.label(category: "role", id: "signatory") == "Zeichnungsberechtigte Person")
        #expect(Glossary.label(category: "target-group", id: "SD-SD") == "Übergabe SD an SD")
        #expect(Glossary.label(category: "condition", id: "work-capacity-loss-max-80") == "Arbeitsausfall höchstens 80 %")
        #expect(Glossary.label(category: "iv-procedure", id: "none") == "Kein IV-Verfahren")
        #expect(Glossary.label(category: "planned-months", id: "6") == "6 Monate")
        #expect(Glossary.label(category: "closing-reason", id: "goal-reached") == "Ziel erreicht")
        #expect(Glossary.label(category: "nope", id: "x") == nil)
        // Every category an enum's cases fill completely.
        for (category, count) in [
            ("institution-type", InstitutionType.allCases.count), ("role", Role.allCases.count),
            ("process-kind", 3), ("reduced-procedure", 3), ("decision", 2), ("rejection-reason", 5),
            ("closing-reason", ClosingReason.allCases.count), ("outcome", 4), ("target-group", 10),
            ("condition", ConditionID.allCases.count), ("status-field", PersonStatus.Field.allCases.count),
            ("holiday", 13), ("social-difficulty", 5),
        ] {
            #expect(Glossary.entries.filter { $0.category == category }.count == count, "\(category)")
        }
    }

    @Test func swissFormats() {
        #expect(SwissFormat.chf(Decimal(1250)) == "CHF 1'250.00")
        #expect(SwissFormat.chf(Decimal(string: "1234567.891")!) == "CHF 1'234'567.89")
        #expect(SwissFormat.chf(Decimal(string: "0.005")!) == "CHF 0.01")
        #expect(SwissFormat.chf(Decimal(string: "-450.5")!) == "CHF -450.50")
        #expect(SwissFormat.chf(Decimal(999)) == "CHF 999.00")
        #expect(SwissFormat.plainAmount(Decimal(string: "6050")!) == "6050.00")
        #expect(SwissFormat.days(1) == "1 Tag")
        #expect(SwissFormat.days(7) == "7 Tage")
        #expect(SwissFormat.days(8.5) == "8.5 Tage")
        #expect(d("2025-04-20").swissFormatted == "20.04.2025")
    }
}
