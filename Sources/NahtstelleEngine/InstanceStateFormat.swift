import Foundation
import NahtstelleFEEL

/// The versions of the stored instance state (`InstanceState.encode()`), and the named
/// migrations that bring a state written by an earlier version to the current one.
///
/// OPTIMA cases run for months, so a state written today must still load after an upgrade.
/// Each change of the format raises `current` and appends one migration from the version
/// before; a state is read by running every migration from its own version on, in order (as
/// SpiffWorkflow's serializer does). Migrations work on the parsed JSON, so a migration never
/// depends on today's Swift types. Every migration has a test with bytes the earlier version
/// really wrote (`Tests/NahtstelleEngineTests/Fixtures/state-v1`).
public enum InstanceStateFormat {
    /// The version `encode()` writes.
    public static let current = 2

    /// One step from `from` to `from + 1`.
    public struct Migration: Sendable {
        public let from: Int
        public let name: String
        let apply: @Sendable ([String: Value]) throws -> [String: Value]
    }

    /// In order: the migration from version n is `migrations[n - 1]`.
    public static let migrations: [Migration] = [
        Migration(from: 1, name: "v1-positional-to-v2-named-waits", apply: namedWaits),
    ]

    /// The format version of a stored state: its `v`, or 1 for the first format, which had none.
    public static func version(of root: [String: Value]) -> Int? {
        guard let v = root["v"] else { return 1 }
        guard let n = v.numberValue, n >= 1, n <= 1_000_000 else { return nil }
        // The versions this program knows without a bridged NSDecimalNumber (every command
        // decodes a state: this runs on the writer).
        for known in 1...current where Decimal(known) == n { return known }
        let version = NSDecimalNumber(decimal: n).intValue
        return Decimal(version) == n ? version : nil
    }

    /// `root` brought to the current version.
    static func migrated(_ root: [String: Value]) throws -> [String: Value] {
        guard let version = version(of: root) else { throw damaged }
        if version == current { return root }
        guard version < current else {
            throw EngineError(.incident, "Der gespeicherte Zustand der Prozessinstanz hat das Format \(version); dieses Programm liest bis Format \(current). "
                              + "Bitte die neuere Version von Nahtstelle einsetzen, die ihn geschrieben hat.")
        }
        var state = root
        for migration in migrations[(version - 1)...] {
            do {
                state = try migration.apply(state)
            } catch {
                throw EngineError(.incident, "Der gespeicherte Zustand der Prozessinstanz (Format \(migration.from)) lässt sich nicht umwandeln "
                                  + "(\(migration.name)): er ist beschädigt.")
            }
        }
        return state
    }

    static var damaged: EngineError { EngineError(.incident, "Der gespeicherte Zustand der Prozessinstanz ist beschädigt.") }

    private struct Unreadable: Error {}

    /// Version 1 (until November 2026) wrote no version and a token's wait as a digit
    /// (0 task, 1 event, 2 join, 3 sub-process); version 2 writes `"v":2` and names the wait.
    @Sendable static func namedWaits(_ root: [String: Value]) throws -> [String: Value] {
        guard case .list(let tokens)? = root["t"] else { throw Unreadable() }
        var state = root
        state["t"] = .list(try tokens.map { token in
            let names = ["task", "event", "join", "sub"]
            guard case .list(var fields) = token, fields.count == 6, let kind = fields[4].numberValue,
                let index = names.indices.first(where: { Decimal($0) == kind })
            else { throw Unreadable() }
            fields[4] = .string(names[index])
            return .list(fields)
        })
        state["v"] = .number(2)
        return state
    }
}
