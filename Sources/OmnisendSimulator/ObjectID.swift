/// 24-hex identifiers in the shape of Omnisend's (MongoDB ObjectId) ids, derived from SQLite row ids
/// so that they survive a restart and need no extra index.
enum ObjectID {
    /// Prefix of contact ids.
    static let contact = "6a00"
    /// Prefix of batch ids.
    static let batch = "6b00"

    static func make(_ prefix: String, _ rowID: Int64) -> String {
        let hex = String(rowID, radix: 16)
        return prefix + String(repeating: "0", count: max(0, 20 - hex.count)) + hex
    }

    /// The row id behind an id of this kind, or `nil` when the text is not one of ours.
    static func rowID(_ prefix: String, _ id: String) -> Int64? {
        guard id.utf8.count == 24, id.hasPrefix(prefix) else { return nil }
        return Int64(id.dropFirst(prefix.count), radix: 16)
    }
}
