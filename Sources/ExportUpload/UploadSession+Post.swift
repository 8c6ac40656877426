import ExportCore
import Foundation

extension UploadSession {
    /// `pending → posting → posted(batchID)`, or `failed`.
    ///
    /// `posting` is committed before each POST leaves. A 5xx or 429 answer means Omnisend did not
    /// take the batch, so the chunk goes back to `pending`; a network error is ambiguous (the batch
    /// may exist), so the chunk is reconciled before it is sent again.
    func post(_ record: ChunkRecord) async throws {
        let chunk = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256)
        var attempt = 0
        while true {
            guard let outcome = await request({ () async -> RetryPolicy.Outcome in
                do {
                    try store.markPosting(record.number, at: Date())
                } catch {
                    return .networkError("checkpoint: \(error)")
                }
                if record.attempts > 0 || attempt > 0 { try? store.count("reposted") }
                return await client.postBatch(chunk.body)
            }) else { return }
            let decision = options.retryPolicy.decide(outcome, attempt: attempt + 1, random: Double.random(in: 0..<1))
            if case .rateLimited = decision {} else { attempt += 1 }
            switch decision {
            case .success:
                guard case .answer(let answer) = outcome, let batchID = Self.batchID(in: answer) else {
                    try store.markFailed(record.number, reason: "POST /batches answered without a batchID", retryable: true)
                    return
                }
                try store.markPosted(record.number, batchID: batchID)
                await gate.chunkSucceeded()
                return
            case .rateLimited(let wait):
                try store.markPending(record.number)
                guard await pause(wait) else { return }
            case .retry(let wait):
                await countRetry()
                if case .networkError(let message) = outcome {
                    try? store.note("chunk \(record.number): POST failed without an answer (\(message)); reconciling", chunk: record.number)
                    if try await reconcile(try store.chunk(record.number) ?? record) != .notFound { return }
                } else {
                    try store.markPending(record.number)
                }
                guard await pause(wait) else { return }
            case .fail(let reason, let retryable):
                if case .networkError = outcome, try await reconcile(try store.chunk(record.number) ?? record) != .notFound {
                    return
                }
                try store.markFailed(record.number, reason: reason, retryable: retryable)
                try? store.note("chunk \(record.number) failed: \(reason)", chunk: record.number)
                log("chunk \(record.number): failed: \(reason)")
                if retryable, await gate.chunkFailedTransiently() >= options.consecutiveFailuresToStop {
                    stop.request(.unreachable, message: "\(options.consecutiveFailuresToStop) chunks in a row failed: \(reason)")
                }
                return
            case .stopRun(let reason, let resumable):
                try store.markPending(record.number)
                try? store.note(reason, chunk: record.number)
                stop.request(resumable ? .unreachable : .keyRejected, message: reason)
                return
            }
        }
    }

    /// The `batchID` of a `POST /batches` answer (`batchID`, or `id` in newer shapes).
    static func batchID(in answer: HTTPAnswer) -> String? {
        guard let object = answer.jsonObject else { return nil }
        return (object["batchID"] as? String) ?? (object["id"] as? String)
    }
}
