/// The ledger a test reads at `GET /__simulator/stats` (the simulator's own route, not Omnisend's).
public struct SimulatorStats: Sendable, Codable, Equatable {
    /// Contacts stored, all brands.
    public var contactsStored = 0
    /// Batch items and single `POST /contacts` bodies received (accepted requests only).
    public var itemsReceived = 0
    /// Received items whose email had already been received in an earlier request.
    public var itemsReceivedMoreThanOnce = 0
    /// Batches accepted.
    public var batchesReceived = 0
    /// Batch items processed by the worker (finished, with or without error).
    public var itemsProcessed = 0
    /// Batch items that finished with an error.
    public var itemErrors = 0
    /// Answered API requests by status code (`"dropped"` for connections closed without answer).
    public var requestsByStatus: [String: Int] = [:]
    /// Batches by status (`pending`, `inProgress`, `finished`, `stopped`).
    public var batchesByStatus: [String: Int] = [:]

    public init() {}
}
