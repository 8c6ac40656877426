import Testing

@testable import ExportSources

struct SniffedFormatTests {
    static func tarHeader(magic: Bool) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        for (index, byte) in "data.csv".utf8.enumerated() { block[index] = byte }
        for (index, byte) in "0000644\0".utf8.enumerated() { block[100 + index] = byte }
        if magic { for (index, byte) in "ustar\u{0}00".utf8.enumerated() { block[257 + index] = byte } }
        let sum = block.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 0x20 : Int($1.element)) }
        for (index, byte) in (String(sum, radix: 8).leftPadded(to: 6) + "\0 ").utf8.enumerated() {
            block[148 + index] = byte
        }
        return block
    }

    static let cases: [(String, [UInt8], SniffedFormat)] = [
        ("empty", [], .empty),
        ("gzip", [0x1f, 0x8b, 0x08, 0x00], .gzip),
        ("zip", Array("PK\u{3}\u{4}rest".utf8), .zip),
        ("empty zip", Array("PK\u{5}\u{6}".utf8) + [UInt8](repeating: 0, count: 18), .zip),
        ("ustar", tarHeader(magic: true), .tar),
        ("v7 tar with valid checksum", tarHeader(magic: false), .tar),
        ("UTF-16 LE BOM", [0xff, 0xfe, 0x65, 0x00], .utf16),
        ("UTF-16 BE BOM", [0xfe, 0xff, 0x00, 0x65], .utf16),
        ("ndjson", Array("{\"email\":1}\n".utf8), .ndjson),
        ("ndjson after whitespace", Array(" \r\n\t{\"a\":1}".utf8), .ndjson),
        ("ndjson after UTF-8 BOM", [0xef, 0xbb, 0xbf] + Array("{}".utf8), .ndjson),
        ("csv", Array("email,name\n".utf8), .csv),
        ("csv with BOM", [0xef, 0xbb, 0xbf] + Array("email\n".utf8), .csv),
        ("json array is not ndjson", Array("[{\"a\":1}]".utf8), .csv),
        ("whitespace only", Array("  \n".utf8), .csv),
        ("a lone 1f is not gzip", [0x1f], .csv),
    ]

    @Test(arguments: cases.indices)
    func sniffsFromContent(index: Int) {
        let (name, bytes, expected) = Self.cases[index]
        #expect(SniffedFormat.sniff(bytes) == expected, "\(name)")
    }

    @Test func corruptedTarChecksumIsNotTar() {
        var block = Self.tarHeader(magic: false)
        block[0] ^= 0x01
        #expect(SniffedFormat.sniff(block) == .csv)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
