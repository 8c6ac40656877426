import Foundation

/// A thread of its own for file work (hashing, writing, syncing, renaming), run in submission
/// order, so that the thread that produces the bytes does not wait on the disk.
///
/// `submit` waits while `capacity` jobs are pending, which bounds the memory held by queued bytes.
/// The first job that throws stops the queue: later jobs are dropped, and that error is rethrown
/// by the next `submit` or `drain`, so it surfaces with its own message (naming the file). Call
/// `close()` when done (it waits for the thread to finish the pending jobs and end).
public final class FileWorkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() throws -> Void] = []
    private var head = 0
    private var busy = false
    private var closed = false
    private var finished = false
    private var failure: (any Error)?
    private let capacity: Int

    /// Starts the thread, called `name`.
    public init(name: String, capacity: Int = 8) {
        precondition(capacity > 0, "a queue needs room for one job")
        self.capacity = capacity
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Queues `job`, waiting for room.
    /// - Throws: the error of an earlier job, if one failed (`job` is then dropped).
    public func submit(_ job: @escaping () throws -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        precondition(!closed, "submit after close")
        while jobs.count - head >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        jobs.append(job)
        condition.broadcast()
    }

    /// Waits until every queued job has run.
    /// - Throws: the error of the first job that failed.
    public func drain() throws {
        condition.lock()
        defer { condition.unlock() }
        while (jobs.count > head || busy) && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Lets the pending jobs run, then ends the thread and waits for it. Errors are left to
    /// `drain`; closing twice is harmless.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while jobs.count == head && !closed { condition.wait() }
            if jobs.count == head { break }
            let job = jobs[head]
            jobs[head] = {}
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            busy = true
            let stopped = failure != nil
            condition.broadcast()
            condition.unlock()
            var thrown: (any Error)?
            if !stopped {
                do { try job() } catch { thrown = error }
            }
            condition.lock()
            busy = false
            if let thrown, failure == nil { failure = thrown }
            condition.broadcast()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
