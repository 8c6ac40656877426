import Crypto
import ExportCore
import ExportUpload
import Foundation

/// The contacts `verify` checks: every item of a `done` chunk that Omnisend did not refuse
/// (or `sample` of them, spread evenly over the run), each as its chunk and item number.
///
/// Kept compact for a million contacts: two `Int32` arrays, plus (for the one-pass read) a
/// table from each email's hash to its candidate. The emails themselves are not kept; a stored
/// contact found by hash is checked against the sent item's email when both are compared.
struct VerifyCandidates {
    /// The chunk of each candidate, in run order.
    private(set) var chunks: [Int32] = []
    /// The item of each candidate within its chunk.
    private(set) var items: [Int32] = []
    /// The checkpoint's chunk records by number.
    let records: [Int: ChunkRecord]
    /// Accepted contacts in the run, sampled or not.
    private(set) var runContacts = 0

    /// Candidates in the run.
    var count: Int { chunks.count }

    /// Gathers the accepted items of the run's done chunks, then keeps `sample` of them spread
    /// evenly (all when nil, zero or not smaller than the count).
    init(store: CheckpointStore, sample: Int?) throws {
        let failed = Set(try store.failedItems().map { Self.key(chunk: $0.chunk, item: $0.item) })
        let done = try store.chunks().filter { $0.state == .done }
        records = Dictionary(done.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        for record in done {
            for item in 0..<record.contacts where !failed.contains(Self.key(chunk: record.number, item: item)) {
                chunks.append(Int32(record.number))
                items.append(Int32(item))
            }
        }
        runContacts = chunks.count
        if let sample, sample > 0, sample < chunks.count {
            let step = Double(chunks.count) / Double(sample)
            let picked = (0..<sample).map { Int(Double($0) * step) }
            chunks = picked.map { chunks[$0] }
            items = picked.map { items[$0] }
        }
    }

    /// SHA-256 (hex) of the candidates' chunk and item numbers: the same for the same run and
    /// sample, so a stopped verify knows its candidates again.
    var digest: String { Self.digest(chunks: chunks, items: items) }

    /// SHA-256 (hex) of `chunks` and `items`, each number as 4 little-endian bytes, in turn.
    static func digest(chunks: [Int32], items: [Int32]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chunks.count * 8)
        for index in chunks.indices {
            for value in [UInt32(bitPattern: chunks[index]), UInt32(bitPattern: items[index])] {
                for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
            }
        }
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The candidates grouped by chunk, in run order: `(chunk, [(candidate, item)])`.
    func byChunk() -> [(chunk: Int, entries: [(candidate: Int, item: Int)])] {
        var groups: [(chunk: Int, entries: [(candidate: Int, item: Int)])] = []
        for index in 0..<count {
            let chunk = Int(chunks[index])
            if groups.last?.chunk != chunk { groups.append((chunk, [])) }
            groups[groups.count - 1].entries.append((index, Int(items[index])))
        }
        return groups
    }

    /// Reads the email of every candidate from the chunk files, chunk by chunk, handing each to
    /// `body` with its candidate index (candidates whose item has no email are skipped).
    func forEachEmail(runDirectory: String, _ body: (_ candidate: Int, _ email: String) throws -> Void) throws {
        for group in byChunk() {
            guard let record = records[group.chunk] else { continue }
            let emails = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256).itemEmails()
            for entry in group.entries where entry.item < emails.count {
                if let email = emails[entry.item] { try body(entry.candidate, email) }
            }
        }
    }

    /// A table from the hash of each candidate's email to the candidate (a later candidate of
    /// the same email, a resent item, wins).
    func emailTable(runDirectory: String) throws -> [Int: Int32] {
        var table: [Int: Int32] = Dictionary(minimumCapacity: count)
        try forEachEmail(runDirectory: runDirectory) { candidate, email in table[email.hashValue] = Int32(candidate) }
        return table
    }

    private static func key(chunk: Int, item: Int) -> Int { chunk << 24 | item }
}
