import ArgumentParser
import Foundation
import GRDB
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleDefinition
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima
import NahtstellePostgres
import NahtstelleStore

/// A user-facing CLI error: printed as is, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// What every command shares: reading input files and building an engine.
enum CLIEnvironment {
    static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): Datei nicht gefunden oder nicht lesbar.")
        }
        return [UInt8](data)
    }

    static func readJSON(_ path: String) throws -> Value {
        let bytes = try readFile(path)
        do {
            return try Value.parseJSON(bytes: bytes)
        } catch {
            throw CLIError("\(path): \(error.description)")
        }
    }

    /// Variables from a JSON file holding one object; none when no file is given.
    static func readVariables(_ path: String?) throws -> [String: Value] {
        guard let path else { return [:] }
        guard case .context(let variables) = try readJSON(path) else {
            throw CLIError("\(path): Variablen müssen ein JSON-Objekt {…} sein.")
        }
        return variables
    }

    /// - Parameter dryRun: for `simulate`: user tasks need no role.
    static func engine(store: any EngineStore, draft: Bool = false, dryRun: Bool = false) throws -> Engine {
        var configuration = OptimaService.standaloneEngineConfiguration(requireRoles: !dryRun)
        configuration.draft = draft
        return Engine(store: store, configuration: configuration)
    }
}

extension CLIEnvironment {
    /// A command's warnings (e.g. a task created without its deadline) on standard error.
    static func printWarnings(_ result: CommandResult) {
        for warning in result.warnings { FileHandle.standardError.write(Data("Warnung: \(warning)\n".utf8)) }
    }

    /// Checks `--db` before SQLite sees it: an empty path, a folder, a missing file (unless the
    /// command sets up an installation, which creates the file and its folder). A `postgres://`
    /// address is checked for its form here and reached when the store opens.
    static func checkDatabase(_ path: String, create: Bool) throws {
        if StoreLocation(path).isPostgres {
            do { _ = try PostgresLocation(url: path) } catch let error as PostgresStoreError { throw CLIError(error.message) }
            return
        }
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CLIError("--db ist leer. Bitte den Pfad zur Datenbankdatei angeben, z. B. --db var/nahtstelle.sqlite.")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw CLIError("\(path) ist ein Ordner, keine Datenbankdatei. Bitte den Pfad zur Datei angeben, "
                               + "z. B. --db \((path as NSString).appendingPathComponent("nahtstelle.sqlite")).")
            }
            return
        }
        guard create else {
            throw CLIError("\(path): Datenbank nicht gefunden. Bitte den Pfad mit --db prüfen (z. B. var/nahtstelle.sqlite) "
                           + "oder die Installation zuerst einrichten (nahtstelle deploy --db \(path) workflows/*.bpmn oder nahtstelle demo --db \(path)).")
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CLIError("\(folder): Ordner für die Datenbank kann nicht angelegt werden. Bitte den Pfad und die Berechtigungen prüfen.")
        }
    }

    /// Opens the store, turning open errors into messages a user can act on.
    /// On PostgreSQL the database always holds the application's tables too (a PostgreSQL
    /// installation is created by `serve`, `demo` or `store copy`), and `access` does not apply:
    /// reading commands only read.
    static func openStore(_ path: String, migrations: (inout DatabaseMigrator) -> Void = { _ in },
                          access: SQLiteEngineStore.Access = .readWrite) throws -> any EngineStore {
        do {
            let location = StoreLocation(path)
            if location.isPostgres { return try openPostgres(location).store }
            return try SQLiteEngineStore(path: path, migrations: migrations, access: access)
        } catch let error as StoreError {
            throw CLIError(error.message)
        } catch let error as DatabaseError {
            throw CLIError(databaseMessage(error, path: path))
        }
    }

    /// A PostgreSQL installation with the application's tables (one pool, migrated once).
    static func openPostgres(_ location: StoreLocation) throws -> SQLApplicationStorage {
        do {
            return try location.open()
        } catch let error as PostgresStoreError {
            throw CLIError(error.message)
        }
    }

    /// SQLite's errors in words a user can act on; the SQLite text stays at the end for support.
    static func databaseMessage(_ error: DatabaseError, path: String) -> String {
        switch error.resultCode {
        case .SQLITE_READONLY:
            return "\(path): Die Datenbank ist schreibgeschützt, dieser Befehl muss aber schreiben. Bitte mit Schreibrecht ausführen "
                + "(Datei und Ordner) oder einen lesenden Befehl verwenden (tasks, report)."
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "\(path): Die Datenbank ist seit \(Int(SQLiteEngineStore.busyTimeout)) Sekunden durch einen anderen Vorgang belegt. Bitte später nochmals versuchen."
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return "\(path): Die Datei ist keine (intakte) Nahtstelle-Datenbank. Bitte den Pfad mit --db prüfen."
        case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_PERM, .SQLITE_AUTH:
            return "\(path): Die Datenbank kann nicht geöffnet werden (Datei oder Ordner nicht lesbar oder nicht beschreibbar). Bitte die Berechtigungen prüfen."
        default:
            return "\(path): Datenbankfehler (\(error.message ?? "SQLite-Code \(error.resultCode.rawValue)")). Bitte den Pfad prüfen."
        }
    }

    /// Whether the file holds OPTIMA cases: a read-only look, no migrations, no second store.
    /// On PostgreSQL (whose database always has the tables): whether a case is stored.
    static func holdsCases(_ path: String) throws -> Bool {
        let location = StoreLocation(path)
        if location.isPostgres { return try ApplicationTables(storage: try openPostgres(location)).holdsCases() }
        guard FileManager.default.fileExists(atPath: path) else { return false }
        _ = SQLiteEngineStore.processSettings  // before SQLite's first connection
        var configuration = Configuration()
        configuration.readonly = true
        // Another process closing the last connection or recovering holds a short exclusive lock.
        configuration.busyMode = .timeout(SQLiteEngineStore.busyTimeout)
        do {
            do {
                return try DatabaseQueue(path: path, configuration: configuration).read { db in try db.tableExists("optima_case") }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN || error.resultCode == .SQLITE_READONLY {
                // A folder without write permission: read it as immutable (see SQLiteEngineStore).
                guard let uri = SQLiteEngineStore.immutableURI(path) else { throw error }
                return try DatabaseQueue(path: uri, configuration: configuration).read { db in try db.tableExists("optima_case") }
            }
        } catch let error as DatabaseError {
            throw CLIError(databaseMessage(error, path: path))
        }
    }
}

/// Definition errors print every problem, one per line.
protocol NahtstelleDefinitionErrorPrinting: Error { var printable: String { get } }
