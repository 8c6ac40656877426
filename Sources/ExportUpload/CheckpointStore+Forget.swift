import ExportCore
import Foundation
import GRDB

/// How `forget` changed one chunk file: where each old item went, and the new file's identity.
public struct ChunkRewrite: Sendable {
    /// The chunk's number in the checkpoint.
    public var number: Int
    /// New index of each old item (`nil`: the item was removed).
    public var itemMap: [Int?]
    /// The new file's sha256 (`nil` when the file was deleted, having no item left).
    public var sha256: String?

    /// Creates a rewrite.
    public init(number: Int, itemMap: [Int?], sha256: String?) {
        self.number = number
        self.itemMap = itemMap
        self.sha256 = sha256
    }

    /// Items left.
    public var count: Int { itemMap.compactMap { $0 }.count }
}

extension CheckpointStore {
    /// Applies `forget` to the checkpoint in one transaction: chunk rows get their new sha256 and
    /// counts (emptied chunks are deleted), per-item failures and retry sources are renumbered or
    /// deleted, `needle` is replaced by `token` in every stored message, and the manifest checksum
    /// the checkpoint trusts becomes `manifestSHA256`. A chunk row that already carries its new
    /// sha256 (an interrupted `forget` run again) is left alone.
    /// - Returns: rows deleted, texts redacted and chunk rows updated.
    public func applyForget(_ rewrites: [ChunkRewrite], needle: String, token: String, manifestSHA256: String) throws -> (rows: Int, texts: Int, updated: Int) {
        try writeForget { db in
            var rows = 0
            var updated = 0
            for rewrite in rewrites {
                guard var record = try ChunkRecord.fetchOne(db, key: rewrite.number) else { continue }
                if let sha = rewrite.sha256, sha == record.sha256 { continue }
                let map = rewrite.itemMap
                func mapped(_ item: Int) -> Int? { item < map.count ? map[item] : nil }
                let failures = try FailedItem.filter(Column("chunk") == rewrite.number).fetchAll(db)
                try FailedItem.filter(Column("chunk") == rewrite.number).deleteAll(db)
                var removedFailed = 0
                for var failure in failures {
                    guard let item = mapped(failure.item), rewrite.sha256 != nil else {
                        removedFailed += 1
                        continue
                    }
                    failure.item = item
                    try failure.insert(db)
                }
                rows += removedFailed
                let sources = try RetrySource.filter(Column("chunk") == rewrite.number || Column("sourceChunk") == rewrite.number).fetchAll(db)
                try RetrySource.filter(Column("chunk") == rewrite.number || Column("sourceChunk") == rewrite.number).deleteAll(db)
                for var source in sources {
                    if source.chunk == rewrite.number, let item = mapped(source.item), rewrite.sha256 != nil { source.item = item }
                    else if source.chunk == rewrite.number { rows += 1; continue }
                    if source.sourceChunk == rewrite.number, let item = mapped(source.sourceItem) { source.sourceItem = item }
                    else if source.sourceChunk == rewrite.number { rows += 1; continue }
                    try source.insert(db)
                }
                guard let sha = rewrite.sha256 else {
                    try record.delete(db)
                    rows += 1
                    continue
                }
                let removed = map.count - rewrite.count
                record.sha256 = sha
                record.contacts = rewrite.count
                if let accepted = record.accepted { record.accepted = max(0, accepted - (removed - removedFailed)) }
                if let failed = record.failed { record.failed = max(0, failed - removedFailed) }
                try record.update(db)
                updated += 1
            }
            var texts = 0
            let columns = [("chunk", "reason", "number"), ("failed_item", "response", "rowid"), ("event", "message", "id"), ("meta", "value", "key")]
            for (table, column, key) in columns {
                let found = try Row.fetchAll(
                    db, sql: "SELECT \(key) AS k, \(column) AS v FROM \(table) WHERE instr(lower(\(column)), ?) > 0", arguments: [needle])
                for row in found {
                    let text: String = row["v"]
                    try db.execute(
                        sql: "UPDATE \(table) SET \(column) = ? WHERE \(key) = ?",
                        arguments: [ForgetText.replacing(needle, with: token, in: text), row["k"] as DatabaseValue])
                    texts += 1
                }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('manifest_sha256', ?)", arguments: [manifestSHA256])
            return (rows, texts, updated)
        }
    }

    /// Rebuilds the database file so that deleted rows leave no bytes behind, and empties the WAL.
    public func vacuum() throws {
        do {
            try queue.vacuum()
            try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            throw ExportError(.io, "cannot vacuum the upload checkpoint", path: path, cause: error)
        }
    }

    private func writeForget<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch let error as ExportError { throw error } catch {
            throw ExportError(.io, "cannot write the upload checkpoint", path: path, cause: error)
        }
    }
}

/// ASCII-case-insensitive search and replace on bytes, for emails in stored texts.
public enum ForgetText {
    /// Lower-cases ASCII letters only (byte offsets stay those of the input).
    public static func asciiLowercased(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// Whether `haystack` (already lower-cased) contains `needle`.
    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// `text` with every ASCII-case-insensitive occurrence of `needle` (lower-case) replaced.
    public static func replacing(_ needle: String, with replacement: String, in text: String) -> String {
        let bytes = Array(text.utf8)
        let lower = asciiLowercased(bytes)
        let target = Array(needle.utf8)
        guard !target.isEmpty else { return text }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + target.count <= bytes.count, lower[i..<(i + target.count)].elementsEqual(target) {
                out.append(contentsOf: Array(replacement.utf8))
                i += target.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
