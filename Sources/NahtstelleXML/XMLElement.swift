import CLibXML2

/// An element of an `XMLDocument`. Keeps its document alive.
public struct XMLElement {
    let node: xmlNodePtr
    /// The document the element belongs to.
    public let document: XMLDocument

    init(node: xmlNodePtr, document: XMLDocument) {
        self.node = node
        self.document = document
    }

    /// The name without prefix.
    public var localName: String { LibXML2.string(node.pointee.name) ?? "" }

    /// The namespace URI, `nil` for an element in no namespace.
    public var namespaceURI: String? { LibXML2.string(node.pointee.ns?.pointee.href) }

    /// The prefix as written, `nil` for the default namespace or none.
    public var prefix: String? { LibXML2.string(node.pointee.ns?.pointee.prefix) }

    /// `prefix:localName` as written in the file.
    public var qualifiedName: String { prefix.map { "\($0):\(localName)" } ?? localName }

    /// Whether the element has this local name in this namespace.
    public func `is`(_ localName: String, in namespaceURI: String) -> Bool {
        self.namespaceURI == namespaceURI && self.localName == localName
    }

    /// An attribute's value.
    /// - Parameters:
    ///   - name: the local name.
    ///   - namespaceURI: `nil` for an unprefixed attribute (attributes do not inherit the default namespace).
    public func attribute(_ name: String, namespace namespaceURI: String? = nil) -> String? {
        if let namespaceURI {
            return LibXML2.takeString(xmlGetNsProp(node, name, namespaceURI))
        }
        return LibXML2.takeString(xmlGetNoNsProp(node, name))
    }

    /// All attributes in document order.
    public var attributes: [XMLAttribute] {
        var result: [XMLAttribute] = []
        var attr = node.pointee.properties
        while let a = attr {
            let value = LibXML2.takeString(xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1)) ?? ""
            result.append(XMLAttribute(localName: LibXML2.string(a.pointee.name) ?? "",
                                       namespaceURI: LibXML2.string(a.pointee.ns?.pointee.href), value: value))
            attr = a.pointee.next
        }
        return result
    }

    /// Child elements in document order (text, comments and processing instructions left out).
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(node: c, document: document)) }
            child = c.pointee.next
        }
        return result
    }

    /// Child elements with this local name in this namespace.
    public func children(_ localName: String, in namespaceURI: String) -> [XMLElement] {
        children.filter { $0.is(localName, in: namespaceURI) }
    }

    /// The first child element with this local name in this namespace.
    public func child(_ localName: String, in namespaceURI: String) -> XMLElement? {
        children.first { $0.is(localName, in: namespaceURI) }
    }

    /// The text of the element and all its descendants, concatenated.
    public var text: String { LibXML2.takeString(xmlNodeGetContent(node)) ?? "" }

    /// The parent element, `nil` for the root.
    public var parent: XMLElement? {
        guard let p = node.pointee.parent, p.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLElement(node: p, document: document)
    }

    /// The line libxml2 recorded (where the start tag ends).
    public var reportedLine: Int { Int(xmlGetLineNo(node)) }

    /// Line and column of the start tag's `<` (best effort: libxml2 keeps no column per node,
    /// so the source line is searched; column 0 when it cannot be found).
    public var position: (line: Int, column: Int) {
        document.startTagPosition(qualifiedName: qualifiedName, reportedLine: reportedLine)
    }

    /// Whether two values denote the same element.
    public func isSameElement(as other: XMLElement) -> Bool { node == other.node }
}

/// One attribute of an element.
public struct XMLAttribute: Sendable, Hashable {
    public var localName: String
    /// `nil` for an unprefixed attribute.
    public var namespaceURI: String?
    public var value: String
}
