/// Every German text the forms layer shows users: one place to adjust wording.
/// Swiss Standard German (no ß), dates `TT.MM.JJJJ`, amounts `CHF 1'250.00`.
enum FormText {
    static func labelled(_ label: String, _ reason: String) -> String { "\(label): \(reason)" }

    static let required = "Angabe fehlt"
    static let ahvEmpty = "Angabe fehlt"
    static let ahvCharacters = "darf nur Ziffern und Punkte enthalten"
    static func ahvLength(_ n: Int) -> String { "muss 13 Ziffern haben (jetzt \(n))" }
    static let ahvPrefix = "muss mit 756 beginnen"
    static let ahvCheckDigit = "Prüfziffer stimmt nicht"

    static let notText = "Text erwartet"
    static func tooShort(_ min: Int) -> String { "mindestens \(min) Zeichen" }
    static func tooLong(_ max: Int, _ actual: Int) -> String { "höchstens \(max) Zeichen (jetzt \(actual))" }
    static let singleLine = "darf keine Zeilenumbrüche enthalten"
    static let notDate = "kein gültiges Datum (TT.MM.JJJJ)"
    static let notDateTime = "kein gültiger Zeitpunkt (TT.MM.JJJJ HH:MM)"
    static func dateTooEarly(_ limit: String) -> String { "darf nicht vor dem \(limit) liegen" }
    static func dateTooLate(_ limit: String) -> String { "darf nicht nach dem \(limit) liegen" }
    static func beforeField(_ other: String) -> String { "darf nicht vor «\(other)» liegen" }
    static let notYesNo = "Ja oder Nein wählen"
    static func notAllowed(_ value: String, _ allowed: String) -> String { "«\(value)» ist keine gültige Auswahl (möglich: \(allowed))" }
    static let oneChoice = "nur eine Auswahl möglich"
    static let notNumber = "keine gültige Zahl"
    static let notInteger = "ganze Zahl erwartet"
    static let notAmount = "kein gültiger Betrag (z. B. 1'250.00)"
    static let amountDecimals = "höchstens zwei Nachkommastellen (Rappen)"
    static func tooSmall(_ min: String) -> String { "mindestens \(min)" }
    static func tooLarge(_ max: String) -> String { "höchstens \(max)" }
    static func notOneOf(_ values: String) -> String { "erlaubt sind: \(values)" }
    static let notReference = "ungültige Kennung"
    static let unknownOffice = "unbekannte Stelle"
    static let unknownUser = "unbekannte Benutzerin / unbekannter Benutzer"
    static let notTable = "Liste von Zeilen erwartet"
    static func tooFewRows(_ n: Int) -> String { "mindestens \(n) Zeile\(n == 1 ? "" : "n")" }
    static func tooManyRows(_ n: Int) -> String { "höchstens \(n) Zeilen" }
    static func row(_ label: String, _ n: Int) -> String { "\(label), Zeile \(n)" }
    static let yes = "Ja"
    static let no = "Nein"
}
