import Foundation

/// The result of a read request after its retries.
enum ReadResult {
    /// A 2xx answer.
    case answer(HTTPAnswer)
    /// A failure (404, 400…, or retries used up), with the reason.
    case failed(String)
    /// The upload is stopping; nothing more is known.
    case unavailable
}

extension UploadSession {
    /// Sends a read request with the retry policy: 429s wait, 5xx/408/network errors back off,
    /// 401/403 stop the run. A `patient` read (polling a batch Omnisend took) does not give up
    /// after the policy's attempts: it keeps backing off until `outageLimit` seconds have passed
    /// without a good answer, then stops the run resumably (exit 75), leaving the chunk `posted`.
    /// The first request counts under `kind`, every later one as a `retry`.
    func read(_ kind: RequestKind, patient: Bool = false, _ send: () async -> RetryPolicy.Outcome) async -> ReadResult {
        var attempt = 0
        var sent = 0
        var troubleSince: Date?
        while true {
            guard let outcome = await request(sent == 0 ? kind : .retry, patient: patient, send) else { return .unavailable }
            sent += 1
            var decision = options.retryPolicy.decide(outcome, attempt: attempt + 1, random: Double.random(in: 0..<1))
            if case .rateLimited = decision {} else { attempt += 1 }
            switch decision {
            case .retry, .fail(_, true): troubleSince = troubleSince ?? Date()
            default: break
            }
            if patient, let since = troubleSince, case .fail(let reason, true) = decision {
                if Date().timeIntervalSince(since) >= options.outageLimit {
                    let message = "Omnisend gave no usable answer to batch polls for \(DurationText.format(options.outageLimit)) (\(reason)); "
                        + "the batches stay posted and are polled again on resume"
                    try? store.note(message, chunk: nil)
                    stop.request(.unreachable, message: message)
                    return .unavailable
                }
                decision = .retry(after: options.retryPolicy.backoff(attempt: attempt, random: Double.random(in: 0..<1)))
            }
            switch decision {
            case .success:
                guard case .answer(let answer) = outcome else { return .unavailable }
                return .answer(answer)
            case .rateLimited(let wait):
                guard await pause(wait) else { return .unavailable }
            case .retry(let wait):
                await countRetry()
                guard await pause(wait) else { return .unavailable }
            case .fail(let reason, _):
                return .failed(reason)
            case .stopRun(let reason, let resumable):
                try? store.note(reason, chunk: nil)
                stop.request(resumable ? .unreachable : .keyRejected, message: reason)
                return .unavailable
            }
        }
    }

    /// The per-item results of a batch, waiting (polling it with `GET /batches/{id}` and backoff)
    /// until it is `finished` or `stopped`. Follows `paging.next` links of the items list.
    /// Reconciliation uses it for candidate batches; posted chunks are polled by `BatchWatch`.
    func finishedItems(batchID: String, kind: RequestKind) async -> (items: BatchItemsAnswer?, failure: String?) {
        var delay = await gate.firstPollDelay(ceiling: options.pollInitialDelay)
        while true {
            guard await pause(delay) else { return (nil, nil) }
            switch await read(kind, patient: true, { await client.getBatch(batchID) }) {
            case .unavailable: return (nil, nil)
            case .failed(let reason): return (nil, "GET /batches/\(batchID): \(reason)")
            case .answer(let answer):
                if let entry = BatchEntry(answer), entry.hasEnded {
                    if let created = entry.createdAt.flatMap(Self.parseDate), let ended = entry.endedAt.flatMap(Self.parseDate) {
                        await gate.learnBatchDuration(ended.timeIntervalSince(created))
                    }
                    return await allItems(batchID: batchID, kind: kind)
                }
                delay = min(max(delay, 0.05) * 2, options.pollMaxDelay)
            }
        }
    }

    /// Every page of `GET /batches/{id}/items`, following `paging.next` (item paging is not
    /// documented: a link is followed when present), merged into one answer.
    func allItems(batchID: String, kind: RequestKind) async -> (items: BatchItemsAnswer?, failure: String?) {
        var merged: BatchItemsAnswer?
        var next: String?
        for _ in 0..<1000 {
            let result = await read(kind, patient: true, { () async -> RetryPolicy.Outcome in
                if let next { return await client.get(absoluteURL: next) }
                return await client.getBatchItems(batchID)
            })
            switch result {
            case .unavailable: return (nil, nil)
            case .failed(let reason): return (nil, "GET /batches/\(batchID)/items: \(reason)")
            case .answer(let answer):
                guard let page = BatchItemsAnswer(answer.body) else { return (nil, "GET /batches/\(batchID)/items: not a JSON object") }
                if merged == nil { merged = page } else { merged?.append(page) }
                guard let link = page.next, !link.isEmpty else { return (merged, nil) }
                next = link
            }
        }
        return (merged, nil)
    }
}
