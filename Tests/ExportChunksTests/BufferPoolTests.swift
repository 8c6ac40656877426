import ExportChunks
import Testing

@Suite struct BufferPoolTests {
    @Test func aRecycledBufferComesBackEmptyWithItsMemory() {
        let pool = BufferPool()
        let first = pool.take(capacity: 1000)
        #expect(first.bytes.isEmpty && first.bytes.capacity >= 1000)
        first.bytes.append(contentsOf: repeatElement(7, count: 5000))
        pool.recycle(first)
        let again = pool.take(capacity: 10)
        #expect(again === first)
        #expect(again.bytes.isEmpty && again.bytes.capacity >= 5000)
        #expect(pool.take(capacity: 10) !== first)  // the pool is empty again: a new buffer
    }

    @Test func atMostTheLimitOfIdleBuffersIsKept() {
        let pool = BufferPool(limit: 2)
        let buffers = (0..<3).map { _ in pool.take(capacity: 1) }
        for buffer in buffers { pool.recycle(buffer) }
        let taken = (0..<3).map { _ in pool.take(capacity: 1) }
        #expect(taken.filter { t in buffers.contains { $0 === t } }.count == 2)
    }
}
