import Foundation
import GRDB

/// One chunk's row in the checkpoint.
public struct ChunkRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    /// The table name.
    public static let databaseTableName = "chunk"

    /// 1-based; manifest chunks first, then retry chunks.
    public var number: Int
    /// The chunk file, relative to the run folder.
    public var file: String
    /// The sha256 the file must have.
    public var sha256: String
    /// Items in the chunk.
    public var contacts: Int
    /// The state.
    public var state: ChunkState
    /// Omnisend's batch ID once the POST was answered.
    public var batchID: String?
    /// Items Omnisend accepted (when `done`).
    public var accepted: Int?
    /// Items Omnisend refused (when `done`).
    public var failed: Int?
    /// Why the chunk failed (when `failed`); Omnisend's message, never the key.
    public var reason: String?
    /// Whether a `failed` chunk may be sent again with `--retry-failed`.
    public var retryable: Bool
    /// When the last POST started (for reconciliation's `dateFrom`).
    public var postingStartedAt: Date?
    /// POST attempts so far (all runs).
    public var attempts: Int
    /// For a retry chunk, the number of the chunk whose failed items it carries.
    public var retryOf: Int?

    /// Creates a pending chunk.
    public init(number: Int, file: String, sha256: String, contacts: Int, retryOf: Int? = nil) {
        self.number = number
        self.file = file
        self.sha256 = sha256
        self.contacts = contacts
        self.state = .pending
        self.retryable = false
        self.attempts = 0
        self.retryOf = retryOf
    }
}
