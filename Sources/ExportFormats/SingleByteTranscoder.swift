/// Turns a single-byte encoding (ISO-8859-1 or Windows-1252) into UTF-8, byte for byte.
///
/// Both encodings map every byte to one code point, so the transcoded text keeps every ASCII byte
/// (delimiters, quotes, line ends) where it was; only bytes 0x80–0xFF grow to two or three bytes.
struct SingleByteTranscoder: Sendable {
    /// The most UTF-8 bytes one input byte can become (the euro sign, U+20AC, takes three).
    static let maxExpansion = 3

    /// The UTF-8 bytes of each input byte, packed little-endian with the length in the top byte.
    private let table: [UInt32]

    /// A transcoder for `encoding`; `nil` for UTF-8, which needs none.
    init?(_ encoding: CSVOptions.Encoding) {
        switch encoding {
        case .utf8: return nil
        case .latin1: table = Self.makeTable { UInt32($0) }
        case .windows1252:
            table = Self.makeTable { byte in
                guard (0x80...0x9F).contains(byte) else { return UInt32(byte) }
                return Self.windows1252High[Int(byte) - 0x80]
            }
        }
    }

    /// Code points of Windows-1252 bytes 0x80–0x9F. The five bytes the code page leaves undefined
    /// (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same value, as WHATWG does.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static func makeTable(_ scalar: (UInt8) -> UInt32) -> [UInt32] {
        (0...255).map { byte in
            var packed: UInt32 = 0
            var length: UInt32 = 0
            for unit in UTF8.encode(Unicode.Scalar(scalar(UInt8(byte)))!)! {
                packed |= UInt32(unit) << (8 * length)
                length += 1
            }
            return packed | (length << 24)
        }
    }

    /// Writes the UTF-8 form of `input` to `output` and returns how many bytes it wrote.
    /// `output` must hold `input.count * maxExpansion` bytes.
    func transcode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var written = 0
        table.withUnsafeBufferPointer { table in
            for byte in input {
                var packed = table[Int(byte)]
                let length = Int(packed >> 24)
                for _ in 0..<length {
                    output[written] = UInt8(truncatingIfNeeded: packed)
                    packed >>= 8
                    written += 1
                }
            }
        }
        return written
    }
}
