import Foundation
import GRDB

/// Filters and paging of `GET /batches`.
struct BatchQuery: Sendable {
    var brand: String
    var endpoint: String
    var status: String?
    /// Inclusive lower bound on `createdAt` (epoch seconds).
    var from: Double?
    /// Exclusive upper bound on `createdAt` (epoch seconds).
    var to: Double?
    var limit: Int
    /// Offset paging (v3/v5).
    var offset: Int = 0
    /// Cursor paging (2026): only batches with a row id above this one.
    var afterRowID: Int64?
    /// Cursor paging (2026): only batches with a row id below this one (read backwards).
    var beforeRowID: Int64?
    /// The time of the query (epoch seconds): batches hidden until later (`store-late`) are left out.
    var now: Double?
}

extension SimulatorStore {
    /// Stores a new batch and its items (and updates the received-items ledger) in one transaction.
    /// `parsed` (the items as parsed, in order) is kept in memory for the worker.
    func createBatch(
        brand: String, method: String, endpoint: String, origin: String?, items: [String], parsed: [BodyJSON]? = nil,
        emails: [String?], fault: String?, version: SimulatorAPIVersion, now: Date, visibleAt: Date? = nil
    ) async throws -> BatchRecord {
        defer { newWork.ring() }
        return try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO batch(brand, method, endpoint, origin, status, createdAt, totalCount, fault, apiVersion, visibleAt) VALUES (?,?,?,?, 'pending', ?,?,?,?,?)",
                arguments: [brand, method, endpoint, origin, now.timeIntervalSince1970, items.count, fault, version.rawValue, visibleAt?.timeIntervalSince1970])
            let rowID = db.lastInsertedRowID
            let insert = try db.cachedStatement(sql: "INSERT INTO batchItem(batchID, itemIndex, request) VALUES (?,?,?)")
            for (index, item) in items.enumerated() {
                try insert.execute(arguments: [rowID, index, item])
            }
            try Self.recordReceived(brand: brand, emails: emails, requestID: rowID, in: db)
            try Self.bump("batchesReceived", in: db)
            if let parsed, parsed.count == items.count { parsedItems.keep(parsed, batch: rowID) }
            return BatchRecord(
                rowID: rowID, brand: brand, method: method, endpoint: endpoint, origin: origin, status: "pending",
                createdAt: now.timeIntervalSince1970, totalCount: items.count, finishedCount: 0, errorsCount: 0, fault: fault,
                apiVersion: version.rawValue)
        }
    }

    /// Counts received items and those whose email an earlier request already carried.
    /// `requestID` is the batch's row id, or `nil` for a single `POST /contacts` (stored as 0).
    static func recordReceived(brand: String, emails: [String?], requestID: Int64?, in db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO receivedEmail(brand, email, batchID) VALUES (?,?,?)")
        let earlier = try db.cachedStatement(sql: "SELECT batchID FROM receivedEmail WHERE brand = ? AND email = ?")
        var repeats = 0
        for email in emails {
            guard let email else { continue }
            try insert.execute(arguments: [brand, email, requestID ?? 0])
            if db.changesCount == 0, let first = try Int64.fetchOne(earlier, arguments: [brand, email]), first != requestID {
                repeats += 1
            }
        }
        try bump("itemsReceived", by: emails.count, in: db)
        if repeats > 0 { try bump("itemsReceivedMoreThanOnce", by: repeats, in: db) }
    }

    /// The batch with this id if it belongs to `brand`.
    func batch(brand: String, id: String) async throws -> BatchRecord? {
        guard let rowID = ObjectID.rowID(ObjectID.batch, id) else { return nil }
        return try await writer.read { db in
            try Self.fetchBatch(rowID: rowID, in: db).flatMap { $0.brand == brand ? $0 : nil }
        }
    }

    static func fetchBatch(rowID: Int64, in db: Database) throws -> BatchRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM batch WHERE id = ?", arguments: [rowID]).map(batchRecord)
    }

    static func batchRecord(_ row: Row) -> BatchRecord {
        BatchRecord(
            rowID: row["id"], brand: row["brand"], method: row["method"], endpoint: row["endpoint"], origin: row["origin"],
            status: row["status"], createdAt: row["createdAt"], startedAt: row["startedAt"], endedAt: row["endedAt"],
            totalCount: row["totalCount"], finishedCount: row["finishedCount"], errorsCount: row["errorsCount"], fault: row["fault"],
            apiVersion: row["apiVersion"])
    }

    /// The batch and its items, if the batch belongs to `brand`.
    func batchWithItems(brand: String, id: String) async throws -> (BatchRecord, [BatchItemRecord])? {
        guard let rowID = ObjectID.rowID(ObjectID.batch, id) else { return nil }
        return try await writer.read { db in
            guard let batch = try Self.fetchBatch(rowID: rowID, in: db), batch.brand == brand else { return nil }
            let items = try Row.fetchAll(
                db, sql: "SELECT itemIndex, request, responseCode, response FROM batchItem WHERE batchID = ? ORDER BY itemIndex",
                arguments: [rowID]
            ).map { row in
                BatchItemRecord(index: row["itemIndex"], request: row["request"], responseCode: row["responseCode"], response: row["response"])
            }
            return (batch, items)
        }
    }

    /// One page of batches, oldest first (newest first when reading backwards from a cursor).
    func listBatches(_ query: BatchQuery) async throws -> [BatchRecord] {
        try await writer.read { db in
            var sql = "SELECT * FROM batch WHERE brand = ? AND endpoint = ?"
            var arguments: StatementArguments = [query.brand, query.endpoint]
            if let status = query.status {
                sql += " AND status = ?"
                _ = arguments.append(contentsOf: [status])
            }
            if let from = query.from {
                sql += " AND createdAt >= ?"
                _ = arguments.append(contentsOf: [from])
            }
            if let to = query.to {
                sql += " AND createdAt < ?"
                _ = arguments.append(contentsOf: [to])
            }
            if let now = query.now {
                sql += " AND (visibleAt IS NULL OR visibleAt <= ?)"
                _ = arguments.append(contentsOf: [now])
            }
            if let after = query.afterRowID {
                sql += " AND id > ?"
                _ = arguments.append(contentsOf: [after])
            }
            if let before = query.beforeRowID {
                sql += " AND id < ? ORDER BY id DESC"
                _ = arguments.append(contentsOf: [before])
            } else {
                sql += " ORDER BY id"
            }
            sql += " LIMIT ? OFFSET ?"
            _ = arguments.append(contentsOf: [query.limit, query.offset])
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.batchRecord)
            return query.beforeRowID == nil ? rows : rows.reversed()
        }
    }

    /// Whether a batch of `brand`/`endpoint` exists beyond (`after`) or before (`before`) a row id.
    func hasBatch(_ query: BatchQuery, after: Int64? = nil, before: Int64? = nil) async throws -> Bool {
        var probe = query
        probe.afterRowID = after
        probe.beforeRowID = before
        probe.limit = 1
        probe.offset = 0
        return try await !listBatches(probe).isEmpty
    }
}
