import Foundation
import NahtstelleSQL
import Hummingbird
import HummingbirdTesting
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleFEEL
import NahtstelleHTTP
import NahtstelleStoreTesting
import NIOCore
import Testing

let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A server on a private database (a temporary SQLite file, or a fresh PostgreSQL schema with
/// `NAHTSTELLE_TEST_BACKEND=postgres`) with the demo offices and users (password `testpasswort1`,
/// bcrypt cost 4 for speed) and the shipped definitions; driven in process.
final class TestServer: @unchecked Sendable {
    static let password = "testpasswort1"
    let scratch: ScratchDatabase
    let clock: MovableClock
    let service: OptimaService
    let core: ServerCore

    /// - Parameter reportKey: the pseudonymised export's key (none: the export answers 503).
    init(reportKey: ReportKey? = nil) throws {
        scratch = try ScratchDatabase(StoreBackend.forApplicationSuites)
        clock = MovableClock(ISODateTime.parse("2026-03-02T08:00:00+01:00")!)
        let clock = self.clock
        service = try OptimaService(databasePath: scratch.location,
                                    resources: .init(root: repositoryRoot), now: { clock.now },
                                    // No LibreOffice in process: PDFs answer 503 here (the Python tests convert for real).
                                    pdfQueue: DocumentPDFQueue(soffice: nil))
        try service.seedDemoData()
        try service.deployWorkflows()
        try service.auth.setPasswordHashWhereMissing(Passwords.hash(Self.password, cost: 4), usernames: DemoData.staff.map(\.username))
        var settings = ServerSettings(bcryptCost: 4)
        settings.reportKey = reportKey
        core = ServerCore(service: service, settings: settings, threads: 4)
    }

    var application: some ApplicationProtocol { Application(router: NahtstelleServer.router(core: core)) }

    /// Runs `body` against the router in process.
    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let result = try await application.test(.router, body)
        return result
    }
}

/// JSON helpers for responses and bodies.
func json(_ response: TestResponse) -> [String: Value] {
    (try? Value.parseJSON(bytes: Array(response.body.readableBytesView)))?.contextValue ?? [:]
}

func body(_ value: Value) -> ByteBuffer { ByteBuffer(string: value.jsonString(tagged: false)) }

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

extension TestClientProtocol {
    /// Signs in and returns the bearer token.
    func token(_ user: String) async throws -> String {
        let response = try await execute(uri: "/api/session", method: .post, headers: jsonHeaders,
                                         body: body(.context(["username": .string(user), "password": .string(TestServer.password)])))
        #expect(response.status == .ok, "login \(user)")
        return json(response)["token"]?.stringValue ?? ""
    }
}

/// The Antragsformular of an RAV → SoBZ Hochdorf hand-over (OPTIMA-SH, group G).
func applicationValues(lastName: String = "Muster", ahvSerial: Int = 1) -> Value {
    let twelve = String(format: "756%09d", 100_000 + ahvSerial)
    var sum = 0
    for (i, ch) in twelve.enumerated() { sum += (ch.wholeNumberValue ?? 0) * (i % 2 == 0 ? 1 : 3) }
    let ahv = twelve + String((10 - sum % 10) % 10)
    return .context([
        "lastName": .string(lastName), "firstName": "Anna", "birthDate": "17.03.1984", "street": "Bahnhofstrasse 12", "postalCode": "6280",
        "city": "Hochdorf", "ahvNumber": .string(ahv), "persNr": "P-1001", "phone": "079 123 45 67",
        "ivMeasuresRunning": false, "ivLegalProceedings": false, "canAndWillWork": true, "ivHealthDamageSuspected": false,
        "goal": "Stabilisierung der Situation und Wiedereinstieg in den Arbeitsmarkt innert sechs Monaten.",
        "durationMonths": 6, "consentHandover": true, "consentDataExchange": true,
        "socialCounselling": false, "socialAssistance": false, "ravRegistered": true, "receivesAle": true, "ivProcedure": "none",
        "topics": ["debts", "childcare"], "socialDifficulties": "Schulden und fehlende Kinderbetreuung",
        "personalHelpEntitled": true, "intactLabourOffer": false,
    ])
}
