import Foundation
import NahtstelleOptima

/// The secret key of the pseudonymised case export, from the server's configuration (a key
/// file), never from a request: whoever could choose the key could compute the person keys of
/// known AHV numbers and so undo the pseudonymisation.
public struct ReportKey: Sendable {
    /// The key's bytes (at least `PseudonymisedExport.minimumSecretBytes`).
    public let secret: [UInt8]
    /// The file it was read from (shown to coordinators: the path, never the key).
    public let source: String

    /// - Throws: `CaseServiceError(.invalidInput)` when the key is shorter than 16 bytes.
    public init(secret: [UInt8], source: String) throws {
        do throws(OptimaError) { _ = try PseudonymisedExport(secret: secret) } catch {
            throw CaseServiceError(.invalidInput, "\(source): \(error.message)")
        }
        self.secret = secret
        self.source = source
    }

    /// Reads a key file. A trailing line break (a key written with `echo`) is not part of the key.
    /// - Throws: `CaseServiceError(.invalidInput)` naming the file and how to make a key.
    public static func load(path: String) throws -> ReportKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CaseServiceError(.invalidInput, "\(path): Schlüsseldatei für den pseudonymisierten Export nicht gefunden oder nicht lesbar. "
                                   + "Einen Schlüssel erzeugen mit «head -c 32 /dev/urandom > \(path); chmod 600 \(path)».")
        }
        var secret = [UInt8](data)
        while let last = secret.last, last == 0x0A || last == 0x0D { secret.removeLast() }
        return try ReportKey(secret: secret, source: path)
    }

    /// The demo's key: `path` is created with 32 random bytes (readable by the owner only) when
    /// it does not exist yet, then read. A demo installation can so show the export at once;
    /// production configures its own key (docs/server.md).
    public static func loadOrCreateDemo(path: String) throws -> ReportKey {
        if !FileManager.default.fileExists(atPath: path) {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw CaseServiceError(.invalidInput, "\(path): Demo-Schlüssel kann nicht geschrieben werden. Bitte die Berechtigungen des Ordners prüfen.")
            }
        }
        return try load(path: path)
    }
}
