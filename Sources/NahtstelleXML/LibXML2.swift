import CLibXML2

/// One-time process-wide libxml2 setup.
enum LibXML2 {
    /// `xmlInitParser()` must run once before libxml2 is used from several threads; a `static let`
    /// initialiser runs exactly once (Swift guarantees it with `swift_once`).
    private static let initialised: Bool = {
        xmlInitParser()
        // No network for any external resource libxml2 would load on its own (schema imports,
        // includes). The loader is process-wide; refusing the network is what every user of
        // libxml2 in this server wants.
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
        return true
    }()

    static func ensureInitialised() { _ = initialised }

    /// Copies and frees a string libxml2 allocated.
    static func takeString(_ p: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        defer { nahtstelle_xmlFree(p) }
        return String(cString: p)
    }

    static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }
}

/// Collects libxml2's structured errors for one operation. Installed as the calling thread's
/// structured error handler (libxml2 keeps that per thread) for the duration of the operation,
/// so nothing is printed to stderr and concurrent parses on other threads do not mix.
final class LibXML2ErrorCollector {
    struct Entry {
        var domain: Int32
        var code: Int32
        var level: xmlErrorLevel
        var message: String
        var line: Int
        var column: Int
        var node: UnsafeMutableRawPointer?
    }

    var entries: [Entry] = []
    /// Stop collecting after this many (a garbage file can produce thousands).
    let limit = 200

    func add(_ error: UnsafePointer<xmlError>) {
        guard entries.count < limit else { return }
        let e = error.pointee
        var message = e.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        while message.last?.isWhitespace == true { message.removeLast() }
        entries.append(Entry(domain: e.domain, code: e.code, level: e.level, message: message,
                             line: Int(e.line), column: Int(e.int2), node: e.node))
    }

    /// Runs `body` with this collector as the thread's structured error handler.
    func capturing<T>(_ body: () throws -> T) rethrows -> T {
        let previousHandler = __xmlStructuredError().pointee
        let previousContext = __xmlStructuredErrorContext().pointee
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(self).toOpaque(), { context, error in
            guard let context, let error else { return }
            Unmanaged<LibXML2ErrorCollector>.fromOpaque(context).takeUnretainedValue().add(error)
        })
        defer { xmlSetStructuredErrorFunc(previousContext, previousHandler) }
        return try withExtendedLifetime(self) { try body() }
    }
}
