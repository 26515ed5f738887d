import CLibZip
import Foundation
@testable import NahtstelleCases
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import NahtstelleStoreTesting
import Testing

/// The repository root (for `workflows/`, `forms/`, `templates/`).
let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

func d(_ iso: String) -> LocalDate { LocalDate(iso: iso) ?? LocalDate(year: 1900, month: 1, day: 1) }

func at(_ iso: String) -> Date { ISODateTime.parse(iso) ?? Date(timeIntervalSince1970: 0) }

/// A service on a private database with the shipped definitions (a temporary SQLite file, or a
/// fresh PostgreSQL schema with `NAHTSTELLE_TEST_BACKEND=postgres`), restartable between any two
/// steps (new store, new engine, same database) to prove nothing depends on memory.
final class TestOffice {
    let scratch: ScratchDatabase
    /// The SQLite file or the PostgreSQL URL.
    let path: String
    let clock: MovableClock
    private(set) var service: OptimaService

    init(start: String = "2026-03-02T08:00:00+01:00") throws {
        scratch = try ScratchDatabase(StoreBackend.forApplicationSuites)
        path = scratch.location
        clock = MovableClock(at(start))
        service = try TestOffice.open(path, clock)
        try service.seedDemoData()
        try service.deployWorkflows()
    }

    static func open(_ path: String, _ clock: MovableClock) throws -> OptimaService {
        try OptimaService(databasePath: path, resources: .init(root: repositoryRoot), now: { clock.now })
    }

    func restart() throws { service = try TestOffice.open(path, clock) }

    /// Moves the clock and fires what became due.
    @discardableResult
    func advance(days: Double) throws -> Int {
        clock.advance(days: days)
        return try service.fireDueTimers()
    }

    /// Moves the clock to an instant and fires what became due.
    @discardableResult
    func advance(to iso: String) throws -> Int {
        clock.set(at(iso))
        return try service.fireDueTimers()
    }

    func openTasks(_ caseID: String) throws -> [TaskRecord] {
        try service.engine.tasks(TaskQuery(businessKey: caseID, limit: 1000))
    }

    /// The one open task at `elementID` of a case.
    func task(_ elementID: String, _ caseID: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> TaskRecord {
        let open = try openTasks(caseID)
        let matching = open.filter { $0.elementID == elementID }
        guard matching.count == 1 else {
            throw CaseServiceError(.notFound, "erwartet eine offene Aufgabe \(elementID), gefunden \(matching.count); offen: \(open.map(\.elementID))")
        }
        return matching[0]
    }

    @discardableResult
    func complete(_ elementID: String, _ caseID: String, by user: String, _ data: [String: Value] = [:]) throws -> TaskOutcome {
        try service.completeTask(by: user, taskID: try task(elementID, caseID).id, formData: data)
    }

    /// The stored case, read directly (coordinators see no case contents; tests are no user).
    func stored(_ caseID: String) throws -> StoredCase { try #require(try service.read { try $0.loadCase(id: caseID) }) }

    func documents(_ caseID: String) throws -> [DocumentInfo] { try service.operatorDocuments(caseID: caseID).map(\.info) }
}

// MARK: - Applications

/// Persons with valid AHV numbers (EAN-13 check digit).
enum People {
    static func ahv(_ twelve: String) -> String {
        var sum = 0
        for (i, ch) in twelve.enumerated() { sum += (ch.wholeNumberValue ?? 0) * (i % 2 == 0 ? 1 : 3) }
        return twelve + String((10 - sum % 10) % 10)
    }

    static func person(_ n: Int, last: String = "Muster", first: String = "Anna") -> [String: Value] {
        let digits = String(format: "756%09d", 100_000 + n)
        return [
            "lastName": .string(last), "firstName": .string(first), "birthDate": "17.03.1984", "street": "Bahnhofstrasse 12",
            "postalCode": "6280", "city": "Hochdorf", "ahvNumber": .string(ahv(digits)), "persNr": .string("P-\(1000 + n)"),
            "phone": "079 123 45 67",
        ]
    }
}

/// Antragsformular data for a receiver type, with a status that yields the expected target group.
enum Applications {
    static let common: [String: Value] = [
        "ivMeasuresRunning": false, "ivLegalProceedings": false, "canAndWillWork": true, "ivHealthDamageSuspected": false,
        "goal": "Stabilisierung der Situation und Wiedereinstieg in den Arbeitsmarkt innert sechs Monaten.",
        "durationMonths": 6, "consentHandover": true, "consentDataExchange": true,
    ]

    /// RAV → SD (group G: ALE, no SH, no intact labour offer).
    static func ravToSH(_ n: Int = 1, months: Int = 6) -> [String: Value] {
        var v = common.merging(People.person(n)) { a, _ in a }
        v.merge([
            "socialCounselling": false, "socialAssistance": false, "ravRegistered": true, "receivesAle": true, "ivProcedure": "none",
            "topics": ["debts", "childcare"], "socialDifficulties": "Schulden und fehlende Kinderbetreuung",
            "personalHelpEntitled": true, "intactLabourOffer": false, "durationMonths": .number(Decimal(months)),
        ]) { _, new in new }
        return v
    }

    /// SD → RAV (group H: SH, no ALE, intact labour offer).
    static func sdToALV(_ n: Int = 1) -> [String: Value] {
        var v = common.merging(People.person(n, last: "Gashi", first: "Driton")) { a, _ in a }
        v.merge([
            "socialCounselling": true, "socialAssistance": true, "ravRegistered": false, "receivesAle": false, "ivProcedure": "none",
            "workLossPercent": 0, "intactLabourOffer": true, "reRegistrationAgreed": true, "ivClarificationRunning": false,
            "ravRegisteredLast6Months": false, "topics": ["other"],
        ]) { _, new in new }
        return v
    }

    /// RAV → IV (group F: ALE, no IV procedure, high support need).
    static func ravToIV(_ n: Int = 1) -> [String: Value] {
        var v = common.merging(People.person(n, last: "Bühler", first: "Marco")) { a, _ in a }
        v.merge([
            "socialCounselling": false, "socialAssistance": false, "ravRegistered": true, "receivesAle": true, "ivProcedure": "none",
            "highSupportNeed": true, "intactLabourOffer": true, "topics": ["health"],
        ]) { _, new in new }
        return v
    }

    /// IV → RAV (group A: closed IV procedure, no ALE, intact labour offer).
    static func ivToALV(_ n: Int = 1) -> [String: Value] {
        var v = common.merging(People.person(n, last: "Wyss", first: "Peter")) { a, _ in a }
        v.merge([
            "socialCounselling": false, "socialAssistance": false, "ravRegistered": false, "receivesAle": false, "ivProcedure": "closed",
            "ivPensionSettled": true, "workLossPercent": 30, "intactLabourOffer": true, "reRegistrationAgreed": true,
            "ivClarificationRunning": false, "topics": ["health"],
        ]) { _, new in new }
        return v
    }

    /// SD → SD (SD-SD: a municipal service without integral case management → a SoBZ with it).
    static func sdToSH(_ n: Int = 1) -> [String: Value] {
        var v = common.merging(People.person(n, last: "Roth", first: "Lea")) { a, _ in a }
        v.merge([
            "socialCounselling": true, "socialAssistance": true, "ravRegistered": false, "receivesAle": false, "ivProcedure": "none",
            "topics": ["addiction", "conflicts"], "socialDifficulties": "Suchtmittelkonsum, familiäre Konflikte",
            "personalHelpEntitled": true,
        ]) { _, new in new }
        return v
    }
}

/// A KGS request (form `kostengutsprache-antrag`).
func costApprovalForm(_ measure: String = "Bewerbungstraining", amounts: [Decimal] = [1200, 50.5]) -> [String: Value] {
    [
        "measure": .string(measure), "periodFrom": "06.04.2026", "periodTo": "15.05.2026", "provider": "Arbeitsintegration Zentralschweiz AG",
        "providerAddress": "Sentimattstrasse 6, 6003 Luzern",
        "positions": .list(amounts.enumerated().map { i, amount in
            .context(["description": .string("Position \(i + 1)"), "amount": .number(amount)])
        }),
    ]
}

// MARK: - DOCX

/// The text of `word/document.xml` of a DOCX (tags removed), or `nil` when it is not a valid zip
/// with that part.
func docxText(_ bytes: [UInt8]) -> String? {
    bytes.withUnsafeBytes { buffer -> String? in
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(buffer.baseAddress, UInt64(buffer.count), 0, &error) else { return nil }
        guard let archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) else {
            zip_source_free(source)
            return nil
        }
        defer { zip_discard(archive) }
        var text = ""
        for name in ["word/document.xml", "word/header1.xml", "word/header2.xml"] {
            var stat = zip_stat_t()
            guard zip_stat(archive, name, 0, &stat) == 0, let file = zip_fopen(archive, name, 0) else {
                if name == "word/document.xml" { return nil }
                continue
            }
            var data = [UInt8](repeating: 0, count: Int(stat.size))
            let read = data.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, stat.size) }
            zip_fclose(file)
            guard read == Int64(stat.size) else { return nil }
            text += String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        }
        return text
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
    }
}
