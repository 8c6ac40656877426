/// Keeps requests within a share of the brand's rate limit over a sliding window.
///
/// A pure value: the caller passes the time (seconds on any monotonic clock), asks `delay(now:)`
/// how long to wait, and calls `record(now:)` when it sends. Every request counts, polls included,
/// because Omnisend's limit is per brand and shared with other integrations.
public struct RateGovernor: Sendable, Equatable {
    /// The brand's limit per window (400 a minute unless the server says otherwise); 0 means none.
    public private(set) var limit: Int
    /// The share of the limit this uploader may use (0 < share ≤ 1).
    public let share: Double
    /// The window length in seconds.
    public let window: Double
    /// Send times within the current window, oldest first.
    private var sent: [Double] = []
    /// No request before this time (set after a 429).
    public private(set) var pausedUntil: Double = 0
    /// What the last `X-Rate-Limit-Remaining`/`-Reset` headers said: requests the brand had left
    /// (all integrations), and when its window frees a place (`nil`: no headers seen).
    private var brandRemaining: Int?
    private var brandResetAt: Double = 0
    /// Requests sent since those headers, and since their reset passed.
    private var sentSinceHeaders = 0
    private var sentAfterReset = 0
    /// Places of the brand's remaining budget left alone (requests of others, or ours, in flight).
    public var reserve = 2

    /// Creates a governor; a `limit` of 0 admits every request (a server without a limit).
    public init(limit: Int = 400, share: Double = 0.8, window: Double = 60) {
        self.limit = max(0, limit)
        self.share = min(1, max(0.01, share))
        self.window = window
    }

    /// Requests this uploader may send per window.
    public var allowance: Int { limit == 0 ? Int.max : max(1, Int((Double(limit) * share).rounded(.down))) }

    /// Seconds to wait before the next request may be sent (0 when it may go now).
    public func delay(now: Double) -> Double {
        var wait = max(0, pausedUntil - now)
        if limit == 0 { return wait }
        let recent = sent.filter { $0 > now - window }
        if recent.count >= allowance {
            // The oldest request that must leave the window before one more fits.
            let oldest = recent[recent.count - allowance]
            wait = max(wait, oldest + window - now)
        }
        if let brandRemaining, brandRemaining - sentSinceHeaders <= reserve {
            // Other integrations have left little of the brand's window: wait for its reset, then
            // send one request at a time until its answer tells the new budget.
            if now < brandResetAt {
                wait = max(wait, brandResetAt - now)
            } else if sentAfterReset >= 1 {
                wait = max(wait, 0.05)
            }
        }
        return wait
    }

    /// Notes a request sent at `now`.
    public mutating func record(now: Double) {
        if brandRemaining != nil {
            sentSinceHeaders += 1
            if now >= brandResetAt { sentAfterReset += 1 }
        }
        if limit == 0 { return }
        sent.append(now)
        let cutoff = now - window
        if let firstKept = sent.firstIndex(where: { $0 > cutoff }), firstKept > 0 {
            sent.removeFirst(firstKept)
        }
    }

    /// Learns the limit from an `X-Rate-Limit-Limit` header.
    public mutating func learn(limit newLimit: Int) {
        if newLimit > 0 { limit = newLimit }
    }

    /// Learns the brand's budget from `X-Rate-Limit-Remaining` (requests left in the window, all
    /// integrations) and `X-Rate-Limit-Reset` (seconds until the window frees a place), read at `now`.
    public mutating func learn(remaining: Int, resetSeconds: Double, now: Double) {
        brandRemaining = max(0, remaining)
        brandResetAt = now + max(0, resetSeconds)
        sentSinceHeaders = 0
        sentAfterReset = 0
    }

    /// Forgets the brand's budget (an answer came without the headers).
    public mutating func forgetBudget() {
        brandRemaining = nil
        sentSinceHeaders = 0
        sentAfterReset = 0
    }

    /// Sends nothing before `until` (after a 429).
    public mutating func pause(until: Double) {
        pausedUntil = max(pausedUntil, until)
    }

    /// Requests counted in the window ending at `now`.
    public func requestsInWindow(now: Double) -> Int { sent.filter { $0 > now - window }.count }
}
