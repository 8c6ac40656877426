import ExportCore
import ExportPipeline

/// What `check` found in a pipeline: its problems (empty when the pipeline is sound) and what a
/// sample of each input's rows maps to: a preview of contacts as they would be sent, the reject
/// reasons, the warnings and how often each contact field gets a value.
public struct PipelineCheckReport: Sendable {
    /// One input (a file, or a member of a bundle) as sampled.
    public struct Input: Sendable, Equatable {
        /// The input's name as shown (`file`, or `file:member`).
        public var name: String
        /// The format read: `csv`, `ndjson`.
        public var format: String
        /// Rows sampled (including rows the reader could not parse).
        public var rows: Int
        /// The number of header columns (for NDJSON: distinct top-level keys in the sample).
        public var columns: Int
        /// Whether the sample is the whole input.
        public var complete: Bool

        /// Creates an input entry.
        public init(name: String, format: String, rows: Int, columns: Int, complete: Bool) {
            self.name = name
            self.format = format
            self.rows = rows
            self.columns = columns
            self.complete = complete
        }
    }

    /// How often one code (a reject reason, a warning) was seen, and where first.
    public struct Count: Sendable, Equatable {
        /// The stable code (`email_invalid`, `phone_invalid`, …).
        public var code: String
        /// How many sampled rows had it.
        public var count: Int
        /// The first such row: `file:line`, then the detail when there is one.
        public var example: String

        /// Creates a count.
        public init(code: String, count: Int, example: String) {
            self.code = code
            self.count = count
            self.example = example
        }
    }

    /// A contact of the preview.
    public struct Contact: Sendable, Equatable {
        /// The row it was mapped from.
        public var origin: RecordOrigin
        /// The batch item exactly as `prepare` writes it.
        public var json: [UInt8]

        /// Creates a preview entry.
        public init(origin: RecordOrigin, json: [UInt8]) {
            self.origin = origin
            self.json = json
        }
    }

    /// How many mapped contacts give one field a value.
    public struct Fill: Sendable, Equatable {
        /// The wire name (`firstName`, `phone`, `customProperties.points`).
        public var field: String
        /// Contacts with a value.
        public var filled: Int

        /// Creates a fill rate.
        public init(field: String, filled: Int) {
            self.field = field
            self.filled = filled
        }
    }

    /// How many kept contacts of the sample get one status on one channel, with one date source.
    public struct ConsentCount: Sendable, Equatable {
        /// `email` or `sms`.
        public var channel: String
        /// `subscribed`, `unsubscribed` or `nonSubscribed`.
        public var status: String
        /// `column`, `constant`, `now` or `keep-existing` (see `MappingPlan.consentDateSource`).
        public var dateSource: String
        /// How many contacts.
        public var count: Int

        /// Creates a consent count.
        public init(channel: String, status: String, dateSource: String, count: Int) {
            self.channel = channel
            self.status = status
            self.dateSource = dateSource
            self.count = count
        }
    }

    /// The pipeline file as given.
    public var pipeline: String
    /// Every problem found, in file order; empty when the pipeline is sound.
    public var problems: [ConfigProblem] = []
    /// Notes for the person (skipped bundle members).
    public var notes: [String] = []
    /// Mapped NDJSON keys or nested paths that no sampled row had: warnings, located in the
    /// mapping, that do not make the pipeline unsound (later rows may have them).
    public var mappingWarnings: [ConfigProblem] = []
    /// The sampled inputs, in reading order.
    public var inputs: [Input] = []
    /// Rows sampled in all inputs.
    public var rows = 0
    /// Sampled rows that mapped to a contact (duplicates included).
    public var contacts = 0
    /// Sampled rows a `where` rule dropped.
    public var filtered = 0
    /// Mapped rows whose email an earlier sampled row already had.
    public var duplicates = 0
    /// Reject reasons seen, most frequent first.
    public var rejectReasons: [Count] = []
    /// Warnings (fields left out of a contact), most frequent first.
    public var warnings: [Count] = []
    /// The first contacts of the sample that `prepare` keeps (by the pipeline's dedupe policy).
    public var preview: [Contact] = []
    /// The consent effect of the sample's kept contacts, per channel (email first).
    public var consent: [ConsentCount] = []
    /// Consent choices that are allowed but risky (a constant `subscribed`); not problems.
    public var consentWarnings: [ConfigProblem] = []
    /// For each optional field the mapping fills, in wire order, how many of the `contacts` have it.
    public var fillRates: [Fill] = []

    /// Creates an empty report for `pipeline`.
    public init(pipeline: String) {
        self.pipeline = pipeline
    }

    /// Rows rejected in the sample.
    public var rejected: Int { rejectReasons.reduce(0) { $0 + $1.count } }

    /// Whether the pipeline can be run as it is: no problems.
    public var isSound: Bool { problems.isEmpty }
}
