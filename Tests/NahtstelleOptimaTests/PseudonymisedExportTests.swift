import Foundation
import Testing

@testable import NahtstelleOptima

@Suite struct PseudonymisedExportTests {
    func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// RFC 4231, HMAC-SHA-256 test cases 1–7 (case 5 truncated to 128 bits, as the export does).
    @Test func rfc4231Vectors() {
        let vectors: [(key: [UInt8], data: [UInt8], bytes: Int, mac: String)] = [
            (Array(repeating: 0x0b, count: 20), Array("Hi There".utf8), 32,
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), 32,
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (Array(repeating: 0xaa, count: 20), Array(repeating: 0xdd, count: 50), 32,
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), Array(repeating: 0xcd, count: 50), 32,
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            (Array(repeating: 0x0c, count: 20), Array("Test With Truncation".utf8), 16,
                "a3b6167473100ee06e0c796c2955552b"),
            (Array(repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8), 32,
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (Array(repeating: 0xaa, count: 131),
                Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8), 32,
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for v in vectors {
            #expect(PseudonymisedExport.keyedHash(message: v.data, key: v.key, truncatedTo: v.bytes) == v.mac)
        }
    }

    let secret = Array("nahtstelle-test-secret-0123456789".utf8)

    @Test func personKeyIsKeyedStableAndFormatIndependent() throws {
        let export = try PseudonymisedExport(secret: secret)
        let key = export.personKey(ahvNumber: "756.1234.5678.97")
        #expect(key.count == 32)
        #expect(key.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(key == export.personKey(ahvNumber: "7561234567897"))
        // The documented construction: HMAC-SHA256(secret, "ahv:" + digits), first 16 bytes.
        #expect(key == PseudonymisedExport.keyedHash(message: Array("ahv:7561234567897".utf8), key: secret, truncatedTo: 16))
        #expect(key != export.personKey(ahvNumber: "756.9876.5432.10"))
        let other = try PseudonymisedExport(secret: Array("another-secret-of-enough-length!".utf8))
        #expect(key != other.personKey(ahvNumber: "756.1234.5678.97"))
        #expect(export.caseKey(caseId: "7561234567897") != export.personKey(ahvNumber: "7561234567897"))
    }

    @Test func shortSecretIsRefused() {
        #expect(throws: OptimaError.self) { try PseudonymisedExport(secret: Array("short".utf8)) }
        do {
            _ = try PseudonymisedExport(secret: [1, 2, 3])
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.message.contains("mindestens 16 Bytes"))
        }
    }

    @Test func exportLeaksNoNameAHVOrFreeText() throws {
        let export = try PseudonymisedExport(secret: secret)
        var first = sampleCase(id: "F-2025-0001")
        first.appliedAt = d("2025-03-03")
        first.decidedAt = d("2025-03-10")
        first.decision = .rejected
        first.rejectionReason = .other
        first.rejectionText = "Geheimer Ablehnungsgrund Muster"
        first.goal = "Ziel: Hans Muster findet eine Stelle als Koch"
        first.targetGroup = .h
        var second = sampleCase(id: "F-2025-0002", referrer: Offices.ravWolhusen, receiver: Offices.ivLuzern)
        second.appliedAt = d("2025-05-05")
        second.costApprovals = [
            CostApproval(id: "K1", measure: "Bewerbungstraining bei Muster AG", provider: "Muster AG", amount: 1250,
                payingOfficeType: .rav, requestedAt: d("2025-05-20"), decidedAt: d("2025-05-22"), decision: .approved)
        ]
        let records = export.export(cases: [first, second])
        #expect(records.count == 2)
        // Same person in both cases: the same key links them.
        #expect(records[0].personKey == records[1].personKey)
        #expect(records[0].caseKey != records[1].caseKey)
        #expect(records[0].rejectionReason == .other)

        let json = PseudonymisedExport.json(records)
        let csv = PseudonymisedExport.csv(records)
        for output in [json, csv] {
            for secretText in [
                "Muster", "Hans", "756", "1234", "5678", "P-4711", "Bahnhofstrasse", "041 123", "1980",
                "Geheimer", "Koch", "Bewerbungstraining", "F-2025-0001", "F-2025-0002",
            ] {
                #expect(!output.contains(secretText), "export contains \(secretText)")
            }
            #expect(output.contains(records[0].personKey))
        }
        #expect(csv.hasPrefix("personKey,caseKey,referrerType,receiverType,targetGroup,"))
        #expect(csv.contains(",SD,RAV,H,2025-03-03,2025-03-10,rejected,other,"))
        #expect(csv.contains(",RAV,IV,,2025-05-05,"))
        #expect(csv.contains(",1,1,1250.00\r\n"))
        #expect(json.contains("\"amountCHF\": 1250.00"))
    }
}
