import CLibZip
import Foundation

/// Reading and changing `word/document.xml` of a DOCX, as a coordinator does in Word.
enum DocxEditing {
    /// The XML of `word/document.xml`, or `nil` when the bytes are no DOCX.
    static func documentXML(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { buffer -> String? in
            var error = zip_error_t()
            zip_error_init(&error)
            defer { zip_error_fini(&error) }
            guard let source = zip_source_buffer_create(buffer.baseAddress, UInt64(buffer.count), 0, &error) else { return nil }
            guard let archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) else {
                zip_source_free(source)
                return nil
            }
            defer { zip_discard(archive) }
            var stat = zip_stat_t()
            guard zip_stat(archive, "word/document.xml", 0, &stat) == 0, let file = zip_fopen(archive, "word/document.xml", 0) else { return nil }
            defer { zip_fclose(file) }
            var data = [UInt8](repeating: 0, count: Int(stat.size))
            let read = data.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, stat.size) }
            return read == Int64(stat.size) ? String(decoding: data, as: UTF8.self) : nil
        }
    }

    /// The document's text without tags.
    static func text(_ bytes: [UInt8]) -> String? {
        documentXML(bytes)?.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
    }

    /// The same DOCX with `old` replaced by `new` in `word/document.xml` (written through a temp file).
    static func replacing(_ old: String, with new: String, in bytes: [UInt8]) throws -> [UInt8] {
        guard let xml = documentXML(bytes), xml.contains(old) else { throw EditError(description: "«\(old)» steht nicht in word/document.xml") }
        let changed = Array(xml.replacingOccurrences(of: old, with: new).utf8)
        return try rewrite(bytes) { archive in
            let index = zip_name_locate(archive, "word/document.xml", 0)
            // The buffer must stay valid until zip_close: both happen inside this closure.
            return changed.withUnsafeBytes { buffer -> Bool in
                guard index >= 0, let source = zip_source_buffer(archive, buffer.baseAddress, UInt64(buffer.count), 0) else { return false }
                guard zip_file_replace(archive, UInt64(index), source, 0) == 0 else {
                    zip_source_free(source)
                    return false
                }
                return zip_close(archive) == 0
            }
        }
    }

    /// The same DOCX with one more entry (deflated), e.g. a hostile name or a huge block of zeros.
    static func adding(_ name: String, bytes extra: [UInt8], to bytes: [UInt8]) throws -> [UInt8] {
        try rewrite(bytes) { archive in
            extra.withUnsafeBytes { buffer -> Bool in
                guard let source = zip_source_buffer(archive, buffer.baseAddress, UInt64(buffer.count), 0) else { return false }
                guard zip_file_add(archive, name, source, ZIP_FL_ENC_UTF_8) >= 0 else {
                    zip_source_free(source)
                    return false
                }
                return zip_close(archive) == 0
            }
        }
    }

    /// Copies `bytes` to a temp file, lets `change` edit it and close it, reads it back.
    private static func rewrite(_ bytes: [UInt8], _ change: (OpaquePointer) -> Bool) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edit-\(UUID().uuidString).docx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw EditError(description: "temp file") }
        var errorCode: Int32 = 0
        guard let archive = zip_open(path, 0, &errorCode) else { throw EditError(description: "zip_open \(errorCode)") }
        guard change(archive) else {
            zip_discard(archive)
            throw EditError(description: "zip_close")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw EditError(description: "read back") }
        return [UInt8](data)
    }

    struct EditError: Error, CustomStringConvertible { var description: String }
}
