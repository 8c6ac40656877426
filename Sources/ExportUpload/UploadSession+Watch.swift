import ExportCore
import Foundation

extension UploadSession {
    /// Learns the ends of posted batches until none is open and the workers have finished (or
    /// the upload stops), as `BatchWatch.plan` says: a listing pass, or one `GET` per batch.
    /// Returns the error (a checkpoint that cannot be written) that ended it, if any.
    func pollLoop() async -> (any Error)? {
        do {
            while !stop.isRaised, !Task.isCancelled {
                let draining = !(await queue.hasReady)
                switch await watch.plan(now: Date(), draining: draining) {
                case .finished:
                    return nil
                case .wait(let seconds):
                    guard await pause(min(seconds, 0.1)) else { return nil }
                case .list:
                    try await listPass()
                case .get(let ids):
                    try await getEach(ids)
                }
            }
        } catch {
            return error
        }
        return nil
    }

    /// One pass over `GET /batches?endpoint=contacts&dateFrom=…` (offset paging for v3/v5,
    /// cursors for 2026) from where the last pass left the oldest open batch, until every open
    /// batch has been seen or the list ends. Ended batches are settled; the others are looked at
    /// again after their delay.
    func listPass() async throws {
        let wanted = await watch.openIDs()
        let start = await watch.listStart()
        var position = start
        var restarted = false
        var seen = Set<String>()
        var ended: [BatchEntry] = []
        var pages = 0
        var ordered = true
        var lastCreated: Date?
        var next: ListPosition?
        var blocked = false
        let limit = max(1, min(250, options.listPageSize))
        let cursors = target.apiVersion == .v2026_03_15
        pageLoop: for _ in 0..<400 {
            var query = "endpoint=contacts&dateFrom=\(position.dateFrom)&limit=\(limit)"
            if cursors {
                if let after = position.after { query += "&after=\(after)" }
            } else {
                query += "&offset=\(position.offset)"
            }
            let pageQuery = query
            let result = await read(.list, patient: true, { await client.listBatches(query: pageQuery) })
            guard case .answer(let answer) = result, let object = BatchListPage(answer) else {
                if case .failed(let reason) = result {
                    try? store.note("the batch list could not be read (\(reason)); asking per batch", chunk: nil)
                    await watch.finishPass(wanted: wanted, seen: seen, pages: 1_000_000, ordered: ordered, next: nil)
                }
                return
            }
            pages += 1
            let page = object.entries
            if !restarted, let anchor = position.anchor, page.first?.id != anchor {
                // The list changed under the saved position: start over from the beginning, once.
                restarted = true
                position = .start(position.dateFrom)
                (lastCreated, next, blocked) = (nil, nil, false)
                continue
            }
            for (index, entry) in page.enumerated() {
                guard let id = entry.id else { continue }
                if let created = entry.createdAt.flatMap(Self.parseDate) {
                    if let lastCreated, created < lastCreated { ordered = false }
                    lastCreated = created
                }
                if wanted.contains(id), !seen.contains(id) {
                    seen.insert(id)
                    if entry.hasEnded {
                        ended.append(entry)
                    } else {
                        await watch.stillOpen(id)
                        blocked = true
                    }
                }
                if !blocked {
                    // Every open batch comes after this entry: the next pass may start here.
                    next = cursors
                        ? ListPosition(dateFrom: position.dateFrom, after: position.after, anchor: page.first?.id)
                        : ListPosition(dateFrom: position.dateFrom, offset: position.offset + index, anchor: id)
                }
            }
            if seen.isSuperset(of: wanted) { break pageLoop }
            if cursors {
                guard object.hasMore, let after = object.after, !after.isEmpty else { break pageLoop }
                position.after = after
            } else {
                guard page.count > 0, object.next.map({ !$0.isEmpty }) ?? (page.count == limit) else { break pageLoop }
                position.offset += page.count
            }
            position.anchor = nil
        }
        // A batch not shown may sit anywhere: keep the position this pass started from.
        if !seen.isSuperset(of: wanted) { next = restarted ? nil : start }
        await watch.finishPass(wanted: wanted, seen: seen, pages: pages, ordered: ordered, next: next)
        for entry in ended {
            guard let id = entry.id, let batch = await watch.batch(id) else { continue }
            try await settle(batch, entry: entry)
            await reportProgress()
            if stop.isRaised { return }
        }
    }

    /// The per-batch fallback: `GET /batches/{id}` for each batch in `ids`.
    func getEach(_ ids: [String]) async throws {
        for id in ids {
            guard let batch = await watch.batch(id) else { continue }
            switch await read(.batch, patient: true, { await client.getBatch(id) }) {
            case .unavailable:
                return
            case .failed(let reason):
                try await fail(batch, reason: "GET /batches/\(id): \(reason)")
            case .answer(let answer):
                guard let entry = BatchEntry(answer) else {
                    await watch.stillOpen(id)
                    continue
                }
                if entry.hasEnded {
                    try await settle(batch, entry: entry)
                    await reportProgress()
                } else {
                    await watch.stillOpen(id)
                }
            }
        }
    }
}
