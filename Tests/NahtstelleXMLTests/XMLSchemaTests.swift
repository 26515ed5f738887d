import Testing
import Glibc
@testable import NahtstelleXML

@Suite struct XMLSchemaTests {
    static func writeTemp(_ name: String, _ text: String) throws -> String {
        let path = "/tmp/nahtstelle-xml-tests-\(name)"
        let bytes = Array(text.utf8)
        guard let file = fopen(path, "wb") else { throw XMLError(.unreadable, message: "cannot write", fix: "", file: path) }
        defer { fclose(file) }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        return path
    }

    @Test func validatesAgainstALocalSchemaWithLineNumbers() throws {
        let xsd = try Self.writeTemp("s.xsd", """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" xmlns="urn:t" elementFormDefault="qualified">
              <xs:element name="root"><xs:complexType><xs:sequence>
                <xs:element name="item" maxOccurs="unbounded"><xs:complexType><xs:attribute name="n" type="xs:int" use="required"/></xs:complexType></xs:element>
              </xs:sequence></xs:complexType></xs:element>
            </xs:schema>
            """)
        let schema = try XMLSchema(path: xsd)
        let good = try XMLDocument(bytes: Array("<root xmlns=\"urn:t\"><item n=\"1\"/></root>".utf8), fileName: "good.xml")
        #expect(schema.validate(good).isEmpty)
        let bad = try XMLDocument(bytes: Array("<root xmlns=\"urn:t\">\n  <item n=\"x\"/>\n  <item/>\n</root>".utf8), fileName: "bad.xml")
        let errors = schema.validate(bad)
        #expect(errors.count == 2)
        #expect(errors.map(\.line) == [2, 3])
        #expect(errors.allSatisfy { $0.column == 3 && $0.code == .schemaInvalid && $0.file == "bad.xml" })
    }

    @Test func missingSchemaIsAnError() {
        #expect(throws: XMLError.self) { try XMLSchema(path: "/nonexistent.xsd") }
    }
}
