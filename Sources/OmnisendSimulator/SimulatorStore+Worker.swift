import ExportCore
import Foundation
import GRDB

/// What the worker needs to know to process a slice of a batch.
struct SliceRules: Sendable {
    var sliceSize: Int
    var stopErrorShare: Double
    var stopMinimumItems: Int
    var partialFailureShare: Double
    var seed: UInt64
}

extension SimulatorStore {
    /// The oldest batch still `pending` or `inProgress`.
    func nextOpenBatch() async throws -> BatchRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM batch WHERE status IN ('pending','inProgress') ORDER BY id LIMIT 1")
                .map(Self.batchRecord)
        }
    }

    /// Moves a pending batch to `inProgress`.
    func markStarted(rowID: Int64, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE batch SET status = 'inProgress', startedAt = ? WHERE id = ? AND status = 'pending'",
                arguments: [now.timeIntervalSince1970, rowID])
        }
    }

    /// Processes the next slice of a batch; returns whether the batch ended. The items (as the
    /// POST parsed them, or parsed again from their stored text) are validated and turned into
    /// documents outside the database and in parallel (the HTTP routes keep being served
    /// meanwhile), then applied in order in one transaction.
    func processSlice(rowID: Int64, rules: SliceRules, now: Date) async throws -> Bool {
        let parsed = parsedItems.items(batch: rowID)
        let slice = try await writer.read { db -> (BatchRecord, [(index: Int, request: String?)])? in
            guard let batch = try Self.fetchBatch(rowID: rowID, in: db), batch.status == "inProgress" || batch.status == "pending" else {
                return nil
            }
            var limit = rules.sliceSize
            if batch.fault == FaultPlan.Kind.stopped.rawValue {
                limit = min(limit, max(1, batch.totalCount / 2) - batch.finishedCount)
            }
            let arguments: StatementArguments = [rowID, max(0, limit)]
            if let parsed, parsed.count == batch.totalCount {
                let indexes = try Int.fetchAll(
                    db, sql: "SELECT itemIndex FROM batchItem WHERE batchID = ? AND responseCode IS NULL ORDER BY itemIndex LIMIT ?",
                    arguments: arguments)
                return (batch, indexes.map { (index: $0, request: nil) })
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT itemIndex, request FROM batchItem WHERE batchID = ? AND responseCode IS NULL ORDER BY itemIndex LIMIT ?",
                arguments: arguments)
            return (batch, rows.map { (index: $0["itemIndex"], request: $0["request"]) })
        }
        guard let (initial, items) = slice else {
            parsedItems.forget(batch: rowID)
            return true
        }
        let partial = initial.fault == FaultPlan.Kind.partial.rawValue
        let version = initial.itemVersion
        let prepared = await Self.prepare(items.map { item in
            SliceItem(
                value: item.request == nil ? parsed?[item.index] : nil, request: item.request,
                partial: partial && Self.partialHit(seed: rules.seed, batch: rowID, index: item.index, share: rules.partialFailureShare))
        }, version: version, now: now)
        let ended = try await writer.write { db in
            guard var batch = try Self.fetchBatch(rowID: rowID, in: db), batch.status == "inProgress" || batch.status == "pending" else {
                return true
            }
            let update = try db.cachedStatement(sql: "UPDATE batchItem SET responseCode = ?, response = ? WHERE batchID = ? AND itemIndex = ?")
            for (item, preparation) in zip(items, prepared) {
                let (code, response) = try Self.apply(preparation, brand: batch.brand, version: version, now: now, in: db)
                try update.execute(arguments: [code, response, rowID, item.index])
                batch.finishedCount += 1
                if code >= 300 { batch.errorsCount += 1 }
            }
            var status = batch.finishedCount >= batch.totalCount ? "finished" : "inProgress"
            if batch.fault == FaultPlan.Kind.stopped.rawValue && batch.finishedCount >= max(1, batch.totalCount / 2) && batch.totalCount > 1 {
                status = "stopped"
            }
            if batch.finishedCount >= rules.stopMinimumItems && batch.finishedCount > 0
                && Double(batch.errorsCount) / Double(batch.finishedCount) > rules.stopErrorShare && batch.finishedCount < batch.totalCount
            {
                status = "stopped"
            }
            let ended = status == "finished" || status == "stopped"
            try db.execute(
                sql: "UPDATE batch SET status = ?, finishedCount = ?, errorsCount = ?, startedAt = COALESCE(startedAt, ?), endedAt = ? WHERE id = ?",
                arguments: [status, batch.finishedCount, batch.errorsCount, now.timeIntervalSince1970, ended ? now.timeIntervalSince1970 : nil, rowID])
            return ended
        }
        if ended { parsedItems.forget(batch: rowID) }
        return ended
    }

    /// Validates and builds the new-contact documents of `items`, split over the cores; results
    /// in item order.
    static func prepare(_ items: [SliceItem], version: SimulatorAPIVersion, now: Date) async -> [PreparedItem] {
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, items.count / 100))
        if parts <= 1 { return items.map { prepareItem($0, version: version, now: now) } }
        let size = (items.count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [PreparedItem]).self) { group in
            for part in 0..<parts {
                let range = (part * size)..<min(items.count, (part + 1) * size)
                let slice = Array(items[range])
                group.addTask { (part, slice.map { prepareItem($0, version: version, now: now) }) }
            }
            var results = [[PreparedItem]](repeating: [], count: parts)
            for await (part, prepared) in group { results[part] = prepared }
            return results.flatMap { $0 }
        }
    }

    /// The database-free work on one item.
    static func prepareItem(_ item: SliceItem, version: SimulatorAPIVersion, now: Date) -> PreparedItem {
        if item.partial {
            return .answered(code: 500, response: itemError(status: 500, detail: "Internal error - the item was not processed, try again", version: version))
        }
        guard let body = item.value ?? item.request.flatMap(BodyJSON.parse) else {
            return .answered(code: 400, response: itemError([FieldProblem(field: "body", code: "invalid_json", message: "is not valid JSON")], version: version))
        }
        let problems = ContactValidator.validate(body, version: .v3)
        if !problems.isEmpty { return .answered(code: 400, response: itemError(problems, version: version)) }
        let contact = body.object ?? [:]
        return .contact(contact, fresh: ContactWriter.fresh(contact, now: now))
    }

    /// Upserts a prepared item; returns its responseCode and response body.
    private static func apply(_ item: PreparedItem, brand: String, version: SimulatorAPIVersion, now: Date, in db: Database) throws -> (Int, String) {
        switch item {
        case .answered(let code, let response):
            return (code, response)
        case .contact(let contact, let fresh):
            switch try ContactWriter.upsert(contact, brand: brand, now: now, in: db, fresh: fresh) {
            case .created(let record), .updated(let record):
                return (200, contactResult(record))
            case .ignored:
                return (400, itemError([FieldProblem(field: "identifiers", code: "conflict", message: "every identifier belongs to another contact; contact not created")], version: version))
            }
        }
    }

    /// `{"email": …, "contactID": …}` as v3 answers a contact POST.
    static func contactResult(_ contact: ContactRecord) -> String {
        var text = "{"
        if let email = contact.email { text += "\"email\":\(JSONText.quoted(email))," }
        if let phone = contact.phone, contact.email == nil { text += "\"phone\":\(JSONText.quoted(phone))," }
        return text + "\"contactID\":\(JSONText.quoted(contact.contactID))}"
    }

    /// A failed item's response: v3 `{"error","fields":{"0":[…]}}` (the documented example, used
    /// for v3 and v5), or an RFC 9457 problem with `errors[]` for a 2026-03-15 batch.
    static func itemError(_ problems: [FieldProblem], version: SimulatorAPIVersion) -> String {
        if version.usesProblemDetails { return APIError(status: 400, problems: problems).body(version: version).0 }
        let messages = problems.map { JSONText.quoted($0.v3Text) }.joined(separator: ",")
        return "{\"error\":\"\(problems.count) error(s) found. Check 'fields' array for details.\",\"fields\":{\"0\":[\(messages)]}}"
    }

    /// A failed item's response without field problems (a `partial` fault's 500).
    static func itemError(status: Int, detail: String, version: SimulatorAPIVersion) -> String {
        if version.usesProblemDetails { return APIError(status: status, detail: detail).body(version: version).0 }
        return "{\"error\":\(JSONText.quoted(detail))}"
    }

    /// Seeded, order-independent choice of the items a `partial` batch fails.
    static func partialHit(seed: UInt64, batch: Int64, index: Int, share: Double) -> Bool {
        var generator = SeededGenerator(seed: seed ^ (UInt64(bitPattern: batch) &* 0x9E37_79B9) ^ (UInt64(index) << 32))
        return generator.nextUnit() < share
    }
}
