import ExportRuntime
import Foundation
import Testing

@Suite struct BoundedQueueTests {
    /// A batch whose release the test can observe.
    final class Batch: @unchecked Sendable {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    @Test func handsOutBatchesInOrderAcrossThreads() throws {
        let queue = BoundedQueue<Int>(capacity: 3)
        let producer = WorkerThread(name: "test-producer") {
            for i in 0..<10_000 { guard queue.push(i) else { return false } }
            queue.close()
            return true
        }
        var received: [Int] = []
        while let value = queue.pop() { received.append(value) }
        #expect(try producer.join())
        #expect(received == Array(0..<10_000))
    }

    /// A consumer that never lets the queue run empty must not keep every batch alive.
    @Test func doesNotHoldBatchesItHandedOut() {
        let queue = BoundedQueue<Batch>(capacity: 2)
        weak var first: Batch?
        do {
            let batch = Batch(0)
            first = batch
            #expect(queue.push(batch))
        }
        #expect(queue.push(Batch(1)))
        _ = queue.pop()
        #expect(queue.push(Batch(2)))  // the queue is full again: it never ran empty
        #expect(first == nil)
    }

    @Test func cancelStopsTheProducer() {
        let queue = BoundedQueue<Int>(capacity: 1)
        #expect(queue.push(1))
        queue.cancel()
        #expect(!queue.push(2))
    }

    @Test func cancelWakesAWaitingProducerAndAWaitingConsumer() throws {
        let full = BoundedQueue<Int>(capacity: 1)
        #expect(full.push(1))
        let producer = WorkerThread(name: "test-producer") { full.push(2) }
        let empty = BoundedQueue<Int>(capacity: 1)
        let consumer = WorkerThread(name: "test-consumer") { empty.pop() }
        Thread.sleep(forTimeInterval: 0.05)  // both are waiting (or about to)
        full.cancel()
        empty.cancel()
        #expect(try producer.join() == false)
        #expect(try consumer.join() == nil)
        #expect(full.pop() == nil)  // the queued element was dropped
    }

    @Test func closeLetsTheConsumerDrainThenEnds() {
        let queue = BoundedQueue<Int>(capacity: 4)
        #expect(queue.push(1))
        #expect(queue.push(2))
        queue.close()
        #expect(!queue.push(3))  // nobody would take it
        #expect(queue.pop() == 1)
        #expect(queue.pop() == 2)
        #expect(queue.pop() == nil)
    }

    @Test func offerAndPollNeverWait() {
        let queue = BoundedQueue<Int>(capacity: 2)
        #expect(queue.poll() == nil)
        #expect(queue.offer(1))
        #expect(queue.offer(2))
        #expect(!queue.offer(3))  // full: refused at once
        #expect(queue.poll() == 1)
        #expect(queue.offer(3))
        #expect(queue.poll() == 2)
        #expect(queue.poll() == 3)
        #expect(queue.poll() == nil)
        queue.close()
        #expect(!queue.offer(4))
    }
}
