import Foundation

extension UploadSession {
    /// `posted(batchID) → done(accepted, failed)` for a batch that ended (`finished` or
    /// `stopped`), from its entry in the batch list or its `GET /batches/{id}` answer.
    ///
    /// A clean batch (`finished`, `errorsCount` 0, `finishedCount` = `totalCount` = the chunk's
    /// item count) had every item accepted: it is done without reading `/items`. Any other batch
    /// has its items read (every page) and its failed items saved in the same transaction as
    /// `done`. When the items cannot be read because Omnisend no longer knows the batch, the chunk
    /// fails keeping its batch ID, so `--retry-failed` never posts it again.
    func settle(_ batch: WatchedBatch, entry: BatchEntry) async throws {
        if let created = entry.createdAt.flatMap(Self.parseDate), let ended = entry.endedAt.flatMap(Self.parseDate) {
            await gate.learnBatchDuration(ended.timeIntervalSince(created))
        }
        let status = entry.status ?? "finished"
        if !options.readCleanBatchItems, entry.isClean(contacts: batch.contacts) {
            try store.markDone(batch.chunk, accepted: batch.contacts, failedItems: [])
            try? store.count("accepted", by: batch.contacts)
            await watch.remove(batch.batchID)
            log("chunk \(batch.chunk): batch \(status), \(batch.contacts) accepted, 0 failed")
            return
        }
        let (items, failure) = await allItems(batchID: batch.batchID, kind: .items)
        if let failure {
            try await fail(batch, reason: failure)
            return
        }
        guard let items else { return }
        let record = try store.chunk(batch.chunk)
        let chunk = try ChunkFile(runDirectory: runDirectory, file: record?.file ?? "", sha256: record?.sha256 ?? "")
        let results = BatchResults(itemsAnswer: items, chunk: batch.chunk, emails: try chunk.itemEmails())
        try store.markDone(batch.chunk, accepted: results.accepted, failedItems: results.failedItems)
        try? store.count("accepted", by: results.accepted)
        await watch.remove(batch.batchID)
        log("chunk \(batch.chunk): batch \(items.status ?? status), \(results.accepted) accepted, \(results.failedItems.count) failed")
    }

    /// Fails a posted chunk whose batch cannot be read (404 after Omnisend's 7-day retention),
    /// keeping its batch ID so `--retry-failed` never posts it again.
    func fail(_ batch: WatchedBatch, reason failure: String) async throws {
        let reason = "\(failure); the batch was taken, so its contacts are not sent again"
        try store.markFailed(batch.chunk, reason: reason, retryable: false)
        try? store.note("chunk \(batch.chunk): \(reason)", chunk: batch.chunk)
        log("chunk \(batch.chunk): failed: \(reason)")
        await watch.remove(batch.batchID)
    }
}
