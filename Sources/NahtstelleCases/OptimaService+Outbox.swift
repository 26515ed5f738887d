import Foundation
import NahtstelleEngine
import NahtstelleFEEL
import NahtstelleOptima

/// Which generated documents are letters that leave an office, from whom to whom — the one
/// mapping of templates to letters (docs/server.md, "Postausgang").
///
/// Not letters: the Antragsformular and the Kostengutsprache are handed over and signed in
/// Nahtstelle itself; the Gesprächsnotizen are file notes.
public enum LetterRules {
    public enum Recipient: String, Sendable, Hashable {
        /// The person (invitation, Vereinbarung ALV to sign).
        case client
        /// The referring office (decisions, the invitation to the joint status meeting).
        case referrerOffice = "referrer-office"
    }
    public enum Party: String, Sendable, Hashable { case referrer, receiver }

    /// Recipient and sending office of a document, or nil when it is no letter.
    public static func letter(template: String, elementID: String?) -> (recipient: Recipient, sender: Party)? {
        switch template {
        // The hand-over meeting is planned by the referrer; status meetings by the OPTIMA office.
        case "einladung-gespraech": return (.client, elementID == "plan-handover" ? .referrer : .receiver)
        case "vereinbarung-alv": return (.client, .referrer)
        case "entscheid-annahme", "entscheid-ablehnung", "einladung-zuweisende-stelle": return (.referrerOffice, .receiver)
        default: return nil
        }
    }

    public static let templates = ["einladung-gespraech", "vereinbarung-alv", "entscheid-annahme", "entscheid-ablehnung", "einladung-zuweisende-stelle"]
}

/// How a letter left the office.
public enum DispatchChannel: String, Sendable, CaseIterable {
    case post
    case handedOver = "handed-over"
    case email

    public var label: String {
        switch self {
        case .post: "per Post"
        case .handedOver: "persönlich übergeben"
        case .email: "per E-Mail"
        }
    }
}

/// A letter marked as sent.
public struct LetterDispatch: Sendable, Hashable {
    public var channel: DispatchChannel
    public var sentOn: LocalDate
    public var sentBy: String
    public var sentByName: String?
    public var recordedAt: Date
    public var recordedBy: String

    package init(channel: DispatchChannel, sentOn: LocalDate, sentBy: String, sentByName: String?, recordedAt: Date, recordedBy: String) {
        self.channel = channel
        self.sentOn = sentOn
        self.sentBy = sentBy
        self.sentByName = sentByName
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }
}

/// A letter in an office's outbox.
public struct OutboxLetter: Sendable, Hashable {
    public var document: DocumentInfo
    public var recipient: LetterRules.Recipient
    /// Name and address lines as on the envelope.
    public var recipientName: String
    public var recipientAddress: [String]
    public var senderOfficeId: String
    /// The client of the case ("Muster Anna").
    public var personName: String
    public var dispatch: LetterDispatch?
}

/// Which letters the outbox lists.
public enum OutboxState: String, Sendable, CaseIterable { case open, sent, all }

extension OptimaService {
    /// The letters the caller's office sends (of the cases it is party to): open ones first, newest
    /// first, then the sent ones by date of dispatch. The read is logged.
    public func outbox(by username: String, state: OutboxState = .all, limit: Int = 200) throws -> [OutboxLetter] {
        let user = try staff(username)
        guard AccessPolicy.worksCases(user.user) else { return [] }
        let letters = try read { db in try Self.letters(db, generator: generator, .office(user.officeId)) }
            .filter { $0.senderOfficeId == user.officeId }
        try logAccess(username, "list-outbox", caseID: nil)
        let open = letters.filter { $0.dispatch == nil }
        let sent = letters.filter { $0.dispatch != nil }.sorted { a, b in
            (a.dispatch!.sentOn, a.document.id) > (b.dispatch!.sentOn, b.document.id)
        }
        let chosen: [OutboxLetter] = switch state {
        case .open: open
        case .sent: sent
        case .all: open + sent
        }
        return Array(chosen.prefix(max(1, min(limit, 500))))
    }

    /// Letters among the documents that match (newest first).
    static func letters(_ db: any ApplicationRecords, generator: DocumentGenerator, _ selection: LetterSelection) throws -> [OutboxLetter] {
        let rows = try db.letters(selection, templates: LetterRules.templates, title: generator.title)
        var offices: [String: OfficeEntry] = [:]
        func office(_ id: String) throws -> OfficeEntry? {
            if let o = offices[id] { return o }
            let o = try db.office(id)
            offices[id] = o
            return o
        }
        return try rows.compactMap { row -> OutboxLetter? in
            guard let rule = LetterRules.letter(template: row.document.template, elementID: row.document.elementID) else { return nil }
            let (referrer, receiver) = (row.referrerOfficeID, row.receiverOfficeID)
            let person = row.personLastName + " " + row.personFirstName
            let name: String
            let address: [String]
            switch rule.recipient {
            case .client:
                name = row.personFirstName + " " + row.personLastName
                address = [row.street, row.postalCode + " " + row.city]
            case .referrerOffice:
                guard let o = try office(referrer) else { return nil }
                let attention = try row.referrerAdvisor.flatMap { try db.staff($0)?.displayName }
                name = o.name
                address = [o.department, attention.map { "z. H. \($0)" }, o.street, o.postalCode + " " + o.city].compactMap { $0 }
            }
            return OutboxLetter(document: row.document, recipient: rule.recipient, recipientName: name, recipientAddress: address,
                                senderOfficeId: rule.sender == .referrer ? referrer : receiver, personName: person, dispatch: row.dispatch)
        }
    }

    /// Marks a letter of the caller's office as sent: how, on which day (default today; not in the
    /// future, not before the letter was made) and by whom (default the caller; someone of the
    /// office). The case's history shows it. A letter is marked once (`conflict` after).
    @discardableResult
    public func markLetterSent(by username: String, documentID: Int64, channel: DispatchChannel, sentOn: LocalDate? = nil,
                               sentBy: String? = nil) throws -> OutboxLetter {
        let user = try staff(username)
        let notFound = CaseServiceError(.notFound, "Dokument \(documentID) nicht gefunden oder nicht sichtbar.", field: "id")
        guard let letter = try read({ db in
            try Self.letters(db, generator: generator, .document(documentID)).first
        }) else {
            // A document that exists but is no letter: say so to those who may see its case.
            if let doc = try read({ try generator.document($0, id: documentID) }) {
                _ = try visibleCase(user, doc.info.caseId)
                throw CaseServiceError(.ruleViolation, "«\(doc.info.title)» ist kein Brief, der die Stelle verlässt (Postausgang: Einladungen, "
                                       + "Vereinbarung ALV, Entscheide). Es gibt nichts als versandt zu erfassen.", field: "id")
            }
            throw notFound
        }
        _ = try visibleCase(user, letter.document.caseId)
        guard AccessPolicy.worksCases(user.user), letter.senderOfficeId == user.officeId else {
            let sender = (try? office(letter.senderOfficeId).name) ?? letter.senderOfficeId
            throw CaseServiceError(.forbidden, "Den Brief «\(letter.document.title)» versendet \(sender); nur diese Stelle erfasst den Versand.")
        }
        if let d = letter.dispatch {
            throw CaseServiceError(.conflict, "Der Brief «\(letter.document.title)» ist bereits als versandt erfasst (\(d.channel.label) am "
                                   + "\(d.sentOn.swissFormatted)). Ein Versand wird nur einmal erfasst.")
        }
        let today = self.today
        let day = sentOn ?? today
        let created = ISODateTime.localDate(of: letter.document.createdAt)
        guard day <= today else {
            throw CaseServiceError(.invalidInput, "Das Versanddatum \(day.swissFormatted) liegt in der Zukunft. Bitte den Versand am Tag "
                                   + "erfassen, an dem der Brief die Stelle verlässt.", field: "sentOn")
        }
        guard day >= created else {
            throw CaseServiceError(.invalidInput, "Das Versanddatum \(day.swissFormatted) liegt vor der Erstellung des Briefs "
                                   + "(\(created.swissFormatted)). Bitte das Datum prüfen.", field: "sentOn")
        }
        let sender: StaffMember
        if let sentBy, sentBy != user.username {
            guard let member = try read({ try $0.staff(sentBy) }), member.officeId == user.officeId else {
                throw CaseServiceError(.invalidInput, "«\(sentBy)» arbeitet nicht bei Ihrer Stelle. Bitte den Benutzernamen einer Person "
                                       + "Ihrer Stelle angeben (oder leer lassen: Sie selbst).", field: "sentBy")
            }
            sender = member
        } else {
            sender = user
        }
        let caseID = letter.document.caseId
        _ = try perform(user.username, "mark-letter-sent", caseOf: { _ in caseID }) { cmd, db in
            try db.insertLetterDispatch(documentID: documentID, caseID: caseID,
                                        LetterDispatch(channel: channel, sentOn: day, sentBy: sender.username, sentByName: nil,
                                                       recordedAt: cmd.now, recordedBy: user.username))
            try Self.appendCaseHistory(cmd, db, caseID: caseID, command: "letter-sent", elementID: letter.document.elementID,
                details: [
                    "documentId": .number(Decimal(documentID)), "template": .string(letter.document.template),
                    "title": .string(letter.document.title), "version": .number(Decimal(letter.document.version)),
                    "channel": .string(channel.rawValue), "sentOn": .date(day), "sentBy": .string(sender.username),
                    "recipient": .string(letter.recipientName),
                ])
        }
        var done = letter
        done.dispatch = LetterDispatch(channel: channel, sentOn: day, sentBy: sender.username, sentByName: sender.displayName,
                                       recordedAt: clock(), recordedBy: user.username)
        return done
    }
}

/// The PDF of a document version as far as it is made.
public enum DocumentPDF: Sendable, Hashable {
    case ready(bytes: [UInt8], fileName: String)
    /// Queued or being converted: ask again after `retryAfter` seconds.
    case pending(message: String, retryAfter: Int)
    /// Cannot be made now (LibreOffice missing, the conversion failed, the queue is full).
    case unavailable(message: String, retryAfter: Int?)
}

extension OptimaService {
    /// The PDF of a document version (visibility of its case enforced; the read is logged): from
    /// the store when it was made before, else queued for LibreOffice (each version once).
    public func documentPDF(by username: String, id: Int64) throws -> DocumentPDF {
        let doc = try document(username, id: id)
        let fileName = doc.info.fileName.hasSuffix(".docx") ? String(doc.info.fileName.dropLast(5)) + ".pdf" : doc.info.fileName + ".pdf"
        if let stored = try read({ try $0.documentPDF(documentID: id) }) {
            return .ready(bytes: stored, fileName: fileName)
        }
        guard pdfQueue.soffice != nil else { return .unavailable(message: DocumentPDFQueue.missingMessage, retryAfter: nil) }
        let writer = tables
        let clock = self.clock
        let job = DocumentPDFQueue.Job(documentID: id, fileName: doc.info.fileName, docx: doc.bytes) { pdf in
            try writer.write { try $0.insertDocumentPDF(documentID: id, bytes: pdf, at: clock()) }
        }
        switch pdfQueue.submit(job) {
        case .queued(let position):
            return .pending(message: "Das PDF von «\(doc.info.title)» wird erstellt (Warteschlange: Platz \(position)). Bitte in wenigen "
                            + "Sekunden nochmals abrufen.", retryAfter: min(30, 2 + 3 * (position - 1) / pdfQueue.parallel))
        case .running:
            return .pending(message: "Das PDF von «\(doc.info.title)» wird gerade erstellt. Bitte in wenigen Sekunden nochmals abrufen.",
                            retryAfter: 2)
        case .failed(let message, let retryAfter):
            return .unavailable(message: message, retryAfter: retryAfter)
        case .full:
            return .unavailable(message: "Es warten bereits \(pdfQueue.capacity) Dokumente auf die PDF-Umwandlung. Bitte in einer Minute "
                                + "nochmals versuchen; das DOCX steht bereit.", retryAfter: 60)
        }
    }
}
