/// The keys an NDJSON line is expected to repeat, as raw bytes, for
/// `JSONValueParser.parseFlatObject(_:keys:)`.
///
/// Only keys whose UTF-8 bytes can be matched in the source without decoding qualify: no `"`,
/// no `\` and no control character (a key holding one is written escaped, so its bytes differ).
/// Each key is kept as it is usually written, `"key":`, so that a line without white space
/// around its keys is matched with one comparison per key.
struct FlatObjectKeys {
    /// Every key's `"key":` bytes, concatenated.
    let bytes: [UInt8]
    /// The end offset in `bytes` of each key's `"key":`.
    let ends: [Int]

    /// The keys `names`, or nil when one of them needs escaping in JSON.
    init?(_ names: [String]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(names.count)
        for name in names {
            bytes.append(UInt8(ascii: "\""))
            for byte in name.utf8 {
                guard byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { return nil }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
            ends.append(bytes.count)
        }
        self.bytes = bytes
        self.ends = ends
    }

    /// How many keys there are.
    var count: Int { ends.count }
}
