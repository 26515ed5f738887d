import ArgumentParser
import Foundation
import GRDB
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstellePostgres
import NahtstelleStore

/// `nahtstelle store copy`: moves an installation to PostgreSQL (several nodes).
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Speicher der Installation: in eine andere Datenbank kopieren.",
        subcommands: [StoreCopyCommand.self])
}

struct StoreCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Kopiert eine Installation (alle Tabellen, gleiche Nummern) in eine leere Datenbank.",
        discussion: """
            Beispiel: nahtstelle store copy --from sqlite:var/nahtstelle.sqlite --to postgres://nahtstelle@db.example/nahtstelle
            Die Quelle wird als ein Schnappschuss gelesen; das Ziel wird in einer Transaktion geschrieben und nur übernommen,
            wenn jede Tabelle gleich viele Zeilen hat. Danach prüft der Befehl das Ziel auf Widersprüche (wie nahtstelle check).
            """)

    @Option(name: .long, help: "Quelle: sqlite:PFAD (oder ein Pfad) oder postgres://…")
    var from: String
    @Option(name: .long, help: "Ziel: postgres://… (leer) oder sqlite:PFAD (neue Datei).")
    var to: String

    func run() throws {
        try CLIEnvironment.checkDatabase(Self.path(from), create: false)
        try CLIEnvironment.checkDatabase(Self.path(to), create: true)
        let (source, target) = (StoreLocation(from), StoreLocation(to))
        let started = Date()
        let counts: [StoreCopy.TableCount]
        do {
            counts = try StoreCopy.copy(from: source, to: target)
        } catch let error as CaseServiceError {
            throw CLIError(error.description)
        } catch let error as PostgresStoreError {
            throw CLIError(error.message)
        } catch let error as StoreError {
            throw CLIError(error.message)
        }
        for count in counts { print("\(count.table.padding(toLength: 26, withPad: " ", startingAt: 0)) \(count.rows)") }
        print(String(format: "%d Tabellen, %d Zeilen kopiert in %.1f s: %@ → %@", counts.count, counts.reduce(0) { $0 + $1.rows },
                     Date().timeIntervalSince(started), source.description, target.description))
        // Verified on the target: the same counts read back, and the engine's invariants.
        let store = try target.open().store
        let after = try StoreCopy.counts(store)
        guard after == counts else { throw CLIError("Nach dem Kopieren stimmen die Zeilenzahlen im Ziel nicht: \(after)") }
        let problems = try Engine(store: store).invariantViolations()
        guard problems.isEmpty else {
            for problem in problems { print(problem) }
            throw ExitCode(1)
        }
        print("Ziel geprüft: gleiche Zeilenzahlen, keine Widersprüche.")
    }

    /// The `--db`-style text of a location (`sqlite:` dropped) for the checks of `--db`.
    static func path(_ text: String) -> String {
        switch StoreLocation(text) {
        case .sqlite(let path): path
        default: text
        }
    }
}

/// `nahtstelle backup`: an online backup of a SQLite installation.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Sichert eine SQLite-Installation im laufenden Betrieb (SQLite-Backup-API) und prüft die Sicherung.",
        discussion: """
            Beispiel: nahtstelle backup --db var/nahtstelle.sqlite --to /sicherung/nahtstelle-2026-11-30.sqlite
            Der Server darf dabei laufen: die Sicherung ist ein Schnappschuss der ganzen Datei. Wiederherstellen: den Server anhalten,
            die Sicherung an die Stelle der Datenbank kopieren (die Dateien -wal und -shm daneben löschen) und den Server starten.
            PostgreSQL-Installationen sichert pg_dump.
            """)

    @Option(name: .long, help: "SQLite-Datei der Installation.")
    var db: String = "var/nahtstelle.sqlite"
    @Option(name: .long, help: "Neue Datei für die Sicherung (wird nie überschrieben).")
    var to: String

    func run() throws {
        if StoreLocation(db).isPostgres {
            throw CLIError("--db postgres://…: PostgreSQL-Installationen sichert pg_dump (z. B. pg_dump -Fc … > nahtstelle.dump); "
                           + "nahtstelle backup sichert eine SQLite-Datei.")
        }
        try CLIEnvironment.checkDatabase(db, create: false)
        let folder = (to as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            throw CLIError("--to: Ordner \(folder) gibt es nicht. Bitte einen bestehenden Ordner angeben.")
        }
        let started = Date()
        do {
            let store = try CLIEnvironment.openStore(db, migrations: SQLiteEngineStore.registering(CaseSchema.sqliteMigrations), access: .readOnly)
            guard let sqlite = store as? SQLiteEngineStore else { throw CLIError("--db: keine SQLite-Datei.") }
            try sqlite.backup(to: to)
        } catch let error as StoreError {
            throw CLIError(error.message)
        } catch let error as DatabaseError {
            throw CLIError(CLIEnvironment.databaseMessage(error, path: db))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
        print(String(format: "Sicherung %@ geschrieben (%.1f MB in %.1f s).", to, Double(size) / 1_048_576, Date().timeIntervalSince(started)))
        // The backup is checked as a restore would use it: opened, counted, its invariants checked.
        let copy = try CLIEnvironment.openStore(to, migrations: SQLiteEngineStore.registering(CaseSchema.sqliteMigrations), access: .readOnly)
        let counts = try StoreCopy.counts(copy)
        print("\(counts.count) Tabellen, \(counts.reduce(0) { $0 + $1.rows }) Zeilen; Fälle: \(counts.first { $0.table == "optima_case" }?.rows ?? 0)")
        let problems = try Engine(store: copy).invariantViolations()
        guard problems.isEmpty else {
            for problem in problems { print(problem) }
            throw ExitCode(1)
        }
        print("Sicherung geprüft: keine Widersprüche.")
    }
}
