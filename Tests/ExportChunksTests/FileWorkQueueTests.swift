import ExportChunks
import ExportCore
import Foundation
import Testing

@Suite struct FileWorkQueueTests {
    /// Collects from the queue's thread; read only after `drain`.
    final class Log: @unchecked Sendable {
        var items: [Int] = []
    }

    @Test func runsJobsInSubmissionOrder() throws {
        let queue = FileWorkQueue(name: "test-io", capacity: 2)
        defer { queue.close() }
        let log = Log()
        for n in 0..<200 { try queue.submit { log.items.append(n) } }
        try queue.drain()
        #expect(log.items == Array(0..<200))
    }

    @Test func theFirstErrorStopsLaterJobsAndSurfacesOnSubmitAndDrain() throws {
        let queue = FileWorkQueue(name: "test-io", capacity: 1)
        defer { queue.close() }
        let log = Log()
        try queue.submit { log.items.append(1) }
        try queue.submit { throw ExportError(.io, "cannot write: disk full", path: "/x/chunk") }
        // Later jobs are dropped; the error comes back with its own message.
        var thrown: (any Error)?
        for n in 2..<50 {
            do { try queue.submit { log.items.append(n) } } catch { thrown = error; break }
        }
        #expect(throws: ExportError.self) { try queue.drain() }
        if let thrown { #expect("\(thrown)".contains("disk full")) }
        #expect(log.items.first == 1)
        #expect(!log.items.contains(49) || thrown == nil)
    }

    @Test func closeWaitsForThePendingJobs() throws {
        let queue = FileWorkQueue(name: "test-io", capacity: 4)
        let log = Log()
        for n in 0..<4 {
            try queue.submit {
                usleep(2_000)
                log.items.append(n)
            }
        }
        queue.close()
        #expect(log.items == [0, 1, 2, 3])
        queue.close()
    }
}
