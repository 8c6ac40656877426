import Foundation

extension UploadSession {
    /// `posted(batchID) → done(accepted, failed)`: polls the batch with backoff until it ends,
    /// then saves its per-item results in the same transaction as `done`. A batch Omnisend no
    /// longer knows (404 after its 7-day retention) fails the chunk, retryably.
    func poll(_ record: ChunkRecord) async throws {
        guard let batchID = record.batchID else {
            try store.markPending(record.number)
            return
        }
        let (items, failure) = await finishedItems(batchID: batchID)
        if let failure {
            try store.markFailed(record.number, reason: failure, retryable: true)
            try? store.note("chunk \(record.number): \(failure)", chunk: record.number)
            log("chunk \(record.number): failed: \(failure)")
            return
        }
        guard let items else { return }
        let chunk = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256)
        let results = BatchResults(itemsAnswer: items, chunk: record.number, emails: try chunk.itemEmails())
        try store.markDone(record.number, accepted: results.accepted, failedItems: results.failedItems)
        try? store.count("accepted", by: results.accepted)
        let status = items["status"] as? String ?? "finished"
        log("chunk \(record.number): batch \(status), \(results.accepted) accepted, \(results.failedItems.count) failed")
    }
}
