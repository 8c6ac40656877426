import Logging

/// Everything a simulator needs to start. The defaults follow Omnisend's documented v3 behaviour
/// where it is documented, and our reading elsewhere (see `docs/simulator.md`).
public struct SimulatorConfiguration: Sendable {
    /// Address to bind (loopback by default).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free port (read it back from ``RunningSimulator/port``).
    public var port: Int = 8089
    /// Keys of the brand `default`, with read and write permission.
    public var apiKeys: [String] = ["test-key"]
    /// Further keys with their own brand and permissions (from `--keys-file`, or set in tests).
    public var keys: [SimulatorKey] = []
    /// Requests a minute per brand (sliding window, every request counts); 0 turns the limit off.
    public var rateLimitPerMinute: Int = 400
    /// Length of the rate limit's sliding window: a minute, as documented; tests shrink it (the
    /// limit then counts per window, and `X-Rate-Limit-Reset` is in seconds of this window).
    public var rateLimitWindow: Duration = .seconds(60)
    /// Faults to inject.
    public var faults: FaultPlan = .none
    /// Seed of the fault draws (same seed, same faults).
    public var seed: UInt64 = 1
    /// Folder of the SQLite state (`simulator.sqlite`); `nil` keeps the state in memory.
    public var stateDirectory: String? = nil
    /// How long the background worker waits before it starts a batch, and between slices of it.
    public var batchProcessingDelay: Duration = .milliseconds(20)
    /// Items the worker processes in one slice (one SQLite transaction).
    public var batchSliceSize: Int = 1000
    /// Status of a successful `POST /batches`; `nil` = the version's documented code (200 v3/v5, 201 2026).
    public var batchCreatedStatus: Int? = nil
    /// Status for a key the simulator does not know (401 or 403); a missing key is always 401.
    public var unknownKeyStatus: Int = 401
    /// Whether 429 answers carry a `Retry-After` header (Omnisend does not document one).
    public var retryAfterHeader: Bool = false
    /// Largest accepted request body, in bytes (413 above it).
    public var maxBodyBytes: Int = 1_000_000
    /// A batch stops (status `stopped`) once more than this share of its processed items failed
    /// (checked after each slice, after at least `stopMinimumItems` items).
    public var stopErrorShare: Double = 0.5
    /// Items a batch must have processed before the error share can stop it.
    public var stopMinimumItems: Int = 20
    /// Share of items that fail with responseCode 500 in a batch hit by the `partial` fault.
    public var partialFailureShare: Double = 0.25
    /// Seconds a `429` fault tells the client to wait (`retryAfter`, and `Retry-After` when enabled).
    public var faultRetryAfterSeconds: Int = 60
    /// How long a `slow` fault delays the answer.
    public var slowResponseDelay: Duration = .seconds(2)
    /// How long a batch stored by a `store-late` fault stays out of `GET /batches`.
    public var storeLateDelay: Duration = .seconds(5)
    /// Items a page of `GET /batches/{id}/items` holds, with a `paging.next` link to the rest
    /// (`offset`/`limit`); `nil` answers every item at once. Item paging is not documented, so
    /// clients must follow a link when there is one.
    public var itemsPageSize: Int? = nil
    /// Whether `/api` requests must carry `Omnisend-Version: 2026-03-15` (400 without it).
    public var requireVersionHeader: Bool = true
    /// Clock of timestamps and of the rate limiter.
    public var clock: any SimulatorClock = SystemSimulatorClock()
    /// Logger of the server (quiet by default).
    public var logger: Logger = Logger(label: "omnisend-simulator", factory: { _ in SwiftLogNoOpLogHandler() })

    public init() {}

    /// Every accepted key: ``apiKeys`` (brand `default`, read and write) followed by ``keys``.
    public var allKeys: [SimulatorKey] {
        apiKeys.map { SimulatorKey(key: $0) } + keys
    }
}
