import Foundation

/// A bounded, blocking first-in first-out queue between one producing and one consuming thread.
///
/// It carries whole batches (thousands of rows), so the lock is taken a few hundred times per
/// million rows, never per row. `push` waits while the queue is full, `pop` while it is empty;
/// `close` ends the stream (the consumer drains what is left, then `pop` returns `nil`), and
/// `cancel` makes a waiting or later `push` return `false` so that the producer stops early.
final class BatchQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    /// Creates a queue that holds at most `capacity` elements.
    init(capacity: Int) {
        precondition(capacity > 0, "a queue needs room for one element")
        self.capacity = capacity
    }

    /// Appends `element`, waiting for room.
    /// - Returns: `false` when the consumer cancelled (the element is dropped).
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(element)
        condition.broadcast()
        return true
    }

    /// The oldest element, waiting for one; `nil` once the queue is closed and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.count == head && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return element
    }

    /// Ends the stream: no more pushes will come.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the producer: pending and later pushes return `false`.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }
}
