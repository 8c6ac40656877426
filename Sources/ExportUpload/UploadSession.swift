import ExportCore
import Foundation

/// The state of one upload session shared by its workers: the checkpoint, the client, the
/// request gate, the queue of open chunks. Chunk steps live in `UploadSession+Post`,
/// `UploadSession+Poll` and `UploadSession+Reconcile`.
final class UploadSession: Sendable {
    let runDirectory: String
    let target: UploadTarget
    let options: UploadOptions
    let stop: StopSignal
    let store: CheckpointStore
    let client: OmnisendClient
    let gate: RequestGate
    let queue = ChunkQueue()
    let log: @Sendable (String) -> Void
    let progress: (@Sendable (UploadProgress) -> Void)?
    let contactsTotal: Int

    init(
        runDirectory: String, target: UploadTarget, options: UploadOptions, stop: StopSignal, store: CheckpointStore,
        log: @escaping @Sendable (String) -> Void, progress: (@Sendable (UploadProgress) -> Void)?, contactsTotal: Int
    ) {
        self.runDirectory = runDirectory
        self.target = target
        self.options = options
        self.stop = stop
        self.store = store
        self.log = log
        self.progress = progress
        self.contactsTotal = contactsTotal
        client = OmnisendClient(
            baseURL: target.baseURL, apiVersion: target.apiVersion, key: target.key, connectTimeout: options.connectTimeout,
            requestTimeout: options.requestTimeout, network: options.network)
        gate = RequestGate(
            governor: RateGovernor(limit: options.rateLimitPerMinute, share: options.rateShare, window: options.rateWindow),
            deadline: options.maxDuration, stop: stop)
    }

    /// Works through `open` chunks with `concurrency` workers. After a stop, in-flight requests get
    /// `settleGrace` seconds, then are abandoned (their chunks stay `posting`/`posted`, which a
    /// resume reconciles or polls). Returns the error that ended the session, if any.
    func work(_ open: [ChunkRecord]) async -> (any Error)? {
        // Reconcile and poll what an earlier session left in flight before sending anything new.
        let ordered = open.filter { $0.state == .posting } + open.filter { $0.state == .posted } + open.filter { $0.state == .pending }
        await queue.fill(ordered)
        let workers = Task { () -> (any Error)? in
            await withTaskGroup(of: (any Error)?.self) { group in
                for _ in 0..<max(1, options.concurrency) {
                    group.addTask { await self.workerLoop() }
                }
                var first: (any Error)?
                for await error in group where first == nil && error != nil {
                    first = error
                    self.stop.request(.error, message: "stopped after an error")
                }
                return first
            }
        }
        let grace = options.settleGrace
        let stop = self.stop
        let watchdog = Task {
            while !Task.isCancelled {
                if stop.isRaised {
                    try? await Task.sleep(for: .milliseconds(Int(grace * 1000)))
                    workers.cancel()
                    return
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let result = await workers.value
        watchdog.cancel()
        return result
    }

    private func workerLoop() async -> (any Error)? {
        while !stop.isRaised, !Task.isCancelled, let chunk = await queue.next() {
            do {
                try await process(chunk)
            } catch {
                return error
            }
        }
        return nil
    }

    /// Moves one chunk as far as it goes: reconcile → post → poll → done.
    func process(_ initial: ChunkRecord) async throws {
        var record = initial
        while !stop.isRaised, !Task.isCancelled {
            switch record.state {
            case .done, .failed:
                return
            case .posting:
                _ = try await reconcile(record)
            case .pending:
                try await post(record)
            case .posted:
                try await poll(record)
            }
            guard let next = try store.chunk(record.number), next.state != record.state || next.batchID != record.batchID else { return }
            record = next
            await reportProgress()
        }
    }

    /// Sleeps up to `seconds`, in short slices; returns `false` when the upload is stopping.
    func pause(_ seconds: Double) async -> Bool {
        var left = seconds
        while left > 0 {
            if stop.isRaised || Task.isCancelled { return false }
            let slice = min(left, 0.1)
            try? await Task.sleep(for: .milliseconds(Int(slice * 1000) + 1))
            left -= slice
        }
        return !(stop.isRaised || Task.isCancelled)
    }

    /// Sends one request through the gate; `nil` when the upload is stopping.
    func request(_ send: () async -> RetryPolicy.Outcome) async -> RetryPolicy.Outcome? {
        guard await gate.acquire() else { return nil }
        try? store.count("requests")
        let began = Date()
        let outcome = await send()
        var wait: Double?
        if case .answer(let answer) = outcome, answer.status == 429 {
            wait = options.retryPolicy.rateLimitWait(answer, now: Date()) ?? 1
            try? store.count("rate_limited")
        }
        await gate.observe(outcome, latency: Date().timeIntervalSince(began), pauseFor: wait)
        return outcome
    }

    /// Notes a retry in the counters.
    func countRetry() async {
        await gate.countRetry()
        try? store.count("retries")
    }

    /// Sends a snapshot to the progress display.
    func reportProgress() async {
        guard let progress, let chunks = try? store.chunks() else { return }
        var snapshot = UploadProgress(
            contactsTotal: contactsTotal, contactsSent: 0, contactsAccepted: 0, contactsFailed: 0, chunksFinished: 0,
            chunksTotal: chunks.count, requestsLastMinute: await gate.requestsLastMinute(),
            allowancePerMinute: await gate.allowancePerMinute, rateLimited: await gate.rateLimited, retries: await gate.retries,
            elapsed: await gate.now(), remaining: nil)
        for chunk in chunks {
            switch chunk.state {
            case .done:
                snapshot.contactsSent += chunk.contacts
                snapshot.contactsAccepted += chunk.accepted ?? 0
                snapshot.contactsFailed += chunk.failed ?? 0
                snapshot.chunksFinished += 1
            case .failed:
                snapshot.contactsFailed += chunk.contacts
                snapshot.chunksFinished += 1
            case .posted: snapshot.contactsSent += chunk.contacts
            case .pending, .posting: break
            }
        }
        let left = snapshot.chunksTotal - snapshot.chunksFinished
        snapshot.remaining = Uploader.estimate(chunks: left, allowancePerMinute: snapshot.allowancePerMinute)
        progress(snapshot)
    }
}

/// The open chunks of a session, handed out one at a time.
actor ChunkQueue {
    private var chunks: [ChunkRecord] = []
    private var position = 0

    func fill(_ chunks: [ChunkRecord]) {
        self.chunks = chunks
        position = 0
    }

    func next() -> ChunkRecord? {
        guard position < chunks.count else { return nil }
        defer { position += 1 }
        return chunks[position]
    }
}
