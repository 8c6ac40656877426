import Foundation

/// How much of the brand's rate window was this upload's, from the `X-Rate-Limit-Limit` and
/// `-Remaining` headers (documented for v3; the simulator sends them for v3 and v5): at each
/// answer, the brand had used `limit - remaining` places of its window, of which this upload's
/// own requests in the window were ours. `report.json` carries it as `rateWindow`.
public struct RateWindowUse: Sendable, Codable, Equatable {
    /// Answers that carried the headers.
    public var samples = 0
    /// Sums over the samples of the places used by everybody and by this upload.
    public var usedTotal = 0
    public var oursTotal = 0
    /// The most places other integrations held in one window.
    public var othersPeak = 0
    /// The brand's limit the headers gave last.
    public var limit = 0

    /// Creates an empty record.
    public init() {}

    /// Adds one answer's headers.
    mutating func add(limit: Int, remaining: Int, ours: Int) {
        let used = max(0, limit - remaining)
        let mine = min(ours, used)
        samples += 1
        usedTotal += used
        oursTotal += mine
        othersPeak = max(othersPeak, used - mine)
        self.limit = limit
    }

    /// Adds another session's record.
    mutating func add(_ other: RateWindowUse) {
        samples += other.samples
        usedTotal += other.usedTotal
        oursTotal += other.oursTotal
        othersPeak = max(othersPeak, other.othersPeak)
        if other.limit > 0 { limit = other.limit }
    }

    /// The share of the used window that was ours (0…1), `nil` without samples.
    public var ourShare: Double? { usedTotal > 0 ? Double(oursTotal) / Double(usedTotal) : nil }

    /// The checkpoint's meta key that keeps it across sessions (JSON).
    static let metaKey = "rate_window"

    /// The record of every session so far in `store`, plus `session`'s, saved back.
    static func accumulate(_ session: RateWindowUse, in store: CheckpointStore) throws -> RateWindowUse {
        var total = try saved(in: store) ?? RateWindowUse()
        total.add(session)
        let text = String(decoding: try JSONEncoder().encode(total), as: UTF8.self)
        try store.setMeta(metaKey, text)
        return total
    }

    /// The record saved in `store`, if any.
    public static func saved(in store: CheckpointStore) throws -> RateWindowUse? {
        guard let text = try store.meta(metaKey) else { return nil }
        return try? JSONDecoder().decode(RateWindowUse.self, from: Data(text.utf8))
    }
}
