import NahtstelleFEEL

/// The OPTIMA-Person: the client whose case management is handed over.
///
/// The AHV number is stored as an already validated and normalised string
/// (`756.XXXX.XXXX.XC`); validation (EAN-13 check digit) belongs to the forms layer.
public struct Person: Sendable, Hashable {
    public var lastName: String
    public var firstName: String
    public var birthDate: LocalDate?
    /// Postal address, one line each.
    public var addressLines: [String]
    public var ahvNumber: String
    /// Personal number in the referrer's own system (Pers-Nr.), if any.
    public var referrerPersonNumber: String?
    public var phone: String?

    public init(
        lastName: String, firstName: String, birthDate: LocalDate? = nil, addressLines: [String] = [],
        ahvNumber: String, referrerPersonNumber: String? = nil, phone: String? = nil
    ) {
        self.lastName = lastName
        self.firstName = firstName
        self.birthDate = birthDate
        self.addressLines = addressLines
        self.ahvNumber = ahvNumber
        self.referrerPersonNumber = referrerPersonNumber
        self.phone = phone
    }

    /// "Muster Hans" as used in lists and letters.
    public var fullName: String { lastName + " " + firstName }
}
