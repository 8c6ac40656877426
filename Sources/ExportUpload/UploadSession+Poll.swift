import Foundation

extension UploadSession {
    /// `posted(batchID) → done(accepted, failed)`: polls the batch with backoff until it ends,
    /// then saves its per-item results in the same transaction as `done`. While Omnisend cannot be
    /// reached the chunk stays `posted` (the poll waits, then stops the run resumably). A batch
    /// Omnisend answers it does not know (404 after its 7-day retention) fails the chunk, keeping
    /// its batch ID, so `--retry-failed` never posts it again.
    func poll(_ record: ChunkRecord) async throws {
        guard let batchID = record.batchID else {
            try store.markPending(record.number)
            return
        }
        let (items, failure) = await finishedItems(batchID: batchID)
        if let failure {
            let reason = "\(failure); the batch was taken, so its contacts are not sent again"
            try store.markFailed(record.number, reason: reason, retryable: false)
            try? store.note("chunk \(record.number): \(reason)", chunk: record.number)
            log("chunk \(record.number): failed: \(reason)")
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
