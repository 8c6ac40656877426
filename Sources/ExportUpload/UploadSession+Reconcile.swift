import ExportCore
import Foundation

/// What reconciliation of a `posting` chunk found.
enum ReconcileResult: Equatable {
    /// A batch with the chunk's items exists: the chunk is `posted` with its ID.
    case found
    /// No such batch: the chunk is `pending` and will be posted again.
    case notFound
    /// Omnisend could not be asked (stopping or unreachable): the chunk stays `posting`.
    case unknown
}

extension UploadSession {
    /// Seconds before the recorded POST start that a matching batch may carry as `createdAt`
    /// (clock skew between us and Omnisend).
    static let clockSlack: Double = 600

    /// Settles a chunk whose POST may or may not have reached Omnisend: lists the batches created
    /// since the POST (`GET /batches?endpoint=contacts&dateFrom=…`), and for each not owned by
    /// another chunk and with the same item count, compares its items with the chunk's. Only when
    /// none matches does the chunk go back to `pending` to be posted again.
    func reconcile(_ record: ChunkRecord) async throws -> ReconcileResult {
        let chunk = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256)
        let emails = try chunk.itemEmails()
        let wanted = Set(emails.compactMap { $0 })
        let since = (record.postingStartedAt ?? Date()).addingTimeInterval(-Self.clockSlack)
        // A POST cut off by a crash may still be applied by Omnisend until its request timeout has
        // passed; look only after that, or a late batch would be missed and the chunk sent twice.
        let settle = (record.postingStartedAt ?? .distantPast).addingTimeInterval(options.requestTimeout + 1).timeIntervalSinceNow
        if settle > 0 {
            log("chunk \(record.number): waiting \(DurationText.format(settle)) for a cut-off POST to settle before looking it up")
            guard await pause(settle) else { return .unknown }
        }
        guard let batches = await listBatches(since: since) else { return .unknown }
        let known = try store.knownBatchIDs()
        let candidates = batches.filter { batch in
            guard let id = batch["batchID"] as? String ?? batch["id"] as? String, !known.contains(id) else { return false }
            if let endpoint = batch["endpoint"] as? String, endpoint != "contacts" { return false }
            if let total = batch["totalCount"] as? Int, total != record.contacts { return false }
            if let created = (batch["createdAt"] as? String).flatMap(Self.parseDate), created < since { return false }
            return true
        }
        for candidate in candidates.reversed() {
            guard let id = candidate["batchID"] as? String ?? candidate["id"] as? String else { continue }
            let (items, failure) = await finishedItems(batchID: id)
            if failure != nil { continue }
            guard let items else { return .unknown }
            let reported = BatchResults(itemsAnswer: items, chunk: record.number, emails: emails).reportedEmails
            let stopped = (items["status"] as? String) == "stopped"
            if !reported.isEmpty, Set(reported).isSubset(of: wanted), reported.count == wanted.count || stopped {
                try store.markPosted(record.number, batchID: id)
                try store.count("reconciled")
                try? store.note("chunk \(record.number): reconciled with batch \(id); not sent again", chunk: record.number)
                log("chunk \(record.number): found its batch \(id) on Omnisend; not sent again")
                return .found
            }
        }
        try store.markPending(record.number)
        return .notFound
    }

    /// Every contacts batch created since `since` (offset paging for v3/v5, cursors for 2026).
    private func listBatches(since: Date) async -> [[String: Any]]? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        // One day earlier: `dateFrom` is a date, and time zones differ.
        let dateFrom = formatter.string(from: since.addingTimeInterval(-86_400))
        var all: [[String: Any]] = []
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
            guard case .answer(let answer) = await read({ await client.listBatches(query: pageQuery) }),
                let object = answer.jsonObject
            else { return nil }
            let page = (object["batches"] as? [[String: Any]]) ?? (object["data"] as? [[String: Any]]) ?? []
            all.append(contentsOf: page)
            let paging = object["paging"] as? [String: Any]
            if target.apiVersion == .v2026_03_15 {
                let cursors = paging?["cursors"] as? [String: Any]
                guard (paging?["hasMore"] as? Bool) == true, let next = cursors?["after"] as? String, !next.isEmpty else { break }
                after = next
            } else {
                guard page.count == limit else { break }
                offset += page.count
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
