import ExportCore
import Testing

@testable import ExportSources

struct PeekableSourceTests {
    @Test func peekDoesNotConsume() throws {
        let bytes = Array(0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        var source = PeekableSource(TrickleSource(bytes: bytes, step: 3))
        #expect(try source.peek(512) == Array(bytes[..<512]))
        #expect(try source.peek(10) == Array(bytes[..<10]))
        #expect(try drain(&source, chunk: 100) == bytes)
    }

    @Test func peekOnAShortStreamReturnsWhatThereIs() throws {
        var source = PeekableSource(MemorySource(Array("ab".utf8)))
        #expect(try source.peek(512) == Array("ab".utf8))
        #expect(try drain(&source) == Array("ab".utf8))
    }
}
