/// A 128-bit fingerprint of a normalised email: the dedupe key, so no per-row `String` is kept.
///
/// Two independent 64-bit hashes (murmur-style mixing with fixed, different seeds), so the key
/// is the same on every run and machine. A collision between two different addresses has a
/// probability of about n²/2¹²⁹, negligible for any export.
public struct EmailKey: Hashable, Sendable {
    /// The first 64 bits.
    public let high: UInt64
    /// The second 64 bits.
    public let low: UInt64

    /// The key of `email` (expected normalised; the hash is of its UTF-8 bytes).
    public init(_ email: String) {
        // Native strings lend their bytes without a copy; others (bridged, lazily decoded) are
        // made contiguous first.
        if let key = email.utf8.withContiguousStorageIfAvailable(Self.halves) {
            (high, low) = key
        } else {
            var copy = email
            (high, low) = copy.withUTF8(Self.halves)
        }
    }

    /// The key of the normalised email whose UTF-8 bytes are `bytes` (the same key as `init(_:)`
    /// gives for the `String` of those bytes).
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        (high, low) = Self.halves(bytes)
    }

    private static func halves(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        (hash(bytes, seed: 0x9E37_79B9_7F4A_7C15), hash(bytes, seed: 0xC2B2_AE3D_27D4_EB4F))
    }

    /// A key from its two halves (as `high` and `low` give them; the all-zero key marks an empty
    /// slot in `EmailTable`).
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(low) }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        let c1: UInt64 = 0x87C3_7B91_1142_53D5
        let c2: UInt64 = 0x4CF5_AD43_2745_937F
        var h = seed ^ (UInt64(bytes.count) &* c2)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            var k: UInt64 = 0
            for j in 0..<8 { k |= UInt64(bytes[i + j]) << (8 * UInt64(j)) }
            k = (k &* c1).rotatedLeft(31) &* c2
            h = ((h ^ k).rotatedLeft(27) &* 5) &+ 0x52DC_E729
            i += 8
        }
        var k: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            k |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h ^= (k &* c1).rotatedLeft(31) &* c2
        // fmix64
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
