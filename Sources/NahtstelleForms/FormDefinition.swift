import NahtstelleFEEL

/// A form: key, title, sections of fields. Immutable; loaded from `forms/<key>.json`.
public struct FormDefinition: Sendable {
    /// The key BPMN user tasks refer to (`nahtstelle:form="kostengutsprache-antrag"`).
    public var key: String
    public var title: String
    public var description: String
    public var sections: [FormSection]

    public init(key: String, title: String, description: String = "", sections: [FormSection]) {
        self.key = key
        self.title = title
        self.description = description
        self.sections = sections
    }

    /// All fields in display order.
    public var fields: [FormField] { sections.flatMap(\.fields) }

    public func field(_ id: String) -> FormField? { fields.first { $0.id == id } }
}
