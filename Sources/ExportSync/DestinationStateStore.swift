import ExportCore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The destination state: one SQLite file (WAL, `synchronous=FULL`, mode 0600) per destination
/// and pipeline, outside the run folders (docs/sync.md).
///
/// For every email it holds what Omnisend last *accepted*: the payload hash, the channels'
/// status and date, when and from which run. Only the upload's `StateRecorder` writes accepted
/// contacts, one chunk at a time, keyed by (run, chunk) in `applied`, so applying a chunk twice
/// changes nothing and a chunk the checkpoint marked `done` before a crash is applied by the next
/// replay. The state's `version` goes up by one each time another run starts recording (and on
/// `import` and `reset`): a run folder diffed against an older version is refused by `upload`,
/// except the run that advanced it (its own resumes).
///
/// It holds personal data (emails and consent), never the API key.
public final class DestinationStateStore: Sendable {
    let queue: DatabaseQueue
    /// The file.
    public let path: String

    /// Opens (creating it, and its folder with mode 0700, if needed) the state at `path`.
    /// - Parameter key: the state's key (destination name and pipeline), recorded at creation and
    ///   shown by `state show`.
    /// - Throws: `ExportError.io` when the file cannot be opened or migrated.
    public init(path: String, key: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
            try queue.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('key', ?)", arguments: [key])
                try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('version', '0')")
            }
        } catch {
            throw ExportError(.io, "cannot open the destination state", path: path, cause: error)
        }
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// Opens an existing state; `nil` when there is no file at `path`.
    public static func openIfPresent(path: String, key: String) throws -> DestinationStateStore? {
        FileManager.default.fileExists(atPath: path) ? try DestinationStateStore(path: path, key: key) : nil
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE contact (
                    email TEXT PRIMARY KEY NOT NULL,
                    payloadHash TEXT,
                    emailStatus TEXT, emailStatusDate TEXT,
                    smsStatus TEXT, smsStatusDate TEXT,
                    acceptedAt TEXT NOT NULL,
                    run TEXT,
                    origin TEXT NOT NULL,
                    leftAt TEXT
                ) WITHOUT ROWID;
                CREATE TABLE applied (
                    run TEXT NOT NULL, chunk INTEGER NOT NULL, contacts INTEGER NOT NULL, appliedAt TEXT NOT NULL,
                    PRIMARY KEY (run, chunk)
                ) WITHOUT ROWID;
                CREATE TABLE claim (run TEXT PRIMARY KEY NOT NULL, claimedAt TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    // MARK: - Version

    /// Where the state stands: its version and the run that last advanced it.
    public struct Version: Sendable, Equatable {
        /// Goes up by one when another run starts recording, and on import and reset.
        public var number: Int
        /// The run folder (absolute path) whose recording made `number`; `nil` after an import or reset.
        public var run: String?
        /// When the last full run recorded its first chunk (ISO 8601 UTC).
        public var lastFullAt: String?
    }

    /// The current version.
    public func version() throws -> Version {
        try read { db in try Self.version(db) }
    }

    private static func version(_ db: Database) throws -> Version {
        let meta = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM meta").map {
            ($0["key"] as String, $0["value"] as String)
        })
        return Version(number: Int(meta["version"] ?? "0") ?? 0, run: meta["versionRun"], lastFullAt: meta["lastFullAt"])
    }

    private static func advance(_ db: Database, run: String?) throws {
        let current = try version(db)
        if run != nil && current.run == run { return }
        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", arguments: [String(current.number + 1)])
        if let run {
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('versionRun', ?)", arguments: [run])
        } else {
            try db.execute(sql: "DELETE FROM meta WHERE key = 'versionRun'")
        }
    }

    /// The state's key as recorded at creation.
    public func key() throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'key'") }
    }

    // MARK: - Runs

    /// Records that `run` (absolute path) uploads into this state, before its first POST, so
    /// that a later replay finds its checkpoint even when the upload died before recording.
    public func claim(run: String) throws {
        try write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO claim (run, claimedAt) VALUES (?, ?)", arguments: [run, StateClock.now()])
        }
    }

    /// The runs that claimed the state and are not released yet.
    public func claimedRuns() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT run FROM claim ORDER BY claimedAt, run") }
    }

    /// Forgets the claim of `run` (its upload finished and everything it delivered is recorded).
    public func release(run: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM claim WHERE run = ?", arguments: [run]) }
    }

    /// The chunks of `run` already applied.
    public func appliedChunks(run: String) throws -> Set<Int> {
        try read { db in Set(try Int.fetchAll(db, sql: "SELECT chunk FROM applied WHERE run = ?", arguments: [run])) }
    }

    /// One accepted contact to record.
    public struct Accepted: Sendable, Equatable {
        /// The email (normalised, as sent).
        public var email: String
        /// The payload hash (hex); `nil` leaves the hash unknown (a leaver's tag item).
        public var payloadHash: String?
        /// The channels sent; channels not sent keep what the state had.
        public var channels: [String: DestinationStateLine.Channel]
        /// Set for a leaver: the contact left the segment.
        public var left: Bool

        /// Creates an entry.
        public init(email: String, payloadHash: String?, channels: [String: DestinationStateLine.Channel], left: Bool = false) {
            self.email = email
            self.payloadHash = payloadHash
            self.channels = channels
            self.left = left
        }
    }

    /// Records the accepted contacts of chunk `chunk` of `run` in one transaction, unless that
    /// (run, chunk) was applied before. Advances the version when `run` is not the run that made it.
    /// - Parameter full: the run is a full one (`lastFullAt` is set).
    /// - Returns: whether the chunk was applied now (false: it had been).
    @discardableResult
    public func apply(run: String, chunk: Int, contacts: [Accepted], full: Bool) throws -> Bool {
        let now = StateClock.now()
        let runName = (run as NSString).lastPathComponent
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM applied WHERE run = ? AND chunk = ?", arguments: [run, chunk]) == true {
                return false
            }
            try Self.advance(db, run: run)
            if full { try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('lastFullAt', ?)", arguments: [now]) }
            let statement = try db.cachedStatement(sql: """
                INSERT INTO contact (email, payloadHash, emailStatus, emailStatusDate, smsStatus, smsStatusDate, acceptedAt, run, origin, leftAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'upload', ?)
                ON CONFLICT(email) DO UPDATE SET
                    payloadHash = excluded.payloadHash,
                    emailStatus = COALESCE(excluded.emailStatus, emailStatus),
                    emailStatusDate = CASE WHEN excluded.emailStatus IS NULL THEN emailStatusDate ELSE excluded.emailStatusDate END,
                    smsStatus = COALESCE(excluded.smsStatus, smsStatus),
                    smsStatusDate = CASE WHEN excluded.smsStatus IS NULL THEN smsStatusDate ELSE excluded.smsStatusDate END,
                    acceptedAt = excluded.acceptedAt, run = excluded.run, origin = 'upload', leftAt = excluded.leftAt
                """)
            for contact in contacts {
                let email = contact.channels["email"]
                let sms = contact.channels["sms"]
                try statement.execute(arguments: [
                    contact.email, contact.payloadHash, email?.status, email?.statusDate, sms?.status, sms?.statusDate, now,
                    runName, contact.left ? now : nil,
                ])
            }
            try db.execute(
                sql: "INSERT INTO applied (run, chunk, contacts, appliedAt) VALUES (?, ?, ?, ?)",
                arguments: [run, chunk, contacts.count, now])
            return true
        }
    }

    // MARK: - Reading

    /// One contact as the diff reads it, without copies: the bytes are SQLite's own and valid
    /// only during the call that receives them.
    public struct EntryBytes {
        /// The normalised email.
        public var email: UnsafeRawBufferPointer
        /// The hex payload hash; `nil` when unknown (rebuild, leaver).
        public var payloadHash: UnsafeRawBufferPointer?
        /// The status date of the email channel when its last accepted status is `unsubscribed`
        /// (the consent guard reads it); `nil` otherwise.
        public var unsubscribedAt: UnsafeRawBufferPointer?
        /// Whether the email channel's last accepted status is `subscribed`.
        public var subscribed: Bool
        /// Whether the contact left the segment (a leaver item was accepted).
        public var left: Bool
    }

    /// Contacts in the state, left ones included.
    public func count() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact") ?? 0 }
    }

    /// Calls `body` with every contact (in email order), reading in one transaction. A million
    /// contacts take well under a second: no `String` is made.
    public func forEachEntry(_ body: (EntryBytes) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT email, payloadHash, CASE WHEN emailStatus = 'unsubscribed' THEN emailStatusDate END,
                       emailStatus IS 'subscribed', leftAt IS NOT NULL
                FROM contact
                """)
            while let row = try rows.next() {
                let subscribed: Bool = row[3]
                let left: Bool = row[4]
                // Views of SQLite's own bytes, valid until the cursor moves on.
                try Self.withBytes(row.dataNoCopy(atIndex: 0)) { email in
                    try Self.withBytes(row.dataNoCopy(atIndex: 1)) { hash in
                        try Self.withBytes(row.dataNoCopy(atIndex: 2)) { unsubscribedAt in
                            try body(EntryBytes(
                                email: email ?? UnsafeRawBufferPointer(start: nil, count: 0), payloadHash: hash,
                                unsubscribedAt: unsubscribedAt, subscribed: subscribed, left: left))
                        }
                    }
                }
            }
        }
    }

    /// The bytes of a column read without a copy; `nil` for NULL.
    private static func withBytes<T>(_ data: Data?, _ body: (UnsafeRawBufferPointer?) throws -> T) rethrows -> T {
        guard let data else { return try body(nil) }
        return try data.withUnsafeBytes { try body($0) }
    }

    /// Calls `body` with every contact as a `DestinationStateLine` (what `state export` writes).
    public func forEachLine(_ body: (DestinationStateLine) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT email, payloadHash, emailStatus, emailStatusDate, smsStatus, smsStatusDate, acceptedAt, run, origin
                FROM contact ORDER BY email
                """)
            while let row = try rows.next() {
                var channels: [String: DestinationStateLine.Channel] = [:]
                if let status: String = row[2] { channels["email"] = .init(status: status, statusDate: row[3]) }
                if let status: String = row[4] { channels["sms"] = .init(status: status, statusDate: row[5]) }
                try body(DestinationStateLine(
                    email: row[0], payloadHash: row[1], channels: channels, acceptedAt: row[6], run: row[7], origin: row[8]))
            }
        }
    }

    /// What `state show` prints.
    public struct Summary: Sendable, Equatable {
        /// The key recorded at creation (destination name and pipeline).
        public var key: String?
        /// The version and the run that made it.
        public var version: Version
        /// Contacts held (left ones included).
        public var contacts: Int
        /// Contacts whose email channel was last accepted as `subscribed`.
        public var subscribed: Int
        /// Contacts that left the segment.
        public var left: Int
        /// Contacts whose payload hash is unknown (sent whole by the next run).
        public var unknownHash: Int
        /// (run, chunk) pairs applied.
        public var appliedChunks: Int
        /// Run folders whose uploads claimed the state and are not settled yet.
        public var claimedRuns: [String]
        /// The latest `acceptedAt`.
        public var lastAcceptedAt: String?
    }

    /// Counts for `state show`.
    public func summary() throws -> Summary {
        try read { db in
            Summary(
                key: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'key'"),
                version: try Self.version(db),
                contacts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact") ?? 0,
                subscribed: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact WHERE emailStatus = 'subscribed'") ?? 0,
                left: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact WHERE leftAt IS NOT NULL") ?? 0,
                unknownHash: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact WHERE payloadHash IS NULL") ?? 0,
                appliedChunks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applied") ?? 0,
                claimedRuns: try String.fetchAll(db, sql: "SELECT run FROM claim ORDER BY claimedAt, run"),
                lastAcceptedAt: try String.fetchOne(db, sql: "SELECT MAX(acceptedAt) FROM contact"))
        }
    }

    // MARK: - Maintenance

    /// Adds or replaces contacts from `state export` / `state rebuild` lines, in one transaction,
    /// and advances the version (run folders diffed before are refused by upload).
    /// - Parameter origin: what the lines are recorded as (`import` or `rebuild`).
    /// - Returns: the number of lines written.
    @discardableResult
    public func merge(_ lines: [DestinationStateLine], origin: String) throws -> Int {
        try write { db in
            try Self.advance(db, run: nil)
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO contact (email, payloadHash, emailStatus, emailStatusDate, smsStatus, smsStatusDate, acceptedAt, run, origin, leftAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                """)
            for line in lines {
                let email = line.channels["email"]
                let sms = line.channels["sms"]
                try statement.execute(arguments: [
                    line.email, line.payloadHash, email?.status, email?.statusDate, sms?.status, sms?.statusDate, line.acceptedAt,
                    line.run, origin,
                ])
            }
            return lines.count
        }
    }

    /// Deletes every contact, applied chunk and claim, and advances the version: the next run
    /// sends everyone once (run folders diffed before are refused by upload).
    public func reset() throws {
        try write { db in
            try db.execute(sql: "DELETE FROM contact; DELETE FROM applied; DELETE FROM claim; DELETE FROM meta WHERE key = 'lastFullAt'")
            try Self.advance(db, run: nil)
        }
    }

    // MARK: - Rebuild

    /// The saved position of an unfinished `state rebuild` (opaque text the rebuild wrote, a
    /// `ContactReadCursor`), or `nil` when no rebuild is under way.
    public func rebuildPosition() throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'rebuild'") }
    }

    /// Starts a `state rebuild`: in one transaction, empties the state when `replacing` (as
    /// `reset` does), advances the version (run folders diffed before are refused by upload) and
    /// saves `position`, the read's first page.
    public func beginRebuild(position: String, replacing: Bool) throws {
        try write { db in
            if replacing {
                try db.execute(sql: "DELETE FROM contact; DELETE FROM applied; DELETE FROM claim; DELETE FROM meta WHERE key = 'lastFullAt'")
            }
            try Self.advance(db, run: nil)
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild', ?)", arguments: [position])
        }
    }

    /// Records one page of a rebuild and where the read goes on, in one transaction, so a crash
    /// loses at most the page being read and never records one twice. A contact recorded by an
    /// upload (known payload hash) is kept; one read again replaces its earlier rebuild line.
    /// - Parameter position: the next page's position; `nil` after the last page, which ends
    ///   the rebuild and advances the version again (a run prepared against the half-rebuilt
    ///   state is refused by upload).
    /// - Returns: the number of lines written.
    @discardableResult
    public func applyRebuildPage(_ lines: [DestinationStateLine], position: String?) throws -> Int {
        try write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO contact (email, payloadHash, emailStatus, emailStatusDate, smsStatus, smsStatusDate, acceptedAt, run, origin, leftAt)
                VALUES (?, NULL, ?, ?, ?, ?, ?, NULL, 'rebuild', NULL)
                ON CONFLICT(email) DO UPDATE SET
                    emailStatus = excluded.emailStatus, emailStatusDate = excluded.emailStatusDate,
                    smsStatus = excluded.smsStatus, smsStatusDate = excluded.smsStatusDate, acceptedAt = excluded.acceptedAt
                WHERE contact.origin = 'rebuild'
                """)
            for line in lines {
                let email = line.channels["email"]
                let sms = line.channels["sms"]
                try statement.execute(arguments: [line.email, email?.status, email?.statusDate, sms?.status, sms?.statusDate, line.acceptedAt])
            }
            if let position {
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild', ?)", arguments: [position])
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = 'rebuild'")
                try Self.advance(db, run: nil)
            }
            return lines.count
        }
    }

    /// Whether the state holds `email` (normalised).
    public func contains(email: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM contact WHERE email = ?", arguments: [email]) ?? false }
    }

    /// Erases `emails` (normalised) from the state; returns how many were there.
    @discardableResult
    public func forget(emails: [String]) throws -> Int {
        try write { db in
            var erased = 0
            for email in emails {
                try db.execute(sql: "DELETE FROM contact WHERE email = ?", arguments: [email])
                erased += db.changesCount
            }
            return erased
        }
    }

    // MARK: - Transactions

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch let error as ExportError { throw error } catch {
            throw ExportError(.io, "cannot read the destination state", path: path, cause: error)
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch let error as ExportError { throw error } catch {
            throw ExportError(.io, "cannot write the destination state", path: path, cause: error)
        }
    }
}

/// The clock the state writes: ISO 8601 UTC to the second.
enum StateClock {
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
