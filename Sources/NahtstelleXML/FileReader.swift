import Glibc

/// Reads whole files with a size limit, without Foundation.
enum FileReader {
    static func read(path: String, maxBytes: Int) throws(XMLError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw XMLError(.unreadable, message: "Die Datei kann nicht gelesen werden: \(reason)",
                           fix: "Pfad und Leserechte prüfen", file: path)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if bytes.count > maxBytes {
                throw XMLError(.tooLarge, message: "Die Datei ist grösser als \(maxBytes) Bytes",
                               fix: "Datei verkleinern oder das Limit erhöhen", file: path, line: 1, column: 1)
            }
            if n < chunk.count {
                if ferror(file) != 0 {
                    throw XMLError(.unreadable, message: "Die Datei kann nicht gelesen werden (Lesefehler)",
                                   fix: "Pfad und Leserechte prüfen", file: path)
                }
                break
            }
        }
        return bytes
    }
}
