/// A compiled XML part: the original bytes plus a program that copies them, substituting values.
///
/// Everything that is not a placeholder is copied as byte ranges of the original part, so the
/// renderer does no XML parsing at all: rendering is a walk over `ops` appending to a buffer.
struct CompiledPart: Sendable {
    /// Archive entry name (`word/document.xml`).
    var name: String
    var source: [UInt8]
    var ops: [TemplateOp]
    /// Whether the part has any placeholder; parts without are copied raw from the archive.
    var isDynamic: Bool
    var maxDocPrId: Int
    var maxBookmarkId: Int
}

indirect enum TemplateOp: Sendable {
    /// Copy `source[start..<end]`.
    case literal(Int, Int)
    /// Emit fixed bytes (a rewritten start tag).
    case bytes([UInt8])
    case field(FieldOp)
    case section(SectionOp)
    /// An attribute value that must stay unique when its element is repeated.
    case uniqueId(UniqueIdKind, original: String)
    /// Table-cell guard: a cell must keep at least one paragraph.
    case cellBegin(Int, Int)
    case paragraphMark(Int, Int)
    case cellEnd(Int, Int)
    /// Table guard: a table whose rows were all left out is removed.
    case tableBegin(Int, Int)
    case rowMark(Int, Int)
    case tableEnd(Int, Int)
}

enum UniqueIdKind: Sendable { case drawingId, bookmarkId, bookmarkName }

struct FieldOp: Sendable {
    var path: FieldPath
    var filters: [Filter]
    /// From the data definition, when known.
    var kind: FieldKind?
    var choices: [String: String]
    var optional: Bool
}

struct SectionOp: Sendable {
    var path: FieldPath
    var condition: SectionCondition
    var body: [TemplateOp]
    var hasBookmarks: Bool
}
