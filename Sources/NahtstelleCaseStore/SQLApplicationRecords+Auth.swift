import Foundation
import NahtstelleCases
import NahtstelleSQL

extension SQLApplicationRecords: AuthRecords {
    package func savePasswordHash(_ hash: String, username: String, at: Date) throws {
        try db.execute(sql: """
            INSERT INTO auth_credential (username, password_hash, updated_at) VALUES (?, ?, ?)
            ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at
            """, arguments: [username, hash, at.timeIntervalSince1970])
    }

    package func insertPasswordHashIfMissing(_ hash: String, username: String, at: Date) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO auth_credential (username, password_hash, updated_at)
            SELECT username, ?, ? FROM app_user WHERE username = ? AND username NOT IN (SELECT username FROM auth_credential)
            """, arguments: [hash, at.timeIntervalSince1970, username])
        return db.changesCount > 0
    }

    package func passwordHash(username: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT password_hash FROM auth_credential WHERE username = ?", arguments: [username])
    }

    package func insertSession(_ s: SessionRecord, clientAddress: String?) throws {
        try db.execute(sql: """
            INSERT INTO auth_session (token_hash, username, csrf_token, created_at, last_seen_at, client_address) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [s.tokenHash, s.username, s.csrfToken, s.createdAt.timeIntervalSince1970, s.lastSeenAt.timeIntervalSince1970, clientAddress])
    }

    package func session(tokenHash: String) throws -> SessionRecord? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT * FROM auth_session WHERE token_hash = ?", arguments: [tokenHash]) else { return nil }
        return SessionRecord(tokenHash: row["token_hash"], username: row["username"], csrfToken: row["csrf_token"],
                             createdAt: Date(timeIntervalSince1970: row["created_at"]), lastSeenAt: Date(timeIntervalSince1970: row["last_seen_at"]))
    }

    package func touchSession(tokenHash: String, at: Date) throws {
        try db.execute(sql: "UPDATE auth_session SET last_seen_at = ? WHERE token_hash = ?", arguments: [at.timeIntervalSince1970, tokenHash])
    }

    package func deleteSession(tokenHash: String) throws {
        try db.execute(sql: "DELETE FROM auth_session WHERE token_hash = ?", arguments: [tokenHash])
    }

    package func deleteSessions(username: String) throws {
        try db.execute(sql: "DELETE FROM auth_session WHERE username = ?", arguments: [username])
    }

    package func deleteSessions(lastSeenBefore: Date, createdBefore: Date) throws {
        try db.execute(sql: "DELETE FROM auth_session WHERE last_seen_at < ? OR created_at < ?",
                       arguments: [lastSeenBefore.timeIntervalSince1970, createdBefore.timeIntervalSince1970])
    }

    package func takeLoginAttempt(username: String, clientAddress: String, at: Date, windowStartsAfter: Date) throws -> Int {
        // The SET expressions read the row as it was; a window older than the limit starts anew.
        let row = try SQLRow.fetchOne(db, sql: """
            INSERT INTO auth_throttle (username, client_address, window_start, attempts) VALUES (?, ?, ?, 1)
            ON CONFLICT (username, client_address) DO UPDATE SET
                attempts = CASE WHEN auth_throttle.window_start < ? THEN 1 ELSE auth_throttle.attempts + 1 END,
                window_start = CASE WHEN auth_throttle.window_start < ? THEN excluded.window_start ELSE auth_throttle.window_start END
            RETURNING attempts
            """, arguments: [username, clientAddress, at.timeIntervalSince1970, windowStartsAfter.timeIntervalSince1970,
                             windowStartsAfter.timeIntervalSince1970])
        return row.map { $0["attempts"] } ?? 1
    }

    package func deleteLoginAttempts(windowStartedBefore: Date) throws {
        try db.execute(sql: "DELETE FROM auth_throttle WHERE window_start < ?", arguments: [windowStartedBefore.timeIntervalSince1970])
    }

    package func deleteLoginAttempts(username: String, clientAddress: String) throws {
        try db.execute(sql: "DELETE FROM auth_throttle WHERE username = ? AND client_address = ?", arguments: [username, clientAddress])
    }
}
