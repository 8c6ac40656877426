import Foundation
import GRDB

/// The simulator's durable state in SQLite: batches and their items, contacts, and the ledger
/// counters. In memory when no folder is given; restart-safe in `DIR/simulator.sqlite` otherwise.
final class SimulatorStore: Sendable {
    let writer: DatabaseQueue
    /// Items of batches not processed yet, as `POST /batches` parsed them.
    let parsedItems = ParsedBatchItems()
    /// Rung when a batch is stored, so the idle worker sleeps instead of polling.
    let newWork = WorkSignal()

    /// Opens (creating if needed) the state in `directory`, or an in-memory database.
    init(directory: String?) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        if let directory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = (directory as NSString).appendingPathComponent("simulator.sqlite")
            writer = try DatabaseQueue(path: path, configuration: configuration)
            try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE batch (
                    id INTEGER PRIMARY KEY,
                    brand TEXT NOT NULL,
                    method TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    origin TEXT,
                    status TEXT NOT NULL CHECK (status IN ('pending','inProgress','finished','stopped')),
                    createdAt REAL NOT NULL,
                    startedAt REAL,
                    endedAt REAL,
                    totalCount INTEGER NOT NULL,
                    finishedCount INTEGER NOT NULL DEFAULT 0,
                    errorsCount INTEGER NOT NULL DEFAULT 0,
                    fault TEXT);
                CREATE INDEX batch_status ON batch(status, id);
                CREATE INDEX batch_brand ON batch(brand, endpoint, createdAt);
                CREATE TABLE batchItem (
                    batchID INTEGER NOT NULL,
                    itemIndex INTEGER NOT NULL,
                    request TEXT NOT NULL,
                    responseCode INTEGER,
                    response TEXT,
                    PRIMARY KEY (batchID, itemIndex)) WITHOUT ROWID;
                CREATE TABLE contact (
                    id INTEGER PRIMARY KEY,
                    brand TEXT NOT NULL,
                    email TEXT,
                    phone TEXT,
                    document TEXT NOT NULL,
                    createdAt REAL NOT NULL,
                    updatedAt REAL NOT NULL);
                CREATE UNIQUE INDEX contact_email ON contact(brand, email);
                CREATE UNIQUE INDEX contact_phone ON contact(brand, phone);
                CREATE TABLE receivedEmail (
                    brand TEXT NOT NULL,
                    email TEXT NOT NULL,
                    batchID INTEGER NOT NULL,
                    PRIMARY KEY (brand, email)) WITHOUT ROWID;
                CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE batch ADD COLUMN apiVersion TEXT")
        }
        migrator.registerMigration("v3") { db in
            // Epoch seconds before which GET /batches leaves the batch out (the store-late fault).
            try db.execute(sql: "ALTER TABLE batch ADD COLUMN visibleAt REAL")
        }
        return migrator
    }

    /// Adds `amount` to a ledger counter.
    static func bump(_ name: String, by amount: Int = 1, in db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO counter(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value")
            .execute(arguments: [name, amount])
    }

    /// Counts one answered API request by its status (`"200"`, `"429"`, `"dropped"`…).
    func recordRequest(status: String) async throws {
        try await writer.write { db in try Self.bump("status:" + status, in: db) }
    }

    /// The ledger served at `/__simulator/stats`.
    func stats() async throws -> SimulatorStats {
        try await writer.read { db in
            var stats = SimulatorStats()
            stats.contactsStored = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact") ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM counter") {
                let name: String = row["name"]
                let value: Int = row["value"]
                if name.hasPrefix("status:") {
                    stats.requestsByStatus[String(name.dropFirst(7))] = value
                } else if name == "itemsReceived" {
                    stats.itemsReceived = value
                } else if name == "itemsReceivedMoreThanOnce" {
                    stats.itemsReceivedMoreThanOnce = value
                } else if name == "batchesReceived" {
                    stats.batchesReceived = value
                }
            }
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM batch GROUP BY status") {
                stats.batchesByStatus[row["status"]] = row["n"]
            }
            stats.itemsProcessed = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(finishedCount), 0) FROM batch") ?? 0
            stats.itemErrors = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(errorsCount), 0) FROM batch") ?? 0
            return stats
        }
    }
}
