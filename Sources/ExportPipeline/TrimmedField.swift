import ExportContactRules
/// A field's bytes without the ASCII white space at its ends: what `TextOps.trim` gives when
/// `isTrimmed`; otherwise an end may be Unicode white space, which `text` trims.
///
/// What lets `MappingProgram` write a value straight from the reader's bytes: most values are
/// ASCII-trimmed text, and only the rest become a `String`.
struct TrimmedField {
    /// The bytes between the ASCII white space.
    let bytes: UnsafeBufferPointer<UInt8>

    @inline(__always)
    init(_ field: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var end = field.count
        while start < end && Self.isASCIISpace(field[start]) { start += 1 }
        while end > start && Self.isASCIISpace(field[end - 1]) { end -= 1 }
        bytes = UnsafeBufferPointer(rebasing: field[start..<end])
    }

    /// Whether nothing is left once the ASCII white space is gone.
    var isEmpty: Bool { bytes.isEmpty }

    /// Whether no Unicode white space is left at either end. Non-ASCII white space (U+0085,
    /// U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) starts with byte
    /// C2, E1, E2 or E3: an end character with another first byte cannot be white space.
    var isTrimmed: Bool {
        let n = bytes.count
        if n == 0 { return true }
        if bytes[0] >= 0x80 && Self.mayStartSpace(bytes[0]) { return false }
        if bytes[n - 1] < 0x80 { return true }
        var lead = n - 1
        while lead > 0 && lead > n - 4 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        return !Self.mayStartSpace(bytes[lead])
    }

    /// The text, trimmed as `TextOps.trim` trims.
    var text: String {
        let text = String(decoding: bytes, as: UTF8.self)
        return isTrimmed ? text : TextOps.trim(text)
    }

    @inline(__always)
    private static func mayStartSpace(_ lead: UInt8) -> Bool {
        lead == 0xC2 || lead == 0xE1 || lead == 0xE2 || lead == 0xE3
    }

    /// Whether every byte is ASCII.
    var isASCII: Bool { ASCIIText.isASCII(bytes) }

    /// Writes the bytes lower-cased (what `EmailNormalizer.normalize` gives when `isASCII`) to
    /// `out`, which has room for `bytes.count`.
    func writeASCIILowercased(to out: UnsafeMutablePointer<UInt8>) {
        for i in 0..<bytes.count {
            let b = bytes[i]
            out[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
        }
    }

    @inline(__always)
    private static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
}
