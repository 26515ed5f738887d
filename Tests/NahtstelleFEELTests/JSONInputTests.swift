import Foundation
import Testing

@testable import NahtstelleFEEL

/// Issue 15, items 7 and 11: JSON input that would print wrong or blank text in a letter is refused.
@Suite("JSON input: invalid UTF-8 and typed values")
struct JSONInputTests {
    @Test("Invalid UTF-8 is an error with the byte position", arguments: [
        ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], 6),               // {"a":"\xff"}
        ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x4D, 0xC3, 0x22, 0x7D], 7),         // truncated 2-byte sequence
        ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D], 6),         // overlong "/"
        ([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D], 6),   // UTF-16 surrogate
        ([0x7B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x3A, 0x31, 0x7D], 2),         // above U+10FFFF, in a key
    ])
    func invalidUTF8(_ bytes: [UInt8], _ offset: Int) {
        do {
            _ = try Value.parseJSON(bytes: bytes)
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.offset == offset)
            #expect(error.description.contains("UTF-8"))
        }
    }

    @Test func validUTF8IsRead() throws {
        let value = try Value.parseJSON(#"{"name": "Bühler Zoë 😀", "ort": "Zürich"}"#)
        #expect(value.value(atPath: "name") == .string("Bühler Zoë 😀"))
        #expect(Value.invalidUTF8Offset(Array("Grüezi € 𝄞".utf8)) == nil)
    }

    @Test("A typed value that is none is an error, not an object printed blank", arguments: [
        #"{"d": {"@date": "2026-13-01"}}"#, #"{"d": {"@dateTime": "gestern"}}"#, #"{"d": {"@duration": "P1Q"}}"#, #"{"d": {"@date": 20260101}}"#,
    ])
    func badTaggedValues(_ text: String) {
        #expect(throws: Value.JSONError.self) { try Value.parseJSON(text) }
    }

    @Test func goodTaggedValues() throws {
        #expect(try Value.parseJSON(#"{"@date": "2026-02-28"}"#) == .date(LocalDate(year: 2026, month: 2, day: 28)))
        #expect(try Value.parseJSON(#"{"@duration": "P3M"}"#) == .yearMonthDuration(months: 3))
    }
}
