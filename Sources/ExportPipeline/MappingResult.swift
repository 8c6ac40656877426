import ExportContactRules
/// What `MappingProgram` made of one record.
public enum MappingResult: Sendable, Equatable {
    /// A contact ready for a chunk.
    case contact(MappedContact)
    /// Not sendable: `reason` is a stable code (`email_missing`, `email_invalid`, `status_invalid`,
    /// `required_field_missing`, a `require` rule's own reason, or `<field>_invalid` under
    /// `on_invalid: reject`); `email` is the raw address when the row had one.
    case rejected(reason: String, detail: String, email: String?)
    /// Dropped by a `where` rule (counted as `filtered`, not rejected).
    case filtered(detail: String)
}

/// One contact as it will be sent.
public struct MappedContact: Sendable, Equatable {
    /// The normalised email (the dedupe key).
    public var email: String {
        didSet { key = EmailKey(email) }
    }
    /// The dedupe key of `email`, computed where the contact is made (the reading thread of the
    /// prepare job), so that the writing thread only looks it up.
    public private(set) var key: EmailKey
    /// The batch item, one line of JSON without a newline, byte-identical run to run.
    public var json: [UInt8]
    /// Fields left out because their value broke a rule.
    public var warnings: [MappingWarning]
    /// The raw text of the pipeline's `newest` dedupe field, when it has one.
    public var dedupeDate: String?

    /// Creates a contact.
    public init(email: String, json: [UInt8], warnings: [MappingWarning] = [], dedupeDate: String? = nil) {
        self.email = email
        self.key = EmailKey(email)
        self.json = json
        self.warnings = warnings
        self.dedupeDate = dedupeDate
    }
}

/// A field left out of a contact, and why.
public struct MappingWarning: Sendable, Equatable, Hashable {
    /// The wire name of the field (`phone`, `birthdate`, `customProperties.points`, `tags`).
    public var field: String
    /// A stable code: `phone_invalid`, `birthdate_invalid`, `status_date_invalid`,
    /// `country_code_unknown`, `gender_invalid`, `tags_over_limit`, `custom_property_invalid`,
    /// `custom_property_too_long`.
    public var code: String

    /// Creates a warning.
    public init(field: String, code: String) {
        self.field = field
        self.code = code
    }
}
