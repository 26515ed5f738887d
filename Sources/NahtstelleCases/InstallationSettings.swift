import Foundation
import NahtstelleFEEL
import NahtstelleOptima

/// Settings of the installation that the coordination office decides, not the code.
public struct InstallationSettings: Sendable, Hashable {
    /// Whether the legal basis exists for the RAV to release ALE recipients from Arbeitsbemühungen
    /// while the IV-Stelle manages their case in OPTIMA-IV (concept Kap. 3.3.1: the SECO's
    /// confirmation was pending; the pilot lacked it). Default: no.
    public var ravReleaseLegalBasisForIV: Bool
    /// Monthly flat rates per case by receiving office type (model A). Default: the concept's
    /// 227 / 125 / 125 CHF; the IIZ report 2025 names CHF 300 for the IV's job coaching.
    public var flatRates: FlatRates

    public init(ravReleaseLegalBasisForIV: Bool = false, flatRates: FlatRates = .conceptModelA) {
        self.ravReleaseLegalBasisForIV = ravReleaseLegalBasisForIV
        self.flatRates = flatRates
    }

    static let ravReleaseKey = "rav-release-legal-basis-iv"
    static func rateKey(_ type: InstitutionType) -> String { "flat-rate-" + type.rawValue.lowercased() }

    static func load(_ db: any ApplicationRecords) throws -> InstallationSettings {
        let values = try db.settingValues()
        var rates = FlatRates.conceptModelA
        for type in InstitutionType.allCases {
            if let text = values[rateKey(type)], let rate = Decimal(string: text) { rates[type] = rate }
        }
        return InstallationSettings(ravReleaseLegalBasisForIV: values[ravReleaseKey] == "true", flatRates: rates)
    }

    func save(_ db: any ApplicationRecords, by actor: String, at: Date) throws {
        var entries = [(Self.ravReleaseKey, ravReleaseLegalBasisForIV ? "true" : "false")]
        for type in InstitutionType.allCases { entries.append((Self.rateKey(type), SwissFormat.plainAmount(flatRates[type]))) }
        for (key, value) in entries {
            try db.saveSetting(key: key, value: value, by: actor, at: at)
        }
    }
}

extension OptimaService {
    /// The installation's settings.
    public func settings() throws -> InstallationSettings { try read { try InstallationSettings.load($0) } }

    /// The installation's settings for a caller: the coordination office only.
    public func settings(by username: String) throws -> InstallationSettings {
        let user = try staff(username)
        try require(AccessPolicy.canManageSettings(user.user), "Die Einstellungen der Installation sehen und ändern die "
                    + "IIZ-Koordinationsstellen (Rolle «" + Glossary.label(Role.coordinator) + "»).")
        return try settings()
    }

    /// Changes the installation's settings; only the coordination office may.
    public func saveSettings(_ settings: InstallationSettings, by username: String) throws {
        let user = try staff(username)
        guard AccessPolicy.canManageSettings(user.user) else {
            throw CaseServiceError(.forbidden, "Die Einstellungen der Installation ändert die IIZ-Koordinationsstelle (Rolle «"
                                   + Glossary.label(Role.coordinator) + "»). \(user.displayName) hat diese Rolle nicht.")
        }
        for type in InstitutionType.allCases where settings.flatRates[type] < 0 {
            throw CaseServiceError(.invalidInput, "Fallpauschale \(Glossary.label(type)): der Betrag darf nicht negativ sein.", field: "flatRates")
        }
        let at = clock()
        // Through the server the change enters the access log (no case) in the same transaction.
        _ = try perform(username, "save-settings", caseOf: { _ in nil }) { _, db in try settings.save(db, by: username, at: at) }
    }
}
