import NahtstelleFEEL

@testable import NahtstelleOptima

/// `d("2025-04-20")`: a date literal for tests; a typo fails loudly with a sentinel date.
func d(_ iso: String) -> LocalDate {
    LocalDate(iso: iso) ?? LocalDate(year: 1900, month: 1, day: 1)
}

enum Offices {
    static let ravWolhusen = Office(
        id: "rav-wolhusen", name: "RAV Wolhusen", type: .rav, addressLines: ["Im Schmitteli 2", "6110 Wolhusen"])
    static let ravLuzern = Office(id: "rav-luzern", name: "RAV Luzern", type: .rav)
    static let ivLuzern = Office(
        id: "was-iv", name: "WAS IV Luzern", type: .iv, addressLines: ["Landenbergstrasse 35", "6002 Luzern"])
    static let sobzHochdorf = Office(
        id: "sobz-hochdorf", name: "SoBZ Hochdorf", type: .sd, offersIntegralCaseManagement: true)
    static let sobzLuzern = Office(
        id: "sobz-luzern", name: "SoBZ Luzern", type: .sd, offersIntegralCaseManagement: false)
    static let sdStadtLuzern = Office(
        id: "sd-stadt-luzern", name: "Soziale Dienste Stadt Luzern", type: .sd, offersIntegralCaseManagement: false)
}

func sampleCase(
    id: String = "F-1", referrer: Office = Offices.sdStadtLuzern, receiver: Office = Offices.ravWolhusen
) -> OptimaCase {
    OptimaCase(
        id: id, referrerOfficeId: referrer.id, referrerAdvisor: "beraterin.sd", referrerType: referrer.type,
        receiverOfficeId: receiver.id, receiverType: receiver.type,
        person: Person(
            lastName: "Muster", firstName: "Hans", birthDate: d("1980-05-17"),
            addressLines: ["Bahnhofstrasse 1", "6000 Luzern"], ahvNumber: "756.1234.5678.97",
            referrerPersonNumber: "P-4711", phone: "041 123 45 67"),
        goal: "Stelle im ersten Arbeitsmarkt finden", topics: [.labourMarket, .debts])
}
