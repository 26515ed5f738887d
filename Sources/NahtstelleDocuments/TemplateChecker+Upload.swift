import CLibZip
import Foundation
import NahtstelleFEEL

/// How large an uploaded template may be, packed and unpacked. A DOCX with a logo is a few
/// hundred kilobytes; the limits keep a hostile archive (a «zip bomb») from filling memory.
public struct TemplateUploadLimits: Sendable, Hashable {
    /// The file as uploaded.
    public var maxBytes: Int
    /// Entries of the archive (a Word file has about 15 to 40).
    public var maxEntries: Int
    /// All entries unpacked, as the archive declares them (libzip never reads past a declared size).
    public var maxUnpackedBytes: UInt64

    public init(maxBytes: Int = 1_000_000, maxEntries: Int = 1_000, maxUnpackedBytes: UInt64 = 32 << 20) {
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
        self.maxUnpackedBytes = maxUnpackedBytes
    }
}

extension TemplateProblem.Code {
    /// The upload is no ZIP archive, an empty file or unreadable.
    public static let invalidArchive = Self(rawValue: "invalid-archive")
    /// The upload exceeds `TemplateUploadLimits` (packed, unpacked or by entries).
    public static let archiveTooLarge = Self(rawValue: "archive-too-large")
    /// The template needs data its sample (`templates/samples/<name>.json`) does not have.
    public static let missingSampleData = Self(rawValue: "missing-sample-data")
    /// The sample renders to an unreasonably large document.
    public static let renderTooLarge = Self(rawValue: "render-too-large")
    /// A field of the version in use no longer appears (a warning: perhaps on purpose).
    public static let fieldDropped = Self(rawValue: "field-dropped")
}

extension TemplateChecker {
    /// Every problem of an uploaded template, at once: the archive's size and shape first (an
    /// archive that is too large is not opened further), then the checker's findings, then
    /// whether it renders with its sample data.
    /// - Parameters:
    ///   - name: the template's name (`kostengutsprache`), used in locations.
    ///   - sample: the template's sample data; when given, a template that needs data the sample
    ///     lacks is refused (documents made from it would fail the same way).
    ///   - previousFields: the fields of the version in use; a field no longer used is a warning.
    public static func check(bytes: [UInt8], name: String, schema: TemplateDataSchema?, sample: Value? = nil,
                             previousFields: [String] = [], limits: TemplateUploadLimits = TemplateUploadLimits()) -> [TemplateProblem] {
        let file = name + ".docx"
        func problem(_ code: TemplateProblem.Code, _ location: String, _ message: String, _ fix: String) -> TemplateProblem {
            TemplateProblem(code: code, file: file, location: location, context: "", message: message, fix: fix)
        }
        let resave = "Die Vorlage in Word oder LibreOffice öffnen und als Word-Dokument (.docx) speichern."
        guard !bytes.isEmpty else { return [problem(.invalidArchive, "Datei", "Die Datei ist leer", "Eine .docx-Datei wählen.")] }
        guard bytes.count <= limits.maxBytes else {
            return [problem(.archiveTooLarge, "Datei", "Die Datei ist \(megabytes(UInt64(bytes.count))) gross; erlaubt sind höchstens \(megabytes(UInt64(limits.maxBytes)))",
                            "Grosse Bilder in der Vorlage verkleinern (in Word: Bild markieren → Bilder komprimieren) und neu speichern.")]
        }
        // Every ZIP archive starts with a local file header «PK\3\4»; a .doc, PDF or text file does not.
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            return [problem(.invalidArchive, "Datei", "Keine Word-Datei im Format .docx (die Datei ist kein ZIP-Archiv; vielleicht .doc, .pdf oder .odt)", resave)]
        }
        if let sizeProblem = archiveSizeProblem(bytes, file: file, limits: limits) { return [sizeProblem] }
        var problems: [TemplateProblem]
        let analysis: DocumentTemplate.Analysis
        do throws(DocumentError) { analysis = try DocumentTemplate.analyse(bytes: bytes, name: name, location: file, schema: schema) } catch {
            let code: TemplateProblem.Code = error.code == .invalidArchive ? .invalidArchive : .missingPart
            return [TemplateProblem(code: code, file: file, location: error.location, context: "", message: error.message, fix: error.fix)]
        }
        problems = analysis.problems
        if problems.isEmpty, let sample {
            do throws(DocumentError) {
                _ = try DocumentTemplate(bytes: bytes, name: name, location: file, schema: schema).render(data: sample)
            } catch where error.code == .missingData {
                problems.append(problem(.missingSampleData, "Beispieldaten (templates/samples/\(name).json)",
                    "Die Vorlage verlangt Angaben, die es für dieses Dokument nicht gibt: \(error.missingFields.joined(separator: ", ")). "
                        + "Dokumente aus dieser Fassung würden nicht erstellt",
                    "Die Platzhalter entfernen oder mit «| optional» bzw. «| sonst \"–\"» ergänzen, wenn die Angabe fehlen darf "
                        + "(z. B. {{\(error.missingFields.first ?? "person.phone") | optional}})."))
            } catch {
                problems.append(problem(error.code == .tooLarge ? .renderTooLarge : .missingPart, error.location, error.message, error.fix))
            }
        }
        let used = Set(analysis.usedPaths)
        let dropped = previousFields.filter { !used.contains($0) }
        if problems.isEmpty, !dropped.isEmpty {
            problems.append(TemplateProblem(code: .fieldDropped, file: file, location: "ganzes Dokument", context: "",
                message: "Diese Angaben der bisherigen Fassung kommen nicht mehr vor: \(dropped.joined(separator: ", "))",
                fix: "Nichts zu tun, wenn das gewollt ist; sonst die Platzhalter wieder einfügen.", severity: .warning))
        }
        return problems
    }

    /// The fields (placeholders and sections) of a template, in document order; empty when it does not compile.
    public static func fieldPaths(bytes: [UInt8], name: String, schema: TemplateDataSchema?) -> [String] {
        guard let analysis = try? DocumentTemplate.analyse(bytes: bytes, name: name, location: name, schema: schema) else { return [] }
        var seen = Set<String>()
        return analysis.usedPaths.filter { seen.insert($0).inserted }
    }

    /// Too many entries or too many bytes unpacked, read from the archive's directory only.
    static func archiveSizeProblem(_ bytes: [UInt8], file: String, limits: TemplateUploadLimits) -> TemplateProblem? {
        bytes.withUnsafeBytes { buffer -> TemplateProblem? in
            let reader: ZipReader
            do throws(DocumentError) { reader = try ZipReader(buffer: buffer, location: file) } catch {
                return TemplateProblem(code: .invalidArchive, file: file, location: "Datei", context: "", message: error.message, fix: error.fix)
            }
            let fix = "Die Vorlage in Word oder LibreOffice öffnen, grosse Bilder verkleinern und als .docx neu speichern."
            guard reader.entryCount <= limits.maxEntries else {
                return TemplateProblem(code: .archiveTooLarge, file: file, location: "Datei", context: "",
                    message: "Das Archiv hat \(reader.entryCount) Einträge; eine Word-Datei hat weniger als \(limits.maxEntries)", fix: fix)
            }
            var total: UInt64 = 0
            for index in 0..<reader.entryCount {
                var stat = zip_stat_t()
                zip_stat_init(&stat)
                guard zip_stat_index(reader.handle, UInt64(index), 0, &stat) == 0 else {
                    return TemplateProblem(code: .invalidArchive, file: file, location: reader.name(at: index) ?? "Eintrag \(index + 1)",
                        context: "", message: "Ein Eintrag des Archivs ist nicht lesbar", fix: fix)
                }
                total += stat.size
                if total > limits.maxUnpackedBytes {
                    return TemplateProblem(code: .archiveTooLarge, file: file, location: "Datei", context: "",
                        message: "Entpackt wäre die Datei grösser als \(megabytes(limits.maxUnpackedBytes)); eine Word-Vorlage ist viel kleiner",
                        fix: fix)
                }
            }
            return nil
        }
    }

    static func megabytes(_ bytes: UInt64) -> String {
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
