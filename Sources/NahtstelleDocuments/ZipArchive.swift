import CLibZip
import Foundation

/// A ZIP archive opened for reading through libzip; owns the `zip_t`.
final class ZipReader {
    let handle: OpaquePointer
    let location: String
    /// Largest part we read into memory: protects against archives that unpack to gigabytes.
    static let maxPartSize: UInt64 = 64 << 20

    /// Opens an archive held in memory. `buffer` must stay valid for the reader's lifetime.
    init(buffer: UnsafeRawBufferPointer, location: String) throws(DocumentError) {
        self.location = location
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(buffer.baseAddress, UInt64(buffer.count), 0, &error) else {
            throw Self.openError(&error, location)
        }
        guard let archive = zip_open_from_source(source, ZIP_RDONLY, &error) else {
            zip_source_free(source)
            throw Self.openError(&error, location)
        }
        handle = archive
    }

    private static func openError(_ error: inout zip_error_t, _ location: String) -> DocumentError {
        DocumentError(code: .invalidArchive, message: "Keine lesbare DOCX-Datei (\(String(cString: zip_error_strerror(&error))))",
            location: location, fix: "Die Vorlage in Word oder LibreOffice öffnen und als Word-Dokument (.docx) speichern.")
    }

    deinit { zip_discard(handle) }

    var entryCount: Int { Int(max(0, zip_get_num_entries(handle, 0))) }

    func name(at index: Int) -> String? {
        guard let c = zip_get_name(handle, UInt64(index), 0) else { return nil }
        return String(cString: c)
    }

    func read(at index: Int) throws(DocumentError) -> [UInt8] {
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(handle, UInt64(index), 0, &stat) == 0 else { throw readError(index) }
        guard stat.size <= Self.maxPartSize else {
            throw DocumentError(code: .invalidArchive, message: "Teil «\(name(at: index) ?? "?")» ist grösser als 64 MiB",
                location: location, fix: "Grosse Bilder in der Vorlage verkleinern.")
        }
        guard let file = zip_fopen_index(handle, UInt64(index), 0) else { throw readError(index) }
        defer { zip_fclose(file) }
        var bytes = [UInt8](repeating: 0, count: Int(stat.size))
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                zip_fread(file, buffer.baseAddress! + total, UInt64(buffer.count - total))
            }
            guard n > 0 else { throw readError(index) }
            total += Int(n)
        }
        return bytes
    }

    private func readError(_ index: Int) -> DocumentError {
        DocumentError(code: .invalidArchive, message: "Teil «\(name(at: index) ?? "?")» nicht lesbar (\(String(cString: zip_strerror(handle))))",
            location: location, fix: "Die Vorlage in Word öffnen und neu speichern.")
    }
}

/// A new ZIP archive written through libzip; owns the `zip_t` until `close`.
///
/// Writing to a path goes through libzip's temporary file and rename, so a failed render leaves
/// no half-written document behind.
final class ZipWriter {
    private var handle: OpaquePointer?
    private var memory: OpaquePointer?
    let location: String
    /// 01.01.1980 00:00, the first DOS date: every entry gets it, so equal input gives equal bytes.
    static let fixedDosDate: UInt16 = (0 << 9) | (1 << 5) | 1
    static let fixedDosTime: UInt16 = 0

    init(path: String) throws(DocumentError) {
        location = path
        var code: Int32 = 0
        guard let archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code) else {
            var error = zip_error_t()
            zip_error_init_with_code(&error, code)
            defer { zip_error_fini(&error) }
            throw DocumentError(code: .io, message: "Datei kann nicht geschrieben werden (\(String(cString: zip_error_strerror(&error))))",
                location: path, fix: "Prüfen, ob der Ordner existiert und beschreibbar ist.")
        }
        handle = archive
    }

    /// An archive in memory; read it with `closeReturningBytes()`.
    init() throws(DocumentError) {
        location = "(Speicher)"
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(nil, 0, 0, &error) else { throw Self.zipError(&error, location) }
        guard let archive = zip_open_from_source(source, ZIP_TRUNCATE, &error) else {
            zip_source_free(source)
            throw Self.zipError(&error, location)
        }
        zip_source_keep(source)
        memory = source
        handle = archive
    }

    private static func zipError(_ error: inout zip_error_t, _ location: String) -> DocumentError {
        DocumentError(code: .zip, message: "libzip: \(String(cString: zip_error_strerror(&error)))", location: location,
            fix: "Erneut versuchen; bleibt der Fehler, Speicherplatz und Berechtigungen prüfen.")
    }

    private func lastError() -> DocumentError {
        guard let handle else { return DocumentError(code: .zip, message: "Archiv bereits geschlossen", location: location, fix: "") }
        return DocumentError(code: .zip, message: "libzip: \(String(cString: zip_strerror(handle)))", location: location,
            fix: "Erneut versuchen; bleibt der Fehler, Speicherplatz und Berechtigungen prüfen.")
    }

    deinit {
        if let handle { zip_discard(handle) }
        if let memory { zip_source_free(memory) }
    }

    /// Copies an entry's compressed bytes unchanged (no recompression). `reader` must stay open
    /// until `close`.
    func copyRaw(from reader: ZipReader, index: Int, name: String) throws(DocumentError) {
        guard let handle, let source = zip_source_zip(handle, reader.handle, UInt64(index), 0, 0, -1) else { throw lastError() }
        let newIndex = zip_file_add(handle, name, source, 0)
        guard newIndex >= 0 else {
            zip_source_free(source)
            throw lastError()
        }
        guard zip_file_set_dostime(handle, UInt64(newIndex), Self.fixedDosTime, Self.fixedDosDate, 0) == 0 else { throw lastError() }
    }

    /// Adds an entry with new content (deflated by libzip on close).
    func add(name: String, bytes: [UInt8]) throws(DocumentError) {
        guard let handle else { throw lastError() }
        // libzip frees the copy after writing (freep = 1).
        guard let copy = malloc(max(1, bytes.count)) else { throw lastError() }
        bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { memcpy(copy, base, buffer.count) }
        }
        guard let source = zip_source_buffer(handle, copy, UInt64(bytes.count), 1) else {
            free(copy)
            throw lastError()
        }
        let newIndex = zip_file_add(handle, name, source, 0)
        guard newIndex >= 0 else {
            zip_source_free(source)
            throw lastError()
        }
        guard zip_file_set_dostime(handle, UInt64(newIndex), Self.fixedDosTime, Self.fixedDosDate, 0) == 0 else { throw lastError() }
    }

    /// Writes the archive (to the path: temporary file, then rename).
    func close() throws(DocumentError) {
        guard let handle else { return }
        guard zip_close(handle) == 0 else {
            let error = lastError()
            zip_discard(handle)
            self.handle = nil
            throw error
        }
        self.handle = nil
    }

    /// Closes an in-memory archive and returns its bytes.
    func closeReturningBytes() throws(DocumentError) -> [UInt8] {
        try close()
        guard let memory else { return [] }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_source_stat(memory, &stat) == 0, zip_source_open(memory) == 0 else {
            throw DocumentError(code: .zip, message: "Erzeugtes Archiv nicht lesbar", location: location, fix: "Erneut versuchen.")
        }
        defer { zip_source_close(memory) }
        var bytes = [UInt8](repeating: 0, count: Int(stat.size))
        var total = 0
        while total < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                zip_source_read(memory, buffer.baseAddress! + total, UInt64(buffer.count - total))
            }
            guard n > 0 else { break }
            total += Int(n)
        }
        return Array(bytes.prefix(total))
    }
}
