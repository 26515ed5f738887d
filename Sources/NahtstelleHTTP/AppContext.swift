import Hummingbird
import NahtstelleOptima
import NIOCore

/// The signed-in user of a request.
public struct Caller: Sendable, Hashable {
    public var username: String
    public var name: String
    public var officeID: String
    public var roles: [Role]
    /// SHA-256 of the session token (hex), to end the session.
    public var tokenHash: String
    public var csrfToken: String
    /// Authenticated by the session cookie (a browser): state changes need the CSRF token.
    public var viaCookie: Bool
}

/// The request context of every route: the caller once authenticated, the client's address.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?
    /// Why a token that came with the request was not accepted (for the 401 of protected routes).
    var authProblem: String?
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unbekannt"
    }

    /// JSON bodies larger than 1 MB are refused with 413.
    public var maxUploadSize: Int { 1_048_576 }

    /// The caller, or 401.
    func requireCaller() throws -> Caller {
        guard let caller else {
            throw APIError(.unauthorized, "unauthenticated",
                           authProblem ?? ("Nicht angemeldet oder Sitzung abgelaufen. Bitte anmelden (POST /api/session) und das Token als "
                               + "«Authorization: Bearer …» mitsenden."))
        }
        return caller
    }

    /// The request id (also in the `X-Request-Id` header and in every log line).
    var requestID: String { id }
}
