/// Strict UTF-8 validation (RFC 3629): no overlong forms, no encoded surrogates, nothing above
/// U+10FFFF. Noncharacters (U+FFFE, U+FDD0…) are valid, as the RFC says.
///
/// Shared by the CSV reader (per field), the NDJSON reader (per line) and the JSON parser (inside
/// strings), so that all three agree on what "invalid UTF-8" means.
enum UTF8Validator {
    /// The offset of the first byte that does not begin a valid sequence, or `nil` when all are valid.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return nil }
        var i = 0
        while i < count {
            // ASCII fast path: eight bytes at a time.
            if i + 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            let length = sequenceLength(bytes, at: i)
            if length == 0 { return i }
            i += length
        }
        return nil
    }

    /// The length (2–4) of the valid multi-byte sequence that starts at `i`, or 0 when the bytes
    /// there are not one. `bytes[i]` must be 0x80 or above.
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let count = bytes.count
        let lead = bytes[i]
        switch lead {
        case 0xC2...0xDF:
            guard i + 1 < count, bytes[i + 1] & 0xC0 == 0x80 else { return 0 }
            return 2
        case 0xE0...0xEF:
            guard i + 2 < count else { return 0 }
            let second = bytes[i + 1]
            let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80  // 0xE0 0x80…0x9F would be overlong
            let high: UInt8 = lead == 0xED ? 0x9F : 0xBF  // 0xED 0xA0…0xBF are surrogates
            guard second >= low, second <= high, bytes[i + 2] & 0xC0 == 0x80 else { return 0 }
            return 3
        case 0xF0...0xF4:
            guard i + 3 < count else { return 0 }
            let second = bytes[i + 1]
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80  // overlong below U+10000
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF  // above U+10FFFF
            guard second >= low, second <= high, bytes[i + 2] & 0xC0 == 0x80, bytes[i + 3] & 0xC0 == 0x80
            else { return 0 }
            return 4
        default:
            return 0
        }
    }
}
