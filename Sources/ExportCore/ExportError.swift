import Foundation

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
    /// The error underneath, when this one wraps another (SQLite's, a decoder's, the file
    /// system's): kept whole for a caller that looks at it, and printed after `message`.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, origin: RecordOrigin? = nil, path: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.origin = origin
        self.path = path
        self.cause = cause
    }

    /// `message`, then `: ` and the cause's own words when there is a cause; no location.
    public var explanation: String {
        guard let cause else { return message }
        return "\(message): \(Self.words(of: cause))"
    }

    /// `file[:member]:line: explanation`, `path: explanation`, or the explanation alone.
    public var description: String {
        if let origin { return "\(origin): \(explanation)" }
        if let path { return "\(path): \(explanation)" }
        return explanation
    }

    /// Two errors are equal when they say the same thing about the same place; causes compare by
    /// their words.
    public static func == (lhs: ExportError, rhs: ExportError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.origin == rhs.origin && lhs.path == rhs.path
            && lhs.cause.map(words) == rhs.cause.map(words)
    }

    /// How a cause reads in a message: Foundation's errors by their localized description (their
    /// `description` is a dump of fields), every other error by its `description`.
    static func words(of error: any Error) -> String {
        switch error {
        case let error as CocoaError: return error.localizedDescription
        case let error as POSIXError: return error.localizedDescription
        default: return String(describing: error)
        }
    }
}
