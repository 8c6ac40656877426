import GRDB

/// One item Omnisend refused (or never processed), as saved in the checkpoint.
public struct FailedItem: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    /// The table name.
    public static let databaseTableName = "failed_item"

    /// The chunk that carried it.
    public var chunk: Int
    /// Its 0-based index in that chunk.
    public var item: Int
    /// The item's HTTP status inside the batch (0 when it was never processed).
    public var responseCode: Int
    /// Omnisend's answer for the item, as JSON text (or a JSON string with our explanation).
    public var response: String
    /// Whether the failure was transient (5xx, 408, 429, not processed): `--retry-failed` resends it.
    public var retryable: Bool
    /// Whether it was already put into a retry chunk.
    public var retried: Bool

    /// Creates a failed item.
    public init(chunk: Int, item: Int, responseCode: Int, response: String, retryable: Bool, retried: Bool = false) {
        self.chunk = chunk
        self.item = item
        self.responseCode = responseCode
        self.response = response
        self.retryable = retryable
        self.retried = retried
    }

    /// Whether an item answer with this status is worth resending.
    public static func isRetryable(responseCode: Int) -> Bool {
        responseCode == 0 || responseCode == 408 || responseCode == 429 || responseCode >= 500
    }
}
