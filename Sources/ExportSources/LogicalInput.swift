/// One stream of records: a plain file, or one member of a bundle.
public struct LogicalInput: Sendable, Equatable {
    /// The member name inside a bundle, nil for a plain file.
    public var member: String?
    /// Which reader to use.
    public var format: PayloadFormat
    /// The layers it was found under, for reports: `csv`, `ndjson.gz`, `zip:csv`, `tar.gz:ndjson.gz`.
    public var formatName: String

    /// Creates a description of a logical input.
    public init(member: String?, format: PayloadFormat, formatName: String) {
        self.member = member
        self.format = format
        self.formatName = formatName
    }
}
