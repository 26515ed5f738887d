import Foundation
import NahtstelleOptima
import Synchronization

/// Demo offices and users in Kanton Luzern (names of the offices as in the OPTIMA documents;
/// people, phone numbers and some addresses are invented).
public enum DemoData {
    public static let offices: [OfficeEntry] = [
        OfficeEntry(id: "rav-wolhusen", name: "RAV Wolhusen", type: .rav, department: "Dienststelle Wirtschaft und Arbeit (wira)",
                    street: "Im Schmitteli 2", postalCode: "6110", city: "Wolhusen", phone: "+41 41 492 50 30", email: "rav.wolhusen@lu.ch",
                    unemploymentFund: "Arbeitslosenkasse Luzern"),
        OfficeEntry(id: "rav-luzern", name: "RAV Luzern", type: .rav, department: "Dienststelle Wirtschaft und Arbeit (wira)",
                    street: "Heimbachweg 2", postalCode: "6006", city: "Luzern", phone: "+41 41 228 50 00", email: "rav.luzern@lu.ch",
                    unemploymentFund: "Arbeitslosenkasse Luzern"),
        OfficeEntry(id: "was-iv-luzern", name: "WAS IV Luzern", type: .iv, department: "Wirtschaft Arbeit Soziales, IV-Stelle",
                    street: "Landenbergstrasse 35", postalCode: "6002", city: "Luzern", phone: "+41 41 209 00 02", email: "iv@was-luzern.ch"),
        OfficeEntry(id: "sobz-hochdorf", name: "SoBZ Hochdorf", type: .sd, department: "Sozial-Beratungs-Zentrum Amt Hochdorf",
                    street: "Hohenrainstrasse 3", postalCode: "6280", city: "Hochdorf", phone: "+41 41 914 31 31",
                    email: "info@sobz-hochdorf.ch", integralCaseManagement: true),
        OfficeEntry(id: "sd-stadt-luzern", name: "Soziale Dienste Stadt Luzern", type: .sd, department: "Sozialberatung",
                    street: "Obergrundstrasse 3", postalCode: "6002", city: "Luzern", phone: "+41 41 208 81 11",
                    email: "sozialberatung@stadtluzern.ch", integralCaseManagement: true,
                    // Case management only for persons who also receive wirtschaftliche Sozialhilfe (concept Kap. 3.2.3).
                    integralCaseManagementOnlyWithFinancialAssistance: true),
        // Addiction counselling only: no integral case management, so no OPTIMA-SH receiver.
        OfficeEntry(id: "sobz-luzern", name: "SoBZ Luzern", type: .sd, department: "Suchtberatung", street: "Dammstrasse 12",
                    postalCode: "6003", city: "Luzern", phone: "+41 41 249 30 60", email: "info@sobz-luzern.ch"),
        // Triage only: refers, but cannot receive OPTIMA-SH.
        OfficeEntry(id: "sd-ebikon", name: "Sozialdienst Gemeinde Ebikon", type: .sd, department: "Sozialamt", street: "Riedmattstrasse 14",
                    postalCode: "6030", city: "Ebikon", phone: "+41 41 444 02 60", email: "sozialdienst@ebikon.ch"),
    ]

    public static let staff: [StaffMember] = [
        // RAV Wolhusen
        StaffMember(username: "h.lustenberger", firstName: "Heidi", lastName: "Lustenberger", officeId: "rav-wolhusen", roles: [.advisor],
                    function: "Personalberaterin", phone: "+41 41 492 61 40", email: "heidi.lustenberger@lu.ch"),
        StaffMember(username: "p.baumann", firstName: "Peter", lastName: "Baumann", officeId: "rav-wolhusen", roles: [.advisor],
                    function: "Personalberater", phone: "+41 41 492 61 44", email: "peter.baumann@lu.ch"),
        StaffMember(username: "m.bucher", firstName: "Martin", lastName: "Bucher", officeId: "rav-wolhusen", roles: [.optimaContact],
                    function: "OPTIMA-Kontaktperson", phone: "+41 41 492 61 47", email: "martin.bucher@lu.ch"),
        StaffMember(username: "e.renggli", firstName: "Erika", lastName: "Renggli", officeId: "rav-wolhusen", roles: [.signatory],
                    function: "Leiterin RAV Wolhusen", phone: "+41 41 492 61 01", email: "erika.renggli@lu.ch"),
        // RAV Luzern
        StaffMember(username: "l.meier", firstName: "Lukas", lastName: "Meier", officeId: "rav-luzern", roles: [.advisor],
                    function: "Personalberater", phone: "+41 41 228 51 12", email: "lukas.meier@lu.ch"),
        StaffMember(username: "t.gut", firstName: "Tanja", lastName: "Gut", officeId: "rav-luzern", roles: [.optimaContact],
                    function: "OPTIMA-Kontaktperson", phone: "+41 41 228 51 20", email: "tanja.gut@lu.ch"),
        StaffMember(username: "b.steiner", firstName: "Bruno", lastName: "Steiner", officeId: "rav-luzern", roles: [.signatory],
                    function: "Leiter RAV Luzern", phone: "+41 41 228 51 01", email: "bruno.steiner@lu.ch"),
        // WAS IV Luzern
        StaffMember(username: "r.huber", firstName: "Rahel", lastName: "Huber", officeId: "was-iv-luzern", roles: [.advisor],
                    function: "Eingliederungsberaterin", phone: "+41 41 209 03 31", email: "rahel.huber@was-luzern.ch"),
        StaffMember(username: "c.zimmermann", firstName: "Corinne", lastName: "Zimmermann", officeId: "was-iv-luzern", roles: [.optimaContact],
                    function: "OPTIMA-Kontaktperson", phone: "+41 41 209 03 10", email: "corinne.zimmermann@was-luzern.ch"),
        StaffMember(username: "u.achermann", firstName: "Urs", lastName: "Achermann", officeId: "was-iv-luzern", roles: [.signatory],
                    function: "Teamleiter Eingliederung", phone: "+41 41 209 03 01", email: "urs.achermann@was-luzern.ch"),
        StaffMember(username: "iiz.koordination", firstName: "Nadia", lastName: "Wyss", officeId: "was-iv-luzern", roles: [.coordinator],
                    function: "IIZ-Koordinationsstelle", phone: "+41 41 209 00 50", email: "iiz@was-luzern.ch"),
        // SoBZ Hochdorf
        StaffMember(username: "a.keller", firstName: "Andrea", lastName: "Keller", officeId: "sobz-hochdorf", roles: [.advisor],
                    function: "Sozialberaterin", phone: "+41 41 914 31 42", email: "andrea.keller@sobz-hochdorf.ch"),
        StaffMember(username: "s.wicki", firstName: "Sandra", lastName: "Wicki", officeId: "sobz-hochdorf", roles: [.advisor],
                    function: "Sozialberaterin", phone: "+41 41 914 31 40", email: "sandra.wicki@sobz-hochdorf.ch"),
        StaffMember(username: "c.studer", firstName: "Claudia", lastName: "Studer", officeId: "sobz-hochdorf", roles: [.optimaContact],
                    function: "OPTIMA-Kontaktperson", phone: "+41 41 914 31 33", email: "claudia.studer@sobz-hochdorf.ch"),
        StaffMember(username: "k.bucheli", firstName: "Karin", lastName: "Bucheli", officeId: "sobz-hochdorf", roles: [.signatory],
                    function: "Leiterin SoBZ Hochdorf", phone: "+41 41 914 31 30", email: "karin.bucheli@sobz-hochdorf.ch"),
        // Soziale Dienste Stadt Luzern
        StaffMember(username: "n.frei", firstName: "Nina", lastName: "Frei", officeId: "sd-stadt-luzern", roles: [.advisor],
                    function: "Sozialarbeiterin", phone: "+41 41 208 82 15", email: "nina.frei@stadtluzern.ch"),
        StaffMember(username: "j.portmann", firstName: "Jonas", lastName: "Portmann", officeId: "sd-stadt-luzern", roles: [.optimaContact],
                    function: "OPTIMA-Kontaktperson", phone: "+41 41 208 82 02", email: "jonas.portmann@stadtluzern.ch"),
        StaffMember(username: "d.schmid", firstName: "Daniela", lastName: "Schmid", officeId: "sd-stadt-luzern", roles: [.signatory],
                    function: "Bereichsleiterin Sozialberatung", phone: "+41 41 208 82 00", email: "daniela.schmid@stadtluzern.ch"),
        // SoBZ Luzern (addiction only)
        StaffMember(username: "f.estermann", firstName: "Fabian", lastName: "Estermann", officeId: "sobz-luzern", roles: [.advisor],
                    function: "Suchtberater", phone: "+41 41 249 30 61", email: "fabian.estermann@sobz-luzern.ch"),
        StaffMember(username: "g.roos", firstName: "Gabriela", lastName: "Roos", officeId: "sobz-luzern", roles: [.optimaContact],
                    function: "OPTIMA-Kontaktperson", phone: "+41 41 249 30 62", email: "gabriela.roos@sobz-luzern.ch"),
        StaffMember(username: "h.kunz", firstName: "Hans", lastName: "Kunz", officeId: "sobz-luzern", roles: [.signatory],
                    function: "Leiter SoBZ Luzern", phone: "+41 41 249 30 60", email: "hans.kunz@sobz-luzern.ch"),
        // Sozialdienst Gemeinde Ebikon (triage only)
        StaffMember(username: "i.bachmann", firstName: "Irene", lastName: "Bachmann", officeId: "sd-ebikon", roles: [.advisor],
                    function: "Sozialarbeiterin", phone: "+41 41 444 02 61", email: "irene.bachmann@ebikon.ch"),
        StaffMember(username: "o.wey", firstName: "Oliver", lastName: "Wey", officeId: "sd-ebikon", roles: [.optimaContact],
                    function: "OPTIMA-Kontaktperson", phone: "+41 41 444 02 62", email: "oliver.wey@ebikon.ch"),
        StaffMember(username: "v.arnold", firstName: "Vreni", lastName: "Arnold", officeId: "sd-ebikon", roles: [.signatory],
                    function: "Leiterin Sozialdienst", phone: "+41 41 444 02 60", email: "vreni.arnold@ebikon.ch"),
    ]
}

/// A clock that only moves when told: tests and the demo walk cases through weeks in seconds.
public final class MovableClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    public func advance(days: Double) { current.withLock { $0 = $0.addingTimeInterval(days * 86_400) } }

    public func set(_ date: Date) { current.withLock { $0 = date } }
}

extension OptimaService {
    /// Offices and users of the demo (idempotent: existing ones are updated, nothing duplicated).
    public func seedDemoData() throws {
        try saveDirectory(offices: DemoData.offices, staff: DemoData.staff, by: "demo")
    }
}
