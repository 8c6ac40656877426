/// One line of `history.ndjson` in a runs folder: what one `run`, `prepare` or `upload` of a
/// pipeline did, appended when it ends. The history outlives pruned run folders (`keep_runs`),
/// so `history` and `report --runs` read it, and `inputs.skip_unchanged` compares with it.
///
/// Counts come from the run folder's manifest and upload report, never recounted. Holds no
/// email, no key and no field value.
public struct RunHistoryEntry: Sendable, Codable, Equatable {
    /// The line format version (1).
    public var formatVersion: Int
    /// The pipeline's name (its `name:`, else the file name without `.yaml`).
    public var pipeline: String
    /// The run folder, relative to the runs folder (its name), or as given when elsewhere.
    public var runDirectory: String
    /// The command that ended: `run`, `prepare` or `upload`.
    public var command: String
    /// When the command started and ended, ISO 8601 UTC (`2026-12-03T02:00:00Z`).
    public var startedAt: String
    public var finishedAt: String
    /// Wall time of the command, in seconds.
    public var durationSeconds: Double
    /// How it ended: `success`, `failed_items`, `stopped` (resumable: deadline, signal,
    /// unreachable), `limits_exceeded`, `nothing_new`, `rehearsal`, `error`.
    public var outcome: String
    /// The process exit code.
    public var exitCode: Int
    /// The destination's identity as shown to people (base URL and API version, or
    /// `rehearsal`); never the key, at most its fingerprint.
    public var destination: String?
    /// The accounting of prepare (absent when the command failed before it).
    public var counts: RunCounts?
    /// Contacts written to chunks (to be sent).
    public var sent: Int?
    /// Contacts Omnisend accepted, and failed, when an upload ran.
    public var accepted: Int?
    public var failed: Int?
    /// Each input with its sha256, in the order read.
    public var inputs: [Input]

    /// One input file of the run.
    public struct Input: Sendable, Codable, Equatable {
        public var path: String
        public var sha256: String
        /// Creates an input line.
        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// Creates an entry.
    public init(
        formatVersion: Int = 1, pipeline: String, runDirectory: String, command: String, startedAt: String,
        finishedAt: String, durationSeconds: Double, outcome: String, exitCode: Int, destination: String? = nil,
        counts: RunCounts? = nil, sent: Int? = nil, accepted: Int? = nil, failed: Int? = nil, inputs: [Input] = []
    ) {
        self.formatVersion = formatVersion
        self.pipeline = pipeline
        self.runDirectory = runDirectory
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.outcome = outcome
        self.exitCode = exitCode
        self.destination = destination
        self.counts = counts
        self.sent = sent
        self.accepted = accepted
        self.failed = failed
        self.inputs = inputs
    }
}
