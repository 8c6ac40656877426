import Testing

@testable import ExportFormats

@Suite struct UTF8ValidatorTests {
    @Test(arguments: [
        ([UInt8](), nil as Int?),
        (Array("plain ascii text, long enough for the fast path".utf8), nil),
        (Array("Ștefan 李 😀 \u{FFFE}".utf8), nil),
        ([0x61, 0x80], 1),  // lone continuation byte
        ([0xC0, 0xAF], 0),  // overlong '/'
        ([0xE0, 0x80, 0xAF], 0),  // overlong, three bytes
        ([0xED, 0xA0, 0x80], 0),  // encoded surrogate U+D800
        ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
        ([0x61, 0x62, 0xE2, 0x82], 2),  // truncated at the end
        ([0xFE], 0),
        (Array("12345678".utf8) + [0xFF], 8),
    ])
    func findsFirstInvalidByte(_ bytes: [UInt8], _ expected: Int?) {
        #expect(bytes.withUnsafeBufferPointer { UTF8Validator.firstInvalidOffset($0) } == expected)
    }
}
