/// One invalid field of a request: the field path, a stable code and a message (never a value).
struct FieldProblem: Sendable, Equatable {
    /// Path of the field, e.g. `identifiers[0].channels`.
    var field: String
    /// Stable lower snake_case code (`required`, `invalid_format`, `invalid_value`, `too_many`, `too_long`).
    var code: String
    /// Human-readable explanation.
    var message: String

    /// The v3/v5 wording: `identifiers[0].channels: field required but not found in Json`.
    var v3Text: String { "\(field): \(message)" }
}
