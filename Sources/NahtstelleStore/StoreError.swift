import Foundation

/// A problem opening the database file, with a message that says how to fix it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// No file at the path (reading commands never create one).
        case notFound
        /// The path names a folder or nothing at all.
        case invalidPath
        /// The file's schema is older than the program and may not be migrated (read-only open).
        case outdatedSchema
    }

    public var code: Code
    public var path: String
    public var message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
