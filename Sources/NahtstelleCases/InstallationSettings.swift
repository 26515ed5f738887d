import Foundation
import GRDB
import NahtstelleOptima

/// Settings of the installation that the coordination office decides, not the code.
public struct InstallationSettings: Sendable, Hashable {
    /// Whether the legal basis exists for the RAV to release ALE recipients from Arbeitsbemühungen
    /// while the IV-Stelle manages their case in OPTIMA-IV (concept Kap. 3.3.1: the SECO's
    /// confirmation was pending; the pilot lacked it). Default: no.
    public var ravReleaseLegalBasisForIV: Bool

    public init(ravReleaseLegalBasisForIV: Bool = false) {
        self.ravReleaseLegalBasisForIV = ravReleaseLegalBasisForIV
    }

    static let ravReleaseKey = "rav-release-legal-basis-iv"

    static func load(_ db: Database) throws -> InstallationSettings {
        let value = try String.fetchOne(db, sql: "SELECT value FROM installation_setting WHERE key = ?", arguments: [ravReleaseKey])
        return InstallationSettings(ravReleaseLegalBasisForIV: value == "true")
    }

    func save(_ db: Database, by actor: String, at: Date) throws {
        try db.execute(sql: """
            INSERT INTO installation_setting (key, value, changed_at, changed_by) VALUES (?, ?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at, changed_by = excluded.changed_by
            """, arguments: [Self.ravReleaseKey, ravReleaseLegalBasisForIV ? "true" : "false", at.timeIntervalSince1970, actor])
    }
}

extension OptimaService {
    /// The installation's settings.
    public func settings() throws -> InstallationSettings { try read { try InstallationSettings.load($0) } }

    /// Changes the installation's settings; only the coordination office may.
    public func saveSettings(_ settings: InstallationSettings, by username: String) throws {
        let user = try staff(username)
        guard user.has(.coordinator) else {
            throw CaseServiceError(.forbidden, "Die Einstellungen der Installation ändert die IIZ-Koordinationsstelle (Rolle «"
                                   + Glossary.label(Role.coordinator) + "»). \(user.displayName) hat diese Rolle nicht.")
        }
        let at = clock()
        _ = try perform(username, "save-settings") { _, db in try settings.save(db, by: username, at: at) }
    }
}
