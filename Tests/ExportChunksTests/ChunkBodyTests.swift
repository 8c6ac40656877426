import Testing
@testable import ExportChunks

@Suite struct ChunkBodyTests {
    @Test func writesOneItemALineAndReadsThemBack() {
        let body = ChunkBody.body(items: [#"{"a":1}"#, #"{"b":[2,3]}"#])
        #expect(String(decoding: body, as: UTF8.self) == "{\"method\":\"POST\",\"endpoint\":\"contacts\",\"items\":[\n{\"a\":1},\n{\"b\":[2,3]}\n]}\n")
        #expect(ChunkBody.itemLines(of: body)?.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"b":[2,3]}"#])
    }

    @Test func anEmptyBodyHasNoItems() {
        let body = ChunkBody.body(items: [])
        #expect(String(decoding: body, as: UTF8.self) == "{\"method\":\"POST\",\"endpoint\":\"contacts\",\"items\":[\n]}\n")
        #expect(body.count == ChunkBody.head.count + ChunkBody.tail.count - 1)
    }

    @Test func anotherLayoutIsNotRead() {
        #expect(ChunkBody.itemLines(of: Array(#"{"method":"POST","endpoint":"contacts","items":[{"a":1}]}"#.utf8)) == nil)
        #expect(ChunkBody.itemLines(of: []) == nil)
    }
}
