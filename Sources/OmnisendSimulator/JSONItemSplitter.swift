/// Finds the exact bytes of each element of the top-level `items` array of a batch body, so the
/// simulator stores every item's request as sent without re-serialising it. Expects text that a
/// JSON parser has already accepted.
enum JSONItemSplitter {
    /// Byte ranges of the elements of `items`, or `nil` when the body has no top-level `items` array.
    static func itemRanges(_ bytes: [UInt8]) -> [Range<Int>]? {
        var i = 0
        skipSpace(bytes, &i)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while i < bytes.count {
            skipSpace(bytes, &i)
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "}") { return nil }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            let keyStart = i
            skipString(bytes, &i)
            let isItems = bytes[keyStart..<i].elementsEqual("\"items\"".utf8)
            skipSpace(bytes, &i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace(bytes, &i)
            if isItems {
                return arrayElements(bytes, &i)
            }
            skipValue(bytes, &i)
        }
        return nil
    }

    private static func arrayElements(_ bytes: [UInt8], _ i: inout Int) -> [Range<Int>]? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var ranges: [Range<Int>] = []
        while i < bytes.count {
            skipSpace(bytes, &i)
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "]") { return ranges }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            let start = i
            skipValue(bytes, &i)
            ranges.append(start..<i)
        }
        return nil
    }

    private static func skipSpace(_ bytes: [UInt8], _ i: inout Int) {
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
    }

    private static func skipString(_ bytes: [UInt8], _ i: inout Int) {
        i += 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                i += 2
            } else if bytes[i] == UInt8(ascii: "\"") {
                i += 1
                return
            } else {
                i += 1
            }
        }
    }

    private static func skipValue(_ bytes: [UInt8], _ i: inout Int) {
        guard i < bytes.count else { return }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            skipString(bytes, &i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte == UInt8(ascii: "\"") {
                    skipString(bytes, &i)
                    continue
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return
                    }
                }
                i += 1
            }
        default:
            while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "]"), bytes[i] != UInt8(ascii: "}"),
                bytes[i] != 32, bytes[i] != 9, bytes[i] != 10, bytes[i] != 13
            {
                i += 1
            }
        }
    }
}
