/// Writes JSON text byte by byte, deterministically; the one JSON encoder of the record path.
///
/// Escapes `"` `\\` and control characters (as `\uXXXX`, or `\n` `\r` `\t` `\b` `\f`), and
/// U+2028/U+2029 so that a line of output is always one line for `grep` and JavaScript alike.
/// Everything else is written as UTF-8.
public enum JSONText {
    /// Appends `string` as a quoted JSON string to `out`.
    public static func appendString(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { appendString($0, to: &out) }
    }

    /// Appends the UTF-8 text `bytes` as a quoted JSON string to `out`.
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendEscaped(bytes, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Returns `string` as a quoted JSON string.
    public static func quoted(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count + 2)
        appendString(string, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether any byte of `word` may be one `appendEscaped` treats specially: below 0x20, `"`,
    /// `\\`, 0x7F or 0xE2 (the first byte of U+2028/U+2029). Never `false` for such a byte
    /// (a `true` for other bytes only costs a byte-by-byte look).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let below20 = (word &- ones &* 0x20) & ~word & highs
        return (below20 | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5C))
            | hasZeroByte(word ^ (ones &* 0x7F)) | hasZeroByte(word ^ (ones &* 0xE2))) != 0
    }

    /// The most bytes `writeEscaped` writes for `count` bytes of input (`\u00XX` per byte).
    public static func escapedCapacity(_ count: Int) -> Int { count * 6 }

    /// Writes the UTF-8 text `bytes` JSON-escaped (without quotes) at `out`, which must have room
    /// for `escapedCapacity(bytes.count)` bytes; returns how many it wrote.
    ///
    /// Eight bytes that need no escape are copied as one word; the last eight bytes of a value
    /// go as one word too when nothing in them was escaped (they may overlap bytes already
    /// written, with the same bytes), so a short value rarely goes byte by byte.
    public static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let n = bytes.count
        var i = 0
        var w = 0
        /// Where the input after the last escaped byte starts: from there, `out[w - i + k]` is `base[k]`.
        var plainSince = 0
        @inline(__always) func put(_ byte: UInt8) {
            out[w] = byte
            w += 1
        }
        @inline(__always) func word(at k: Int) -> UInt64 { UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self) }
        while i < n {
            if i + 8 <= n {
                let next = word(at: i)
                if !mayNeedEscape(next) {
                    UnsafeMutableRawPointer(out + w).storeBytes(of: next, as: UInt64.self)
                    i += 8
                    w += 8
                    continue
                }
            } else if n >= 8 && n - 8 >= plainSince {
                // The tail, as the value's last word: its first bytes were written already, as they are.
                let last = word(at: n - 8)
                if !mayNeedEscape(last) {
                    UnsafeMutableRawPointer(out + w - (i - (n - 8))).storeBytes(of: last, as: UInt64.self)
                    return w + (n - i)
                }
            }
            let b = base[i]
            i += 1
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b != 0x7F && b != 0xE2 {
                put(b)
                continue
            }
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(UInt8(ascii: "\\")); put(b)
            case 0x0A: put(UInt8(ascii: "\\")); put(UInt8(ascii: "n"))
            case 0x0D: put(UInt8(ascii: "\\")); put(UInt8(ascii: "r"))
            case 0x09: put(UInt8(ascii: "\\")); put(UInt8(ascii: "t"))
            case 0x08: put(UInt8(ascii: "\\")); put(UInt8(ascii: "b"))
            case 0x0C: put(UInt8(ascii: "\\")); put(UInt8(ascii: "f"))
            case 0x00..<0x20, 0x7F:
                put(UInt8(ascii: "\\")); put(UInt8(ascii: "u")); put(UInt8(ascii: "0")); put(UInt8(ascii: "0"))
                put(hexDigit(b >> 4)); put(hexDigit(b & 0xF))
            case 0xE2 where i + 1 < n && base[i] == 0x80 && (base[i + 1] == 0xA8 || base[i + 1] == 0xA9):
                // U+2028 LINE SEPARATOR / U+2029 PARAGRAPH SEPARATOR
                put(UInt8(ascii: "\\")); put(UInt8(ascii: "u")); put(UInt8(ascii: "2")); put(UInt8(ascii: "0"))
                put(UInt8(ascii: "2")); put(base[i + 1] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                i += 2
            default:
                put(b)  // 0xE2 starting another character
                continue
            }
            plainSince = i
        }
        return w
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// `writeEscaped` onto the end of `out`, a piece of at most 4 KiB of input at a time (cut
    /// between characters), through a buffer on the stack.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let piece = 4096
        var start = 0
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: escapedCapacity(min(bytes.count, piece))) { temp in
            guard let tempBase = temp.baseAddress else { return }
            while start < bytes.count {
                var end = min(bytes.count, start + piece)
                while end < bytes.count && end > start + 1 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
                let written = writeEscaped(UnsafeBufferPointer(rebasing: bytes[start..<end]), to: tempBase)
                out.append(contentsOf: UnsafeBufferPointer(start: tempBase, count: written))
                start = end
            }
        }
    }
}
