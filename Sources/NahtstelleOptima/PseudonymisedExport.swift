import Crypto
import Foundation
import NahtstelleFEEL

/// One case for controlling, without names, AHV numbers or free text.
///
/// `personKey` links the cases of one person across systems that share the secret key;
/// `caseKey` replaces the internal case id so the export cannot be joined to the case file
/// without the key.
@dynamicMemberLookup
public struct PseudonymisedCaseRecord: Sendable, Hashable {
    public var personKey: String
    /// The report facts of the case; its `caseId` is already replaced by `caseKey`.
    public var facts: CaseReportRecord
    public var caseKey: String { facts.caseId }

    /// The facts read as the record's own fields (`record.outcome`, `record.costApprovals` …).
    public subscript<T>(dynamicMember keyPath: KeyPath<CaseReportRecord, T>) -> T { facts[keyPath: keyPath] }
}

/// The pseudonymised controlling export (§10): a keyed hash instead of identity.
///
/// The person key is HMAC-SHA256(secret key, the 13 digits of the AHV number), hex, truncated
/// to 16 bytes (32 hex characters). A keyed hash, not a plain one: AHV numbers are few enough
/// (13 digits, fixed prefix 756, check digit) that a plain hash is reversed by trying them all.
/// Every system that must link records uses the same secret; without it the key says nothing.
public struct PseudonymisedExport: Sendable {
    /// Bytes of the HMAC kept in a key (16 bytes = 128 bits).
    public static let keyBytes = 16
    /// The secret must have at least this many bytes (128 bits).
    public static let minimumSecretBytes = 16

    /// Kept as bytes (Crypto's `SymmetricKey` is not `Sendable`); a key is made per hash.
    private let secret: [UInt8]

    /// - Throws: `OptimaError.invalidInput` when the secret is shorter than 16 bytes.
    public init(secret: [UInt8]) throws(OptimaError) {
        guard secret.count >= PseudonymisedExport.minimumSecretBytes else {
            throw OptimaError(
                code: .invalidInput,
                message: "Der Schlüssel für die Pseudonymisierung ist zu kurz (\(secret.count) Bytes). "
                    + "Bitte einen zufälligen Schlüssel mit mindestens \(PseudonymisedExport.minimumSecretBytes) Bytes verwenden.",
                field: "secret")
        }
        self.secret = secret
    }

    /// HMAC-SHA256 of `message` under `key`, lower-case hex, truncated to `bytes` (1…32).
    public static func keyedHash(message: [UInt8], key: [UInt8], truncatedTo bytes: Int = 32) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return hex(Array(mac).prefix(max(1, min(bytes, 32))))
    }

    /// The person key for an AHV number. Only the digits are hashed, so `756.1234.5678.97` and
    /// `7561234567897` give the same key.
    public func personKey(ahvNumber: String) -> String {
        let digits = ahvNumber.unicodeScalars.filter { ("0"..."9").contains($0) }.map { UInt8($0.value) }
        return hash(domain: "ahv:", Array(digits))
    }

    /// The replacement for an internal case id.
    public func caseKey(caseId: String) -> String { hash(domain: "case:", Array(caseId.utf8)) }

    /// Pseudonymises report records; `ahvNumber` is the person's AHV number for each.
    public func export(_ items: [(ahvNumber: String, record: CaseReportRecord)]) -> [PseudonymisedCaseRecord] {
        items.map { item in
            var facts = item.record
            facts.caseId = caseKey(caseId: item.record.caseId)
            return PseudonymisedCaseRecord(personKey: personKey(ahvNumber: item.ahvNumber), facts: facts)
        }
    }

    /// Pseudonymises cases; only the fields of `CaseReportRecord` leave, never the person.
    public func export(cases: [OptimaCase], deadlines: Deadlines = Deadlines()) -> [PseudonymisedCaseRecord] {
        export(cases.map { (ahvNumber: $0.person.ahvNumber, record: CaseReportRecord(case: $0, deadlines: deadlines)) })
    }

    /// CSV with a header; one row per case, cost approvals as count and approved sum.
    public static func csv(_ records: [PseudonymisedCaseRecord]) -> String {
        var lines = [
            "personKey,caseKey,referrerType,receiverType,targetGroup,appliedAt,decidedAt,decision,rejectionReason,"
                + "handoverAt,closedAt,closingReason,outcome,costApprovalsRequested,costApprovalsApproved,approvedAmountCHF"
        ]
        for r in records {
            let approved = r.costApprovals.filter { $0.decision == .approved }
            let fields: [String] = [
                r.personKey, r.caseKey, r.referrerType.rawValue, r.receiverType.rawValue,
                r.targetGroup?.rawValue ?? "", r.appliedAt?.description ?? "", r.decidedAt?.description ?? "",
                r.decision?.rawValue ?? "", r.rejectionReason?.rawValue ?? "", r.handoverAt?.description ?? "",
                r.closedAt?.description ?? "", r.closingReason?.rawValue ?? "", r.outcome?.rawValue ?? "",
                String(r.costApprovals.count), String(approved.count),
                SwissFormat.plainAmount(approved.reduce(Decimal(0)) { $0 + $1.amount }),
            ]
            lines.append(fields.map(CSV.field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// JSON array; each cost approval in full (dates, decision, payer, amount).
    public static func json(_ records: [PseudonymisedCaseRecord], pretty: Bool = true) -> String {
        func date(_ d: LocalDate?) -> OrderedJSON { d.map { .string($0.description) } ?? .null }
        func id(_ s: String?) -> OrderedJSON { s.map { .string($0) } ?? .null }
        return OrderedJSON.array(records.map { r in
            .object([
                ("personKey", .string(r.personKey)), ("caseKey", .string(r.caseKey)),
                ("referrerType", .string(r.referrerType.rawValue)), ("receiverType", .string(r.receiverType.rawValue)),
                ("targetGroup", id(r.targetGroup?.rawValue)), ("appliedAt", date(r.appliedAt)),
                ("decidedAt", date(r.decidedAt)), ("decision", id(r.decision?.rawValue)),
                ("rejectionReason", id(r.rejectionReason?.rawValue)), ("handoverAt", date(r.handoverAt)),
                ("closedAt", date(r.closedAt)), ("closingReason", id(r.closingReason?.rawValue)),
                ("outcome", id(r.outcome?.rawValue)),
                ("costApprovals", .array(r.costApprovals.map { a in
                    .object([
                        ("requestedAt", date(a.requestedAt)), ("decidedAt", date(a.decidedAt)),
                        ("decision", id(a.decision?.rawValue)), ("payingOfficeType", .string(a.payingOfficeType.rawValue)),
                        ("amountCHF", .number(SwissFormat.plainAmount(a.amount))),
                    ])
                })),
            ])
        }).render(pretty: pretty)
    }

    private func hash(domain: String, _ message: [UInt8]) -> String {
        // Domain separation: a case id can never produce the key of an AHV number.
        let mac = HMAC<SHA256>.authenticationCode(for: Array(domain.utf8) + message, using: SymmetricKey(data: secret))
        return PseudonymisedExport.hex(Array(mac).prefix(PseudonymisedExport.keyBytes))
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return out
    }
}
