import ExportCore
import ExportRuntime
import Foundation

/// A thread of its own for file work (hashing, writing, syncing, renaming), run in submission
/// order, so that the thread that produces the bytes does not wait on the disk.
///
/// `submit` waits while `capacity` jobs are pending, which bounds the memory held by queued bytes.
/// The first job that throws stops the queue: later jobs are dropped, and that error is rethrown
/// by the next `submit` or `drain`, so it surfaces with its own message (naming the file). Call
/// `close()` when done (it waits for the thread to finish the pending jobs and end).
public final class FileWorkQueue: @unchecked Sendable {
    /// What the thread takes next: a job, or a barrier that `drain` waits on.
    private enum Work: @unchecked Sendable {
        case job(() throws -> Void)
        case barrier(DispatchSemaphore)
    }

    private let work: BoundedQueue<Work>
    private let lock = NSLock()
    private var failure: (any Error)?
    private var thread: WorkerThread<Void>?

    /// Starts the thread, called `name`.
    public init(name: String, capacity: Int = 8) {
        precondition(capacity > 0, "a queue needs room for one job")
        work = BoundedQueue(capacity: capacity)
        thread = WorkerThread(name: name) { [self] in run() }
    }

    /// Queues `job`, waiting for room.
    /// - Throws: the error of an earlier job, if one failed (`job` is then dropped).
    public func submit(_ job: @escaping () throws -> Void) throws {
        if let failure = firstFailure() { throw failure }
        guard work.push(.job(job)) else {
            throw ExportError(.internal, "a file job was submitted after its queue was closed")
        }
    }

    /// Waits until every queued job has run.
    /// - Throws: the error of the first job that failed.
    public func drain() throws {
        let done = DispatchSemaphore(value: 0)
        if work.push(.barrier(done)) { done.wait() }
        if let failure = firstFailure() { throw failure }
    }

    /// Lets the pending jobs run, then ends the thread and waits for it. Errors are left to
    /// `drain`; closing twice is harmless.
    public func close() {
        work.close()
        lock.lock()
        let running = thread
        thread = nil
        lock.unlock()
        _ = try? running?.join()
    }

    /// The thread's loop: run the jobs in order; after the first failure, drop the jobs and only
    /// let barriers through.
    private func run() {
        while let next = work.pop() {
            switch next {
            case .barrier(let done):
                done.signal()
            case .job(let job):
                guard firstFailure() == nil else { continue }
                do {
                    try job()
                } catch {
                    lock.lock()
                    if failure == nil { failure = error }
                    lock.unlock()
                }
            }
        }
    }

    private func firstFailure() -> (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }
}
