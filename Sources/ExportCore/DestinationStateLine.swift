/// One contact of a destination's state, as one line of `state export` (NDJSON) and of what
/// `state import` and `state rebuild` read: what Omnisend last accepted for one email.
///
/// The state itself is a SQLite file per destination and pipeline in the state folder; this is
/// its interchange form, so a person can read it with `jq` and `state rebuild` (which reads the
/// destination's contacts) and `state import` (which reads a file) fill it the same way.
/// It holds personal data (the email and its consent), never the API key.
public struct DestinationStateLine: Sendable, Codable, Equatable {
    /// The line format version (1).
    public var formatVersion: Int
    /// The normalised email, the state's key.
    public var email: String
    /// Hex SHA-256 of the contact payload last accepted for this email, with the values that
    /// change every run left out; nil when unknown (a rebuild from the destination's contacts:
    /// the next run sends this contact once and records its hash).
    public var payloadHash: String?
    /// The consent last accepted per channel (`email`, `sms`).
    public var channels: [String: Channel]
    /// When Omnisend accepted it (ISO 8601 UTC), or when it was read back by a rebuild.
    public var acceptedAt: String
    /// The run folder (its name) whose upload was accepted; nil for a rebuild or an import.
    public var run: String?
    /// Where the line came from: `upload`, `rebuild` or `import`.
    public var origin: String

    /// One channel's consent as Omnisend last accepted it.
    public struct Channel: Sendable, Codable, Equatable {
        /// `subscribed`, `unsubscribed` or `nonSubscribed`.
        public var status: String
        /// The status date sent or stored (ISO 8601), when known.
        public var statusDate: String?
        /// Creates a channel entry.
        public init(status: String, statusDate: String?) {
            self.status = status
            self.statusDate = statusDate
        }
    }

    /// Creates a line.
    public init(
        formatVersion: Int = 1, email: String, payloadHash: String?, channels: [String: Channel], acceptedAt: String,
        run: String?, origin: String
    ) {
        self.formatVersion = formatVersion
        self.email = email
        self.payloadHash = payloadHash
        self.channels = channels
        self.acceptedAt = acceptedAt
        self.run = run
        self.origin = origin
    }
}
