import HummingbirdBcrypt

/// Passwords are stored as bcrypt hashes only.
public enum Passwords {
    /// The shortest password `users set-password` accepts.
    public static let minimumLength = 10

    public static func hash(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }

    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }
}
