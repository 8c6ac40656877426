import ExportCore
import ExportUpload
import Foundation
import Testing

private func makeStore() throws -> (CheckpointStore, String) {
    let folder = NSTemporaryDirectory() + "checkpoint-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let store = try CheckpointStore(runDirectory: folder)
    try store.seed(
        chunks: [
            RunManifestChunk(number: 1, file: "chunks/chunk-000001.json", sha256: "aa", contacts: 3),
            RunManifestChunk(number: 2, file: "chunks/chunk-000002.json", sha256: "bb", contacts: 2),
        ], manifestSHA256: "m1")
    return (store, folder)
}

@Test func chunksGoThroughTheirStatesDurably() throws {
    let (store, folder) = try makeStore()
    try store.markPosting(1, at: Date())
    try store.markPosted(1, batchID: "b1")
    try store.markDone(1, accepted: 2, failedItems: [FailedItem(chunk: 1, item: 2, responseCode: 400, response: "{}", retryable: false)])
    try store.markFailed(2, reason: "HTTP 500 after 5 attempts", retryable: true)
    // A second connection (a new process) sees every committed change.
    let reopened = try CheckpointStore(runDirectory: folder)
    let chunks = try reopened.chunks()
    #expect(chunks.map(\.state) == [.done, .failed])
    #expect(chunks[0].batchID == "b1" && chunks[0].accepted == 2 && chunks[0].failed == 1 && chunks[0].attempts == 1)
    #expect(try reopened.knownBatchIDs() == ["b1"])
    #expect(try reopened.failedItems().count == 1)
    #expect(try reopened.resetRetryableFailedChunks() == 1)
    #expect(try reopened.chunk(2)?.state == .pending)
}

@Test func refusesToResumeWithAnotherManifest() throws {
    let (store, _) = try makeStore()
    #expect(throws: ExportError.self) { try store.seed(chunks: [], manifestSHA256: "m2") }
    try store.seed(chunks: [], manifestSHA256: "m1")
    #expect(try store.chunks().count == 2)
}

@Test func usesWALAndCountsAndNotes() throws {
    let (store, folder) = try makeStore()
    try store.count("requests", by: 3)
    try store.count("requests")
    try store.note("chunk 1 failed", chunk: 1)
    #expect(try store.counters()["requests"] == 4)
    #expect(try store.lastEvents(5).map(\.message) == ["chunk 1 failed"])
    #expect(FileManager.default.fileExists(atPath: folder + "/checkpoint.sqlite-wal"))
}

@Test func retryFailedNeverResetsAChunkWithABatchIDOrAnUnresolvedOne() throws {
    let (store, folder) = try makeStore()
    // Chunk 1: Omnisend took its batch, which then could not be read (404): failed, keeps its ID.
    try store.markPosting(1, at: Date())
    try store.markPosted(1, batchID: "b1")
    try store.markFailed(1, reason: "GET /batches/b1: 404", retryable: true)
    // Chunk 2: its POST had no answer and its batch is not listed yet.
    try store.markPosting(2, at: Date())
    try store.markUnresolved(2, reason: "POST /batches got no usable answer (HTTP 502)")
    #expect(try store.resetRetryableFailedChunks() == 0)
    let chunks = try CheckpointStore(runDirectory: folder).chunks()
    #expect(chunks.map(\.state) == [.failed, .unresolved])
    #expect(chunks[0].batchID == "b1")
    #expect(chunks[1].reason?.contains("502") == true && chunks[1].postingStartedAt != nil)
}

@Test func retryFailedResetsAChunkThatNeverGotABatch() throws {
    let (store, _) = try makeStore()
    try store.markPosting(2, at: Date())
    try store.markFailed(2, reason: "HTTP 408 after 5 attempts", retryable: true)
    #expect(try store.resetRetryableFailedChunks() == 1)
    #expect(try store.chunk(2)?.state == .pending)
}
