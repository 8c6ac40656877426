/// What the first bytes of a stream say it is; the file name is never consulted.
public enum SniffedFormat: String, Sendable, Equatable, CaseIterable {
    /// gzip magic `1f 8b`.
    case gzip
    /// A zip archive: local file header `PK\x03\x04`, or the end record `PK\x05\x06` of an empty zip.
    case zip
    /// A tar archive: `ustar` at offset 257, or a first 512-byte header whose checksum is valid (v7 tar).
    case tar
    /// One JSON object per line: the first non-whitespace byte (after an optional UTF-8 BOM) is `{`.
    case ndjson
    /// Anything else: read as delimited text.
    case csv
    /// No bytes at all.
    case empty
    /// Text with a UTF-16 byte-order mark (`FF FE` or `FE FF`).
    case utf16

    /// How many leading bytes `sniff` looks at; pass at least this many when the stream has them.
    public static let prefixLength = 512

    /// Classifies a stream from its first bytes (up to `prefixLength` of them).
    public static func sniff<Bytes: Collection<UInt8>>(_ prefix: Bytes) -> SniffedFormat {
        let bytes = Array(prefix.prefix(prefixLength))
        if bytes.isEmpty { return .empty }
        if bytes.starts(with: [0x1f, 0x8b]) { return .gzip }
        if bytes.starts(with: [0x50, 0x4b, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4b, 0x05, 0x06]) {
            return .zip
        }
        if bytes.count >= 262, bytes[257..<262].elementsEqual("ustar".utf8) { return .tar }
        if hasValidTarChecksum(bytes) { return .tar }
        if bytes.starts(with: [0xff, 0xfe]) || bytes.starts(with: [0xfe, 0xff]) { return .utf16 }
        let body = bytes.starts(with: [0xef, 0xbb, 0xbf]) ? bytes.dropFirst(3) : bytes[...]
        let firstVisible = body.first { !isWhitespace($0) }
        return firstVisible == UInt8(ascii: "{") ? .ndjson : .csv
    }

    /// Whether `bytes` starts with a 512-byte block whose header checksum (octal, at offset 148)
    /// equals the sum of the block's bytes with the checksum field counted as spaces.
    static func hasValidTarChecksum(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 512 else { return false }
        var stored = 0
        var digits = 0
        for byte in bytes[148..<156] {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") {
                stored = stored * 8 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            } else if byte == 0x20 || byte == 0 {
                if digits > 0 { break }
            } else {
                return false
            }
        }
        guard digits > 0 else { return false }
        var sum = 0
        for (offset, byte) in bytes[0..<512].enumerated() {
            sum += (148..<156).contains(offset) ? 0x20 : Int(byte)
        }
        return sum == stored
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }
}
