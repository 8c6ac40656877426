#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed table from byte keys to values, looked up by a key's bytes without making a `String`
/// or an array (open addressing, FNV-1a hashes).
public struct ByteKeyTable<Value: Sendable>: Sendable {
    private let keys: [[UInt8]]
    private let values: [Value]
    /// Per slot, the entry's index, or -1 for an empty slot.
    private let slots: [Int32]
    private let mask: Int

    /// The table of `entries` (keys are compared byte by byte: give each key once).
    init(_ entries: [(key: [UInt8], value: Value)]) {
        var size = 16
        while size < entries.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (i, entry) in entries.enumerated() {
            var slot = entry.key.withUnsafeBufferPointer(Self.hash) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(i)
        }
        keys = entries.map(\.key)
        values = entries.map(\.value)
        self.slots = slots
        mask = size - 1
    }

    /// The value of `key`, or `nil` when the table has no such key.
    func value(for key: UnsafeBufferPointer<UInt8>) -> Value? {
        var slot = Self.hash(key) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let equal = keys[index].withUnsafeBufferPointer {
                $0.count == key.count && ($0.isEmpty || memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0)
            }
            if equal { return values[index] }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
