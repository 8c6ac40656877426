import Crypto
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

    struct Entry: Sendable {
        var high: UInt64
        var low: UInt64
        var flags: UInt8
    }

    private static let hashKnown: UInt8 = 1
    private static let left: UInt8 = 2
    private static let seen: UInt8 = 4

    private var entries: [UInt64: Entry]
    /// Known unsubscribe dates by email key (the consent guard reads them).
    private var unsubscribed: [UInt64: String]
    /// The state version the snapshot was read at.
    public let version: Int
    /// Contacts in the state that have not left.
    public private(set) var members: Int

    /// Reads every contact of `store` (one transaction), with the version it was read at.
    public static func load(_ store: DestinationStateStore) throws -> StateSnapshot {
        let version = try store.version().number
        var entries: [UInt64: Entry] = [:]
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
            entries[key] = Entry(high: high, low: low, flags: flags)
            if entry.emailStatus == "unsubscribed", let date = entry.emailStatusDate { unsubscribed[key] = date }
        }
        return StateSnapshot(entries: entries, unsubscribed: unsubscribed, version: version, members: members)
    }

    /// An empty snapshot (a state without contacts) at `version`.
    public init(version: Int = 0) {
        self.init(entries: [:], unsubscribed: [:], version: version, members: 0)
    }

    private init(entries: [UInt64: Entry], unsubscribed: [UInt64: String], version: Int, members: Int) {
        self.entries = entries
        self.unsubscribed = unsubscribed
        self.version = version
        self.members = members
    }

    /// Classifies a kept contact by its payload hash and marks its email seen.
    public mutating func classify<Email: Collection<UInt8>>(email: Email, hash: [UInt8]) -> Classification {
        let key = Self.emailKey(email)
        guard var entry = entries[key] else { return .new }
        let wasSeen = entry.flags & Self.seen != 0
        entry.flags |= Self.seen
        entries[key] = entry
        if wasSeen { return .changed }
        guard entry.flags & Self.hashKnown != 0, entry.flags & Self.left == 0 else { return .changed }
        let (high, low) = Self.prefix(hash)
        return high == entry.high && low == entry.low ? .unchanged : .changed
    }

    /// Marks an email named by a row that is not kept (a rejected row): it is no leaver.
    public mutating func markSeen<Email: Collection<UInt8>>(email: Email) {
        let key = Self.emailKey(email)
        if var entry = entries[key] {
            entry.flags |= Self.seen
            entries[key] = entry
        }
    }

    /// Whether `email` is in the state, has not left and was not seen by this run.
    public func isLeaver(_ email: String) -> Bool {
        guard let entry = entries[Self.emailKey(email)] else { return false }
        return entry.flags & (Self.seen | Self.left) == 0
    }

    /// The unsubscribe the state knows for `email` (status and date), for the consent guard.
    public func knownUnsubscribe<Email: Collection<UInt8>>(email: Email) -> String? {
        unsubscribed.isEmpty ? nil : unsubscribed[Self.emailKey(email)]
    }

    /// The first 8 bytes of SHA-256 of the email, as a key (collisions: about 1 in 10^7 for 10^6 emails squared).
    static func emailKey<Email: Collection<UInt8>>(_ email: Email) -> UInt64 {
        // Hashed in place when the bytes are contiguous (the writing pass's email buffer): no copy.
        let digest = email.withContiguousStorageIfAvailable { buffer in
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            return hasher.finalize()
        } ?? SHA256.hash(data: Array(email))
        return digest.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    static func emailKey(_ email: String) -> UInt64 { emailKey(Array(email.utf8)) }

    static func prefix(_ hash: [UInt8]) -> (UInt64, UInt64) {
        guard hash.count >= 16 else { return (0, 0) }
        return hash.withUnsafeBytes { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    static func prefix(hex: String) -> (UInt64, UInt64)? {
        let digits = Array(hex.utf8)
        guard digits.count >= 32 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 {
            guard let high = nibble(digits[2 * i]), let low = nibble(digits[2 * i + 1]) else { return nil }
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
