/// Compiles one WordprocessingML part (body, header or footer) into a `CompiledPart`.
///
/// Word splits typed text into runs wherever spell-checking, revision ids, bookmarks or a
/// formatting change fall, so `{{person.lastName}}` may arrive as `{{pers` + `on.last` + `Name}}`
/// in three runs with a `w:proofErr` and a `w:bookmarkStart` between them. The compiler reads the
/// text of each paragraph as the user sees it, finds the tags there, and turns them into edits on
/// the raw bytes: the value goes where the tag starts (keeping that run's formatting), the other
/// pieces of the tag are cut out of their `w:t`, and all markup in between stays untouched.
///
/// Sections become regions of bytes that the renderer repeats or leaves out:
/// - both tags in one paragraph → the text between them (inline);
/// - tags in different paragraphs of the same container (body, cell, header) → the paragraphs and
///   tables from the opening to the closing paragraph; a paragraph holding nothing but section
///   tags is left out of the output;
/// - tags in different cells of the same table → the table rows from the opening to the closing
///   row.
/// Anything else (a section running from a cell out of its table, or into another table) is a
/// problem that the checker reports.
struct TemplateCompiler {
    let partName: String
    let file: String
    let schema: TemplateDataSchema?
    private(set) var problems: [TemplateProblem] = []
    private(set) var usedPaths: [String] = []

    private var bytes: UnsafeBufferPointer<UInt8>
    private var tokens: [XMLToken] = []
    private var paragraphs: [Paragraph] = []
    private var paragraphNumber: [Int: Int] = [:]
    private var tableNumber: [Int: Int] = [:]
    private var tags: [FoundTag] = []
    /// The schema's paths outside lists, for suggestions: read once per part, not per unknown field.
    private lazy var schemaPaths: [String] = schema?.allPaths().map(\.path).filter { !$0.contains("[]") } ?? []

    struct TextRun {
        var tToken: Int
        var contentStart: Int
        var contentEnd: Int
    }

    struct Paragraph {
        var token: Int
        var runs: [TextRun]
        var text: [UInt8] = []
    }

    struct FoundTag {
        var tag: TemplateTag?
        var raw: String
        var paragraph: Int
        var startRun: Int
        var startRaw: Int
        var endRun: Int
        var endRaw: Int
        /// Decoded offsets in the paragraph text, for context snippets.
        var textStart: Int
        var textEnd: Int
    }

    private struct Region {
        var start: Int
        var end: Int
        var openIndex: Int
        var path: FieldPath
        var condition: SectionCondition
    }

    private enum EditKind {
        case delete
        case bytes([UInt8])
        case field(FieldOp)
        case uniqueId(UniqueIdKind, String)
        case cellBegin, paragraphMark, cellEnd, tableBegin, rowMark, tableEnd
    }

    private struct Edit {
        var start: Int
        var end: Int
        var kind: EditKind
    }

    private final class Node {
        var start: Int
        var end: Int
        var region: Region?
        var children: [Node] = []
        var edits: [Edit] = []
        init(start: Int, end: Int, region: Region?) {
            self.start = start
            self.end = end
            self.region = region
        }
    }

    static let preserveStartTag = Array(#"<w:t xml:space="preserve">"#.utf8)

    /// Compiles `source`; XML that is not well-formed throws, template problems are collected in `problems`.
    static func compile(partName: String, file: String, source: [UInt8], schema: TemplateDataSchema?)
        throws(DocumentError) -> (CompiledPart, [TemplateProblem], [String])
    {
        let result: Result<(CompiledPart, [TemplateProblem], [String]), DocumentError> = source.withUnsafeBufferPointer { buffer in
            var compiler = TemplateCompiler(partName: partName, file: file, schema: schema, bytes: buffer)
            do throws(XMLScanError) {
                compiler.tokens = try XMLScanner.scan(buffer)
            } catch {
                return .failure(DocumentError(code: .invalidXML, message: "Kein gültiges XML (\(error.message), Byte \(error.offset))",
                    location: "\(file): \(partName)", fix: "Die Vorlage in Word öffnen und neu speichern; sie ist beschädigt."))
            }
            let (ops, maxDocPr, maxBookmark) = compiler.run()
            let part = CompiledPart(name: partName, source: source, ops: ops, isDynamic: !compiler.tags.isEmpty,
                                    maxDocPrId: maxDocPr, maxBookmarkId: maxBookmark)
            return .success((part, compiler.problems, compiler.usedPaths))
        }
        return try result.get()
    }

    private init(partName: String, file: String, schema: TemplateDataSchema?, bytes: UnsafeBufferPointer<UInt8>) {
        self.partName = partName
        self.file = file
        self.schema = schema
        self.bytes = bytes
    }

    // MARK: - Driver

    private mutating func run() -> ([TemplateOp], Int, Int) {
        collectParagraphs()
        findTags()
        let maxDocPr = maxAttribute(.docPr, "id")
        let maxBookmark = maxAttribute(.bookmarkStart, "w:id")
        guard !tags.isEmpty else { return ([.literal(0, bytes.count)], maxDocPr, maxBookmark) }

        var edits: [Edit] = []
        var regions: [Region] = []
        let pairs = matchSections()
        var blockPairs: [(Int, Int, container: Int)] = []
        var rowPairs: [(Int, Int, table: Int)] = []
        var inlinePairs: [(Int, Int)] = []
        for (open, close) in pairs {
            switch classify(open: open, close: close) {
            case .inline: inlinePairs.append((open, close))
            case .block(let container): blockPairs.append((open, close, container))
            case .rows(let table): rowPairs.append((open, close, table))
            case .invalid: break
            }
        }

        // Paragraphs holding only section tags and bounding a block section are left out.
        var dropped = Set<Int>()
        for (open, close, _) in blockPairs {
            for t in [open, close] where isTagOnly(tags[t].paragraph) { dropped.insert(tags[t].paragraph) }
        }
        var guardedCells = Set<Int>(), guardedTables = Set<Int>()
        for p in dropped {
            let token = paragraphs[p].token
            edits.append(Edit(start: tokens[token].start, end: endOf(token), kind: .delete))
            if tokens[token].parent >= 0, tokens[tokens[token].parent].name == .tc { guardedCells.insert(tokens[token].parent) }
        }
        for (open, close) in inlinePairs {
            let o = tags[open], c = tags[close]
            regions.append(Region(start: o.endRaw, end: c.startRaw, openIndex: open, path: sectionPath(o), condition: sectionCondition(o)))
        }
        for (open, close, container) in blockPairs {
            let o = tags[open], c = tags[close]
            let pO = paragraphs[o.paragraph].token, pC = paragraphs[c.paragraph].token
            let start = dropped.contains(o.paragraph) ? endOf(pO) : tokens[pO].start
            let end = dropped.contains(c.paragraph) ? tokens[pC].start : endOf(pC)
            regions.append(Region(start: start, end: max(start, end), openIndex: open, path: sectionPath(o), condition: sectionCondition(o)))
            if tokens[container].name == .tc { guardedCells.insert(container) }
        }
        for (open, close, table) in rowPairs {
            let o = tags[open], c = tags[close]
            guard let rowO = ancestor(of: paragraphs[o.paragraph].token, named: .tr),
                let rowC = ancestor(of: paragraphs[c.paragraph].token, named: .tr)
            else { continue }
            regions.append(Region(start: tokens[rowO].start, end: endOf(rowC), openIndex: open, path: sectionPath(o), condition: sectionCondition(o)))
            guardedTables.insert(table)
        }

        // Tag pieces: the value at the start of a field tag, everything else cut out.
        var touchedRuns = Set<Int>()
        // Schema scopes follow the sections: the root, then one entry per open section.
        var scopes: [SchemaField?] = [schema?.root]
        // Per open section: whether it repeats (only there does `{{@nr}}` have a value).
        var repeats: [Bool] = []
        for (index, found) in tags.enumerated() {
            guard let tag = found.tag else { continue }
            let pieces = self.pieces(of: found)
            for piece in pieces { touchedRuns.insert(piece.tToken) }
            switch tag.kind {
            case .field(let path, let filters):
                if path.segments == ["@nr"], !repeats.contains(true) {
                    problem(.unknownField, tag: found, message: "«\(found.raw)» steht ausserhalb einer Liste und hat dort keinen Wert",
                        fix: "{{@nr}} nur innerhalb eines Listenabschnitts verwenden, z. B. {{#measures}}{{@nr}}. {{name}}{{/measures}}.")
                }
                let op = fieldOp(path: path, filters: filters, scopes: scopes, at: index)
                for (n, piece) in pieces.enumerated() where piece.range.count > 0 || n == 0 {
                    edits.append(Edit(start: piece.range.lowerBound, end: piece.range.upperBound, kind: n == 0 ? .field(op) : .delete))
                }
            case .open(let path, let condition):
                for piece in pieces where !piece.range.isEmpty { edits.append(Edit(start: piece.range.lowerBound, end: piece.range.upperBound, kind: .delete)) }
                let listKind = schema == nil ? nil : resolve(path, scopes: scopes)?.0.kind
                repeats.append(condition == .truthy && (schema == nil || listKind == .list))
                scopes.append(resolveSection(path: path, condition: condition, scopes: scopes, at: index))
            case .close:
                for piece in pieces where !piece.range.isEmpty { edits.append(Edit(start: piece.range.lowerBound, end: piece.range.upperBound, kind: .delete)) }
                if scopes.count > 1 { scopes.removeLast() }
                _ = repeats.popLast()
            case .comment:
                for piece in pieces where !piece.range.isEmpty { edits.append(Edit(start: piece.range.lowerBound, end: piece.range.upperBound, kind: .delete)) }
            }
        }
        for t in touchedRuns {
            edits.append(Edit(start: tokens[t].start, end: tokens[t].end, kind: .bytes(Self.preserveStartTag)))
        }

        // Guards keep tables and cells valid when sections leave content out.
        for table in guardedTables {
            edits.append(Edit(start: tokens[table].start, end: tokens[table].end, kind: .tableBegin))
            let endToken = tokens[table].match
            edits.append(Edit(start: tokens[endToken].start, end: tokens[endToken].end, kind: .tableEnd))
            for row in directChildren(of: table, named: .tr) {
                edits.append(Edit(start: tokens[row].start, end: tokens[row].end, kind: .rowMark))
            }
        }
        for cell in guardedCells {
            edits.append(Edit(start: tokens[cell].start, end: tokens[cell].end, kind: .cellBegin))
            let endToken = tokens[cell].match
            edits.append(Edit(start: tokens[endToken].start, end: tokens[endToken].end, kind: .cellEnd))
            for p in directChildren(of: cell, named: .p) {
                edits.append(Edit(start: tokens[p].start, end: tokens[p].end, kind: .paragraphMark))
            }
        }

        // Deletions swallow what lies inside them.
        edits.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var kept: [Edit] = []
        var deletedUntil = -1
        for edit in edits {
            if edit.start < deletedUntil {
                if edit.end <= deletedUntil { continue }
                internalProblem("Überlappende Bearbeitungen bei Byte \(edit.start)")
                continue
            }
            if case .delete = edit.kind { deletedUntil = edit.end }
            kept.append(edit)
        }
        // Kept deletions are disjoint and sorted by start: the only one that can contain a range
        // is the last one starting at or before it (binary search: a paragraph with 200 000
        // placeholders has as many deletions, and a scan per edit made the check quadratic).
        let deletions = kept.filter { if case .delete = $0.kind { true } else { false } }
        func containingDeletion(_ start: Int, _ end: Int) -> Edit? {
            var low = 0, high = deletions.count
            while low < high {
                let mid = (low + high) / 2
                if deletions[mid].start <= start { low = mid + 1 } else { high = mid }
            }
            guard low > 0 else { return nil }
            let d = deletions[low - 1]
            return d.start <= start && end <= d.end ? d : nil
        }
        regions = regions.filter { region in
            region.end > region.start && containingDeletion(region.start, region.end) == nil
        }

        // Ids that repetition would duplicate get fresh values per copy.
        for (index, token) in tokens.enumerated() where token.kind != .end && token.kind != .text {
            guard regions.contains(where: { $0.start <= token.start && token.end <= $0.end }) else { continue }
            switch token.name {
            case .docPr:
                if let r = XMLScanner.attributeValue(bytes, tag: token.start..<token.end, name: "id") {
                    kept.append(Edit(start: r.lowerBound, end: r.upperBound, kind: .uniqueId(.drawingId, string(r))))
                }
            case .bookmarkStart, .bookmarkEnd:
                guard bookmarkPairIsInsideOneRegion(index, regions: regions) else { continue }
                if let r = XMLScanner.attributeValue(bytes, tag: token.start..<token.end, name: "w:id") {
                    kept.append(Edit(start: r.lowerBound, end: r.upperBound, kind: .uniqueId(.bookmarkId, string(r))))
                }
                if token.name == .bookmarkStart, let r = XMLScanner.attributeValue(bytes, tag: token.start..<token.end, name: "w:name") {
                    kept.append(Edit(start: r.lowerBound, end: r.upperBound, kind: .uniqueId(.bookmarkName, string(r))))
                }
            default: break
            }
        }
        kept = kept.filter { edit in
            if isDelete(edit) { return true }
            guard let d = containingDeletion(edit.start, edit.end) else { return true }
            return d.start == edit.start
        }

        let root = buildTree(regions: regions, edits: kept)
        return (emit(root), maxDocPr, maxBookmark)
    }

    private func isDelete(_ edit: Edit) -> Bool { if case .delete = edit.kind { true } else { false } }

    // MARK: - Paragraphs and tags

    private mutating func collectParagraphs() {
        var index: [Int: Int] = [:]
        var pCount = 0, tblCount = 0
        for (i, token) in tokens.enumerated() {
            if token.name == .p, token.kind == .start || token.kind == .empty {
                pCount += 1
                paragraphNumber[i] = pCount
            }
            if token.name == .tbl, token.kind == .start {
                tblCount += 1
                tableNumber[i] = tblCount
            }
            guard token.name == .t, token.kind == .start else { continue }
            guard let p = ancestor(of: i, named: .p) else { continue }
            let run = TextRun(tToken: i, contentStart: token.end, contentEnd: tokens[token.match].start)
            if let k = index[p] { paragraphs[k].runs.append(run) } else {
                index[p] = paragraphs.count
                paragraphs.append(Paragraph(token: p, runs: [run]))
            }
        }
    }

    private mutating func findTags() {
        for pIndex in paragraphs.indices {
            let runs = paragraphs[pIndex].runs
            guard runs.contains(where: { run in (run.contentStart..<run.contentEnd).contains { bytes[$0] == UInt8(ascii: "{") || bytes[$0] == UInt8(ascii: "}") } }) else {
                continue
            }
            var text: [UInt8] = []
            var offsets: [Int] = []
            var runOf: [Int] = []
            for (r, run) in runs.enumerated() {
                let before = text.count
                XMLScanner.decodeText(bytes, run.contentStart..<run.contentEnd, into: &text, offsets: &offsets)
                runOf.append(contentsOf: repeatElement(r, count: text.count - before))
            }
            paragraphs[pIndex].text = text
            let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
            var i = 0
            while i + 1 < text.count {
                if text[i] == close, text[i + 1] == close {
                    problem(.strayClosingBraces, paragraph: pIndex, textRange: i..<(i + 2), message: "«}}» ohne vorangehendes «{{»",
                        fix: "Die öffnenden Klammern ergänzen ({{feld}}) oder die schliessenden entfernen.")
                    i += 2
                    continue
                }
                guard text[i] == open, text[i + 1] == open else { i += 1; continue }
                var j = i + 2
                while j + 1 < text.count, !(text[j] == close && text[j + 1] == close), !(text[j] == open && text[j + 1] == open) { j += 1 }
                guard j + 1 < text.count, text[j] == close, text[j + 1] == close else {
                    problem(.unclosedPlaceholder, paragraph: pIndex, textRange: i..<min(text.count, i + 2), message: "Platzhalter ohne schliessendes «}}»",
                        fix: "Den Platzhalter im selben Absatz mit }} schliessen, z. B. {{person.lastName}}.")
                    i = j
                    continue
                }
                let end = j + 2
                let firstBrace = i
                while i + 2 < j, text[i + 2] == open { i += 1 }  // "{{{x}}": the last two braces open the tag
                if i > firstBrace || (end < text.count && text[end] == close) {
                    // The extra brace would be printed around the value ("{Muster}").
                    problem(.invalidPlaceholder, paragraph: pIndex, textRange: firstBrace..<min(text.count, end + 1),
                        message: "Platzhalter mit drei geschweiften Klammern; die dritte würde mitgedruckt",
                        fix: "Genau zwei Klammern auf jeder Seite schreiben: {{person.lastName}}.")
                    i = end
                    continue
                }
                let inner = String(decoding: text[(i + 2)..<j], as: UTF8.self)
                var found = FoundTag(tag: nil, raw: String(decoding: text[i..<end], as: UTF8.self), paragraph: pIndex,
                                     startRun: runs[runOf[i]].tToken, startRaw: offsets[i],
                                     endRun: runs[runOf[end - 1]].tToken, endRaw: offsets[end - 1] + 1, textStart: i, textEnd: end)
                do {
                    found.tag = try TemplateTag.parse(inner)
                } catch {
                    problem(error.code, paragraph: pIndex, textRange: i..<end, message: error.message, fix: error.fix)
                }
                if found.tag != nil { tags.append(found) }
                i = end
            }
        }
        tags.sort { $0.startRaw < $1.startRaw }
    }

    /// Matches opening and closing tags; reports unclosed, unopened and crossed sections.
    private mutating func matchSections() -> [(Int, Int)] {
        var stack: [Int] = []
        var pairs: [(Int, Int)] = []
        var reportedDepth = false, reportedSelf = false
        for (index, found) in tags.enumerated() {
            guard let tag = found.tag else { continue }
            switch tag.kind {
            case .open(let path, let condition):
                // A repeating section inside one of the same list repeats the whole list per entry
                // (n^depth copies); deep nesting multiplies lists. Both are refused here, where
                // `templates check` sees them, not discovered by a hanging render.
                if condition == .truthy, !reportedSelf,
                    let outer = stack.last(where: { tags[$0].tag?.kind == .open(path: path, condition: .truthy) })
                {
                    reportedSelf = true
                    problem(.nestingTooDeep, tag: found,
                        message: "Abschnitt «\(found.raw)» liegt in einem Abschnitt derselben Liste («\(tags[outer].raw)», \(location(of: tags[outer].paragraph))); er würde die ganze Liste für jeden Eintrag wiederholen",
                        fix: "Den inneren Abschnitt entfernen: innerhalb von {{#\(path)}} stehen die Felder eines Eintrags ohne Präfix, z. B. {{description}}.")
                }
                if stack.count >= Self.maxSectionDepth, !reportedDepth {
                    reportedDepth = true
                    problem(.nestingTooDeep, tag: found,
                        message: "Abschnitt «\(found.raw)» ist \(stack.count + 1) Ebenen tief verschachtelt (höchstens \(Self.maxSectionDepth))",
                        fix: "Abschnitte schliessen, bevor neue beginnen: {{#a}} … {{/a}} {{#b}} … {{/b}}.")
                }
                stack.append(index)
            case .close(let path):
                guard let depth = stack.lastIndex(where: { sectionPath(tags[$0]) == path }) else {
                    problem(.unopenedSection, tag: found, message: "«\(found.raw)» schliesst einen Abschnitt, der nicht geöffnet wurde",
                        fix: "Davor {{#\(path)}} einfügen, den Namen korrigieren oder das Ende löschen.")
                    tags[index].tag = nil
                    continue
                }
                for inner in stack[(depth + 1)...].reversed() {
                    problem(.crossedSections, tag: tags[inner],
                        message: "Abschnitte überkreuzen sich: «\(tags[inner].raw)» ist noch offen, wenn «\(found.raw)» schliesst",
                        fix: "Innere Abschnitte zuerst schliessen: {{#a}} {{#b}} … {{/b}} {{/a}}.")
                    tags[inner].tag = nil
                }
                stack.removeSubrange((depth + 1)...)
                pairs.append((stack.removeLast(), index))
            default: break
            }
        }
        for open in stack {
            problem(.unclosedSection, tag: tags[open], message: "Abschnitt «\(tags[open].raw)» wird nie geschlossen",
                fix: "Nach dem Inhalt {{/\(sectionPath(tags[open]))}} einfügen.")
            tags[open].tag = nil
        }
        // Drop closing tags whose opening tag was dropped, so they are not cut out alone.
        let valid = Set(pairs.flatMap { [$0.0, $0.1] })
        for (index, found) in tags.enumerated() {
            if case .close = found.tag?.kind, !valid.contains(index) { tags[index].tag = nil }
        }
        return pairs
    }

    /// Sections in sections: the OPTIMA templates need three; ten leaves room and keeps rendering bounded.
    static let maxSectionDepth = 10

    private enum SectionShape { case inline, block(container: Int), rows(table: Int), invalid }

    private mutating func classify(open: Int, close: Int) -> SectionShape {
        let o = tags[open], c = tags[close]
        if o.paragraph == c.paragraph {
            if elementPath(from: o.endRun, to: paragraphs[o.paragraph].token) != elementPath(from: c.startRun, to: paragraphs[c.paragraph].token) {
                problem(.sectionAcrossFormatting, tag: o,
                    message: "Abschnitt «\(o.raw)» … «\(c.raw)» beginnt und endet in unterschiedlich verschachteltem Text (z. B. nur eine Marke in einem Hyperlink oder Feld)",
                    fix: "Beide Marken ausserhalb des Hyperlinks bzw. Felds setzen oder je in einen eigenen Absatz schreiben.")
                tags[open].tag = nil
                tags[close].tag = nil
                return .invalid
            }
            return .inline
        }
        let pO = paragraphs[o.paragraph].token, pC = paragraphs[c.paragraph].token
        let chainO = ancestors(of: pO), chainC = Set(ancestors(of: pC))
        guard let common = chainO.first(where: { chainC.contains($0) }) else { return invalid(open, close) }
        let commonName = tokens[common].name
        if commonName.isBlockContainer, tokens[pO].parent == common, tokens[pC].parent == common {
            return .block(container: common)
        }
        if commonName == .tbl || commonName == .tr {
            let table = commonName == .tbl ? common : tokens[common].parent
            let cellO = tokens[pO].parent, cellC = tokens[pC].parent
            if cellO >= 0, cellC >= 0, tokens[cellO].name == .tc, tokens[cellC].name == .tc,
                tokens[cellO].parent >= 0, tokens[cellC].parent >= 0,
                tokens[tokens[cellO].parent].parent == table, tokens[tokens[cellC].parent].parent == table
            {
                return .rows(table: table)
            }
        }
        return invalid(open, close)
    }

    private mutating func invalid(_ open: Int, _ close: Int) -> SectionShape {
        let o = tags[open], c = tags[close]
        problem(.sectionAcrossCells, tag: o,
            message: "Abschnitt «\(o.raw)» (\(location(of: o.paragraph))) endet mit «\(c.raw)» an einer unpassenden Stelle (\(location(of: c.paragraph))): Anfang und Ende liegen in verschiedenen Tabellen oder eines in, das andere ausserhalb einer Tabelle",
            fix: "Anfang und Ende in dieselbe Tabellenzelle, in Zellen derselben Tabelle (wiederholt ganze Zeilen) oder beide ausserhalb der Tabelle setzen (wiederholt die Tabelle als Ganzes).")
        tags[open].tag = nil
        tags[close].tag = nil
        return .invalid
    }

    // MARK: - Schema

    private mutating func fieldOp(path: FieldPath, filters: [Filter], scopes: [SchemaField?], at index: Int) -> FieldOp {
        var op = FieldOp(path: path, filters: filters, kind: nil, choices: [:], optional: filters.contains(.optional) || filters.contains { if case .fallback = $0 { true } else { false } })
        usedPaths.append(path.description)
        guard schema != nil else { return op }
        guard let (field, optional) = resolve(path, scopes: scopes) else {
            unknownField(path, at: index, scopes: scopes)
            return op
        }
        op.kind = field.kind
        op.optional = op.optional || optional
        op.choices = Dictionary(field.choices.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        for filter in filters {
            if let accepted = filter.acceptedTypes, !accepted.contains(field.kind) {
                problem(.filterTypeMismatch, tag: tags[index],
                    message: "Filter «\(filter.name)» passt nicht zum Feld «\(path)» (Typ \(field.kind.rawValue))",
                    fix: "Einen passenden Filter wählen (Datum: datum, Betrag: chf, Ja/Nein: janein) oder den Filter entfernen.")
            }
        }
        return op
    }

    private mutating func resolveSection(path: FieldPath, condition: SectionCondition, scopes: [SchemaField?], at index: Int) -> SchemaField? {
        usedPaths.append(path.description)
        guard schema != nil else { return nil }
        guard let (field, _) = resolve(path, scopes: scopes) else {
            unknownField(path, at: index, scopes: scopes)
            return nil
        }
        switch condition {
        case .equals(let literal), .notEquals(let literal):
            if field.kind == .choice, !field.choices.contains(where: { $0.id == literal }) {
                problem(.unknownChoice, tag: tags[index],
                    message: "«\(literal)» ist kein Wert von «\(path)»",
                    fix: "Einen dieser Werte verwenden: \(field.choices.map(\.id).joined(separator: ", ")).")
            }
            return nil
        case .inverted, .present: return nil
        case .truthy:
            switch field.kind {
            case .list:
                if field.fields.isEmpty { return SchemaField(kind: field.itemKind ?? .text, label: field.label) }
                return SchemaField(kind: .object, label: field.label, fields: field.fields)
            case .object: return field
            default: return nil
            }
        }
    }

    /// Finds a path's definition the way the renderer finds its value: the first segment in the
    /// innermost section that has it, the rest below that.
    private func resolve(_ path: FieldPath, scopes: [SchemaField?]) -> (SchemaField, Bool)? {
        if path.isCurrentItem {
            guard let item = scopes.last ?? nil else { return nil }
            return (item, false)
        }
        if path.segments[0].hasPrefix("@") {
            return path.segments == ["@nr"] ? (SchemaField(kind: .number, label: "Nummer"), false) : nil
        }
        for scope in scopes.reversed() {
            guard let scope, var node = scope.fields[path.segments[0]] else { continue }
            var optional = node.optional
            for segment in path.segments.dropFirst() {
                guard let next = node.fields[segment], node.kind == .object else { return nil }
                node = next
                optional = optional || next.optional
            }
            return (node, optional)
        }
        return nil
    }

    private mutating func unknownField(_ path: FieldPath, at index: Int, scopes: [SchemaField?]) {
        var candidates = schemaPaths
        for scope in scopes.dropFirst() { if let scope { candidates.append(contentsOf: scope.fields.keys) } }
        let suggestion = Spelling.closest(to: path.description, among: candidates)
        problem(.unknownField, tag: tags[index],
            message: "Unbekanntes Feld «\(path)»" + (suggestion.map { " — meinten Sie «\($0)»?" } ?? ""),
            fix: "Feldnamen gemäss templates/README.md bzw. templates/fields.json schreiben (Gross-/Kleinschreibung beachten); innerhalb einer Liste stehen die Felder eines Eintrags ohne Präfix.")
    }

    // MARK: - Tree and emission

    private mutating func buildTree(regions: [Region], edits: [Edit]) -> Node {
        let root = Node(start: 0, end: bytes.count, region: nil)
        let sorted = regions.sorted { a, b in
            a.start != b.start ? a.start < b.start : (a.end != b.end ? a.end > b.end : a.openIndex < b.openIndex)
        }
        for region in sorted {
            var node = root
            descend: while true {
                for child in node.children {
                    if child.start <= region.start, region.end <= child.end { node = child; continue descend }
                    if region.start < child.end, child.start < region.end {
                        problem(.crossedSections, tag: tags[region.openIndex],
                            message: "Abschnitt «\(tags[region.openIndex].raw)» überschneidet einen anderen Abschnitt",
                            fix: "Abschnitte ganz ineinander oder ganz nacheinander setzen.")
                        continue
                    }
                }
                break
            }
            node.children.append(Node(start: region.start, end: region.end, region: region))
        }
        for edit in edits {
            var node = root
            descend: while true {
                for child in node.children where child.start <= edit.start && edit.end <= child.end {
                    node = child
                    continue descend
                }
                break
            }
            if node.children.contains(where: { edit.start < $0.end && $0.start < edit.end }) {
                internalProblem("Bearbeitung bei Byte \(edit.start) schneidet eine Abschnittsgrenze")
                continue
            }
            node.edits.append(edit)
        }
        return root
    }

    private func emit(_ node: Node) -> [TemplateOp] {
        enum Item { case edit(Edit), child(Node) }
        var items: [(Int, Item)] = node.edits.map { ($0.start, .edit($0)) } + node.children.map { ($0.start, .child($0)) }
        items.sort { $0.0 < $1.0 }
        var ops: [TemplateOp] = []
        var cursor = node.start
        for (start, item) in items {
            if start > cursor { ops.append(.literal(cursor, start)) }
            switch item {
            case .edit(let edit):
                switch edit.kind {
                case .delete: break
                case .bytes(let b): ops.append(.bytes(b))
                case .field(let op): ops.append(.field(op))
                case .uniqueId(let kind, let original): ops.append(.uniqueId(kind, original: original))
                case .cellBegin: ops.append(.cellBegin(edit.start, edit.end))
                case .paragraphMark: ops.append(.paragraphMark(edit.start, edit.end))
                case .cellEnd: ops.append(.cellEnd(edit.start, edit.end))
                case .tableBegin: ops.append(.tableBegin(edit.start, edit.end))
                case .rowMark: ops.append(.rowMark(edit.start, edit.end))
                case .tableEnd: ops.append(.tableEnd(edit.start, edit.end))
                }
                cursor = max(cursor, edit.end)
            case .child(let child):
                guard let region = child.region else { continue }
                let body = emit(child)
                let hasBookmarks = child.edits.contains { if case .uniqueId(.bookmarkId, _) = $0.kind { true } else { false } }
                ops.append(.section(SectionOp(path: region.path, condition: region.condition, body: body, hasBookmarks: hasBookmarks)))
                cursor = max(cursor, child.end)
            }
        }
        if node.end > cursor { ops.append(.literal(cursor, node.end)) }
        return ops
    }

    // MARK: - Helpers

    private func endOf(_ token: Int) -> Int {
        tokens[token].kind == .start ? tokens[tokens[token].match].end : tokens[token].end
    }

    private func ancestor(of token: Int, named name: ElementName) -> Int? {
        var k = tokens[token].parent
        while k >= 0 {
            if tokens[k].name == name { return k }
            k = tokens[k].parent
        }
        return nil
    }

    private func ancestors(of token: Int) -> [Int] {
        var out: [Int] = []
        var k = tokens[token].parent
        while k >= 0 {
            out.append(k)
            k = tokens[k].parent
        }
        return out
    }

    /// The element names from a `w:t` up to (not including) its paragraph, for comparing nesting.
    private func elementPath(from token: Int, to paragraph: Int) -> [String] {
        var out: [String] = []
        var k = tokens[token].parent
        while k >= 0, k != paragraph {
            let t = tokens[k]
            out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[(t.start + 1)..<XMLScanner.nameEndOf(bytes, t.start + 1)]), as: UTF8.self))
            k = t.parent
        }
        return out
    }

    private func directChildren(of token: Int, named name: ElementName) -> [Int] {
        guard tokens[token].kind == .start else { return [] }
        return ((token + 1)..<tokens[token].match).filter {
            tokens[$0].parent == token && tokens[$0].name == name && (tokens[$0].kind == .start || tokens[$0].kind == .empty)
        }
    }

    private struct Piece { var tToken: Int; var range: Range<Int> }

    private func pieces(of found: FoundTag) -> [Piece] {
        let runs = paragraphs[found.paragraph].runs
        guard let first = runs.firstIndex(where: { $0.tToken == found.startRun }),
            let last = runs.firstIndex(where: { $0.tToken == found.endRun })
        else { return [] }
        return (first...last).map { k in
            let run = runs[k]
            let s = k == first ? found.startRaw : run.contentStart
            let e = k == last ? found.endRaw : run.contentEnd
            return Piece(tToken: run.tToken, range: s..<max(s, e))
        }
    }

    private func isTagOnly(_ p: Int) -> Bool {
        let paragraph = paragraphs[p]
        var text = paragraph.text
        for found in tags.reversed() where found.paragraph == p {
            switch found.tag?.kind {
            case .open?, .close?, .comment?: text.replaceSubrange(found.textStart..<found.textEnd, with: [])
            default: break
            }
        }
        guard String(decoding: text, as: UTF8.self).allSatisfy({ $0.isWhitespace }) else { return false }
        let token = paragraph.token
        guard tokens[token].kind == .start else { return true }
        return !((token + 1)..<tokens[token].match).contains { tokens[$0].name == .sectPr || tokens[$0].name == .visual }
    }

    private func bookmarkPairIsInsideOneRegion(_ index: Int, regions: [Region]) -> Bool {
        let token = tokens[index]
        guard let idRange = XMLScanner.attributeValue(bytes, tag: token.start..<token.end, name: "w:id") else { return false }
        let id = string(idRange)
        let partnerName: ElementName = token.name == .bookmarkStart ? .bookmarkEnd : .bookmarkStart
        guard let partner = tokens.firstIndex(where: { t in
            t.name == partnerName && t.kind != .end && XMLScanner.attributeValue(bytes, tag: t.start..<t.end, name: "w:id").map(string) == id
        }) else { return false }
        let innermost: (Int) -> Region? = { position in
            regions.filter { $0.start <= position && position < $0.end }.min { $0.end - $0.start < $1.end - $1.start }
        }
        let a = innermost(token.start), b = innermost(tokens[partner].start)
        return a != nil && a?.start == b?.start && a?.end == b?.end
    }

    private func maxAttribute(_ name: ElementName, _ attribute: StaticString) -> Int {
        var best = 0
        for t in tokens where t.name == name && t.kind != .end {
            if let r = XMLScanner.attributeValue(bytes, tag: t.start..<t.end, name: attribute), let v = Int(string(r)) { best = max(best, v) }
        }
        return best
    }

    private func string(_ r: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }

    private func sectionPath(_ found: FoundTag) -> FieldPath {
        switch found.tag?.kind {
        case .open(let path, _)?, .close(let path)?: path
        default: FieldPath(segments: ["?"])
        }
    }

    private func sectionCondition(_ found: FoundTag) -> SectionCondition {
        if case .open(_, let condition)? = found.tag?.kind { return condition }
        return .truthy
    }

    // MARK: - Locations and problems

    private var partLabel: String {
        if partName == "word/document.xml" { return DocumentText.mainPart }
        let file = partName.split(separator: "/").last.map(String.init) ?? partName
        if partName.contains("header") { return "\(DocumentText.headerPart) (\(file))" }
        if partName.contains("footer") { return "\(DocumentText.footerPart) (\(file))" }
        return partName
    }

    /// "Haupttext, Absatz 12" or "Haupttext, Tabelle 1, Zeile 3, Zelle 2".
    private func location(of p: Int) -> String {
        let token = paragraphs[p].token
        if let cell = ancestor(of: token, named: .tc), let row = ancestor(of: cell, named: .tr), let table = ancestor(of: row, named: .tbl) {
            let rowNumber = directChildren(of: table, named: .tr).firstIndex(of: row).map { $0 + 1 } ?? 0
            let cellNumber = directChildren(of: row, named: .tc).firstIndex(of: cell).map { $0 + 1 } ?? 0
            return "\(partLabel), Tabelle \(tableNumber[table] ?? 0), Zeile \(rowNumber), Zelle \(cellNumber)"
        }
        return "\(partLabel), Absatz \(paragraphNumber[token] ?? 0)"
    }

    private func context(_ p: Int, _ range: Range<Int>) -> String {
        let text = paragraphs[p].text
        let lower = max(0, range.lowerBound - 40), upper = min(text.count, range.upperBound + 40)
        var snippet = String(decoding: text[lower..<upper], as: UTF8.self)
        snippet = snippet.replacingOccurrences(of: "\u{FFFD}", with: "")
        return (lower > 0 ? "…" : "") + snippet + (upper < text.count ? "…" : "")
    }

    private mutating func problem(_ code: TemplateProblem.Code, paragraph: Int, textRange: Range<Int>, message: String, fix: String) {
        problems.append(TemplateProblem(code: code, file: file, location: location(of: paragraph),
                                        context: context(paragraph, textRange), message: message, fix: fix))
    }

    private mutating func problem(_ code: TemplateProblem.Code, tag: FoundTag, message: String, fix: String) {
        problem(code, paragraph: tag.paragraph, textRange: tag.textStart..<tag.textEnd, message: message, fix: fix)
    }

    private mutating func internalProblem(_ detail: String) {
        problems.append(TemplateProblem(code: .crossedSections, file: file, location: partLabel, context: "",
            message: "Abschnitte und Platzhalter sind so verschachtelt, dass sie nicht eindeutig ersetzt werden können (\(detail))",
            fix: "Abschnittsmarken je in einen eigenen Absatz setzen."))
    }
}
