import Foundation
import PostgresNIO

/// Where the store's database is, read from a libpq-style URL:
/// `postgres://user[:password]@host[:port]/database[?option=value&…]`.
///
/// Options (as libpq names them, so a URL that works with `psql` works here):
/// - `sslmode=disable|prefer|require|verify-full` (default `prefer`, as libpq): `require` encrypts
///   without checking the certificate, `verify-full` checks it against the system's roots.
/// - `host=/run/postgresql`: a Unix socket folder (the socket is `<folder>/.s.PGSQL.<port>`); a
///   host part that is a percent-encoded path (`postgres://user@%2Frun%2Fpostgresql/db`) too.
/// - `options=-c search_path=NAME` (any `-c name=value`): server settings for every connection.
/// - `pool_size=N`: connections the store keeps (default 8).
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var unixSocketFolder: String?
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// Server settings sent with every connection's start-up message (`-c name=value`).
    public var settings: [(String, String)]
    public var poolSize: Int

    public enum SSLMode: String, Sendable { case disable, prefer, require, verifyFull = "verify-full" }

    /// Reads a `postgres://` or `postgresql://` URL; throws `PostgresStoreError.invalidURL` with
    /// what is wrong and an example.
    public init(url text: String) throws {
        func invalid(_ why: String) -> PostgresStoreError {
            PostgresStoreError(.invalidURL, "»\(Self.redacted(text))«: \(why) Beispiel: postgres://nahtstelle:PASSWORT@db.example.ch:5432/nahtstelle?sslmode=require")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("keine PostgreSQL-Adresse (sie beginnt mit postgres://).")
        }
        guard let user = components.user, !user.isEmpty else { throw invalid("der Benutzer fehlt (postgres://BENUTZER@…).") }
        self.user = user
        password = components.password
        port = components.port ?? 5432
        let hostPart = components.host ?? ""
        host = hostPart.isEmpty ? "localhost" : hostPart
        unixSocketFolder = host.hasPrefix("/") ? host : nil
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else { throw invalid("der Name der Datenbank fehlt (…/DATENBANK).") }
        database = path
        sslMode = .prefer
        settings = []
        poolSize = 8
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else { throw invalid("sslmode=\(value) kennt Nahtstelle nicht (disable, prefer, require, verify-full).") }
                sslMode = mode
            case "host":
                if value.hasPrefix("/") { unixSocketFolder = value } else { host = value }
            case "options":
                settings += try Self.settings(value, invalid)
            case "pool_size":
                guard let size = Int(value), (1...200).contains(size) else { throw invalid("pool_size muss eine Zahl von 1 bis 200 sein.") }
                poolSize = size
            default:
                throw invalid("die Option »\(item.name)« kennt Nahtstelle nicht (sslmode, host, options, pool_size).")
            }
        }
    }

    /// `-c name=value -c other=value` (also `-cname=value`), as libpq's `options`.
    private static func settings(_ text: String, _ invalid: (String) -> PostgresStoreError) throws -> [(String, String)] {
        var result: [(String, String)] = []
        var words = text.split(separator: " ").map(String.init)[...]
        while let word = words.popFirst() {
            var setting = word
            if word == "-c" {
                guard let next = words.popFirst() else { throw invalid("nach »-c« fehlt name=wert in options.") }
                setting = next
            } else if word.hasPrefix("-c") {
                setting = String(word.dropFirst(2))
            } else {
                throw invalid("options versteht nur »-c name=wert«.")
            }
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else { throw invalid("»\(setting)« ist kein name=wert.") }
            result.append((String(setting[..<equals]), String(setting[setting.index(after: equals)...])))
        }
        return result
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        let place = unixSocketFolder.map { "[\($0)]" } ?? "\(host):\(port)"
        return "postgres://\(user)@\(place)/\(database)"
    }

    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    /// postgres-nio's configuration for one connection.
    func configuration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let folder = unixSocketFolder {
            configuration = .init(unixSocketPath: folder + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch sslMode {
            case .disable: tls = .disable
            case .prefer, .require, .verifyFull:
                var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
                if sslMode != .verifyFull { tlsConfiguration.certificateVerification = .none }
                let context = try NIOSSLContext(configuration: tlsConfiguration)
                tls = sslMode == .prefer ? .prefer(context) : .require(context)
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = settings
        return configuration
    }
}
