/// What a user may do within their office. A user has one or more roles, always in one office.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fallführer:in: RAV-PB, IV-Eingliederungsberater:in, Sozialberater:in.
    case advisor
    /// The office's OPTIMA contact: receives and checks applications, assigns accepted cases.
    case optimaContact = "optima-contact"
    /// Zeichnungsberechtigte Person: signs the office's Kostengutsprachen.
    case signatory
    /// IIZ-Koordinationsstelle: definitions, offices, users, and reports across all offices.
    case coordinator
}
