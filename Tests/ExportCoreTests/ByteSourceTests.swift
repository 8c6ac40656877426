import ExportCore
import Testing

@Suite struct ByteSourceTests {
    @Test func memorySourceYieldsEveryByteThenEnds() throws {
        var source = MemorySource(Array(0..<100))
        var out: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 7, alignment: 1)
        defer { buffer.deallocate() }
        while case let n = try source.read(into: buffer), n > 0 { out += buffer[0..<n] }
        #expect(out == Array(0..<100))
        #expect(try source.read(into: buffer) == 0)
    }

    @Test func errorsNameWhereTheyHappened() {
        let origin = RecordOrigin(file: "a.csv", line: 7, index: 5)
        #expect(ExportError(.corruptInput, "unterminated quote", origin: origin).description == "a.csv:7: unterminated quote")
        #expect(ExportError(.io, "cannot read", path: "x").description == "x: cannot read")
    }
}
