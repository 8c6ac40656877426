import Foundation

/// The items of accepted batches as `POST /batches` parsed them, held in memory until the worker
/// has processed the batch, so that each item is parsed once. A batch missing here (after a
/// restart with `--state`) is parsed again from its stored request texts.
final class ParsedBatchItems: @unchecked Sendable {
    private let lock = NSLock()
    private var batches: [Int64: [BodyJSON]] = [:]

    /// Keeps the parsed items of the batch with this row id (replacing any earlier ones).
    func keep(_ items: [BodyJSON], batch rowID: Int64) {
        lock.withLock { batches[rowID] = items }
    }

    /// The parsed items of the batch, in item order, if they are held.
    func items(batch rowID: Int64) -> [BodyJSON]? {
        lock.withLock { batches[rowID] }
    }

    /// Drops the items of a batch that ended.
    func forget(batch rowID: Int64) {
        _ = lock.withLock { batches.removeValue(forKey: rowID) }
    }
}
