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

    /// Processes the next slice of a batch in one transaction; returns whether the batch ended.
    func processSlice(rowID: Int64, rules: SliceRules, now: Date) async throws -> Bool {
        try await writer.write { db in
            guard var batch = try Self.fetchBatch(rowID: rowID, in: db), batch.status == "inProgress" || batch.status == "pending" else {
                return true
            }
            var limit = rules.sliceSize
            if batch.fault == FaultPlan.Kind.stopped.rawValue {
                limit = min(limit, max(1, batch.totalCount / 2) - batch.finishedCount)
            }
            let items = try Row.fetchAll(
                db, sql: "SELECT itemIndex, request FROM batchItem WHERE batchID = ? AND responseCode IS NULL ORDER BY itemIndex LIMIT ?",
                arguments: [rowID, max(0, limit)])
            let update = try db.cachedStatement(sql: "UPDATE batchItem SET responseCode = ?, response = ? WHERE batchID = ? AND itemIndex = ?")
            for row in items {
                let index: Int = row["itemIndex"]
                let request: String = row["request"]
                let (code, response) = try Self.processItem(
                    request, brand: batch.brand, partial: batch.fault == FaultPlan.Kind.partial.rawValue
                        && Self.partialHit(seed: rules.seed, batch: rowID, index: index, share: rules.partialFailureShare),
                    now: now, in: db)
                try update.execute(arguments: [code, response, rowID, index])
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
    }

    /// Validates and upserts one item; returns its responseCode and response body.
    private static func processItem(_ request: String, brand: String, partial: Bool, now: Date, in db: Database) throws -> (Int, String) {
        if partial {
            return (500, "{\"error\":\"Internal error - the item was not processed, try again\"}")
        }
        guard let body = JSONValue.parse(request) else {
            return (400, itemError([FieldProblem(field: "body", code: "invalid_json", message: "is not valid JSON")]))
        }
        let problems = ContactValidator.validate(body, version: .v3)
        if !problems.isEmpty { return (400, itemError(problems)) }
        switch try ContactWriter.upsert(body.object ?? [:], brand: brand, now: now, in: db) {
        case .created(let contact), .updated(let contact):
            return (200, contactResult(contact))
        case .ignored:
            return (400, itemError([FieldProblem(field: "identifiers", code: "conflict", message: "every identifier belongs to another contact; contact not created")]))
        }
    }

    /// `{"email": …, "contactID": …}` as v3 answers a contact POST.
    static func contactResult(_ contact: ContactRecord) -> String {
        var text = "{"
        if let email = contact.email { text += "\"email\":\(JSONText.quote(email))," }
        if let phone = contact.phone, contact.email == nil { text += "\"phone\":\(JSONText.quote(phone))," }
        return text + "\"contactID\":\(JSONText.quote(contact.contactID))}"
    }

    static func itemError(_ problems: [FieldProblem]) -> String {
        let messages = problems.map { JSONText.quote($0.v3Text) }.joined(separator: ",")
        return "{\"error\":\"\(problems.count) error(s) found. Check 'fields' array for details.\",\"fields\":{\"0\":[\(messages)]}}"
    }

    /// Seeded, order-independent choice of the items a `partial` batch fails.
    static func partialHit(seed: UInt64, batch: Int64, index: Int, share: Double) -> Bool {
        var generator = SeededGenerator(seed: seed ^ (UInt64(bitPattern: batch) &* 0x9E37_79B9) ^ (UInt64(index) << 32))
        return generator.nextUnit() < share
    }
}
