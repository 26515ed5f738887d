import Glibc

/// Reads whole files with a size limit, refusing directories and oversize files before reading.
public enum XMLFile {
    /// The bytes of the regular file at `path`.
    public static func readBytes(path: String, maxBytes: Int) throws(XMLError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw XMLError(.unreadable, message: "Die Datei kann nicht gelesen werden: \(String(cString: strerror(errno)))",
                           fix: "Pfad und Leserechte prüfen", file: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw XMLError(.unreadable, message: "Der Pfad ist keine gewöhnliche Datei", fix: "den Pfad einer .bpmn-Datei angeben", file: path)
        }
        guard Int(info.st_size) <= maxBytes else {
            throw XMLError(.tooLarge, message: "Die Datei ist \(info.st_size) Bytes gross, erlaubt sind höchstens \(maxBytes)",
                           fix: "Datei verkleinern oder das Limit erhöhen", file: path, line: 1, column: 1)
        }
        guard let file = fopen(path, "rb") else {
            throw XMLError(.unreadable, message: "Die Datei kann nicht gelesen werden: \(String(cString: strerror(errno)))",
                           fix: "Pfad und Leserechte prüfen", file: path)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            guard bytes.count <= maxBytes else {
                throw XMLError(.tooLarge, message: "Die Datei ist grösser als \(maxBytes) Bytes", fix: "Datei verkleinern oder das Limit erhöhen",
                               file: path, line: 1, column: 1)
            }
            if n < chunk.count {
                if ferror(file) != 0 {
                    throw XMLError(.unreadable, message: "Lesefehler", fix: "Pfad und Leserechte prüfen", file: path)
                }
                return bytes
            }
        }
    }
}
