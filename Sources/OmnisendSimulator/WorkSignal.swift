import Foundation

/// A doorbell between the routes and the batch worker: `ring()` after storing a batch, `wait()`
/// sleeps until the next ring (or returns at once if one came since the last wait), so an idle
/// simulator uses no CPU. Cancelling the waiting task ends the wait.
final class WorkSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var rung = false
    private var waiter: CheckedContinuation<Void, Never>?

    /// Wakes the waiter, or marks the ring for the next `wait()`.
    func ring() {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            if let waiter {
                self.waiter = nil
                return waiter
            }
            rung = true
            return nil
        }
        continuation?.resume()
    }

    /// Returns after the next ring (at once if one is pending) or when the task is cancelled.
    /// One waiter at a time.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    if rung || Task.isCancelled {
                        rung = false
                        return true
                    }
                    waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            ring()
        }
    }
}
