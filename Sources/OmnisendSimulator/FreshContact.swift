/// The stored form of a contact body if no contact has its email yet and none of its identifiers
/// belongs to another contact, computed outside the database (see `ContactWriter.fresh`).
struct FreshContact: Sendable {
    /// Positions of the identifiers kept when nothing is owned by another contact; the document
    /// applies only when the upsert keeps exactly these.
    var keptPositions: [Int]
    /// The document text of the new contact.
    var document: String
}
