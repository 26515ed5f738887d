import NahtstelleFEEL

/// The kinds of input a form field takes.
public enum FormFieldType: String, Sendable, Hashable, CaseIterable {
    case text
    case multiline = "multi-line"
    case date
    case dateTime = "date-time"
    case yesNo = "yes-no"
    case choice
    case amount
    case percentage
    case number
    case ahvNumber = "ahv-number"
    case office
    case user
    /// Rows of sub-fields (e.g. cost positions of a Kostengutsprache).
    case table
}

/// One allowed value of a choice field: stored `id` (English), shown `label` (German).
public struct FormChoice: Sendable, Hashable {
    public var id: String
    public var label: String
    public init(id: String, label: String) {
        self.id = id
        self.label = label
    }
}

/// A condition on another field's value (`{"field": "decision", "equals": "rejected"}`).
public struct FieldCondition: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        case equals(Value)
        case notEquals(Value)
        case oneOf([Value])
        /// The other field has any value.
        case filled
    }
    public var field: String
    public var test: Test
    public init(field: String, test: Test) {
        self.field = field
        self.test = test
    }

    /// Evaluates against normalised values (choice ids, booleans, numbers).
    public func holds(in values: [String: Value]) -> Bool {
        let value = values[field]
        func same(_ a: Value?, _ b: Value) -> Bool {
            guard let a else { return false }
            if case .list(let items) = a { return items.contains(b) }
            if case .number(let x) = a, case .number(let y) = b { return x == y }
            return a == b
        }
        switch test {
        case .equals(let v): return same(value, v)
        // An unanswered field neither equals nor differs: a condition on it does not hold.
        case .notEquals(let v): return value != nil && value != .null && !same(value, v)
        case .oneOf(let vs): return vs.contains { same(value, $0) }
        case .filled: return value != nil && value != .null
        }
    }
}

/// Limits on a field's value.
public struct FieldConstraints: Sendable, Hashable {
    public var minLength: Int?
    public var maxLength: Int?
    /// Lower/upper bound for numbers, amounts, percentages.
    public var min: Value?
    public var max: Value?
    /// Allowed numbers (e.g. planned duration 3 or 6 months).
    public var allowedValues: [Value]?
    /// Whole numbers only (`number`).
    public var integer: Bool = false
    /// For dates: must not lie before this other field (period to ≥ from).
    public var notBefore: String?
    /// Table rows.
    public var minRows: Int?
    public var maxRows: Int?
    public init() {}
}

/// One field of a form.
public struct FormField: Sendable {
    public var id: String
    public var label: String
    public var type: FormFieldType
    public var required: Bool
    /// Required only when all these conditions hold (in addition to `required == false`).
    public var requiredWhen: [FieldCondition]
    public var constraints: FieldConstraints
    public var choices: [FormChoice]
    /// Choice: several values may be picked (stored as a list of ids).
    public var multiple: Bool
    public var help: String
    /// Columns of a table field.
    public var columns: [FormField]

    public init(id: String, label: String, type: FormFieldType, required: Bool = false, requiredWhen: [FieldCondition] = [],
                constraints: FieldConstraints = FieldConstraints(), choices: [FormChoice] = [], multiple: Bool = false,
                help: String = "", columns: [FormField] = []) {
        self.id = id
        self.label = label
        self.type = type
        self.required = required
        self.requiredWhen = requiredWhen
        self.constraints = constraints
        self.choices = choices
        self.multiple = multiple
        self.help = help
        self.columns = columns
    }

    /// Whether the field must be filled, given the other (normalised) values.
    public func isRequired(given values: [String: Value]) -> Bool {
        required || (!requiredWhen.isEmpty && requiredWhen.allSatisfy { $0.holds(in: values) })
    }
}

/// A titled group of fields, as shown on screen.
public struct FormSection: Sendable {
    public var title: String
    public var help: String
    public var fields: [FormField]
    public init(title: String, help: String = "", fields: [FormField]) {
        self.title = title
        self.help = help
        self.fields = fields
    }
}
