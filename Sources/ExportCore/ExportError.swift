/// An error that stops a stage: an unusable file, a broken configuration, a failed write.
///
/// Bad rows are `Rejection`s, not errors. Messages name files, lines and field *names*, never
/// field values, emails or the API key.
public struct ExportError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A bounded classification that decides the exit code.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// A flag or argument is wrong (exit 64).
        case usage
        /// An input is unusable: corrupt gzip or archive, unterminated quote (exit 65).
        case corruptInput = "corrupt_input"
        /// An input does not exist or no input matched (exit 66).
        case noInput = "no_input"
        /// A limit was passed: decompression bomb, field too large for the run (exit 65).
        case limitExceeded = "limit_exceeded"
        /// A file or folder could not be created or written: permissions, a missing folder (exit 73).
        case cannotCreate = "cannot_create"
        /// Reading or writing failed for lack of room or a device error: a full disk or quota (exit 74).
        case io
        /// The pipeline or mapping is invalid (exit 78).
        case config
        /// The run folder does not match its manifest (exit 65).
        case tampered
        /// The pipeline's run limits were exceeded: `limits.max_reject_rate`, `limits.min_kept`
        /// (exit 5).
        case runLimit = "run_limit"
        /// The mapping reads a column or key that no input has: a CSV header lacks it, or no
        /// NDJSON row of the run had it (exit 65).
        case columnMissing = "column_missing"
        /// The inputs were not ready (`inputs.ready_marker`, `inputs.min_age`) within
        /// `inputs.max_wait` (exit 75).
        case notReady = "not_ready"
        /// The destination state was advanced by another run since this run folder was prepared
        /// against it (`sync:`); prepare again (exit 8).
        case staleState = "stale_state"
        /// Something the tool got wrong (exit 70).
        case `internal`
    }

    /// The classification.
    public var code: Code
    /// What happened and, where useful, what to do.
    public var message: String
    /// Where in the input, when the error is about input.
    public var origin: RecordOrigin?
    /// The path of the file concerned, when not an input origin (a chunk, the pipeline).
    public var path: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, origin: RecordOrigin? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.origin = origin
        self.path = path
    }

    /// `file[:member]:line: message`, `path: message`, or the message alone.
    public var description: String {
        if let origin { return "\(origin): \(message)" }
        if let path { return "\(path): \(message)" }
        return message
    }
}
