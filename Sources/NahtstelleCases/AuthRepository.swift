import Foundation

/// A signed-in session as stored (the token itself is never stored, only its SHA-256).
public struct SessionRecord: Sendable, Hashable {
    public var tokenHash: String
    public var username: String
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date

    package init(tokenHash: String, username: String, csrfToken: String, createdAt: Date, lastSeenAt: Date) {
        self.tokenHash = tokenHash
        self.username = username
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
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
            guard try db.staff(username) != nil else { return false }
            try db.savePasswordHash(hash, username: username, at: clock())
            // A new password ends the user's sessions.
            try db.deleteSessions(username: username)
            return true
        }
    }

    /// Stores `hash` for every user without a password (the demo); returns how many were set.
    @discardableResult
    public func setPasswordHashWhereMissing(_ hash: String, usernames: [String]) throws -> Int {
        try writer.write { db in
            var count = 0
            for name in usernames where try db.insertPasswordHashIfMissing(hash, username: name, at: clock()) {
                count += 1
            }
            return count
        }
    }

    public func passwordHash(for username: String) throws -> String? {
        try writer.read { try $0.passwordHash(username: username) }
    }

    /// Opens a session after a successful sign-in, in one transaction with forgetting the sign-in
    /// attempts of the user from that address (see `takeAttempt`).
    public func createSession(tokenHash: String, username: String, csrfToken: String, clientAddress: String?) throws -> SessionRecord {
        let at = clock()
        let session = SessionRecord(tokenHash: tokenHash, username: username, csrfToken: csrfToken, createdAt: at, lastSeenAt: at)
        try writer.write { db in
            try db.insertSession(session, clientAddress: clientAddress)
            if let clientAddress { try db.deleteLoginAttempts(username: username, clientAddress: clientAddress) }
            // Expired sessions and old attempt windows of everyone go on the way (the tables stay small).
            try db.deleteSessions(lastSeenBefore: at.addingTimeInterval(-Self.idleTimeout), createdBefore: at.addingTimeInterval(-Self.absoluteLifetime))
            try db.deleteLoginAttempts(windowStartedBefore: at.addingTimeInterval(-86_400))
        }
        return session
    }

    /// The live session with this token hash; expired ones are removed and give `nil`.
    public func session(tokenHash: String) throws -> SessionRecord? {
        let now = clock()
        let found = try writer.read { try $0.session(tokenHash: tokenHash) }
        guard var session = found else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) > Self.idleTimeout || now.timeIntervalSince(session.createdAt) > Self.absoluteLifetime {
            try deleteSession(tokenHash: tokenHash)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) > Self.touchInterval {
            try writer.write { try $0.touchSession(tokenHash: tokenHash, at: now) }
            session.lastSeenAt = now
        }
        return session
    }

    public func deleteSession(tokenHash: String) throws {
        try writer.write { try $0.deleteSession(tokenHash: tokenHash) }
    }

    /// Takes a sign-in attempt for this user from this address before the password is checked:
    /// `false` when `maxFailures` attempts were taken within `failureWindow` already (the caller
    /// answers 429). An attempt counts as failed until a session is opened (`createSession`), so
    /// that parallel attempts cannot all pass while their passwords are checked: at most
    /// `maxFailures` sign-ins of one user from one address are checked at once, on all nodes.
    public func takeAttempt(username: String, clientAddress: String) throws -> Bool {
        let at = clock()
        let attempts = try writer.write { db in
            try db.takeLoginAttempt(username: username, clientAddress: clientAddress, at: at,
                                    windowStartsAfter: at.addingTimeInterval(-Self.failureWindow))
        }
        return attempts <= Self.maxFailures
    }
}

extension OptimaService {
    /// Passwords and sessions of the server.
    public var auth: AuthRepository { AuthRepository(writer: tables, clock: clock) }
}
