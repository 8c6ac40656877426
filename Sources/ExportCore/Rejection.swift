/// A row that will not be sent, with why. Bad data is a value, not an error: the run goes on.
public struct Rejection: Sendable, Equatable {
    /// Where the row came from.
    public var origin: RecordOrigin
    /// A stable lower_snake_case code (`email_invalid`, `field_count`, `invalid_utf8`, …).
    public var reason: String
    /// A human sentence with the specifics (which rule, which field); never the API key.
    public var detail: String
    /// The raw email as found in the row, when there was one (the rejects file is private to the user).
    public var email: String?

    /// Creates a rejection.
    public init(origin: RecordOrigin, reason: String, detail: String, email: String? = nil) {
        self.origin = origin
        self.reason = reason
        self.detail = detail
        self.email = email
    }
}

/// What a reader yields: a record, or a row it could not parse (which the run counts and goes past).
public enum ReadOutcome: Sendable, Equatable {
    case record(Record)
    case malformed(Rejection)
}

/// Produces records from one logical input (a file, or one member of a bundle).
public protocol RecordReader {
    /// The next record or malformed row, or `nil` at the end of the input.
    /// - Throws: `ExportError` only when the input itself is unusable (I/O error, corrupt
    ///   compression, unterminated quote at end of file).
    mutating func next() throws -> ReadOutcome?
}
