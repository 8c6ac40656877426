import Foundation

/// A dedicated thread that runs one throwing closure (the record path's reader and writer, a
/// read-ahead, a file thread); `join()` waits for it and returns its
/// result (or rethrows its error).
///
/// A plain thread, not a Swift concurrency task: the record path's stages block on their queues
/// and must not hold a cooperative-pool thread while they do.
public final class WorkerThread<Value: Sendable>: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    /// Starts `body` on a new thread with a `stackSize`-byte stack.
    public init(name: String, stackSize: Int = 8 << 20, _ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try body() }
            finished.signal()
        }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    /// Waits for the closure to end; its value, or its error rethrown.
    public func join() throws -> Value {
        finished.wait()
        finished.signal()  // a second join returns at once
        return try result!.get()
    }
}
