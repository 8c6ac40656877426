@testable import ExportRuntime
import Testing

@Suite struct ByteArenaTests {
    /// Writes `text` through `reserve` and `commit` and returns its range.
    static func put(_ text: String, into arena: ByteArena, room: Int? = nil) -> Range<Int> {
        let bytes = Array(text.utf8)
        let start = arena.count
        let space = arena.reserve(room ?? bytes.count)
        for (i, b) in bytes.enumerated() { space[i] = b }
        arena.commit(bytes.count)
        return start..<arena.count
    }

    static func text(_ range: Range<Int>, in arena: ByteArena) -> String {
        String(decoding: arena.bytes(range), as: UTF8.self)
    }

    @Test func committedBytesSurviveGrowth() {
        let arena = ByteArena(capacity: 16)
        var ranges: [(Range<Int>, String)] = []
        for n in 0..<500 {
            let text = "contact \(n) " + String(repeating: "ă", count: n % 37)
            ranges.append((Self.put(text, into: arena), text))
        }
        for (range, text) in ranges { #expect(Self.text(range, in: arena) == text) }
    }

    @Test func onlyCommittedBytesCount() {
        let arena = ByteArena(capacity: 16)
        let first = Self.put("kept", into: arena, room: 100)
        #expect(arena.count == 4)
        _ = arena.reserve(64)  // written, never committed
        let second = Self.put("also", into: arena)
        #expect(Self.text(first, in: arena) == "kept" && Self.text(second, in: arena) == "also")
    }

    @Test func emptyingKeepsOrdinaryMemoryAndDropsHugeMemory() {
        let arena = ByteArena(capacity: 64)
        _ = Self.put(String(repeating: "x", count: 1000), into: arena)
        arena.removeAll()
        #expect(arena.count == 0)
        let room = arena.reserve(1000)
        #expect(room.count == 1000)
        arena.commit(0)
        _ = arena.reserve(ByteArena.keptCapacity + 1)
        arena.removeAll()
        // Back to the first size: the next small write still works, from the start.
        let range = Self.put("after", into: arena)
        #expect(range == 0..<5 && Self.text(range, in: arena) == "after")
    }
}
