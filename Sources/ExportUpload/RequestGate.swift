import Foundation

/// The one door every request goes through: waits for the rate governor, refuses to start a
/// request that could not finish before the deadline, learns the limit from answers and counts
/// requests, 429s and retries for the progress display and the report.
actor RequestGate {
    private var governor: RateGovernor
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let deadline: Double
    private let stop: StopSignal
    private var latencyTotal: Double = 0
    private var latencyCount = 0
    /// Requests sent in this session.
    private(set) var requests = 0
    /// 429 answers in this session.
    private(set) var rateLimited = 0
    /// Retries in this session.
    private(set) var retries = 0

    /// The budget shared with other uploads to the same destination, if any.
    private let ledger: RateLedger?
    /// The brand's window as the rate headers showed it (`RateWindowUse`).
    private(set) var windowUse = RateWindowUse()

    init(governor: RateGovernor, deadline: Double, stop: StopSignal, ledger: RateLedger? = nil) {
        self.governor = governor
        self.ledger = ledger
        self.deadline = deadline
        self.stop = stop
        self.start = clock.now
    }

    /// Seconds left before the deadline (`--max-duration`).
    func secondsLeft() -> Double { deadline - now() }

    /// Seconds since the session began.
    func now() -> Double { Self.seconds(clock.now - start) }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The typical request duration so far (at least 0.2 s).
    var typicalLatency: Double { latencyCount == 0 ? 0.2 : max(0.2, latencyTotal / Double(latencyCount)) }

    /// Requests this upload may send a minute.
    var allowancePerMinute: Int { governor.allowance }

    /// Requests in the last minute.
    func requestsLastMinute() -> Int { governor.requestsInWindow(now: now()) }

    /// Whether an answer other than 401/403 has proven the key; until then one request at a time.
    private var keyConfirmed = false
    /// Whether a 401/403 came back: no request goes after it (the session stops on it, but a worker
    /// could otherwise acquire between the answer and the stop).
    private var keyRefused = false
    /// Requests sent and not yet observed.
    private var inFlight = 0
    private var unansweredInARow = 0

    /// Waits until a request may go. Returns `false` (without sending) when the upload is stopping
    /// or the request could not finish before the deadline (which raises the stop flag). Until an
    /// answer has proven the key, only one request is in flight, so a refused key costs one request.
    func acquire() async -> Bool {
        while true {
            if stop.isRaised || keyRefused { return false }
            if !keyConfirmed && inFlight > 0 {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            let current = now()
            let wait = governor.delay(now: current)
            if current + wait + 2 * typicalLatency > deadline {
                stop.request(.deadline, message: "the next request could not finish before --max-duration")
                return false
            }
            if wait <= 0, let ledger, governor.limit > 0 {
                // Other uploads to this destination take places in the same window.
                let shared = (try? ledger.take(now: Date().timeIntervalSince1970, allowance: governor.allowance)) ?? 0
                if shared > 0 {
                    try? await Task.sleep(for: .milliseconds(Int(min(shared, 0.1) * 1000) + 1))
                    continue
                }
            }
            if wait <= 0 {
                governor.record(now: current)
                requests += 1
                inFlight += 1
                return true
            }
            try? await Task.sleep(for: .milliseconds(Int(min(wait, 0.1) * 1000) + 1))
        }
    }

    /// Learns from an answer: the limit headers, a 429 pause, the latency.
    func observe(_ outcome: RetryPolicy.Outcome, latency: Double, pauseFor wait: Double?) {
        latencyTotal += latency
        latencyCount += 1
        inFlight = max(0, inFlight - 1)
        guard case .answer(let answer) = outcome else { return }
        unansweredInARow = 0
        if answer.status == 401 || answer.status == 403 { keyRefused = true } else { keyConfirmed = true }
        let header = { (name: String) in answer.headers[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        if let limit = header("x-rate-limit-limit") {
            governor.learn(limit: limit)
        }
        if let remaining = header("x-rate-limit-remaining"), let reset = header("x-rate-limit-reset") {
            governor.learn(remaining: remaining, resetSeconds: Double(reset), now: now())
            if governor.limit > 0 {
                windowUse.add(limit: governor.limit, remaining: remaining, ours: governor.requestsInWindow(now: now()))
            }
        } else {
            governor.forgetBudget()
        }
        if answer.status == 429 {
            rateLimited += 1
            governor.pause(until: now() + (wait ?? 1))
        }
    }

    /// Counts one retry.
    func countRetry() { retries += 1 }

    /// How long recent batches took on the server (`endedAt - createdAt`), smoothed; `nil` until one ended.
    private var batchDuration: Double?

    /// Seconds to wait before the first poll of a new batch: about as long as recent batches took
    /// on the server, at most `ceiling`, so a fast server is not kept waiting and a slow one is
    /// not polled in vain.
    func firstPollDelay(ceiling: Double) -> Double {
        guard let batchDuration else { return ceiling }
        return min(ceiling, max(0.01, batchDuration * 1.2))
    }

    /// Learns the server-side duration of a batch that ended.
    func learnBatchDuration(_ seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        batchDuration = batchDuration.map { $0 * 0.7 + seconds * 0.3 } ?? seconds
    }

    private var transientFailuresInARow = 0

    /// Notes a request that got no answer at all; returns how many did in a row (any answer resets).
    func noteUnanswered() -> Int {
        unansweredInARow += 1
        return unansweredInARow
    }

    /// Notes a chunk that failed for a transient reason; returns how many did in a row.
    func chunkFailedTransiently() -> Int {
        transientFailuresInARow += 1
        return transientFailuresInARow
    }

    /// Notes a chunk Omnisend took.
    func chunkSucceeded() { transientFailuresInARow = 0 }
}
