/// What a request was for, so that a run can say where its rate budget went. Every request
/// counts under exactly one kind (checkpoint counter `requests:KIND`); a request sent again after
/// a 429, a 5xx, a timeout or a network error counts as `retry`, whatever it was.
public enum RequestKind: String, Sendable, CaseIterable, Codable {
    /// `POST /batches` with a chunk's contacts.
    case post
    /// `GET /batches` pages read to learn the status of posted batches.
    case list
    /// `GET /batches/{id}`: one batch's status (the per-batch fallback of polling).
    case batch
    /// `GET /batches/{id}/items` pages of a batch that reported errors or missing items.
    case items
    /// Any request made to settle a chunk whose POST had no usable answer (batch list, batch and
    /// items reads of candidates).
    case reconcile
    /// A request sent again.
    case retry

    /// The checkpoint counter of this kind.
    public var counter: String { "requests:\(rawValue)" }

    /// The requests by kind kept in a checkpoint's counters; kinds without a request are left out.
    public static func counts(in counters: [String: Int]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for kind in allCases { if let value = counters[kind.counter], value > 0 { counts[kind.rawValue] = value } }
        return counts
    }
}
