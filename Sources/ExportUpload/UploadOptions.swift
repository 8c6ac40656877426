/// How an upload behaves: limits, concurrency, timing. The defaults suit production; tests
/// shorten the waits.
public struct UploadOptions: Sendable {
    /// Overrides the destination's base URL.
    public var baseURL: String?
    /// The longest the upload may run (seconds); 4 h, Customer Insights' limit, by default.
    public var maxDuration: Double = 4 * 3600
    /// Chunks in flight at once.
    public var concurrency: Int = 4
    /// Share of the brand's rate limit this upload may use.
    public var rateShare: Double = 0.8
    /// The ledger file that uploads to the same destination share their rate share through
    /// (`RateLedger`, in the state directory); `nil`: this upload keeps its share to itself.
    public var rateLedger: String?
    /// The brand's rate limit per minute until the server tells otherwise; 0: none (a server without a limit).
    public var rateLimitPerMinute: Int = 400
    /// Length of the rate limit's sliding window, seconds (Omnisend's minute; tests shrink it).
    public var rateWindow: Double = 60
    /// Resend items and chunks that failed for transient reasons.
    public var retryFailed = false
    /// The user's acknowledgement that personal data leaves their systems.
    public var acknowledgePersonalData = false
    /// Retry rules.
    public var retryPolicy = RetryPolicy()
    /// First wait before polling a batch, seconds.
    public var pollInitialDelay: Double = 2
    /// Longest wait between two polls of one batch, seconds.
    public var pollMaxDelay: Double = 30
    /// Due batches per page of the batch list that make a listing worth its request while chunks
    /// are still being posted (a listing then costs at most 1/20 of a request per batch); below it
    /// the poller waits for more, at most `pollMaxDelay`.
    public var pollGroup = 20
    /// Poll posted batches by listing them (`GET /batches`); `false`: one `GET /batches/{id}` per
    /// batch, as before issue 19 (`OMNISEND_EXPORT_POLL=per-batch`, for comparisons and for an
    /// API whose batch list misbehaves).
    public var pollByListing = true
    /// Batches a page of `GET /batches` asks for (`limit`; the reference allows 1 to 250).
    public var listPageSize = 250
    /// Read `/items` of every ended batch, clean ones too (`OMNISEND_EXPORT_POLL=per-batch`).
    public var readCleanBatchItems = false
    /// Seconds given to in-flight requests after a stop before they are abandoned.
    public var settleGrace: Double = 5
    /// Connection timeout, seconds.
    public var connectTimeout: Double = 10
    /// Whole-request timeout, seconds.
    public var requestTimeout: Double = 30
    /// The proxy and extra CA certificates of the HTTP client.
    public var network = NetworkSettings.direct
    /// Chunks failing in a row for transient reasons after which the run stops (Omnisend unreachable).
    public var consecutiveFailuresToStop = 3

    /// Seconds after a chunk's last POST during which a POST without a usable answer (network
    /// error, timeout, 5xx) is looked up in the batch list again and again before the chunk may be
    /// posted again (`--reconcile-horizon`, 2 minutes).
    public var reconcileHorizon: Double = 120
    /// Seconds a batch that cannot be polled (Omnisend away) is polled again with backoff before
    /// the run stops resumably; the chunk stays `posted` (5 minutes; `OMNISEND_EXPORT_OUTAGE_SECONDS`).
    public var outageLimit: Double = 300
    /// Requests in a row without any answer (refused, reset, timed out) after which the run stops
    /// resumably: Omnisend is unreachable. Polls waiting out an outage do not count.
    public var unansweredToStop = 5

    /// Default options.
    public init() {}
}
