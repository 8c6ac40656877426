/// The Omnisend operations the simulator serves under each version prefix.
enum SimulatorRoute: Sendable, Equatable {
    case createBatch
    case listBatches
    case getBatch(id: String)
    case getBatchItems(id: String)
    case getBatchItem(id: String, itemID: String)
    case createContact
    case listContacts
    case getContact(id: String)

    /// Whether the route writes (needs a key with write permission).
    var writes: Bool { self == .createBatch || self == .createContact }
}
