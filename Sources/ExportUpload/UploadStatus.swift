import ExportChunks
import ExportCore
import Foundation

/// Where an upload stands, read from the manifest and the checkpoint alone (no network).
public struct UploadStatus: Sendable, Codable, Equatable {
    /// Chunks by state.
    public var chunksPending: Int
    public var chunksInFlight: Int
    public var chunksDone: Int
    public var chunksFailed: Int
    /// Contacts in the run, accepted, failed.
    public var contacts: Int
    public var accepted: Int
    public var failed: Int
    /// Seconds spent uploading so far.
    public var elapsedSeconds: Double
    /// Estimated seconds left at the default rate share.
    public var etaSeconds: Double
    /// Requests, retries and 429 answers so far.
    public var requests: Int
    public var retries: Int
    public var rateLimited: Int
    /// The last errors, oldest first.
    public var lastErrors: [String]
    /// Contacts posted again after `--reconcile-horizon` passed without their batch being listed
    /// (each may have arrived twice); see `report.json`.
    public var ambiguousReposted: Int?

    /// Reads the status of `runDirectory`.
    /// - Throws: `ExportError.noInput` when the folder has no manifest.
    public init(runDirectory: String) throws {
        let manifest = try ManifestFile.read(runDirectory: runDirectory)
        contacts = manifest.counts.kept
        guard FileManager.default.fileExists(atPath: "\(runDirectory)/\(RunFolderLayout.checkpoint)") else {
            chunksPending = manifest.chunks.count
            chunksInFlight = 0
            chunksDone = 0
            chunksFailed = 0
            accepted = 0
            failed = 0
            elapsedSeconds = 0
            requests = 0
            retries = 0
            rateLimited = 0
            lastErrors = []
            etaSeconds = Uploader.estimate(chunks: chunksPending, allowancePerMinute: RateGovernor().allowance)
            return
        }
        let store = try CheckpointStore(runDirectory: runDirectory)
        let chunks = try store.chunks()
        chunksPending = chunks.filter { $0.state == .pending }.count
        chunksInFlight = chunks.filter { $0.state == .posting || $0.state == .unresolved || $0.state == .posted }.count
        chunksDone = chunks.filter { $0.state == .done }.count
        let failedChunks = chunks.filter { $0.state == .failed }
        chunksFailed = failedChunks.count
        accepted = chunks.reduce(0) { $0 + ($1.accepted ?? 0) }
        failed = try store.failedItems().filter { !$0.retried }.count + failedChunks.reduce(0) { $0 + $1.contacts }
        elapsedSeconds = Double(try store.meta("elapsed_seconds") ?? "0") ?? 0
        let counters = try store.counters()
        requests = counters["requests"] ?? 0
        retries = counters["retries"] ?? 0
        rateLimited = counters["rate_limited"] ?? 0
        ambiguousReposted = counters["ambiguous_reposted"] ?? 0
        lastErrors = try store.lastEvents(5).map { "\(ISO8601DateFormatter().string(from: $0.at)) \($0.message)" }
        etaSeconds = Uploader.estimate(chunks: chunksPending + chunksInFlight, allowancePerMinute: RateGovernor().allowance)
    }

    /// Lines for the terminal.
    public var text: String {
        var lines = [
            "chunks: \(chunksPending) pending, \(chunksInFlight) in flight, \(chunksDone) done, \(chunksFailed) failed",
            "contacts: \(accepted) accepted, \(failed) failed, of \(contacts)",
            "requests: \(requests) (\(retries) retries, \(rateLimited) rate limited)",
            "re-posted after the reconcile horizon: \(ambiguousReposted ?? 0) contact(s)",
            "elapsed: \(DurationText.format(elapsedSeconds)), ETA: \(DurationText.format(etaSeconds))",
        ]
        if !lastErrors.isEmpty { lines += ["last errors:"] + lastErrors.map { "  \($0)" } }
        return lines.joined(separator: "\n")
    }
}
