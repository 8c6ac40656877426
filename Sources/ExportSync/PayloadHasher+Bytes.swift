import Crypto
import ExportCore

/// The hash on the item's bytes, without parsing: the compact JSON the mapper writes, with the
/// volatile members cut out (top-level fields, `customProperties` members, tags by prefix). A
/// million contacts are hashed in a fraction of what parsing each one would cost. Keys keep the
/// order they are written in: a mapping engine that writes another order makes every contact
/// look changed once (it is then sent and recorded with the new hash).
extension PayloadHasher {
    /// Cuts the volatile members out of `item` into `out` (emptied first).
    /// - Throws: `ExportError.corruptInput` when the bytes are not one JSON object.
    func strip(_ item: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        out.removeAll(keepingCapacity: true)
        let scanner = JSONSpans(bytes: item)
        let i = scanner.skipSpace(0)
        guard i < item.count, item[i] == UInt8(ascii: "{") else { throw JSONSpans.malformed }
        out.append(UInt8(ascii: "{"))
        var first = true
        try scanner.members(ofObjectAt: i) { key, value in
            if topLevelBytes.contains(where: { JSONSpans.equal(item, key, $0) }) { return }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: UnsafeBufferPointer(rebasing: item[key.lowerBound - 1..<key.upperBound + 1]))
            out.append(UInt8(ascii: ":"))
            if !customPropertyBytes.isEmpty, JSONSpans.equal(item, key, JSONSpans.customProperties), item[value.lowerBound] == UInt8(ascii: "{") {
                out.append(UInt8(ascii: "{"))
                var firstProperty = true
                try scanner.members(ofObjectAt: value.lowerBound) { name, property in
                    if customPropertyBytes.contains(where: { JSONSpans.equal(item, name, $0) }) { return }
                    if !firstProperty { out.append(UInt8(ascii: ",")) }
                    firstProperty = false
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: item[name.lowerBound - 1..<property.upperBound]))
                }
                out.append(UInt8(ascii: "}"))
            } else if !tagPrefixBytes.isEmpty, JSONSpans.equal(item, key, JSONSpans.tags), item[value.lowerBound] == UInt8(ascii: "[") {
                out.append(UInt8(ascii: "["))
                var firstTag = true
                try scanner.elements(ofArrayAt: value.lowerBound) { element in
                    if item[element.lowerBound] == UInt8(ascii: "\"") {
                        let content = element.lowerBound + 1..<element.upperBound - 1
                        if tagPrefixBytes.contains(where: { JSONSpans.hasPrefix(item, content, $0) }) { return }
                    }
                    if !firstTag { out.append(UInt8(ascii: ",")) }
                    firstTag = false
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: item[element]))
                }
                out.append(UInt8(ascii: "]"))
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: item[value]))
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// SHA-256 of the stripped bytes; of the object's own bytes when nothing is volatile.
    func byteHash(_ item: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) throws -> [UInt8] {
        if stripsNothing {
            let scanner = JSONSpans(bytes: item)
            let start = scanner.skipSpace(0)
            var end = item.count
            while end > start, scanner.skipSpace(end - 1) == end { end -= 1 }
            guard end - start >= 2, item[start] == UInt8(ascii: "{"), item[end - 1] == UInt8(ascii: "}") else { throw JSONSpans.malformed }
            return Array(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(item)[start..<end])))
        }
        try strip(item, into: &scratch)
        return Array(SHA256.hash(data: scratch))
    }
}

/// Spans of a compact JSON text: strings are skipped escape-aware, containers by depth.
struct JSONSpans {
    let bytes: UnsafeBufferPointer<UInt8>

    static let malformed = ExportError(.corruptInput, "a contact item is not a JSON object")
    static let customProperties = Array("customProperties".utf8)
    static let tags = Array("tags".utf8)

    func skipSpace(_ start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i
    }

    /// The index after the string that starts (with its quote) at `start`.
    func skipString(_ start: Int) throws -> Int {
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""): return i + 1
            case UInt8(ascii: "\\"): i += 2
            default: i += 1
            }
        }
        throw Self.malformed
    }

    /// The index after the value that starts at `start`.
    func skipValue(_ start: Int) throws -> Int {
        guard start < bytes.count else { throw Self.malformed }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try skipString(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    i = try skipString(i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default:
                    break
                }
                i += 1
            }
            throw Self.malformed
        default:
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return i
                default: i += 1
                }
            }
            return i
        }
    }

    /// Calls `body` with each member's key (inside the quotes) and value span of the object at `start`.
    func members(ofObjectAt start: Int, _ body: (Range<Int>, Range<Int>) throws -> Void) throws {
        var i = skipSpace(start + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\"") else { throw Self.malformed }
            let keyEnd = try skipString(i)
            let key = i + 1..<keyEnd - 1
            i = skipSpace(keyEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Self.malformed }
            i = skipSpace(i + 1)
            let valueEnd = try skipValue(i)
            try body(key, i..<valueEnd)
            i = skipSpace(valueEnd)
            guard i < bytes.count else { throw Self.malformed }
            if bytes[i] == UInt8(ascii: "}") { return }
            guard bytes[i] == UInt8(ascii: ",") else { throw Self.malformed }
            i = skipSpace(i + 1)
        }
        throw Self.malformed
    }

    /// Calls `body` with each element span of the array at `start`.
    func elements(ofArrayAt start: Int, _ body: (Range<Int>) throws -> Void) throws {
        var i = skipSpace(start + 1)
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return }
        while i < bytes.count {
            let end = try skipValue(i)
            try body(i..<end)
            i = skipSpace(end)
            guard i < bytes.count else { throw Self.malformed }
            if bytes[i] == UInt8(ascii: "]") { return }
            guard bytes[i] == UInt8(ascii: ",") else { throw Self.malformed }
            i = skipSpace(i + 1)
        }
        throw Self.malformed
    }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ other: [UInt8]) -> Bool {
        range.count == other.count && UnsafeBufferPointer(rebasing: bytes[range]).elementsEqual(other)
    }

    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ prefix: [UInt8]) -> Bool {
        range.count >= prefix.count && UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<range.lowerBound + prefix.count]).elementsEqual(prefix)
    }
}
