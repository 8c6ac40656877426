/// What an upload's requests bought: requests by kind, per chunk and per 1000 contacts, read
/// from the checkpoint's counters and chunks. The report, `status` and the duration estimates
/// use it, so that a slow run can be explained and an estimate follows the measured mix.
public struct RequestMix: Sendable, Equatable {
    /// Requests a chunk is assumed to cost before any was measured: its POST plus a share of the
    /// batch listings (one per 20 batches) and of item reads for batches with errors.
    public static let assumedPerChunk = 1.2

    /// Requests by `RequestKind` raw value; every kind is present (0 when none was sent).
    public var byKind: [String: Int]
    /// Requests in total (all sessions).
    public var total: Int
    /// Chunks Omnisend took or that ended (`posted`, `unresolved`, `done`, `failed` with a batch
    /// or after a POST).
    public var chunksSent: Int
    /// Contacts in those chunks.
    public var contactsSent: Int

    /// Reads the mix from a checkpoint's counters and chunks.
    public init(counters: [String: Int], chunks: [ChunkRecord]) {
        var byKind: [String: Int] = [:]
        for kind in RequestKind.allCases { byKind[kind.rawValue] = counters[kind.counter] ?? 0 }
        self.byKind = byKind
        total = counters["requests"] ?? 0
        let sent = chunks.filter { $0.attempts > 0 && $0.state != .pending && $0.state != .posting }
        chunksSent = sent.count
        contactsSent = sent.reduce(0) { $0 + $1.contacts }
    }

    /// Requests per chunk sent, or `nil` before any chunk was sent.
    public var perChunk: Double? { chunksSent > 0 && total > 0 ? Double(total) / Double(chunksSent) : nil }

    /// Requests per 1000 contacts sent, or `nil` before any was sent.
    public var per1000Contacts: Double? {
        contactsSent > 0 ? (Double(total) * 1000 / Double(contactsSent) * 10).rounded() / 10 : nil
    }

    /// The requests a chunk costs for an estimate: the measured mix once at least `minimum` chunks
    /// were sent (a few chunks' tail of polls says little), else ``assumedPerChunk``.
    public func estimatePerChunk(minimum: Int = 5) -> Double {
        guard chunksSent >= minimum, let perChunk else { return Self.assumedPerChunk }
        return max(1, perChunk)
    }
}
