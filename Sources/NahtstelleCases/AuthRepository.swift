import Foundation
import NahtstelleSQL

/// A signed-in session as stored (the token itself is never stored, only its SHA-256).
public struct SessionRecord: Sendable, Hashable {
    public var tokenHash: String
    public var username: String
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
}

/// Passwords, sessions and failed logins of the server, in the database so that any node can
/// serve any request. Hashing (bcrypt, SHA-256) is the caller's: this type stores and ages.
public struct AuthRepository: Sendable {
    let writer: ApplicationTables
    let clock: @Sendable () -> Date

    /// Idle timeout and absolute lifetime of a session.
    public static let idleTimeout: TimeInterval = 30 * 60
    public static let absoluteLifetime: TimeInterval = 12 * 3600
    /// `last_seen_at` is written at most this often per session (not an fsync on every request).
    public static let touchInterval: TimeInterval = 60
    /// Failed logins per user and address within `failureWindow` before logins are refused.
    public static let maxFailures = 5
    public static let failureWindow: TimeInterval = 5 * 60

    public var now: Date { clock() }

    /// Stores a bcrypt hash for a known user; `false` when the user does not exist.
    @discardableResult
    public func setPasswordHash(_ hash: String, for username: String) throws -> Bool {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM app_user WHERE username = ?", arguments: [username]) == true else { return false }
            try db.execute(sql: """
                INSERT INTO auth_credential (username, password_hash, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at
                """, arguments: [username, hash, clock().timeIntervalSince1970])
            // A new password ends the user's sessions.
            try db.execute(sql: "DELETE FROM auth_session WHERE username = ?", arguments: [username])
            return true
        }
    }

    /// Stores `hash` for every user without a password (the demo); returns how many were set.
    @discardableResult
    public func setPasswordHashWhereMissing(_ hash: String, usernames: [String]) throws -> Int {
        try writer.write { db in
            var count = 0
            for name in usernames {
                try db.execute(sql: """
                    INSERT INTO auth_credential (username, password_hash, updated_at)
                    SELECT username, ?, ? FROM app_user WHERE username = ? AND username NOT IN (SELECT username FROM auth_credential)
                    """, arguments: [hash, clock().timeIntervalSince1970, name])
                count += db.changesCount
            }
            return count
        }
    }

    public func passwordHash(for username: String) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT password_hash FROM auth_credential WHERE username = ?", arguments: [username]) }
    }

    public func createSession(tokenHash: String, username: String, csrfToken: String, clientAddress: String?) throws -> SessionRecord {
        let at = clock()
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO auth_session (token_hash, username, csrf_token, created_at, last_seen_at, client_address) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [tokenHash, username, csrfToken, at.timeIntervalSince1970, at.timeIntervalSince1970, clientAddress])
            // Expired sessions of everyone go on the way (the table stays small).
            try db.execute(sql: "DELETE FROM auth_session WHERE last_seen_at < ? OR created_at < ?",
                           arguments: [at.timeIntervalSince1970 - Self.idleTimeout, at.timeIntervalSince1970 - Self.absoluteLifetime])
        }
        return SessionRecord(tokenHash: tokenHash, username: username, csrfToken: csrfToken, createdAt: at, lastSeenAt: at)
    }

    /// The live session with this token hash; expired ones are removed and give `nil`.
    public func session(tokenHash: String) throws -> SessionRecord? {
        let now = clock()
        let found = try writer.read { db -> SessionRecord? in
            guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM auth_session WHERE token_hash = ?", arguments: [tokenHash]) else { return nil }
            return SessionRecord(tokenHash: row["token_hash"], username: row["username"], csrfToken: row["csrf_token"],
                                 createdAt: Date(timeIntervalSince1970: row["created_at"]), lastSeenAt: Date(timeIntervalSince1970: row["last_seen_at"]))
        }
        guard var session = found else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) > Self.idleTimeout || now.timeIntervalSince(session.createdAt) > Self.absoluteLifetime {
            try deleteSession(tokenHash: tokenHash)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > Self.touchInterval {
            try writer.write { db in
                try db.execute(sql: "UPDATE auth_session SET last_seen_at = ? WHERE token_hash = ?", arguments: [now.timeIntervalSince1970, tokenHash])
            }
            session.lastSeenAt = now
        }
        return session
    }

    public func deleteSession(tokenHash: String) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM auth_session WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    /// Failed logins for this user from this address within the window.
    public func recentFailures(username: String, clientAddress: String) throws -> Int {
        let since = clock().timeIntervalSince1970 - Self.failureWindow
        return try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auth_failure WHERE username = ? AND client_address = ? AND at >= ?",
                             arguments: [username, clientAddress, since]) ?? 0
        }
    }

    public func recordFailure(username: String, clientAddress: String) throws {
        let at = clock().timeIntervalSince1970
        try writer.write { db in
            try db.execute(sql: "INSERT INTO auth_failure (username, client_address, at) VALUES (?, ?, ?)", arguments: [username, clientAddress, at])
            try db.execute(sql: "DELETE FROM auth_failure WHERE at < ?", arguments: [at - 86_400])
        }
    }

    public func clearFailures(username: String, clientAddress: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM auth_failure WHERE username = ? AND client_address = ?", arguments: [username, clientAddress])
        }
    }
}

extension OptimaService {
    /// Passwords and sessions of the server.
    public var auth: AuthRepository { AuthRepository(writer: tables, clock: clock) }
}
