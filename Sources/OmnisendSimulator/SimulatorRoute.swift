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

    /// The scopes a key needs: its own resource's, and for batches the target endpoint's
    /// (the simulator's batches are all of contacts).
    var requiredScopes: [String] {
        let access = writes ? "write" : "read"
        switch self {
        case .createBatch, .listBatches, .getBatch, .getBatchItems, .getBatchItem: return ["batches.\(access)", "contacts.\(access)"]
        case .createContact, .listContacts, .getContact: return ["contacts.\(access)"]
        }
    }
}
