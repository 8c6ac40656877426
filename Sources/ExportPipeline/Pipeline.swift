import ExportContactRules
import ExportCore

/// A checked pipeline file, ready to run: inputs, dedupe policy, mapping, chunk limits,
/// destination and run-folder location. Built by `PipelineLoader`; the format is documented in
/// `pipelines/README.md`.
public struct Pipeline: Sendable {
    /// The pipeline file as given.
    public var path: String
    /// The pipeline's name (default: the file name without `.yaml`), used in run folder names.
    public var name: String
    /// The inputs, in the order to read them.
    public var inputs: [InputSpec]
    /// Which row wins among rows with the same email.
    public var dedupe: DedupePolicy
    /// Where `dedupe`'s `field:` value was written in the pipeline file (`keep: newest` only).
    public var dedupeFieldLocation: SourceLocation?
    /// The checked mapping.
    public var mapping: MappingPlan
    /// The mapping file, resolved like an input path; `nil` when the mapping is inline.
    public var mappingPath: String?
    /// Most contacts per chunk: default and ceiling `destination.apiVersion.maxBatchItems`.
    public var maxItemsPerChunk: Int
    /// Most bytes per chunk file (default and ceiling 1,000,000).
    public var maxBytesPerChunk: Int
    /// Where the contacts go; the API key itself is never in the pipeline.
    public var destination: Destination
    /// Where new run folders are created, relative to the current directory (default `runs`).
    public var runsDirectory: String
    /// Input size and decompression ceilings.
    public var limits: InputLimits
    /// `on_failure` and `keep_runs`: what happens after a run.
    public var outcome = OutcomePolicy()
    /// Limits on what the run produces: `limits.max_reject_rate`, `limits.min_kept` (exit 5).
    public var runLimits = RunLimits()
    /// When the inputs are ready, and whether unchanged inputs are skipped (`inputs: { ready_marker,
    /// min_age, max_wait, skip_unchanged }`).
    public var readiness = InputReadiness()
    /// `sync:`: diff against the destination state and record what is accepted; `nil` without it.
    public var sync: SyncSettings?

    /// Creates a pipeline (normally through `PipelineLoader.load`).
    public init(
        path: String, name: String, inputs: [InputSpec], dedupe: DedupePolicy, mapping: MappingPlan,
        mappingPath: String?, maxItemsPerChunk: Int, maxBytesPerChunk: Int, destination: Destination,
        runsDirectory: String, limits: InputLimits
    ) {
        self.path = path
        self.name = name
        self.inputs = inputs
        self.dedupe = dedupe
        self.mapping = mapping
        self.mappingPath = mappingPath
        self.maxItemsPerChunk = maxItemsPerChunk
        self.maxBytesPerChunk = maxBytesPerChunk
        self.destination = destination
        self.runsDirectory = runsDirectory
        self.limits = limits
    }
}
