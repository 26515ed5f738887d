import ArgumentParser
import Foundation
import Logging
import NahtstelleCases
import NahtstelleCaseStore
import NahtstelleEngine
import NahtstelleHTTP
import NahtstelleOptima

/// `nahtstelle serve`: the HTTP server (JSON API, sign-in, timers), see docs/server.md.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Startet den Server (JSON-API, Anmeldung, Zeitgeber).",
        discussion: """
            Jede Option gilt auch als Umgebungsvariable: NAHTSTELLE_DB, NAHTSTELLE_HOST, NAHTSTELLE_PORT, NAHTSTELLE_DEMO=1, \
            NAHTSTELLE_SECURE_COOKIES=1, NAHTSTELLE_ROOT, NAHTSTELLE_SMTP_HOST, NAHTSTELLE_SMTP_PORT, NAHTSTELLE_SMTP_FROM, \
            NAHTSTELLE_BASE_URL, NAHTSTELLE_REPORT_KEY_FILE, NAHTSTELLE_INBOX_CACHE, NAHTSTELLE_WRITER_PRIORITY. E-Mail-Hinweise zu neuen und überfälligen Aufgaben sind aus, bis ein SMTP-Server angegeben ist \
            (einfaches SMTP ohne TLS an einen Relay der Installation; die Mails enthalten nur einen Link). Beim Start: Migrationen, Definitionen aus workflows/ bereitstellen \
            (eine neue Version nur bei geänderter Datei), Zeitgeber starten. SIGTERM/SIGINT: keine neuen Anfragen, laufende \
            beenden, Exit 0.
            """)

    static let demoPassword = "optima-demo-2026"

    @Option(name: .long, help: "SQLite-Datei (Standard: var/nahtstelle.sqlite) oder postgres://benutzer@host/db (mehrere Knoten).")
    var db: String?
    @Option(name: .long, help: "Adresse, an der der Server lauscht (Standard: 127.0.0.1).")
    var host: String?
    @Option(name: .long, help: "Port (Standard: 8080; 0 = ein freier Port).")
    var port: Int?
    @Flag(name: .long, help: "Demo-Stellen, -Benutzer und -Fälle laden (einmalig) und das Demo-Passwort setzen.")
    var demo = false
    @Flag(name: .long, help: "Sitzungs-Cookies nur über HTTPS senden (hinter TLS).")
    var secureCookies = false
    @Option(name: .long, help: "Ordner mit workflows/, forms/ und templates/ (Standard: aktueller Ordner).")
    var root: String?
    @Option(name: .long, help: "SMTP-Relay für E-Mail-Hinweise (Standard: keiner = aus).")
    var smtpHost: String?
    @Option(name: .long, help: "Port des SMTP-Relays (Standard: 25).")
    var smtpPort: Int?
    @Option(name: .long, help: "Absenderadresse der E-Mail-Hinweise (nötig mit --smtp-host).")
    var smtpFrom: String?
    @Option(name: .long, help: "Adresse des Servers, wie die Mitarbeitenden ihn erreichen, für die Links (nötig mit --smtp-host).")
    var baseUrl: String?
    @Option(name: .long, help: ArgumentHelp(
        "Datei mit dem geheimen Schlüssel des pseudonymisierten Fallexports (mindestens 16 zufällige Bytes).",
        discussion: "Ohne Angabe ist der Export aus; mit --demo wird ein Demo-Schlüssel report-demo.key neben der Datenbank erzeugt."))
    var reportKeyFile: String?
    @Option(name: .long, help: ArgumentHelp(
        "Wie viele Antworten der Aufgabenliste (GET /api/tasks) gehalten werden (Standard: 1024; 0 = keine).",
        discussion: "Eine Antwort wird nur wieder gegeben, solange seit ihrem Lesen nichts in die Datenbank geschrieben wurde und derselbe Tag ist; mit PostgreSQL wird nichts gehalten."))
    var inboxCache: Int?
    @Option(name: .long, help: ArgumentHelp(
        "Vorrang des Schreib-Threads der SQLite-Datei: raised (Standard) oder normal.",
        discussion: "raised: Echtzeit-Priorität 1 (SCHED_FIFO), wo der Prozess sie setzen darf (root, CAP_SYS_NICE oder LimitRTPRIO=1) "
            + "und mindestens zwei Kerne hat, sonst normal; der Server meldet beim Start, was gilt. Siehe docs/server.md."))
    var writerPriority: WriterPriority?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let truthy: (String?) -> Bool = { ["1", "true", "yes", "ja"].contains(($0 ?? "").lowercased()) }
        let dbPath = db ?? env["NAHTSTELLE_DB"] ?? "var/nahtstelle.sqlite"
        let rootPath = root ?? env["NAHTSTELLE_ROOT"] ?? "."
        let hostName = host ?? env["NAHTSTELLE_HOST"] ?? "127.0.0.1"
        var portNumber = 8080
        if let port { portNumber = port } else if let text = env["NAHTSTELLE_PORT"] {
            guard let p = Int(text) else { throw CLIError("NAHTSTELLE_PORT=\(text): keine Zahl. Bitte einen Port von 0 bis 65535 angeben.") }
            portNumber = p
        }
        guard (0...65_535).contains(portNumber) else { throw CLIError("--port \(portNumber): bitte einen Port von 0 bis 65535 angeben.") }
        let loadDemo = demo || truthy(env["NAHTSTELLE_DEMO"])
        let secure = secureCookies || truthy(env["NAHTSTELLE_SECURE_COOKIES"])

        var options = CaseOptions()
        options.db = dbPath
        options.root = rootPath
        try options.prepare(create: true)
        var logger = Logger(label: "nahtstelle")
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        if loadDemo {
            do {
                _ = try DemoScenario.run(databasePath: dbPath, resources: options.resources) { logger.info("\($0)") }
            } catch let error as CaseServiceError {
                throw CLIError(error.description)
            }
        }
        let service = try options.service(create: true)
        // The demo has deployed workflows/ already; otherwise deploy here (new versions only where a file changed).
        if !loadDemo {
            do {
                for d in try service.deployWorkflows(by: "system") where d.isNew {
                    logger.info("Definition bereitgestellt", metadata: ["process": "\(d.processID)", "version": "\(d.version)"])
                }
            } catch let error as CaseServiceError {
                throw CLIError(error.description)
            }
        }
        if loadDemo {
            let set = try service.auth.setPasswordHashWhereMissing(Passwords.hash(Self.demoPassword), usernames: DemoData.staff.map(\.username))
            if set > 0 { logger.info("Demo-Passwort gesetzt", metadata: ["benutzer": "\(set)"]) }
        }

        let mail = try mailSettings(env)
        var settings = ServerSettings(host: hostName, port: portNumber, secureCookies: secure, mail: mail)
        settings.reportKey = try reportKey(env, demo: loadDemo, dbPath: dbPath)
        if let inboxCache { settings.inboxCacheEntries = inboxCache } else if let text = env["NAHTSTELLE_INBOX_CACHE"] {
            guard let n = Int(text) else { throw CLIError("NAHTSTELLE_INBOX_CACHE=\(text): keine Zahl. Bitte eine Anzahl ab 0 angeben (0 = keine).") }
            settings.inboxCacheEntries = n
        }
        guard settings.inboxCacheEntries >= 0 else {
            throw CLIError("--inbox-cache \(settings.inboxCacheEntries): die Anzahl kann nicht negativ sein. Bitte 0 (keine) oder mehr angeben.")
        }
        if let writerPriority { settings.writerPriority = writerPriority } else if let text = env["NAHTSTELLE_WRITER_PRIORITY"] {
            guard let p = WriterPriority(rawValue: text) else {
                throw CLIError("NAHTSTELLE_WRITER_PRIORITY=\(text): unbekannt. Bitte raised oder normal angeben.")
            }
            settings.writerPriority = p
        }
        if let key = settings.reportKey { logger.info("Schlüssel des pseudonymisierten Exports geladen", metadata: ["datei": "\(key.source)"]) }
        let core = ServerCore(service: service, settings: settings)
        if case .failure(let problem) = core.views { throw ValidationError(problem.description) }
        let offices = Dictionary(uniqueKeysWithValues: ((try? service.offices()) ?? []).map { ($0.id, $0.name) })
        let app = NahtstelleServer.application(core: core, logger: logger) { port in
            var lines = ["Nahtstelle läuft: http://\(hostName):\(port)/  (Anmeldung: http://\(hostName):\(port)/login, API: /api/openapi.json)"]
            if loadDemo {
                lines.append("Demo-Anmeldungen (Passwort für alle: \(Self.demoPassword)):")
                for member in DemoData.staff {
                    let roles = member.roles.sorted { $0.rawValue < $1.rawValue }.map { Glossary.label($0) }.joined(separator: ", ")
                    lines.append("  \(member.username.padding(toLength: 18, withPad: " ", startingAt: 0)) \(offices[member.officeId] ?? member.officeId) — \(roles)")
                }
            }
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        try await app.runService()
        await core.shutdown()
        logger.info("Nahtstelle beendet")
    }

    /// The pseudonymised export's key: the configured file, else with `--demo` a key made once
    /// beside the database, else none (the export is off and the reports page says how to set it up).
    func reportKey(_ env: [String: String], demo: Bool, dbPath: String) throws -> ReportKey? {
        do {
            if let path = reportKeyFile ?? env["NAHTSTELLE_REPORT_KEY_FILE"], !path.isEmpty { return try ReportKey.load(path: path) }
            guard demo else { return nil }
            // Beside the SQLite file; with PostgreSQL in var/ (each node its own demo key).
            let folder = StoreLocation(dbPath).isPostgres ? "var" : (dbPath as NSString).deletingLastPathComponent
            return try ReportKey.loadOrCreateDemo(path: ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("report-demo.key"))
        } catch let error as CaseServiceError {
            throw CLIError("--report-key-file: " + error.message)
        }
    }

    /// The e-mail notices' settings from options and environment; nil (off) without a host.
    func mailSettings(_ env: [String: String]) throws -> MailSettings? {
        guard let host = smtpHost ?? env["NAHTSTELLE_SMTP_HOST"], !host.isEmpty else { return nil }
        var port = 25
        if let smtpPort { port = smtpPort } else if let text = env["NAHTSTELLE_SMTP_PORT"] {
            guard let p = Int(text) else { throw CLIError("NAHTSTELLE_SMTP_PORT=\(text): keine Zahl. Bitte einen Port von 1 bis 65535 angeben.") }
            port = p
        }
        guard (1...65_535).contains(port) else { throw CLIError("--smtp-port \(port): bitte einen Port von 1 bis 65535 angeben.") }
        guard let from = smtpFrom ?? env["NAHTSTELLE_SMTP_FROM"], OptimaService.isPlainAddress(from) else {
            throw CLIError("--smtp-from fehlt oder ist keine E-Mail-Adresse. Mit --smtp-host braucht es eine Absenderadresse, "
                           + "z. B. --smtp-from nahtstelle@lu.ch.")
        }
        guard let base = baseUrl ?? env["NAHTSTELLE_BASE_URL"], base.hasPrefix("http://") || base.hasPrefix("https://"),
            !base.contains(where: { $0.isWhitespace })
        else {
            throw CLIError("--base-url fehlt oder ist keine http(s)-Adresse. Mit --smtp-host braucht es die Adresse des Servers für die "
                           + "Links, z. B. --base-url https://nahtstelle.lu.ch.")
        }
        var settings = MailSettings(host: host, port: port, from: from, baseURL: base)
        if let text = env["NAHTSTELLE_MAIL_INTERVAL"], let seconds = Double(text), seconds >= 0.2 {
            settings.interval = .milliseconds(Int(seconds * 1000))
        }
        return settings
    }
}

/// `nahtstelle users set-password USER`: sets a password (read from standard input).
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Benutzer verwalten.", subcommands: [SetPassword.self])

    struct SetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Setzt das Passwort eines Benutzers; liest es von der Standardeingabe (eine Zeile). Beendet seine Sitzungen.")

        @OptionGroup var options: CaseOptions
        @Argument(help: "Benutzername.")
        var user: String

        func run() throws {
            let service = try options.service()
            guard (try? service.staff(user)) != nil else {
                throw CLIError("Benutzer «\(user)» ist nicht erfasst. Bitte den Benutzernamen prüfen.")
            }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIError("Kein Passwort gelesen. Bitte das Passwort auf der Standardeingabe übergeben, z. B. "
                               + "«printf '%s\\n' \"$PASSWORT\" | nahtstelle users set-password \(user)».")
            }
            guard line.count >= Passwords.minimumLength else {
                throw CLIError("Das Passwort ist zu kurz: mindestens \(Passwords.minimumLength) Zeichen.")
            }
            guard line.utf8.count <= 72 else {
                throw CLIError("Das Passwort ist zu lang: höchstens 72 Bytes (bcrypt).")
            }
            try service.auth.setPasswordHash(Passwords.hash(line), for: user)
            print("Passwort für \(user) gesetzt; bestehende Sitzungen sind beendet.")
        }
    }
}

/// `nahtstelle check --db PATH`: the engine's invariant check (after a crash, a restore, an upgrade).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Prüft die Datenbank auf Widersprüche (Token, Aufgaben, Zeitgeber, Abonnements); Exit 1 bei Befund.")

    @OptionGroup var options: CaseOptions

    func run() throws {
        let service = try options.service()
        let problems: [String]
        do { problems = try service.engine.invariantViolations() } catch {
            throw CLIError("Die Prüfung konnte nicht laufen: \(error)")
        }
        if problems.isEmpty {
            print("Keine Widersprüche gefunden.")
        } else {
            for problem in problems { print(problem) }
            throw ExitCode(1)
        }
    }
}

extension WriterPriority: ExpressibleByArgument {}
