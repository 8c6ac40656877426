import ExportChunks
import ExportCore
import ExportRunFolder
import ExportUpload
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
    /// Requests by kind (`post`, `list`, `batch`, `items`, `reconcile`, `retry`; see
    /// `UploadReport.requestsByKind`) and per 1000 contacts sent (`nil` before any was sent).
    public var requestsByKind: [String: Int] = [:]
    public var requestsPer1000Contacts: Double?
    /// The requests a chunk costs in the ETA: measured once a few chunks were sent, else assumed.
    public var requestsPerChunk: Double = RequestMix.assumedPerChunk
    /// How much of the brand's rate window was this upload's (from the rate headers), if known.
    public var rateWindow: RateWindowUse?
    /// The last errors, oldest first.
    public var lastErrors: [String]
    /// Contacts posted again after `--reconcile-horizon` passed without their batch being listed
    /// (each may have arrived twice); see `report.json`.
    public var ambiguousReposted: Int?
    /// `done` (every chunk done, nothing failed), `done_with_failures` (some contacts failed) or
    /// `unfinished` (resumable; also before the first upload).
    public var outcome: String
    /// Where the run folder was uploaded (base URL, API version, key fingerprint; or the
    /// rehearsal), or where it will go when it has not been uploaded yet.
    public var destination: String
    /// Whether the folder was uploaded to the bundled simulator (a rehearsal), not to Omnisend.
    public var rehearsal: Bool
    /// Why the last upload session ended: `complete`, `interrupted`, `terminated`, `deadline`,
    /// `unreachable`, `key_rejected`, `error`, `destination_check`; `nil` before the first upload.
    public var stopReason: String?
    /// The message that came with the stop reason, if any.
    public var stopMessage: String?
    /// The rate the ETA assumes: requests a minute (0: no limit) and share.
    public var rateLimit: Int
    public var rateShare: Double

    /// Reads the status of `runDirectory`.
    /// - Throws: `ExportError.noInput` when the folder has no manifest.
    public init(runDirectory: String) throws {
        let manifest = try ManifestFile.read(runDirectory: runDirectory)
        contacts = manifest.contactsInChunks
        let planned = manifest.destination
        destination = "not uploaded yet (the pipeline names "
            + (planned.rehearses ? "the bundled simulator" : "API \(planned.apiVersion.rawValue) at \(planned.baseURL ?? planned.apiVersion.defaultBaseURL)")
            + ")"
        rateLimit = 400
        rateShare = 0.8
        rehearsal = false
        guard FileManager.default.fileExists(atPath: "\(runDirectory)/\(RunFolderLayout.checkpoint)") else {
            outcome = "unfinished"
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
            etaSeconds = Uploader.estimate(chunks: chunksPending, allowancePerMinute: RateGovernor(limit: rateLimit, share: rateShare).allowance)
            return
        }
        let store = try CheckpointStore(runDirectory: runDirectory)
        if let identity = try store.meta(DestinationBinding.metaKey).flatMap(DestinationIdentity.decode) {
            destination = identity.description
            rehearsal = identity.isRehearsal
        }
        stopReason = try store.meta("stop_reason")
        stopMessage = try store.meta("stop_message").flatMap { $0.isEmpty ? nil : $0 }
        rateLimit = Int(try store.meta("rate_limit") ?? "") ?? rateLimit
        rateShare = Double(try store.meta("rate_share") ?? "") ?? rateShare
        let chunks = try store.chunks()
        // A checkpoint bound to a destination before its chunks were seeded: all still pending.
        chunksPending = chunks.isEmpty ? manifest.chunks.count : chunks.filter { $0.state == .pending }.count
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
        let mix = RequestMix(counters: counters, chunks: chunks)
        requestsByKind = mix.byKind
        requestsPer1000Contacts = mix.per1000Contacts
        requestsPerChunk = mix.estimatePerChunk()
        rateWindow = try RateWindowUse.saved(in: store)
        lastErrors = try store.lastEvents(5).map { "\(ISO8601DateFormatter().string(from: $0.at)) \($0.message)" }
        let open = chunksPending + chunksInFlight
        // At the recorded rate share, or at the pace seen so far when that is slower.
        let byRate = Uploader.estimate(
            chunks: open, allowancePerMinute: RateGovernor(limit: rateLimit, share: rateShare).allowance, requestsPerChunk: requestsPerChunk)
        let seen = chunksDone + chunksFailed
        let byPace = seen > 0 && elapsedSeconds > 0 ? elapsedSeconds / Double(seen) * Double(open) : 0
        etaSeconds = max(byRate, byPace)
        if open > 0 || chunks.isEmpty {
            outcome = "unfinished"
        } else {
            outcome = failed > 0 ? "done_with_failures" : "done"
        }
    }

    private var rateText: String {
        rateLimit == 0 ? "(no rate limit)" : "(at \(Int(rateShare * 100))% of \(rateLimit) requests a minute)"
    }

    private var outcomeText: String {
        var text: String
        switch outcome {
        case "done": text = rehearsal ? "done, as a rehearsal: nothing was sent to Omnisend" : "done: every chunk uploaded"
        case "done_with_failures": text = "done with failed contacts (see failed.ndjson; upload --retry-failed sends the transient ones again)"
        default: text = stopReason == nil ? "not uploaded yet" : "unfinished, resumable"
        }
        if let stopReason, stopReason != "complete" {
            text += "; last stop: \(stopReason)" + (stopMessage.map { " (\($0))" } ?? "")
        }
        return text
    }

    private var kindsLine: String {
        let parts = RequestKind.allCases.compactMap { kind in requestsByKind[kind.rawValue].flatMap { $0 > 0 ? "\(kind.rawValue) \($0)" : nil } }
        guard !parts.isEmpty else { return "" }
        return "; by kind: " + parts.joined(separator: ", ") + (requestsPer1000Contacts.map { "; \($0) per 1000 contacts" } ?? "")
    }

    /// Lines for the terminal.
    public var text: String {
        var lines = [
            "chunks: \(chunksPending) pending, \(chunksInFlight) in flight, \(chunksDone) done, \(chunksFailed) failed",
            "contacts: \(accepted) accepted, \(failed) failed, of \(contacts)",
            "requests: \(requests) (\(retries) retries, \(rateLimited) rate limited)" + kindsLine,
            "re-posted after the reconcile horizon: \(ambiguousReposted ?? 0) contact(s)",
            "elapsed: \(DurationText.format(elapsedSeconds)), ETA: \(DurationText.format(etaSeconds)) \(rateText)",
            "destination: \(destination)",
            "state: \(outcomeText)",
        ]
        if !lastErrors.isEmpty { lines += ["last errors:"] + lastErrors.map { "  \($0)" } }
        return lines.joined(separator: "\n")
    }
}
