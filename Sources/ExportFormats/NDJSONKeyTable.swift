/// The keys an NDJSON input's lines have used so far, each with the field it is lent as, so that
/// lines are read by key, not by position: a line may leave keys out, list them in another order
/// or add new ones, and its values still land in the same fields.
///
/// Only keys that are written without escapes are kept (their bytes are their text): a line with
/// another key is parsed the long way. Each key is stored as it is usually written, `"key":`, and
/// the order of the last line's keys is kept, so that a line like the one before it is matched
/// with one comparison per key.
struct NDJSONKeyTable {
    /// Every key, in the order it was first seen: the fields' names.
    private(set) var names: [String] = []
    /// Each key's `"key":` bytes.
    private(set) var quoted: [[UInt8]] = []
    /// The field of each key of the last line, in the line's order.
    var order: [Int] = []

    /// The most keys kept: a file whose lines keep inventing keys is read the long way beyond it.
    static let maxKeys = 1024

    /// How many keys there are.
    var count: Int { names.count }

    /// The field of the key whose UTF-8 bytes (no quotes, no escapes) are `key`, adding the key
    /// when new; `nil` when it is new and not valid UTF-8, or the table is full.
    mutating func field(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        for index in quoted.indices where quoted[index].count == key.count + 3 {
            let same = quoted[index].withUnsafeBufferPointer { stored in
                key.indices.allSatisfy { stored[$0 + 1] == key[$0] }
            }
            if same { return index }
        }
        guard names.count < Self.maxKeys, UTF8Validator.firstInvalidOffset(key) == nil else { return nil }
        names.append(String(decoding: key, as: UTF8.self))
        quoted.append([UInt8(ascii: "\"")] + Array(key) + [UInt8(ascii: "\""), UInt8(ascii: ":")])
        return names.count - 1
    }

    /// Forgets the keys added after the first `count` (those of a line that turned out not to be
    /// read by key) and the last line's order.
    mutating func restore(count: Int) {
        if names.count > count {
            names.removeLast(names.count - count)
            quoted.removeLast(quoted.count - count)
        }
        order.removeAll(keepingCapacity: true)
    }
}
