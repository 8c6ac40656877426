/// The summary of one `prepare`, `run` or `upload` for other tools: written by `--summary-json
/// PATH`, and handed to the pipeline's `on_failure` command. Versioned by `formatVersion`; keys
/// are only ever added within a version.
///
/// Holds no email, no key and no field value: counts, paths, the destination's base URL and the
/// error messages the command printed (with emails as keyed hashes).
public struct RunSummary: Sendable, Codable, Equatable {
    /// The format version written by this tool.
    public static let currentFormatVersion = 1

    /// The format version (1).
    public var formatVersion: Int
    /// The command: `prepare`, `run` or `upload`.
    public var command: String
    /// The pipeline's name, when known.
    public var pipeline: String?
    /// The run folder, as the command printed it (absent when prepare failed before creating it).
    public var runDirectory: String?
    /// How it ended, with the words of `history.ndjson`: `success`, `failed_items`, `stopped`,
    /// `limits_exceeded`, `nothing_new`, `rehearsal`, `error`.
    public var outcome: String
    /// The process exit code (the table in `omnisend-export --help`).
    public var exitCode: Int
    /// Why an upload stopped early: `deadline`, `interrupted`, `terminated`, `unreachable`,
    /// `key_rejected`, `error`.
    public var stopReason: String?
    /// The error messages the command printed, in order.
    public var errors: [String]
    /// Where the contacts went (never the key).
    public var destination: SummaryDestination?
    /// The accounting of prepare: rows = kept + rejected + duplicates + filtered.
    public var counts: RunCounts?
    /// Contacts Omnisend accepted, failed (listed in `failed.ndjson`) and not sent yet.
    public var accepted: Int?
    public var failed: Int?
    public var notSent: Int?
    /// Files of the run worth opening next (`failed`, `report`, `rejects`, `history`), by role.
    public var files: [String: String]
    /// Wall-clock times, ISO 8601 UTC, and seconds spent.
    public var timings: Timings

    /// Where the contacts went.
    public struct SummaryDestination: Sendable, Codable, Equatable {
        /// The base URL (`https://api.omnisend.com/v5`, or the bundled simulator's in a rehearsal).
        public var baseURL: String
        /// The API version.
        public var apiVersion: String
        /// Whether this was a rehearsal against the bundled simulator.
        public var rehearsal: Bool
        /// Creates a destination.
        public init(baseURL: String, apiVersion: String, rehearsal: Bool) {
            self.baseURL = baseURL
            self.apiVersion = apiVersion
            self.rehearsal = rehearsal
        }
    }

    /// When the command ran and how long its stages took.
    public struct Timings: Sendable, Codable, Equatable {
        public var startedAt: String
        public var finishedAt: String
        public var durationSeconds: Double
        /// Seconds in prepare and in upload, for the stages that ran.
        public var prepareSeconds: Double?
        public var uploadSeconds: Double?
        /// Creates timings.
        public init(startedAt: String, finishedAt: String, durationSeconds: Double, prepareSeconds: Double? = nil, uploadSeconds: Double? = nil) {
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.durationSeconds = durationSeconds
            self.prepareSeconds = prepareSeconds
            self.uploadSeconds = uploadSeconds
        }
    }

    /// Creates a summary.
    public init(
        command: String, pipeline: String?, runDirectory: String?, outcome: String, exitCode: Int, stopReason: String? = nil,
        errors: [String] = [], destination: SummaryDestination? = nil, counts: RunCounts? = nil, accepted: Int? = nil,
        failed: Int? = nil, notSent: Int? = nil, files: [String: String] = [:], timings: Timings
    ) {
        self.formatVersion = Self.currentFormatVersion
        self.command = command
        self.pipeline = pipeline
        self.runDirectory = runDirectory
        self.outcome = outcome
        self.exitCode = exitCode
        self.stopReason = stopReason
        self.errors = errors
        self.destination = destination
        self.counts = counts
        self.accepted = accepted
        self.failed = failed
        self.notSent = notSent
        self.files = files
        self.timings = timings
    }
}
