/// A snapshot of an upload for the progress display.
public struct UploadProgress: Sendable, Equatable {
    /// Contacts in the run.
    public var contactsTotal: Int
    /// Contacts in chunks Omnisend took (posted or done).
    public var contactsSent: Int
    /// Contacts accepted so far.
    public var contactsAccepted: Int
    /// Contacts refused so far.
    public var contactsFailed: Int
    /// Chunks finished (done or failed) and in total.
    public var chunksFinished: Int
    /// Chunks in total.
    public var chunksTotal: Int
    /// Requests in the last minute.
    public var requestsLastMinute: Int
    /// Requests this upload may send a minute.
    public var allowancePerMinute: Int
    /// 429 answers this session.
    public var rateLimited: Int
    /// Retries this session.
    public var retries: Int
    /// Seconds since this session began.
    public var elapsed: Double
    /// Estimated seconds left, when known.
    public var remaining: Double?

    /// Creates a snapshot.
    public init(
        contactsTotal: Int, contactsSent: Int, contactsAccepted: Int, contactsFailed: Int, chunksFinished: Int, chunksTotal: Int,
        requestsLastMinute: Int, allowancePerMinute: Int, rateLimited: Int, retries: Int, elapsed: Double, remaining: Double?
    ) {
        self.contactsTotal = contactsTotal
        self.contactsSent = contactsSent
        self.contactsAccepted = contactsAccepted
        self.contactsFailed = contactsFailed
        self.chunksFinished = chunksFinished
        self.chunksTotal = chunksTotal
        self.requestsLastMinute = requestsLastMinute
        self.allowancePerMinute = allowancePerMinute
        self.rateLimited = rateLimited
        self.retries = retries
        self.elapsed = elapsed
        self.remaining = remaining
    }
}
