import ExportCore

/// The destination state in memory for one `prepare --incremental`: per email a 64-bit key and
/// the first 16 bytes of its payload hash, so a million contacts take tens of megabytes, not the
/// hundreds their email strings would.
///
/// Each contact the run keeps is classified (`new`, `changed`, `unchanged`) and marked seen;
/// rows that name an email without keeping it (rejected rows) are marked seen too, so that they
/// do not count as leavers. What was not seen at the end has left the segment.
public struct StateSnapshot: Sendable {
    /// What the diff says about one kept contact.
    public enum Classification: Sendable, Equatable {
        /// Not in the state: send it.
        case new
        /// In the state with another payload (or an unknown hash, or after it left): send it.
        case changed
        /// In the state with the same payload: not sent, counted as `unchanged`.
        case unchanged
    }

    private static let hashKnown: UInt8 = 1
    private static let left: UInt8 = 2
    private static let seen: UInt8 = 4

    private var entries: EmailKeyTable
    /// Known unsubscribe dates by email key (the consent guard reads them).
    private var unsubscribed: [UInt64: String]
    /// The state version the snapshot was read at.
    public let version: Int
    /// Contacts in the state that have not left.
    public private(set) var members: Int

    /// Reads every contact of `store` (one transaction), with the version it was read at.
    public static func load(_ store: DestinationStateStore) throws -> StateSnapshot {
        let version = try store.version().number
        var entries = EmailKeyTable(capacity: try store.count())
        var unsubscribed: [UInt64: String] = [:]
        var members = 0
        try store.forEachEntry { entry in
            let key = emailKey(entry.email)
            var flags: UInt8 = 0
            var high: UInt64 = 0
            var low: UInt64 = 0
            if let hex = entry.payloadHash, let (h, l) = prefix(hex: hex) {
                flags |= hashKnown
                high = h
                low = l
            }
            if entry.left { flags |= left } else { members += 1 }
            entries.set(.init(high: high, low: low, flags: flags), for: key)
            if let date = entry.unsubscribedAt { unsubscribed[key] = String(decoding: date, as: UTF8.self) }
        }
        return StateSnapshot(entries: entries, unsubscribed: unsubscribed, version: version, members: members)
    }

    /// An empty snapshot (a state without contacts) at `version`.
    public init(version: Int = 0) {
        self.init(entries: EmailKeyTable(capacity: 0), unsubscribed: [:], version: version, members: 0)
    }

    private init(entries: EmailKeyTable, unsubscribed: [UInt64: String], version: Int, members: Int) {
        self.entries = entries
        self.unsubscribed = unsubscribed
        self.version = version
        self.members = members
    }

    /// Classifies a kept contact by its payload hash and marks its email seen.
    public mutating func classify<Email: Collection<UInt8>>(email: Email, hash: [UInt8]) -> Classification {
        guard let entry = entries.insertFlags(Self.seen, for: Self.emailKey(email)) else { return .new }
        if entry.flags & Self.seen != 0 { return .changed }
        guard entry.flags & Self.hashKnown != 0, entry.flags & Self.left == 0 else { return .changed }
        let (high, low) = Self.prefix(hash)
        return high == entry.high && low == entry.low ? .unchanged : .changed
    }

    /// Marks an email named by a row that is not kept (a rejected row): it is no leaver.
    public mutating func markSeen<Email: Collection<UInt8>>(email: Email) {
        _ = entries.insertFlags(Self.seen, for: Self.emailKey(email))
    }

    /// Whether `email` is in the state, has not left and was not seen by this run.
    public func isLeaver<Email: Collection<UInt8>>(email: Email) -> Bool {
        guard let entry = entries[Self.emailKey(email)] else { return false }
        return entry.flags & (Self.seen | Self.left) == 0
    }

    /// Whether `email` is in the state, has not left and was not seen by this run.
    public func isLeaver(_ email: String) -> Bool { isLeaver(email: Array(email.utf8)) }

    /// How many contacts of the state have not left and were not seen by this run (the leavers),
    /// counted without reading the state again.
    public var leaverCount: Int {
        entries.count(withoutAny: Self.seen | Self.left)
    }

    /// The unsubscribe the state knows for `email` (status and date), for the consent guard.
    public func knownUnsubscribe<Email: Collection<UInt8>>(email: Email) -> String? {
        unsubscribed.isEmpty ? nil : unsubscribed[Self.emailKey(email)]
    }

    /// The email's key in memory: 64 bits of the standard library's `Hasher` (seeded per process;
    /// the snapshot is never stored). Two emails sharing a key (about 1 in 10^7 for a million
    /// contacts) cannot make a contact look unchanged, because the payload hashes must agree too;
    /// at worst one of them is sent again or is not counted as a leaver.
    static func emailKey<Email: Collection<UInt8>>(_ email: Email) -> UInt64 {
        var hasher = Hasher()
        if email.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            Array(email).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        return UInt64(truncatingIfNeeded: hasher.finalize())
    }

    static func prefix(_ hash: [UInt8]) -> (UInt64, UInt64) {
        guard hash.count >= 16 else { return (0, 0) }
        return hash.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    static func prefix<Digits: RandomAccessCollection<UInt8>>(hex digits: Digits) -> (UInt64, UInt64)? where Digits.Index == Int {
        guard digits.count >= 32 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 {
            guard let high = nibble(digits[digits.startIndex + 2 * i]), let low = nibble(digits[digits.startIndex + 2 * i + 1]) else { return nil }
            bytes[i] = high << 4 | low
        }
        return prefix(bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
