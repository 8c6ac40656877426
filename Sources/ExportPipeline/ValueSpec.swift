/// Where a field's value comes from, and the transforms applied to it, as checked from the mapping.
struct ValueSpec: Sendable {
    /// The origin of the value.
    enum Source: Sendable {
        /// A column or NDJSON key (dotted path into nested objects), by column slot.
        case column(Int)
        /// Several columns, as a list (for `join`).
        case columns([Int])
        /// A constant.
        case constant(String)
        /// The input's name (`file` or `file:member`).
        case inputFile
        /// The 1-based number of the record in its input (header excluded).
        case rowNumber
        /// The 1-based line on which the record starts.
        case line
        /// The run's date, `YYYY-MM-DD`.
        case runDate
        /// The first of several specs that gives a non-blank value.
        case firstNonEmpty([ValueSpec])
    }

    var source: Source
    var transforms: [Transform]
    /// Where the spec is written (for sample checks).
    var location = ConfigLocation(line: 0, column: 0)
}

/// What a field does when its value breaks a rule or an Omnisend limit.
enum OnInvalid: String, Sendable {
    /// Leave the field out of the contact and record a warning (the default).
    case drop
    /// Reject the whole row.
    case reject
}

/// A column name the mapping reads, with every place that names it (for `check`).
struct ColumnReference: Sendable {
    var name: String
    var locations: [ConfigLocation]
}

/// A place in a config file.
struct ConfigLocation: Sendable {
    var line: Int
    var column: Int
}
