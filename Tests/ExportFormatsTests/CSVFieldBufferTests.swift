import Testing

@testable import ExportFormats

@Suite struct CSVFieldBufferTests {
    /// Fields written through `freeBytes` after `reserveBytes(_:)` survive every growth of both
    /// the bytes and the ends.
    @Test func keepsFieldsWhileGrowing() {
        var buffer = CSVFieldBuffer(byteCapacity: 8, endCapacity: 1)
        var expected: [[UInt8]] = []
        for field in 0..<300 {
            let bytes = (0..<(field % 37)).map { UInt8(truncatingIfNeeded: field &+ $0) }
            buffer.reserveBytes(bytes.count)
            buffer.freeBytes.update(from: bytes, count: bytes.count)
            buffer.commitBytes(bytes.count)
            buffer.endField()
            expected.append(bytes)
        }
        #expect(buffer.endCount == 300)
        let stored = (0..<buffer.endCount).map { i in
            Array(buffer.bytes[(i == 0 ? 0 : buffer.ends[i - 1])..<buffer.ends[i]])
        }
        #expect(stored == expected)
        #expect(buffer.byteCount == expected.reduce(0) { $0 + $1.count })
    }

    /// Bytes written but not committed are not stored, and `removeAll()` empties the buffer.
    @Test func storesOnlyCommittedBytes() {
        var buffer = CSVFieldBuffer()
        buffer.reserveBytes(16)
        buffer.freeBytes.update(repeating: UInt8(ascii: "x"), count: 16)
        buffer.commitBytes(3)
        buffer.endField()
        buffer.endField()
        #expect(Array(buffer.bytes) == Array("xxx".utf8))
        #expect(Array(buffer.ends) == [3, 3])
        buffer.removeAll()
        #expect(buffer.bytes.isEmpty && buffer.ends.isEmpty)
    }
}
