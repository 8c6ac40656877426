import ExportCore
import Foundation

/// What reconciliation of a `posting` or `unresolved` chunk found.
enum ReconcileResult: Equatable {
    /// A batch with the chunk's items exists: the chunk is `posted` with its ID.
    case found
    /// No such batch, and `--reconcile-horizon` has passed since the last POST: the chunk is
    /// `pending` (to be posted again, counted as `ambiguousReposted`) or `failed` after too many POSTs.
    case resend
    /// No such batch yet: the chunk is `unresolved`; look again after this many seconds.
    case later(Double)
    /// Omnisend could not be asked (stopping): the chunk stays as it is.
    case unknown
}

extension UploadSession {
    /// Seconds before the recorded POST start that a matching batch may carry as `createdAt`
    /// (clock skew between us and Omnisend).
    static let clockSlack: Double = 600

    /// Settles a chunk whose POST may or may not have reached Omnisend: lists the batches created
    /// since the POST (`GET /batches?endpoint=contacts&dateFrom=…`), and for each not owned by
    /// another chunk and with the same item count, compares its items with the chunk's. When none
    /// matches, the chunk stays `unresolved` and is looked up again with backoff (`lookup` is the
    /// 0-based number of this lookup in the session); only once `--reconcile-horizon` has passed
    /// since its last POST does it go back to `pending` to be posted again.
    func reconcile(_ record: ChunkRecord, lookup: Int) async throws -> ReconcileResult {
        let chunk = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256)
        let emails = try chunk.itemEmails()
        let wanted = Set(emails.compactMap { $0 })
        let lastPost = record.postingStartedAt ?? .distantPast
        let since = (record.postingStartedAt ?? Date()).addingTimeInterval(-Self.clockSlack)
        // The horizon is judged before the list is read: a batch listed in this answer was
        // created before the moment the horizon is checked against.
        let horizonPassed = Date().timeIntervalSince(lastPost) >= options.reconcileHorizon
        let delay = lookupDelay(lookup: lookup, lastPost: lastPost)
        guard let batches = await listBatches(since: since) else {
            return stop.isRaised || Task.isCancelled ? .unknown : .later(delay)
        }
        let known = try store.knownBatchIDs()
        let candidates = batches.filter { batch in
            guard let id = batch.id, !known.contains(id) else { return false }
            if let endpoint = batch.endpoint, endpoint != "contacts" { return false }
            if let total = batch.totalCount, total != record.contacts { return false }
            if let created = batch.createdAt.flatMap(Self.parseDate), created < since { return false }
            return true
        }
        var claimed: String?
        for candidate in candidates.reversed() {
            guard let id = candidate.id else { continue }
            if claimed != nil {
                // A second batch with the same items: a duplicate Omnisend already holds. Only
                // ended batches are compared (no waiting for them).
                guard candidate.hasEnded else { continue }
            }
            let (items, failure) = await finishedItems(batchID: id, kind: .reconcile)
            if failure != nil { continue }
            guard let items else { return .unknown }
            let reported = BatchResults(itemsAnswer: items, chunk: record.number, emails: emails).reportedEmails
            let stopped = items.status == "stopped"
            guard !reported.isEmpty, Set(reported).isSubset(of: wanted), reported.count == wanted.count || stopped else { continue }
            if claimed == nil {
                try store.markPosted(record.number, batchID: id)
                try store.count("reconciled")
                try? store.note("chunk \(record.number): reconciled with batch \(id); not sent again", chunk: record.number)
                log("chunk \(record.number): found its batch \(id) on Omnisend; not sent again")
                claimed = id
            } else {
                try store.count("duplicates_created", by: reported.count)
                try? store.note("chunk \(record.number): batch \(id) holds its items a second time (a duplicate)", chunk: record.number)
                log("chunk \(record.number): batch \(id) holds its \(reported.count) item(s) a second time")
            }
        }
        if claimed != nil { return .found }
        guard horizonPassed else {
            if record.state != .unresolved {
                try store.markUnresolved(record.number, reason: record.reason ?? "the POST's answer was not recorded")
            }
            if lookup == 0 {
                log("chunk \(record.number): its batch is not listed yet; looking again until \(DurationText.format(options.reconcileHorizon)) after its POST")
            }
            return .later(delay)
        }
        let reason = "no batch with its items appeared within --reconcile-horizon \(DurationText.format(options.reconcileHorizon)) of its POST"
        if record.attempts >= options.retryPolicy.maxAttempts {
            try store.markFailed(record.number, reason: "\(record.reason ?? "POST failed") \(record.attempts) times; \(reason)", retryable: true)
            try? store.note("chunk \(record.number) failed: \(reason)", chunk: record.number)
            log("chunk \(record.number): failed: \(reason)")
            if await gate.chunkFailedTransiently() >= options.consecutiveFailuresToStop {
                stop.request(.unreachable, message: "\(options.consecutiveFailuresToStop) chunks in a row failed: \(reason)")
            }
            return .resend
        }
        try store.markPending(record.number)
        try store.count("ambiguous_reposted", by: record.contacts)
        try store.count("resend:after_horizon")
        try? store.note("chunk \(record.number): \(reason); posting it again", chunk: record.number)
        log("chunk \(record.number): \(reason); posting it again (its contacts may arrive twice)")
        return .resend
    }

    /// Seconds until the next lookup of an unmatched chunk: backoff from the retry policy's base
    /// delay, at most its largest delay, and never past the horizon (so the last look is on time).
    private func lookupDelay(lookup: Int, lastPost: Date) -> Double {
        let policy = options.retryPolicy
        let backoff = min(policy.maxDelay, max(policy.baseDelay, 0.05) * pow(2, Double(min(lookup, 20))))
        let untilHorizon = options.reconcileHorizon - Date().timeIntervalSince(lastPost)
        return max(0.01, min(backoff, untilHorizon + 0.01))
    }

    /// Every contacts batch created since `since` (offset paging for v3/v5, cursors for 2026).
    private func listBatches(since: Date) async -> [BatchEntry]? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        // One day earlier: `dateFrom` is a date, and time zones differ.
        let dateFrom = formatter.string(from: since.addingTimeInterval(-86_400))
        var all: [BatchEntry] = []
        var offset = 0
        var after: String?
        let limit = 250
        for _ in 0..<400 {
            var query = "endpoint=contacts&dateFrom=\(dateFrom)&limit=\(limit)"
            if target.apiVersion == .v2026_03_15 {
                if let after { query += "&after=\(after)" }
            } else {
                query += "&offset=\(offset)"
            }
            let pageQuery = query
            guard case .answer(let answer) = await read(.reconcile, { await client.listBatches(query: pageQuery) }),
                let page = BatchListPage(answer)
            else { return nil }
            all.append(contentsOf: page.entries)
            if target.apiVersion == .v2026_03_15 {
                guard page.hasMore, let next = page.after, !next.isEmpty else { break }
                after = next
            } else {
                guard page.entries.count == limit else { break }
                offset += page.entries.count
            }
        }
        return all
    }

    /// Parses an ISO 8601 time with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
