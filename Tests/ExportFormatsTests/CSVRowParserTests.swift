import Testing

@testable import ExportFormats

@Suite struct CSVRowParserTests {
    /// One parsed record: its stored fields and where it first fails UTF-8.
    struct Parsed: Equatable {
        var fields: [[UInt8]]
        var invalidField: Int?
        var invalidOffset: Int?
    }

    /// Parses `bytes` fed in pieces of `piece` bytes, the way `CSVReader` feeds the parser.
    static func parse(_ bytes: [UInt8], piece: Int) -> [Parsed] {
        var parser = CSVRowParser(
            delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""), maxFieldBytes: 1 << 20, maxRecordBytes: 1 << 24)
        var records: [Parsed] = []
        func take() {
            let fields = parser.fields
            records.append(
                Parsed(
                    fields: (0..<fields.endCount).map { i in
                        Array(fields.bytes[(i == 0 ? 0 : fields.ends[i - 1])..<fields.ends[i]])
                    },
                    invalidField: parser.invalidUTF8?.field, invalidOffset: parser.invalidUTF8?.offset))
            parser.reset()
        }
        var start = 0
        while start < bytes.count {
            let end = min(start + piece, bytes.count)
            var offset = start
            while offset < end {
                let (consumed, ended) = bytes.withUnsafeBufferPointer {
                    parser.consume(UnsafeBufferPointer(rebasing: $0[offset..<end]))
                }
                offset += consumed
                if ended { take() }
            }
            start = end
        }
        if parser.finish() { take() }
        return records
    }

    static let pieces = [1, 3, 7, 8, 9, 64, Int.max]

    /// Fields of every length from 0 to 40, so that the stop falls at every byte of a word and the
    /// copy ends inside, at, and past word boundaries; quoted and unquoted, ASCII and not.
    @Test(arguments: pieces)
    func copiesFieldsOfEveryLength(piece: Int) {
        let lengths = Array(0...40)
        var expected: [Parsed] = []
        var text: [UInt8] = []
        for (row, length) in lengths.enumerated() {
            let plain = (0..<length).map { UInt8(ascii: "a") + UInt8(($0 + row) % 26) }
            let accented = Array(String(repeating: "é", count: length / 2).utf8)
            let quoted = plain + [UInt8(ascii: "\"")] + plain
            text += plain + [UInt8(ascii: ",")] + accented + Array(",\"".utf8)
            text += plain + Array("\"\"".utf8) + plain + Array("\",".utf8)
            text += Array("\"x,\ny\"".utf8) + (row % 2 == 0 ? Array("\r\n".utf8) : [UInt8(ascii: "\n")])
            expected.append(Parsed(fields: [plain, accented, quoted, Array("x,\ny".utf8)]))
        }
        #expect(Self.parse(text, piece: piece) == expected)
    }

    /// The first field that is not valid UTF-8 is named (1-based) with the offset in the field.
    @Test(arguments: pieces)
    func notesTheFirstFieldThatIsNotUTF8(piece: Int) {
        let text: [UInt8] = Array("ascii only,é\n".utf8)
            + Array("ok,x".utf8) + [0xC3, 0x28] + [UInt8(ascii: ",")] + [0xFF] + [UInt8(ascii: "\n")]
            + Array("a,".utf8) + [0xC3, UInt8(ascii: ","), 0xA9] + [UInt8(ascii: "\n")]
            + Array("\"long enough to use whole words ".utf8) + [0xE2, 0x82] + Array("\",b\n".utf8)
            + Array("last,李".utf8)
        let records = Self.parse(text, piece: piece)
        #expect(records.map(\.invalidField) == [nil, 2, 2, 1, nil])
        #expect(records.map(\.invalidOffset) == [nil, 1, 0, 31, nil])
        #expect(records.last?.fields == [Array("last".utf8), Array("李".utf8)])
    }

    @Test func resetForgetsTheUTF8Finding() {
        var parser = CSVRowParser(
            delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""), maxFieldBytes: 64, maxRecordBytes: 256)
        let bad: [UInt8] = [0xFF, UInt8(ascii: "\n"), UInt8(ascii: "a"), UInt8(ascii: "\n")]
        let first = bad.withUnsafeBufferPointer { parser.consume($0) }
        #expect(first.consumed == 2 && first.recordEnded)
        #expect(parser.invalidUTF8?.field == 1)
        parser.reset()
        let second = bad.withUnsafeBufferPointer { parser.consume(UnsafeBufferPointer(rebasing: $0[2...])) }
        #expect(second.recordEnded)
        #expect(parser.invalidUTF8 == nil)
        #expect(Array(parser.fields.bytes) == [UInt8(ascii: "a")])
    }
}
