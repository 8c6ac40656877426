import ExportCore
import Foundation

extension UploadSession {
    /// `pending → posting → posted(batchID)`, `unresolved`, or `failed`.
    ///
    /// `posting` is committed before each POST leaves. Only answers that prove Omnisend did not
    /// take the batch send it again at once: no connection at all, 408 and 429. A network error,
    /// a timeout or a 5xx is ambiguous (a gateway's 502/504 can follow a stored batch): the chunk
    /// becomes `unresolved` and is reconciled before any resend.
    func post(_ record: ChunkRecord) async throws {
        let chunk = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256)
        var attempt = 0
        var sent = 0
        while true {
            var checkpointError: (any Error)?
            guard let outcome = await request(record.attempts > 0 || sent > 0 ? .retry : .post, { () async -> RetryPolicy.Outcome in
                do {
                    try store.markPosting(record.number, at: Date())
                } catch {
                    checkpointError = error
                    return .notConnected("the checkpoint could not be written")
                }
                if record.attempts > 0 || attempt > 0 { try? store.count("reposted") }
                return await client.postBatch(chunk.body)
            }) else { return }
            sent += 1
            if let checkpointError { throw checkpointError }
            let decision = options.retryPolicy.decide(outcome, attempt: attempt + 1, random: Double.random(in: 0..<1))
            if case .rateLimited = decision {} else { attempt += 1 }
            if case .success = decision {
                guard case .answer(let answer) = outcome, let batchID = Self.batchID(in: answer) else {
                    try store.markFailed(record.number, reason: "POST /batches answered without a batchID", retryable: true)
                    return
                }
                try store.markPosted(record.number, batchID: batchID)
                await gate.chunkSucceeded()
                return
            }
            if Self.isAmbiguous(outcome), !isStopRun(decision) {
                let reason = "POST /batches got no usable answer (\(Self.describe(outcome)))"
                try store.markUnresolved(record.number, reason: reason)
                try? store.note("chunk \(record.number): \(reason); looking for its batch before any resend", chunk: record.number)
                await countRetry()
                return
            }
            switch decision {
            case .success:
                return
            case .rateLimited(let wait):
                try store.markPending(record.number)
                try? store.count("resend:rate_limited")
                guard await pause(wait) else { return }
            case .retry(let wait):
                await countRetry()
                try store.markPending(record.number)
                try? store.count(Self.resendCause(outcome))
                guard await pause(wait) else { return }
            case .fail(let reason, let retryable):
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

    private func isStopRun(_ decision: RetryPolicy.Decision) -> Bool {
        if case .stopRun = decision { return true }
        return false
    }

    /// Whether Omnisend may have stored the batch although the answer says otherwise or is
    /// missing: a network error or timeout after the connection was made, or a 5xx.
    static func isAmbiguous(_ outcome: RetryPolicy.Outcome) -> Bool {
        switch outcome {
        case .networkError: return true
        case .notConnected: return false
        case .answer(let answer): return answer.status >= 500
        }
    }

    /// The counter of a resend that follows `outcome` at once (the batch surely was not taken).
    static func resendCause(_ outcome: RetryPolicy.Outcome) -> String {
        switch outcome {
        case .notConnected: return "resend:not_connected"
        case .answer(let answer) where answer.status == 429: return "resend:rate_limited"
        case .answer(let answer): return "resend:status_\(answer.status)"
        case .networkError: return "resend:network_error"
        }
    }

    /// A short description of an outcome for notes and reasons.
    static func describe(_ outcome: RetryPolicy.Outcome) -> String {
        switch outcome {
        case .answer(let answer): return "HTTP \(answer.status): \(answer.errorMessage)"
        case .networkError(let message), .notConnected(let message): return message
        }
    }

    /// The `batchID` of a `POST /batches` answer (`batchID`, or `id` in newer shapes).
    static func batchID(in answer: HTTPAnswer) -> String? {
        BatchEntry(answer)?.id
    }
}
