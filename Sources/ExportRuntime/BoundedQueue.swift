import Foundation

/// A bounded, blocking first-in first-out queue between threads: the one hand-off of the record
/// path (row batches between the reader and the writer, blocks of a read-ahead, jobs of a file
/// thread).
///
/// It carries coarse elements (a batch of thousands of rows, a megabyte block, a file job), so
/// the lock is taken a few hundred times per million rows, never per row. `push` waits while the
/// queue is full, `pop` while it is empty; `close` ends the stream (the consumer drains what is
/// left, then `pop` returns `nil`), and `cancel` drops what is queued and ends both sides at once:
/// a waiting or later `push` returns `false`, a waiting or later `pop` returns `nil`.
public final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// A ring of `capacity` slots: a popped slot is emptied at once, so the queue never keeps a
    /// batch alive after handing it out.
    private var slots: [Element?]
    private var head = 0
    private var count = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    /// Creates a queue that holds at most `capacity` elements.
    public init(capacity: Int) {
        precondition(capacity > 0, "a queue needs room for one element")
        self.capacity = capacity
        slots = Array(repeating: nil, count: capacity)
    }

    /// Appends `element`, waiting for room.
    /// - Returns: `false` when the queue was cancelled or closed (the element is dropped).
    public func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == capacity && !cancelled && !closed { condition.wait() }
        if cancelled || closed { return false }
        enqueue(element)
        return true
    }

    /// Appends `element` when there is room, without waiting.
    /// - Returns: whether it was queued.
    public func offer(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if count == capacity || cancelled || closed { return false }
        enqueue(element)
        return true
    }

    /// The oldest element, waiting for one; `nil` once the queue is closed and drained.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed && !cancelled { condition.wait() }
        return dequeue()
    }

    /// The oldest element if there is one, without waiting.
    public func poll() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return dequeue()
    }

    /// Stores `element` in the next free slot (the lock held, room checked).
    private func enqueue(_ element: Element) {
        slots[(head + count) % capacity] = element
        count += 1
        condition.broadcast()
    }

    /// Takes the oldest element out of its slot (the lock held); `nil` when there is none.
    private func dequeue() -> Element? {
        guard count > 0 else { return nil }
        let element = slots[head].take()
        head = (head + 1) % capacity
        count -= 1
        condition.broadcast()
        return element
    }

    /// Ends the stream: no more pushes will come.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops both sides: what is queued is dropped, pending and later pushes return `false`,
    /// pending and later pops return `nil`.
    public func cancel() {
        condition.lock()
        cancelled = true
        for i in slots.indices { slots[i] = nil }
        count = 0
        condition.broadcast()
        condition.unlock()
    }
}
