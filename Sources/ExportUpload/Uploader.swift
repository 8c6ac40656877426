import ExportChunks
import ExportCore
import Foundation

/// Sends the chunks of a prepared run folder to Omnisend, with a durable checkpoint.
///
/// One call of `run()` is one session: it takes the run folder's lock, checks every file against
/// the manifest, resumes from the checkpoint (reconciling chunks left `posting`, polling chunks
/// left `posted`), uploads the rest with bounded concurrency inside the rate share, saves the
/// per-item results, and writes `failed.ndjson` and `report.json`. It stops early, resumably,
/// on the stop signal (SIGINT/SIGTERM), at the deadline, when Omnisend stays unreachable, or at
/// once when the key is refused.
public struct Uploader: Sendable {
    /// The run folder.
    public let runDirectory: String
    /// Where to send.
    public let target: UploadTarget
    /// How.
    public let options: UploadOptions
    /// Raised by signal handlers (or tests) to stop.
    public let stop: StopSignal
    private let log: @Sendable (String) -> Void
    private let progress: (@Sendable (UploadProgress) -> Void)?
    /// The run folder's lock when the caller already holds it (a rehearsal takes it before
    /// starting its simulator); `nil`: `run()` takes it.
    private let heldLock: RunFolderLock?

    /// Creates an uploader.
    /// - Parameters:
    ///   - log: receives plain lines (never the key, never an email).
    ///   - progress: receives a snapshot after every chunk step, for a progress bar.
    public init(
        runDirectory: String, target: UploadTarget, options: UploadOptions, stop: StopSignal = StopSignal(),
        log: @escaping @Sendable (String) -> Void, progress: (@Sendable (UploadProgress) -> Void)? = nil,
        heldLock: RunFolderLock? = nil
    ) {
        self.heldLock = heldLock
        self.runDirectory = runDirectory
        self.target = target
        self.options = options
        self.stop = stop
        self.log = log
        self.progress = progress
    }

    /// Runs one upload session.
    /// - Returns: the report (also written to `report.json`); `stopReason` says why it ended early.
    /// - Throws: `UploadError.locked` when another uploader holds the folder, `ExportError.tampered`
    ///   when a file changed since prepare, `ExportError.io` when the checkpoint cannot be written.
    public func run() async throws -> UploadReport {
        let lock = try heldLock ?? RunFolderLock(runDirectory: runDirectory)
        defer { if heldLock == nil { lock.release() } }
        let folder = try RunFolderCheck(runDirectory: runDirectory)
        let store = try CheckpointStore(runDirectory: runDirectory)
        try store.seed(chunks: folder.manifestChunks, manifestSHA256: folder.manifestSHA256)
        try folder.verifyChunks(try store.chunks())
        if options.retryFailed {
            let reset = try store.resetRetryableFailedChunks()
            if reset > 0 { try store.count("resend:retry_failed", by: reset) }
            let added = try RetryChunkBuilder(runDirectory: runDirectory, store: store, maxItems: target.apiVersion.maxBatchItems).build()
            log("retry: \(reset) failed chunk(s) queued again, \(added) retry chunk(s) written for failed items")
        }
        let chunks = try store.chunks()
        let open = chunks.filter { $0.state != .done && $0.state != .failed }
        let mix = RequestMix(counters: try store.counters(), chunks: chunks)
        let estimate = Self.estimate(
            chunks: open.count, allowancePerMinute: RateGovernor(limit: options.rateLimitPerMinute, share: options.rateShare).allowance,
            requestsPerChunk: mix.estimatePerChunk())
        log(
            "upload: \(open.count) of \(chunks.count) chunk(s) to send to \(target.baseURL) (API \(target.apiVersion.rawValue)); "
                + "estimated \(DurationText.format(estimate)) at \(Int(options.rateShare * 100))% of \(options.rateLimitPerMinute) requests a minute")
        if estimate > options.maxDuration {
            log("warning: the estimate exceeds --max-duration \(DurationText.format(options.maxDuration)); the upload will stop there and can be resumed")
        }
        let elapsedBefore = Double(try store.meta("elapsed_seconds") ?? "0") ?? 0
        let session = UploadSession(
            runDirectory: runDirectory, target: target, options: options, stop: stop, store: store, log: log, progress: progress,
            contactsTotal: folder.manifest.contactsInChunks)
        let fatal = await session.work(open)
        let elapsed = await session.gate.now()
        // Shut the client down before anything else can throw (a full disk under the checkpoint):
        // AsyncHTTPClient traps in debug builds when a client is dropped without a shutdown.
        await session.client.shutdown()
        do {
            try store.setMeta("elapsed_seconds", String(elapsedBefore + elapsed))
            let failedCount = try FailedListWriter(runDirectory: runDirectory, store: store).write()
            var report = try makeReport(store: store, manifest: folder.manifest, failed: failedCount, elapsed: elapsedBefore + elapsed)
            let window = try RateWindowUse.accumulate(await session.gate.windowUse, in: store)
            report.rateWindow = window.samples > 0 ? window : nil
            try report.write(runDirectory: runDirectory)
            if let fatal { throw fatal }
            return report
        } catch {
            // The first error is the cause; a later one (the report on the same full disk) is its echo.
            throw fatal ?? error
        }
    }

    /// Seconds needed for `chunks` chunks at `requestsPerChunk` requests each (the measured
    /// `RequestMix` when there is one; a POST plus a share of the batch listings otherwise).
    public static func estimate(chunks: Int, allowancePerMinute: Int, requestsPerChunk: Double = RequestMix.assumedPerChunk) -> Double {
        Double(chunks) * requestsPerChunk / Double(max(1, allowancePerMinute)) * 60
    }

    private func makeReport(store: CheckpointStore, manifest: RunManifest, failed: Int, elapsed: Double) throws -> UploadReport {
        let chunks = try store.chunks()
        let counters = try store.counters()
        let done = chunks.filter { $0.state == .done }
        let failedChunks = chunks.filter { $0.state == .failed }
        let openChunks = chunks.filter { $0.state != .done && $0.state != .failed }
        let unconfirmed = openChunks.filter { $0.state == .posting || $0.state == .unresolved || $0.state == .posted }
        var resends: [String: Int] = [:]
        for (name, value) in counters where name.hasPrefix("resend:") { resends[String(name.dropFirst(7))] = value }
        var report = UploadReport(
            outcome: openChunks.isEmpty && stop.reason == nil ? (target.isRehearsal ? "rehearsal" : "complete") : "stopped",
            stopReason: stop.reason, apiVersion: target.apiVersion.rawValue, baseURL: target.baseURL,
            contacts: manifest.contactsInChunks, accepted: done.reduce(0) { $0 + ($1.accepted ?? 0) }, failed: failed,
            notSent: openChunks.filter { $0.state == .pending && $0.retryOf == nil }.reduce(0) { $0 + $1.contacts },
            rejected: manifest.counts.rejected, duplicates: manifest.counts.duplicates, chunks: chunks.count,
            chunksDone: done.count, chunksFailed: failedChunks.count, chunksOpen: openChunks.count,
            requests: counters["requests"] ?? 0, retries: counters["retries"] ?? 0, rateLimited: counters["rate_limited"] ?? 0,
            reconciled: counters["reconciled"] ?? 0, reposted: counters["reposted"] ?? 0, elapsedSeconds: elapsed)
        report.postedUnconfirmed = unconfirmed.reduce(0) { $0 + $1.contacts }
        report.ambiguousReposted = counters["ambiguous_reposted"] ?? 0
        report.duplicatesCreated = counters["duplicates_created"] ?? 0
        report.resendsByCause = resends
        let mix = RequestMix(counters: counters, chunks: chunks)
        report.requestsByKind = mix.byKind
        report.requestsPer1000Contacts = mix.per1000Contacts
        let allowance = RateGovernor(limit: options.rateLimitPerMinute, share: options.rateShare).allowance
        report.timeline = UploadTimeline(counters: counters, allowancePerMinute: allowance == Int.max ? nil : allowance)
        return report
    }
}
