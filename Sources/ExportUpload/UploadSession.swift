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
    let watch: BatchWatch
    /// Raised (as a flag) when a worker left a chunk unposted because the deadline was near.
    let deadlineNear = StopSignal()
    /// Seconds before the deadline after which no new POST starts: the poll ceiling, at most 5%
    /// of `--max-duration`.
    var postingCutoff: Double { min(options.pollMaxDelay, options.maxDuration * 0.05) }
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
        watch = BatchWatch(
            group: options.pollGroup, maxWait: options.pollMaxDelay, maxDelay: options.pollMaxDelay, listing: options.pollByListing)
        gate = RequestGate(
            governor: RateGovernor(limit: options.rateLimitPerMinute, share: options.rateShare, window: options.rateWindow),
            deadline: options.maxDuration, stop: stop, ledger: options.rateLedger.map { RateLedger(path: $0, window: options.rateWindow) })
    }

    /// Works through `open` chunks with `concurrency` workers. After a stop, in-flight requests get
    /// `settleGrace` seconds, then are abandoned (their chunks stay `posting`/`unresolved`/`posted`,
    /// which a resume reconciles or polls). Returns the error that ended the session, if any.
    func work(_ open: [ChunkRecord]) async -> (any Error)? {
        // Reconcile and poll what an earlier session left in flight before sending anything new.
        let ordered = open.filter { $0.state == .posting || $0.state == .unresolved } + open.filter { $0.state == .posted }
            + open.filter { $0.state == .pending }
        await queue.fill(ordered)
        let workers = Task { () -> (any Error)? in
            await withTaskGroup(of: (any Error)?.self) { group in
                // The poller learns the ends of posted batches while the workers post.
                group.addTask { await self.pollLoop() }
                group.addTask {
                    let error = await withTaskGroup(of: (any Error)?.self) { workers in
                        for _ in 0..<max(1, self.options.concurrency) {
                            workers.addTask { await self.workerLoop() }
                        }
                        var first: (any Error)?
                        for await error in workers where first == nil && error != nil {
                            first = error
                            self.stop.request(.error, message: "stopped after an error")
                        }
                        return first
                    }
                    await self.watch.closeIntake()
                    return error
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
        if deadlineNear.isRaised, !stop.isRaised {
            stop.request(.deadline, message: "chunks left unposted \(DurationText.format(postingCutoff)) before --max-duration, to settle those posted")
        }
        return result
    }

    private func workerLoop() async -> (any Error)? {
        while !stop.isRaised, !Task.isCancelled, let chunk = await nextChunk() {
            do {
                if let wait = try await process(chunk), let current = try store.chunk(chunk.number) {
                    await queue.later(current, after: wait)
                }
            } catch {
                return error
            }
        }
        return nil
    }

    /// The next chunk to work on: a ready one, else the first whose lookup is due (waiting for
    /// it); `nil` when none is left or the upload is stopping.
    private func nextChunk() async -> ChunkRecord? {
        while true {
            switch await queue.take() {
            case .chunk(let record): return record
            case .empty: return nil
            case .wait(let seconds):
                guard await pause(min(seconds, 0.1)) else { return nil }
            }
        }
    }

    /// Moves one chunk as far as it goes: reconcile → post → poll → done. Returns the seconds
    /// after which an `unresolved` chunk should be looked up again, or `nil` when the chunk needs
    /// nothing more from this worker.
    func process(_ initial: ChunkRecord) async throws -> Double? {
        var record = initial
        while !stop.isRaised, !Task.isCancelled {
            switch record.state {
            case .done, .failed:
                return nil
            case .posting, .unresolved:
                switch try await reconcile(record, lookup: await queue.nextLookup(record.number)) {
                case .later(let wait): return wait
                case .unknown: return nil
                case .found, .resend: break
                }
            case .pending:
                // Close to the deadline, new POSTs stop so that the poller can still settle the
                // batches already posted (else they would end the run unconfirmed).
                if await gate.secondsLeft() < postingCutoff {
                    deadlineNear.request(.deadline)
                    return nil
                }
                try await post(record)
            case .posted:
                guard let batchID = record.batchID else {
                    try store.markPending(record.number)
                    break
                }
                let firstDelay = await gate.firstPollDelay(ceiling: options.pollInitialDelay)
                await watch.add(
                    chunk: record.number, batchID: batchID, contacts: record.contacts, postedAt: record.postingStartedAt ?? Date(),
                    firstDelay: firstDelay)
                return nil
            }
            guard let next = try store.chunk(record.number), next.state != record.state || next.batchID != record.batchID else { return nil }
            record = next
            await reportProgress()
        }
        return nil
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

    /// Sends one request through the gate; `nil` when the upload is stopping. A request without
    /// any answer counts toward `unansweredToStop` unless it is `patient` (a poll waiting out an
    /// outage); `unansweredToStop` of them in a row stop the run (Omnisend unreachable). It is
    /// counted under `kind` (`RequestKind`).
    func request(_ kind: RequestKind, patient: Bool = false, _ send: () async -> RetryPolicy.Outcome) async -> RetryPolicy.Outcome? {
        guard await gate.acquire() else { return nil }
        try? store.count("requests")
        try? store.count(kind.counter)
        let began = Date()
        let outcome = await send()
        var wait: Double?
        if case .answer(let answer) = outcome, answer.status == 429 {
            wait = options.retryPolicy.rateLimitWait(answer, now: Date()) ?? 1
            try? store.count("rate_limited")
        }
        await gate.observe(outcome, latency: Date().timeIntervalSince(began), pauseFor: wait)
        if outcome.isUnanswered, !patient {
            let inARow = await gate.noteUnanswered()
            if inARow >= options.unansweredToStop {
                let message = "Omnisend unreachable: \(inARow) requests in a row got no answer (last: \(Self.text(of: outcome)))"
                if !stop.isRaised { try? store.note(message, chunk: nil) }
                stop.request(.unreachable, message: message)
            }
        }
        return outcome
    }

    /// The error text of an unanswered outcome.
    static func text(of outcome: RetryPolicy.Outcome) -> String {
        switch outcome {
        case .answer(let answer): return "HTTP \(answer.status)"
        case .networkError(let message), .notConnected(let message): return message
        }
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
            case .posted, .unresolved: snapshot.contactsSent += chunk.contacts
            case .pending, .posting: break
            }
        }
        let left = snapshot.chunksTotal - snapshot.chunksFinished
        let mix = RequestMix(counters: (try? store.counters()) ?? [:], chunks: chunks)
        snapshot.remaining = Uploader.estimate(
            chunks: left, allowancePerMinute: snapshot.allowancePerMinute, requestsPerChunk: mix.estimatePerChunk())
        progress(snapshot)
    }
}

/// The open chunks of a session, handed out one at a time; `unresolved` chunks come back after
/// their lookup delay.
actor ChunkQueue {
    /// What `take()` found.
    enum Next {
        case chunk(ChunkRecord)
        /// Nothing ready; the first waiting chunk is due in this many seconds.
        case wait(Double)
        case empty
    }

    private var ready: [ChunkRecord] = []
    private var position = 0
    private var waiting: [(record: ChunkRecord, due: Date)] = []
    private var lookups: [Int: Int] = [:]

    func fill(_ chunks: [ChunkRecord]) {
        ready = chunks
        position = 0
        waiting = []
    }

    /// The next ready chunk, else how long until a waiting one is due.
    func take() -> Next {
        if position < ready.count {
            defer { position += 1 }
            return .chunk(ready[position])
        }
        guard let first = waiting.indices.min(by: { waiting[$0].due < waiting[$1].due }) else { return .empty }
        let wait = waiting[first].due.timeIntervalSinceNow
        if wait > 0 { return .wait(wait) }
        return .chunk(waiting.remove(at: first).record)
    }

    /// Whether a chunk is ready to be handed out now (not counting those waiting for a lookup).
    var hasReady: Bool { position < ready.count }

    /// Hands `record` out again after `seconds`.
    func later(_ record: ChunkRecord, after seconds: Double) {
        waiting.append((record, Date().addingTimeInterval(max(0, seconds))))
    }

    /// The 0-based number of this lookup of chunk `number` in this session.
    func nextLookup(_ number: Int) -> Int {
        defer { lookups[number, default: 0] += 1 }
        return lookups[number, default: 0]
    }
}
