import ExportChunks
import ExportCore
import ExportFormats
import ExportPipeline
import ExportRunFolder
import ExportSources
import ExportSync
import Foundation

/// The `prepare` stage: reads a pipeline's inputs, validates, maps and deduplicates every row,
/// and writes a run folder of chunk files, side files and, last, the manifest.
///
/// The record path runs in two stages on two threads (read, parse and map | dedupe and write),
/// joined by a bounded queue of row batches; no `await` per row. Every row read is accounted for as kept,
/// rejected, duplicate or filtered; the job refuses to write a manifest whose counts do not
/// balance. Nothing in the folder is trusted until `manifest.json` appears, atomically, at the end.
public struct PrepareJob: Sendable {
    /// The pipeline file.
    public var pipelinePath: String
    /// Input paths or globs that replace the pipeline's inputs (relative to the working directory).
    public var inputOverrides: [String]
    /// The run folder to write; `nil` means a new folder under the pipeline's runs directory.
    public var outputDirectory: String?
    /// The date the mapping's `run_date` source sees (`YYYY-MM-DD`); today (UTC) when `nil`.
    public var runDate: String?
    /// The process environment, for `${ENV}` references in the pipeline.
    public var environment: [String: String]
    /// Told the run folder as soon as it exists, so that a caller can record a run that fails later.
    public var onRunDirectory: (@Sendable (String) -> Void)?
    /// `--incremental` / `--full`: overrides the pipeline's `sync:` mode (and turns sync on for a
    /// pipeline without one); `nil` follows the pipeline.
    public var syncMode: SyncSettings.Mode?
    /// Called with the opened destination state before it is read for the diff: the CLI replays
    /// the deliveries recorded in checkpoints but not yet in the state (docs/sync.md).
    public var beforeDiff: (@Sendable (DestinationStateStore) throws -> Void)?

    /// Creates a job.
    public init(
        pipelinePath: String, inputOverrides: [String] = [], outputDirectory: String? = nil, runDate: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.pipelinePath = pipelinePath
        self.inputOverrides = inputOverrides
        self.outputDirectory = outputDirectory
        self.runDate = runDate
        self.environment = environment
    }

    /// Runs the stage.
    /// - Parameter log: receives progress and warning lines meant for a person (stderr in the CLI).
    /// - Returns: the run folder and its manifest.
    /// - Throws: `ExportError` for an unusable input, an invalid pipeline or a failed write. The
    ///   folder is then left without a manifest, so no later stage trusts it.
    ///   `ExportError.notReady` when the inputs were not ready within `inputs.max_wait`;
    ///   `NothingNew` when `inputs.skip_unchanged` found the inputs of the last successful run
    ///   (nothing is written then).
    public func run(log: @escaping (String) -> Void) throws -> PrepareResult {
        let pipeline = try loadPipeline()
        try InputGate(readiness: pipeline.readiness, patterns: inputPatterns(pipeline)).waitUntilReady(log: log)
        let inputs = try resolveInputs(pipeline)
        if pipeline.readiness.skipUnchanged { try skipIfUnchanged(pipeline, inputs: inputs) }
        try RunChecks.requireColumns(pipeline, inputs: inputs)
        let runDirectory = try prepareRunDirectory(pipeline)
        onRunDirectory?(runDirectory)
        var run = RecordRun(
            pipeline: pipeline, runDirectory: runDirectory, runDate: runDate ?? Self.today(), log: log)
        run.syncPlan = try syncPlan(pipeline, log: log)
        let manifest = try run.execute(inputs: inputs, pipelineBytes: try Self.readFile(pipelinePath))
        return PrepareResult(runDirectory: runDirectory, manifest: manifest)
    }

    /// Opens the destination state, replays what is missing, decides `full_every`, and reads it;
    /// `nil` when the run does not sync.
    func syncPlan(_ pipeline: Pipeline, log: (String) -> Void) throws -> SyncPlan? {
        guard var settings = pipeline.sync ?? syncMode.map({ SyncSettings(mode: $0) }) else { return nil }
        if let syncMode { settings.mode = syncMode }
        let location = StateLocation(
            destination: pipeline.destination, pipelineName: pipeline.name, explicitPath: settings.statePath,
            stateDirectory: try StateDirectory(environment: environment))
        let store = try DestinationStateStore(path: location.path, key: location.key)
        try beforeDiff?(store)
        let snapshot = try StateSnapshot.load(store)
        if settings.mode == .incremental, syncMode == nil, let every = settings.fullEverySeconds, snapshot.members > 0 {
            let last = try store.version().lastFullAt
            let age = last.flatMap { ISO8601DateFormatter().date(from: $0) }.map { Date().timeIntervalSince($0) }
            if age.map({ $0 >= every }) ?? true {
                settings.mode = .full
                log("sync: a full run (full_every: the last full run recorded was \(last ?? "never"))")
            }
        }
        log("sync: \(settings.mode.rawValue) run against the destination state \(location.key) (version \(snapshot.version), "
            + "\(snapshot.members) contact(s)): \(location.path)")
        return SyncPlan(settings: settings, location: location, snapshot: snapshot, store: store)
    }

    private func loadPipeline() throws -> Pipeline {
        do {
            return try PipelineLoader.load(path: pipelinePath, environment: environment)
        } catch {
            throw ExportError(.config, "\n" + String(describing: error), path: pipelinePath)
        }
    }

    /// The input patterns as resolved paths or globs: `--input`'s, else the pipeline's.
    private func inputPatterns(_ pipeline: Pipeline) -> [String] {
        inputOverrides.isEmpty ? pipeline.inputs.map(\.resolvedPattern) : inputOverrides
    }

    /// The runs folder whose `history.ndjson` this run belongs to: the parent of `--out`, else
    /// the pipeline's `runs_dir`.
    private func runsDirectory(_ pipeline: Pipeline) -> String {
        guard let outputDirectory else { return pipeline.runsDirectory }
        let trimmed = outputDirectory.hasSuffix("/") ? String(outputDirectory.dropLast()) : outputDirectory
        return InputGate.folder(of: trimmed)
    }

    /// `inputs.skip_unchanged`: throws `NothingNew` when the inputs have the same sha256 (in any
    /// order, whatever their paths) as the inputs of the pipeline's last `success` in the history.
    private func skipIfUnchanged(_ pipeline: Pipeline, inputs: [ResolvedInput]) throws {
        let runs = runsDirectory(pipeline)
        guard let last = RunHistoryFile.read(runsDirectory: runs, pipeline: pipeline.name).last(where: {
            $0.outcome == "success"
        }) else { return }
        let files = try inputs.map { RunHistoryEntry.Input(path: $0.path, sha256: try FileHasher.fingerprint($0.path).sha256) }
        let current = files.map(\.sha256).sorted()
        guard !current.isEmpty, current == last.inputs.map(\.sha256).sorted() else { return }
        throw NothingNew(lastRun: last.runDirectory, finishedAt: last.finishedAt, runsDirectory: runs, files: files, pipeline: pipeline.name)
    }

    /// The files to read: `--input` wins over the pipeline; each keeps the format and CSV options
    /// of the pipeline's first input when overridden.
    private func resolveInputs(_ pipeline: Pipeline) throws -> [ResolvedInput] {
        if !inputOverrides.isEmpty {
            let template = pipeline.inputs.first
            return try inputOverrides.flatMap { pattern in
                try InputResolver.expand(pattern).map {
                    ResolvedInput(
                        path: $0, format: template?.format ?? .auto, csv: template?.csv ?? CSVOptions(),
                        members: template?.members ?? MemberFilter())
                }
            }
        }
        guard !pipeline.inputs.isEmpty else {
            throw ExportError(.noInput, "the pipeline names no inputs; add `inputs:` or pass --input", path: pipelinePath)
        }
        return try pipeline.inputs.flatMap { spec in
            try InputResolver.expand(spec.resolvedPattern).map {
                ResolvedInput(path: $0, format: spec.format, csv: spec.csv, members: spec.members)
            }
        }
    }

    /// Creates the run folder (0700), or clears the output of an earlier, unfinished `prepare` in
    /// it. A folder that an upload has already used is refused: its checkpoint refers to its chunks.
    private func prepareRunDirectory(_ pipeline: Pipeline) throws -> String {
        let directory: String
        if let outputDirectory {
            directory = outputDirectory
        } else {
            let stamp = Self.timestamp()
            var candidate = "\(pipeline.runsDirectory)/\(pipeline.name)-\(stamp)"
            var n = 2
            while FileSystem.exists(candidate) {
                candidate = "\(pipeline.runsDirectory)/\(pipeline.name)-\(stamp)-\(n)"
                n += 1
            }
            directory = candidate
        }
        if FileSystem.exists(directory + "/" + RunFolderLayout.checkpoint) {
            throw ExportError(
                .cannotCreate,
                "this run folder has an upload checkpoint; prepare into a new folder (or delete this one)",
                path: directory)
        }
        try FileSystem.createDirectory(directory)
        // The manifest goes first, so the folder reads as unfinished while it is rewritten.
        try FileSystem.removeFile(directory + "/" + RunFolderLayout.manifest)
        let chunks = directory + "/" + RunFolderLayout.chunksDirectory
        for name in FileSystem.contents(of: chunks) { try FileSystem.removeFile(chunks + "/" + name) }
        for name in FileSystem.contents(of: directory) where name.hasSuffix(".tmp") {
            try FileSystem.removeFile(directory + "/" + name)
        }
        try FileSystem.createDirectory(chunks)
        return directory
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExportError(.noInput, "cannot read file", path: path)
        }
        return [UInt8](data)
    }

    private static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    private static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date())
    }
}

/// What `prepare` produced.
public struct PrepareResult: Sendable {
    /// The run folder.
    public var runDirectory: String
    /// Its manifest, as written.
    public var manifest: RunManifest
}

/// `prepare` found nothing new (`inputs.skip_unchanged`): the inputs have the same sha256 as the
/// last successful run of the pipeline. Nothing was written; `prepare` and `run` exit 0.
public struct NothingNew: Error, Sendable, CustomStringConvertible {
    /// The last successful run folder, as the history names it.
    public var lastRun: String
    /// When it finished (ISO 8601 UTC).
    public var finishedAt: String
    /// The runs folder whose history was compared (where `run` notes the skip).
    public var runsDirectory: String
    /// The input files compared, each with its sha256, in the order read.
    public var files: [RunHistoryEntry.Input]
    /// The pipeline's name.
    public var pipeline: String
    /// How many input files were compared.
    public var inputs: Int { files.count }

    /// What the commands print.
    public var description: String {
        "nothing new: \(inputs == 1 ? "the input file has" : "the \(inputs) input files have") the same sha256 as the last successful run "
            + "(\(lastRun), finished \(finishedAt)); nothing was written (inputs.skip_unchanged)"
    }
}

/// One input file to read, with the options of the pipeline input that named it.
struct ResolvedInput {
    var path: String
    var format: InputFormat
    var csv: CSVOptions
    var members = MemberFilter()
}
