import CLibZip
import Foundation
import NahtstelleDocuments
import NahtstelleFEEL

/// `nahtstelle-bench docx`: rendering the Kostengutsprache (5 cost positions) against the floor of
/// what any DOCX writer over libzip must do, measured in the same run.
///
/// - (a) floor: open the template with libzip, read `word/document.xml`, write a new archive with
///   every entry copied (compressed bytes, no recompression) and that part replaced by the same
///   bytes (deflated again).
/// - (b) render: `DocumentTemplate.render(data:to:)` with the template compiled once and cached (as
///   `TemplateLibrary` does in the server), to a new file.
/// - (c) for information: compile + render per document (no cache).
enum DocxBenchmark {
    static func run() throws {
        let templatePath = "templates/kostengutsprache.docx"
        let samplePath = "templates/samples/kostengutsprache.json"
        guard FileManager.default.fileExists(atPath: templatePath), let sample = FileManager.default.contents(atPath: samplePath) else {
            print("Bitte im Projektordner starten (templates/kostengutsprache.docx fehlt).")
            exit(2)
        }
        let data = try Value.parseJSON(bytes: Array(sample))
        let rows = data.value(atPath: "costApproval.positions")?.listValue?.count ?? 0
        let schema = try TemplateDataSchema(contentsOf: "templates/fields.json")
        let template = try DocumentTemplate(contentsOf: templatePath, schema: schema)
        let dir = NSTemporaryDirectory() + "nahtstelle-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let floorOut = dir + "/floor.docx", renderOut = dir + "/render.docx", uncachedOut = dir + "/uncached.docx"

        // Warm up caches and the allocator.
        for _ in 0..<30 {
            try floor(templatePath, floorOut)
            try template.render(data: data, to: renderOut)
        }
        let rounds = 10, perRound = 100
        var floorNs: UInt64 = 0, renderNs: UInt64 = 0, uncachedNs: UInt64 = 0
        // Interleaved rounds so that machine noise (2 shared cores) hits both alike.
        for _ in 0..<rounds {
            var t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<perRound { try floor(templatePath, floorOut) }
            floorNs += DispatchTime.now().uptimeNanoseconds - t
            t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<perRound { try template.render(data: data, to: renderOut) }
            renderNs += DispatchTime.now().uptimeNanoseconds - t
            t = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<(perRound / 10) { try DocumentTemplate(contentsOf: templatePath, schema: schema).render(data: data, to: uncachedOut) }
            uncachedNs += DispatchTime.now().uptimeNanoseconds - t
        }
        let n = Double(rounds * perRound)
        let floorMs = Double(floorNs) / n / 1e6
        let renderMs = Double(renderNs) / n / 1e6
        let uncachedMs = Double(uncachedNs) / (n / 10) / 1e6
        let size = (try? FileManager.default.attributesOfItem(atPath: renderOut)[.size] as? Int) ?? 0
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        print("docx: Kostengutsprache, \(rows) Kostenpositionen, \(Int(n)) Dokumente je Messung, Ausgabe \(size) Bytes")
        print("  (a) floor  (libzip öffnen, document.xml lesen, Archiv neu schreiben): \(f(floorMs)) ms/Dokument")
        print("  (b) render (Vorlage kompiliert und im Cache, in neue Datei):          \(f(renderMs)) ms/Dokument")
        print("  (c) render ohne Cache (Vorlage jedes Mal lesen und kompilieren):      \(f(uncachedMs)) ms/Dokument")
        print("  Verhältnis b/a: \(f(renderMs / floorMs)) (Ziel ≤ 1.5)")
        print("render_ms=\(f(renderMs)) floor_ms=\(f(floorMs)) ratio=\(f(renderMs / floorMs))")
    }

    struct ZipFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The floor: what any libzip-based writer must do for one document.
    static func floor(_ source: String, _ output: String) throws {
        var code: Int32 = 0
        guard let input = zip_open(source, ZIP_RDONLY, &code) else { throw ZipFailure(description: "zip_open \(code)") }
        defer { zip_discard(input) }
        let index = zip_name_locate(input, "word/document.xml", 0)
        guard index >= 0 else { throw ZipFailure(description: "word/document.xml fehlt") }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(input, UInt64(index), 0, &stat) == 0, let file = zip_fopen_index(input, UInt64(index), 0) else {
            throw ZipFailure(description: "document.xml nicht lesbar")
        }
        let size = Int(stat.size)
        guard let buffer = malloc(max(1, size)) else { throw ZipFailure(description: "malloc") }
        var read = 0
        while read < size {
            let n = zip_fread(file, buffer + read, UInt64(size - read))
            guard n > 0 else { break }
            read += Int(n)
        }
        zip_fclose(file)
        guard let out = zip_open(output, ZIP_CREATE | ZIP_TRUNCATE, &code) else {
            free(buffer)
            throw ZipFailure(description: "zip_open out \(code)")
        }
        var sourceOwnsBuffer = false
        defer { if !sourceOwnsBuffer { free(buffer) } }
        for i in 0..<zip_get_num_entries(input, 0) {
            guard let name = zip_get_name(input, UInt64(i), 0) else { continue }
            let entry: OpaquePointer?
            if i == index {
                entry = zip_source_buffer(out, buffer, UInt64(size), 1)
                sourceOwnsBuffer = entry != nil
            } else {
                entry = zip_source_zip(out, input, UInt64(i), 0, 0, -1)
            }
            guard let entry else { zip_discard(out); throw ZipFailure(description: "source") }
            let added = zip_file_add(out, name, entry, 0)
            guard added >= 0 else { zip_source_free(entry); zip_discard(out); throw ZipFailure(description: "add") }
            zip_file_set_dostime(out, UInt64(added), 0, 33, 0)
        }
        guard zip_close(out) == 0 else { zip_discard(out); throw ZipFailure(description: "zip_close") }
    }
}
