import ArgumentParser
import Foundation
import NahtstelleCases
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

    @Option(name: .long, help: "SQLite-Datei der Installation.")
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

    static func date(_ text: String, option: String) throws -> LocalDate {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = LocalDate(iso: t) { return d }
        let parts = t.split(separator: ".")
        if parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]), parts[2].count == 4,
            (1...12).contains(month), (1...LocalDate.daysIn(month: month, year: year)).contains(day)
        {
            return LocalDate(year: year, month: month, day: day)
        }
        throw CLIError("\(option): «\(text)» ist kein gültiges Datum. Bitte TT.MM.JJJJ (z. B. 31.03.2026) oder JJJJ-MM-TT angeben.")
    }

    func run() async throws {
        let from = try Self.date(from, option: "--from")
        let to = try Self.date(to, option: "--to")
        guard from <= to else {
            throw CLIError("Der Zeitraum ist leer: --from (\(from.swissFormatted)) liegt nach --to (\(to.swissFormatted)). Bitte die Daten tauschen.")
        }
        guard ["json", "csv", "text"].contains(format) else {
            throw CLIError("--format: «\(format)» gibt es nicht. Erlaubt sind json, csv und text.")
        }
        if !pseudonymise, keyFile != nil { throw CLIError("--key-file gilt nur zusammen mit --pseudonymise.") }
        let today = ISODateTime.localDate(of: Date())
        let asOf = try asOf.map { try Self.date($0, option: "--as-of") } ?? min(to, today)
        if self.asOf != nil {
            // Overdue is a fact about the past: a deadline in December is not overdue "as of 2099".
            guard asOf <= today else {
                throw CLIError("--as-of: \(asOf.swissFormatted) liegt in der Zukunft. Der Stichtag ist höchstens heute (\(today.swissFormatted)).")
            }
            guard asOf >= from else {
                throw CLIError("--as-of: \(asOf.swissFormatted) liegt vor dem Zeitraum (--from \(from.swissFormatted)). "
                               + "Bitte einen Stichtag im Zeitraum oder danach angeben.")
            }
        }
        try CLIEnvironment.checkDatabase(db, create: false)
        // A report only reads: a read-only copy (or a file without write permission) is enough.
        let store = try CLIEnvironment.openStore(db, migrations: CaseSchema.register, access: .readOnly)
        let repository = SQLiteCaseRepository(writer: store.writer)
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

    private func export(_ repository: SQLiteCaseRepository, to: LocalDate) async throws {
        guard let keyFile else {
            throw CLIError("--pseudonymise braucht --key-file mit dem geheimen Schlüssel (mindestens 16 zufällige Bytes, "
                           + "z. B. erzeugt mit: head -c 32 /dev/urandom > var/report.key).")
        }
        guard let data = FileManager.default.contents(atPath: keyFile) else {
            throw CLIError("\(keyFile): Schlüsseldatei nicht gefunden oder nicht lesbar.")
        }
        // A key written with `echo` ends in a newline that is not part of the secret.
        var secret = [UInt8](data)
        while let last = secret.last, last == 0x0A || last == 0x0D { secret.removeLast() }
        let exporter: PseudonymisedExport
        do throws(OptimaError) { exporter = try PseudonymisedExport(secret: secret) } catch { throw CLIError("\(keyFile): \(error.message)") }
        let records = exporter.export(try await repository.exportItems(to: to))
        switch format {
        case "json": print(PseudonymisedExport.json(records), terminator: "")
        case "csv": print(PseudonymisedExport.csv(records), terminator: "")
        default: throw CLIError("Der pseudonymisierte Export gibt es als json oder csv. Bitte --format json oder --format csv angeben.")
        }
    }
}
