import Testing

@testable import ExportFormats

@Suite struct SingleByteTranscoderTests {
    static func transcode(_ bytes: [UInt8], _ encoding: CSVOptions.Encoding) -> String {
        let transcoder = SingleByteTranscoder(encoding)!
        var out = [UInt8](repeating: 0, count: bytes.count * SingleByteTranscoder.maxExpansion)
        let count = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { transcoder.transcode(input, into: $0) }
        }
        return String(decoding: out[..<count], as: UTF8.self)
    }

    @Test func latin1MapsEveryByteToTheSameCodePoint() {
        let all = (0...255).map { UInt8($0) }
        #expect(Array(Self.transcode(all, .latin1).unicodeScalars.map(\.value)) == (0...255).map { UInt32($0) })
    }

    @Test func windows1252MapsTheHighControlRange() {
        #expect(Self.transcode([0x80, 0x8A, 0x9F, 0xE9], .windows1252) == "€ŠŸé")
        #expect(Self.transcode([0x81, 0x8D, 0x8F, 0x90, 0x9D], .windows1252).unicodeScalars.map(\.value) == [0x81, 0x8D, 0x8F, 0x90, 0x9D])
    }

    @Test func utf8NeedsNoTranscoder() {
        #expect(SingleByteTranscoder(.utf8) == nil)
    }
}
