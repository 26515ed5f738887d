import ArgumentParser
import Foundation
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleFEEL
import NahtstelleOptima
import NahtstelleStore

/// `nahtstelle report --from DATE --to DATE [--format json|csv|text] [--pseudonymise --key-file FILE]`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Standardreporting OPTIMA für einen Zeitraum (oder pseudonymisierter Fallexport für das Controlling).",
        discussion: """
            Daten als JJJJ-MM-TT oder TT.MM.JJJJ; beide Tage zählen mit. Mit --pseudonymise entsteht statt des Berichts \
            ein Export aller bis --to beantragten Fälle ohne Namen und AHV-Nummern; ein Schlüssel-Hash (HMAC mit dem \
            Schlüssel aus --key-file, mindestens 16 Bytes) verknüpft die Fälle einer Person.
            """)

    @Option(name: .long, help: "Datenbank der Installation: SQLite-Datei oder postgres://benutzer@host/db.")
    var db: String = "var/nahtstelle.sqlite"

    @Option(name: .long, help: "Erster Tag des Zeitraums (JJJJ-MM-TT oder TT.MM.JJJJ).")
    var from: String

    @Option(name: .long, help: "Letzter Tag des Zeitraums.")
    var to: String

    @Option(name: .long, help: "Stichtag für überfällige Fristen (Standard: --to, höchstens heute).")
    var asOf: String?

    @Option(name: .long, help: "json, csv oder text.")
    var format: String = "text"

    @Flag(name: .long, help: "Pseudonymisierter Fallexport statt Bericht (ohne Namen und AHV-Nummern).")
    var pseudonymise = false

    @Option(name: .long, help: "Datei mit dem geheimen Schlüssel für --pseudonymise (mindestens 16 Bytes).")
    var keyFile: String?

    func run() async throws {
        // The period's checks and messages live in NahtstelleOptima (`ReportPeriod`, fuzzed as
        // `Fuzz/report-date`); the options' own checks come between, in the order users know.
        let days = try Self.period { () throws(OptimaError) in try ReportPeriod.days(from: self.from, to: self.to) }
        guard ["json", "csv", "text"].contains(format) else {
            throw CLIError("--format: «\(format)» gibt es nicht. Erlaubt sind json, csv und text.")
        }
        if !pseudonymise, keyFile != nil { throw CLIError("--key-file gilt nur zusammen mit --pseudonymise.") }
        let today = ISODateTime.localDate(of: Date())
        let period = try Self.period { () throws(OptimaError) in
            try ReportPeriod(from: days.from, to: days.to, asOf: self.asOf, today: today)
        }
        let (from, to, asOf) = (period.from, period.to, period.asOf)
        try CLIEnvironment.checkDatabase(db, create: false)
        // A report only reads: a read-only copy (or a file without write permission) is enough.
        let store = try CLIEnvironment.openStore(db, migrations: SQLiteEngineStore.registering(CaseSchema.sqliteMigrations), access: .readOnly)
        let repository = StoredCaseReader(tables: ApplicationTables(storage: SQLApplicationStorage(store: store, location: StoreLocation(db))))
        if pseudonymise {
            try await export(repository, to: to)
            return
        }
        var report = OptimaReport.compute(cases: try await repository.reportRecords(from: from, to: to), from: from, to: to, asOf: asOf)
        report.flatRates = try await repository.flatRateSummary(from: from, to: to, asOf: asOf)
        switch format {
        case "json": print(report.json(), terminator: "")
        case "csv": print(report.csv(), terminator: "")
        default: print(report.text(createdOn: today))
        }
    }

    /// Runs a step of reading the period; its error becomes the command's message as it is.
    private static func period<T>(_ read: () throws(OptimaError) -> T) throws(CLIError) -> T {
        do throws(OptimaError) { return try read() } catch { throw CLIError(error.message) }
    }

    private func export(_ repository: StoredCaseReader, to: LocalDate) async throws {
        guard let keyFile else {
            throw CLIError("--pseudonymise braucht --key-file mit dem geheimen Schlüssel (mindestens 16 zufällige Bytes, "
                           + "z. B. erzeugt mit: head -c 32 /dev/urandom > var/report.key).")
        }
        let key: ReportKey
        do { key = try ReportKey.load(path: keyFile) } catch let error as CaseServiceError { throw CLIError(error.message) }
        // ReportKey has checked the length: the exporter accepts its secret.
        let exporter = try PseudonymisedExport(secret: key.secret)
        let records = exporter.export(try await repository.exportItems(to: to))
        switch format {
        case "json": print(PseudonymisedExport.json(records), terminator: "")
        case "csv": print(PseudonymisedExport.csv(records), terminator: "")
        default: throw CLIError("Der pseudonymisierte Export gibt es als json oder csv. Bitte --format json oder --format csv angeben.")
        }
    }
}
