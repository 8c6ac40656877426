#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The keys an NDJSON input's lines have used so far, each with the field it is lent as, so that
/// lines are read by key, not by position: a line may leave keys out, list them in another order
/// or add new ones, and its values still land in the same fields.
///
/// Only keys that are written without escapes are kept (their bytes are their text): a line with
/// another key is parsed the long way. Each key is stored as it is usually written, `"key":`, and
/// each key remembers the key that followed it, so that a line like the ones before it is matched
/// with one comparison per key: also a line that leaves keys out (the key after the next is
/// tried, up to `maxSkipped` keys on) or starts elsewhere in the same order.
struct NDJSONKeyTable {
    /// Every key, in the order it was first seen: the fields' names.
    private(set) var names: [String] = []
    /// Each key's `"key":` bytes.
    private(set) var quoted: [[UInt8]] = []
    /// Per field, the field whose key came after it when it was last looked up (`-1`: none yet).
    var successor: [Int] = []
    /// The field whose key came first on the line before (`-1`: none yet).
    var first = -1

    /// How many keys a line may leave out between two of its keys and still be matched by guesses.
    static let maxSkipped = 3

    /// The most keys kept: a file whose lines keep inventing keys is read the long way beyond it.
    static let maxKeys = 1024

    /// How many keys there are.
    var count: Int { names.count }

    /// The field of the key whose UTF-8 bytes (no quotes, no escapes) are `key`, adding the key
    /// when new; `nil` when it is new and not valid UTF-8, or the table is full.
    mutating func field(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        for index in quoted.indices where quoted[index].count == key.count + 3 {
            let same = quoted[index].withUnsafeBufferPointer { stored in
                key.isEmpty || memcmp(stored.baseAddress! + 1, key.baseAddress!, key.count) == 0
            }
            if same { return index }
        }
        guard names.count < Self.maxKeys, UTF8Validator.firstInvalidOffset(key) == nil else { return nil }
        names.append(String(decoding: key, as: UTF8.self))
        quoted.append([UInt8(ascii: "\"")] + Array(key) + [UInt8(ascii: "\""), UInt8(ascii: ":")])
        successor.append(-1)
        return names.count - 1
    }

    /// Forgets the keys added after the first `count` (those of a line that turned out not to be
    /// read by key) and every guess that leads to them.
    mutating func restore(count: Int) {
        if names.count > count {
            names.removeLast(names.count - count)
            quoted.removeLast(quoted.count - count)
            successor.removeLast(successor.count - count)
            for i in successor.indices where successor[i] >= count { successor[i] = -1 }
            if first >= count { first = -1 }
        }
    }
}
