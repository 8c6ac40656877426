import ExportCore
import ExportRunFolder
import Foundation
import GRDB

/// The upload checkpoint: `RUN_DIR/checkpoint.sqlite` (WAL, `synchronous=FULL`).
///
/// Every method commits before it returns, so a state change is durable before the action that
/// depends on it (the POST after `posting`, the poll after `posted`). Holds no key and no header.
public final class CheckpointStore: Sendable {
    let queue: DatabaseQueue
    /// The database path.
    public let path: String

    /// Opens (creating if needed) the checkpoint of `runDirectory`.
    /// - Throws: `ExportError.io` when the database cannot be opened or migrated.
    public convenience init(runDirectory: String) throws {
        try self.init(path: "\(runDirectory)/\(RunFolderLayout.checkpoint)")
    }

    /// Opens (creating if needed) the checkpoint database at `path`: the run folder's, or one kept
    /// as history (`checkpoint-<n>.sqlite`).
    /// - Throws: `ExportError.io` when the database cannot be opened or migrated.
    public init(path: String) throws {
        self.path = path
        // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the
        // database file's mode, so they are private from the start.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw ExportError(.io, "cannot open the upload checkpoint", path: path, cause: error)
        }
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "chunk") { t in
                t.primaryKey("number", .integer)
                t.column("file", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("contacts", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("batchID", .text)
                t.column("accepted", .integer)
                t.column("failed", .integer)
                t.column("reason", .text)
                t.column("retryable", .boolean).notNull()
                t.column("postingStartedAt", .datetime)
                t.column("attempts", .integer).notNull()
                t.column("retryOf", .integer)
            }
            try db.create(table: "failed_item") { t in
                t.column("chunk", .integer).notNull()
                t.column("item", .integer).notNull()
                t.column("responseCode", .integer).notNull()
                t.column("response", .text).notNull()
                t.column("retryable", .boolean).notNull()
                t.column("retried", .boolean).notNull()
                t.primaryKey(["chunk", "item"])
            }
            try db.create(table: "retry_source") { t in
                t.column("chunk", .integer).notNull()
                t.column("item", .integer).notNull()
                t.column("sourceChunk", .integer).notNull()
                t.column("sourceItem", .integer).notNull()
                t.primaryKey(["chunk", "item"])
            }
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "counter") { t in
                t.primaryKey("name", .text)
                t.column("value", .integer).notNull()
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("chunk", .integer)
                t.column("message", .text).notNull()
            }
        }
        return migrator
    }

    // MARK: Seeding

    /// Records the manifest's chunks as `pending` the first time; afterwards checks that the
    /// manifest is the one the checkpoint was started with.
    /// - Throws: `ExportError.tampered` when `manifestSHA256` differs from the recorded one.
    public func seed(chunks: [RunManifestChunk], manifestSHA256: String) throws {
        try write { db in
            if let recorded = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'manifest_sha256'") {
                guard recorded == manifestSHA256 else {
                    throw ExportError(.tampered, "the manifest changed since this upload started; refusing to resume", path: RunFolderLayout.manifest)
                }
                return
            }
            for chunk in chunks {
                try ChunkRecord(number: chunk.number, file: chunk.file, sha256: chunk.sha256, contacts: chunk.contacts).insert(db)
            }
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('manifest_sha256', ?)", arguments: [manifestSHA256])
        }
    }

    // MARK: Chunks

    /// Every chunk, by number.
    public func chunks() throws -> [ChunkRecord] {
        try read { db in try ChunkRecord.order(Column("number")).fetchAll(db) }
    }

    /// One chunk.
    public func chunk(_ number: Int) throws -> ChunkRecord? {
        try read { db in try ChunkRecord.fetchOne(db, key: number) }
    }

    /// `pending → posting`: about to POST (committed before the request leaves).
    public func markPosting(_ number: Int, at date: Date) throws {
        try update(number) { $0.state = .posting; $0.postingStartedAt = date; $0.attempts += 1 }
    }

    /// `posting → posted(batchID)`: Omnisend answered with a batch ID.
    public func markPosted(_ number: Int, batchID: String) throws {
        try update(number) { $0.state = .posted; $0.batchID = batchID; $0.reason = nil }
    }

    /// Back to `pending` (reconciliation found no batch past the horizon, or the request surely
    /// never arrived: refused connection, 408, 429).
    public func markPending(_ number: Int) throws {
        try update(number) { $0.state = .pending; $0.batchID = nil }
    }

    /// `posting → unresolved(reason)`: the POST had no usable answer and its batch is not listed
    /// yet; it is looked up again until `--reconcile-horizon` after `postingStartedAt`.
    public func markUnresolved(_ number: Int, reason: String) throws {
        try update(number) { $0.state = .unresolved; $0.batchID = nil; $0.reason = reason }
    }

    /// `posted → done`, saving the failed items in the same transaction.
    public func markDone(_ number: Int, accepted: Int, failedItems: [FailedItem]) throws {
        try write { db in
            guard var record = try ChunkRecord.fetchOne(db, key: number) else { return }
            try FailedItem.filter(Column("chunk") == number).deleteAll(db)
            for item in failedItems { try item.insert(db) }
            record.state = .done
            record.accepted = accepted
            record.failed = failedItems.count
            record.reason = nil
            try record.update(db)
        }
    }

    /// `→ failed(reason)`.
    public func markFailed(_ number: Int, reason: String, retryable: Bool) throws {
        try update(number) { $0.state = .failed; $0.reason = reason; $0.retryable = retryable }
    }

    private func update(_ number: Int, _ change: @escaping @Sendable (inout ChunkRecord) -> Void) throws {
        try write { db in
            guard var record = try ChunkRecord.fetchOne(db, key: number) else { return }
            change(&record)
            try record.update(db)
        }
    }

    /// Batch IDs already owned by a chunk (reconciliation must not claim them twice).
    public func knownBatchIDs() throws -> Set<String> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT batchID FROM chunk WHERE batchID IS NOT NULL")) }
    }

    // MARK: Failures and retries

    /// Every failed item, by chunk and item.
    public func failedItems() throws -> [FailedItem] {
        try read { db in try FailedItem.order(Column("chunk"), Column("item")).fetchAll(db) }
    }

    /// Where the items of retry chunks came from.
    public func retrySources() throws -> [RetrySource] {
        try read { db in try RetrySource.fetchAll(db) }
    }

    /// Adds a retry chunk (already written and checksummed) carrying `sources`, marks those items
    /// retried, in one transaction.
    public func addRetryChunk(_ record: ChunkRecord, sources: [RetrySource]) throws {
        try write { db in
            try record.insert(db)
            for source in sources {
                try source.insert(db)
                try db.execute(
                    sql: "UPDATE failed_item SET retried = 1 WHERE chunk = ? AND item = ?",
                    arguments: [source.sourceChunk, source.sourceItem])
            }
        }
    }

    /// Puts failed chunks whose failure was transient back to `pending`; returns how many. A chunk
    /// that still has a batch ID is never reset: Omnisend took that batch, so posting it again
    /// would send its contacts twice.
    public func resetRetryableFailedChunks() throws -> Int {
        try write { db in
            try db.execute(
                sql: "UPDATE chunk SET state = 'pending', reason = NULL, retryable = 0 WHERE state = 'failed' AND retryable = 1 AND batchID IS NULL")
            return db.changesCount
        }
    }

    // MARK: Counters, events, meta

    /// Adds `amount` to a named counter (`requests`, `retries`, `rate_limited`, `reconciled`,
    /// `reposted`, `ambiguous_reposted`, `duplicates_created`, `resend:CAUSE`).
    /// Counters of the upload timeline (`UploadTimeline`) also count in their minute's twin,
    /// `name@2026-12-03T15:12Z`, in the same transaction.
    public func count(_ name: String, by amount: Int = 1, at date: Date = Date()) throws {
        let twin = UploadTimeline.minuteCounter(name, at: date)
        try write { db in
            for counter in [name] + (twin.map { [$0] } ?? []) {
                try db.execute(
                    sql: "INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                    arguments: [counter, amount])
            }
        }
    }

    /// All counters.
    public func counters() throws -> [String: Int] {
        try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT name, value FROM counter").map { ($0["name"], $0["value"]) }, uniquingKeysWith: +)
        }
    }

    /// Records an error or notable event (bounded to the last 200).
    public func note(_ message: String, chunk: Int?, at date: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "INSERT INTO event (at, chunk, message) VALUES (?, ?, ?)", arguments: [date, chunk, message])
            try db.execute(sql: "DELETE FROM event WHERE id <= (SELECT MAX(id) FROM event) - 200")
        }
    }

    /// The last `limit` events, oldest first.
    public func lastEvents(_ limit: Int) throws -> [(at: Date, chunk: Int?, message: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT at, chunk, message FROM event ORDER BY id DESC LIMIT ?", arguments: [limit])
                .reversed().map { (at: $0["at"], chunk: $0["chunk"], message: $0["message"]) }
        }
    }

    /// A stored value.
    public func meta(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Stores a value.
    public func setMeta(_ key: String, _ value: String) throws {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    /// Opens the checkpoint of `runDirectory` read-only (for a report of a run in progress):
    /// never creates, migrates or writes it.
    /// - Throws: `ExportError.io` when it cannot be opened.
    public init(readOnlyRunDirectory runDirectory: String) throws {
        path = "\(runDirectory)/\(RunFolderLayout.checkpoint)"
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do { queue = try DatabaseQueue(path: path, configuration: configuration) } catch {
            throw ExportError(.io, "cannot open the upload checkpoint", path: path, cause: error)
        }
    }

    // MARK: Access

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch let error as ExportError { throw error } catch {
            throw ExportError(.io, "cannot read the upload checkpoint", path: path, cause: error)
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch let error as ExportError { throw error } catch {
            throw ExportError(.io, "cannot write the upload checkpoint", path: path, cause: error)
        }
    }
}

/// A manifest chunk with its number, as the checkpoint seeds it.
public struct RunManifestChunk: Sendable, Equatable {
    /// 1-based position in the manifest.
    public var number: Int
    /// Relative path.
    public var file: String
    /// Expected sha256.
    public var sha256: String
    /// Items.
    public var contacts: Int

    /// Creates one.
    public init(number: Int, file: String, sha256: String, contacts: Int) {
        self.number = number
        self.file = file
        self.sha256 = sha256
        self.contacts = contacts
    }
}
