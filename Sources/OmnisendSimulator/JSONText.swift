/// Writing JSON text by hand on hot paths (items lists, NDJSON of contacts, stored documents).
enum JSONText {
    /// The string as a quoted JSON string literal.
    static func quote(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            return "\"" + text + "\""
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        writeQuoted(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the string as a quoted JSON string literal: `"` and `\` escaped, `\n`, `\r`, `\t`
    /// as such, other control characters as `\u00XX` (lowercase hex), everything else as is.
    static func writeQuoted(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22, 0x5C: out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
            out.append(UInt8(ascii: "\""))
        }
    }
}
