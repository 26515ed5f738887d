#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Settings of the e-mail notices (off unless a host is given).
public struct MailSettings: Sendable, Hashable {
    /// The installation's SMTP relay (plain SMTP, no TLS: a relay on the host or in the office's network).
    public var host: String
    public var port: Int
    /// The sender address (`MAIL FROM` and `From:`).
    public var from: String
    /// The server's address as advisors reach it, for the links (`https://nahtstelle.lu.ch`).
    public var baseURL: String
    /// How often new and overdue tasks are looked for and notices sent.
    public var interval: Duration
    /// Seconds to wait for the relay per step.
    public var timeout: Int

    public init(host: String, port: Int = 25, from: String, baseURL: String, interval: Duration = .seconds(30), timeout: Int = 20) {
        self.host = host
        self.port = port
        self.from = from
        self.baseURL = baseURL
        self.interval = interval
        self.timeout = timeout
    }
}

/// Why a mail could not be handed to the relay (German, for the log and the notice's last error).
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A small SMTP client (RFC 5321) on a blocking socket: EHLO (HELO as fallback), MAIL, RCPT, DATA,
/// QUIT — one message per connection. Plain SMTP without TLS or authentication, for a relay of the
/// installation (docs/server.md, "E-Mail-Hinweise"). Runs on the server's thread pool.
public struct SMTPClient: Sendable {
    public var host: String
    public var port: Int
    public var timeout: Int
    /// The name given in EHLO.
    public var clientName: String

    public init(host: String, port: Int, timeout: Int = 20, clientName: String = "nahtstelle") {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.clientName = clientName
    }

    /// Sends one plain-text message (UTF-8, quoted-printable body, encoded subject).
    public func send(from: String, to: String, subject: String, body: String, date: Date = Date()) throws {
        let connection = try SMTPConnection(host: host, port: port, timeout: timeout)
        try connection.expect(220, "Begrüssung")
        try connection.command("EHLO \(clientName)")
        if (try? connection.expect(250, "EHLO")) == nil {
            try connection.command("HELO \(clientName)")
            try connection.expect(250, "HELO")
        }
        try connection.command("MAIL FROM:<\(from)>")
        try connection.expect(250, "MAIL FROM")
        try connection.command("RCPT TO:<\(to)>")
        try connection.expect(250, "RCPT TO")
        try connection.command("DATA")
        try connection.expect(354, "DATA")
        try connection.write(Self.message(from: from, to: to, subject: subject, body: body, date: date))
        try connection.expect(250, "Nachricht")
        try? connection.command("QUIT")
        _ = try? connection.expect(221, "QUIT")
    }

    /// The message with headers, dot-stuffed and ended with `CRLF.CRLF`.
    static func message(from: String, to: String, subject: String, body: String, date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Zurich")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let encodedSubject = "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        let domain = from.split(separator: "@").last.map(String.init) ?? "nahtstelle"
        var lines = [
            "Date: \(formatter.string(from: date))", "From: \(from)", "To: \(to)", "Subject: \(encodedSubject)",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "Auto-Submitted: auto-generated", "",
        ]
        for line in body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let encoded = quotedPrintable(String(line))
            lines += encoded.map { $0.hasPrefix(".") ? "." + $0 : $0 }
        }
        return lines.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// Quoted-printable (RFC 2045) lines of at most 76 characters, soft breaks with `=`.
    static func quotedPrintable(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        let bytes = Array(line.utf8)
        for (i, b) in bytes.enumerated() {
            let isLast = i == bytes.count - 1
            let plain = (b >= 33 && b <= 126 && b != 61) || (b == 32 && !isLast)
            let piece = plain ? String(UnicodeScalar(b)) : String(format: "=%02X", b)
            if current.count + piece.count > 75 {
                out.append(current + "=")
                current = ""
            }
            current += piece
        }
        out.append(current)
        return out
    }

}

/// One TCP connection to the relay, with line reads and a timeout on every step.
final class SMTPConnection {
    let fd: Int32
    var buffer: [UInt8] = []

    init(host: String, port: Int, timeout: Int) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw SMTPError(message: "SMTP-Server «\(host)» nicht gefunden (\(String(cString: gai_strerror(rc)))). Bitte --smtp-host prüfen.")
        }
        defer { freeaddrinfo(list) }
        var lastError = "keine Adresse"
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            if fd >= 0 {
                var tv = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 {
                    self.fd = fd
                    return
                }
                lastError = String(cString: strerror(errno))
                close(fd)
            }
            info = ai.pointee.ai_next
        }
        throw SMTPError(message: "Keine Verbindung zum SMTP-Server \(host):\(port) (\(lastError)). Läuft der Mail-Relay?")
    }

    deinit { close(fd) }

    func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in socketSend(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw SMTPError(message: "SMTP-Server: Senden fehlgeschlagen (\(String(cString: strerror(errno)))).") }
            offset += n
        }
    }

    func command(_ line: String) throws { try write(line + "\r\n") }

    func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<i]
                buffer.removeSubrange(...i)
                return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            guard buffer.count < 64 * 1024 else { throw SMTPError(message: "SMTP-Server: Antwortzeile zu lang.") }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            guard n > 0 else {
                throw SMTPError(message: n == 0 ? "SMTP-Server hat die Verbindung geschlossen."
                                : "SMTP-Server antwortet nicht (\(String(cString: strerror(errno)))).")
            }
            buffer += chunk[..<n]
        }
    }

    /// Reads a (multi-line) reply and checks its code.
    func expect(_ code: Int, _ step: String) throws {
        var line = try readLine()
        var text = line
        while line.count >= 4, line.utf8[line.utf8.index(line.utf8.startIndex, offsetBy: 3)] == 0x2D {
            line = try readLine()
            text += " " + line
        }
        guard line.count >= 3, Int(line.prefix(3)) == code else {
            throw SMTPError(message: "SMTP-Server lehnt ab (\(step)): \(String(text.prefix(200)))")
        }
    }
}

private func socketSend(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int { send(fd, buffer, count, flags) }
