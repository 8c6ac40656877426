import ExportChunks
import ExportCore
import ExportRunFolder
import Foundation

/// Writes `failed.ndjson` from the checkpoint: one line per contact Omnisend refused or never
/// processed, with Omnisend's answer as `error: {status, message, fields}` (`ItemError`), the
/// chunk and item, the contact as sent, and the input file
/// and line it came from. Rewritten whole (atomically) at the end of every session, so a crash
/// never leaves it torn; items resent by `--retry-failed` are listed under their last attempt.
public struct FailedListWriter {
    let runDirectory: String
    let store: CheckpointStore

    /// A writer of `runDirectory`'s failed list from `store`.
    public init(runDirectory: String, store: CheckpointStore) {
        self.runDirectory = runDirectory
        self.store = store
    }

    /// Writes the file; returns the number of lines.
    public func write() throws -> Int {
        let chunks = Dictionary(uniqueKeysWithValues: try store.chunks().map { ($0.number, $0) })
        var lines: [(chunk: Int, item: Int, code: Int, response: String, retryable: Bool)] = []
        for item in try store.failedItems() where !item.retried {
            lines.append((item.chunk, item.item, item.responseCode, item.response, item.retryable))
        }
        for chunk in chunks.values.sorted(by: { $0.number < $1.number }) where chunk.state == .failed {
            let reason = BatchResults.json(chunk.reason ?? "failed")
            for item in 0..<chunk.contacts { lines.append((chunk.number, item, 0, reason, chunk.retryable)) }
        }
        lines.sort { ($0.chunk, $0.item) < ($1.chunk, $1.item) }
        var sources: [Int: [Int: RetrySource]] = [:]
        for source in try store.retrySources() { sources[source.chunk, default: [:]][source.item] = source }
        func origin(_ chunk: Int, _ item: Int) -> (Int, Int) {
            var (c, i) = (chunk, item)
            while let source = sources[c]?[i] { (c, i) = (source.sourceChunk, source.sourceItem) }
            return (c, i)
        }
        let needed = Set(lines.map { origin($0.chunk, $0.item).0 })
        let index = ContactIndex(runDirectory: runDirectory, chunks: needed)
        var texts: [Int: [String]] = [:]
        var out: [UInt8] = []
        for line in lines {
            if texts[line.chunk] == nil, let record = chunks[line.chunk] {
                texts[line.chunk] = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256).itemTexts()
            }
            let contact = texts[line.chunk].flatMap { line.item < $0.count ? $0[line.item] : nil } ?? "null"
            let (sourceChunk, sourceItem) = origin(line.chunk, line.item)
            let entry = index.entry(chunk: sourceChunk, item: sourceItem)
            var text = "{\"email\":" + JSONText.quoted(entry?.email ?? ChunkFile.email(ofItemJSON: contact) ?? "")
            text += ",\"chunk\":\(line.chunk),\"item\":\(line.item)"
            text += ",\"input\":" + JSONText.quoted(entry?.input ?? "") + ",\"line\":\(entry?.line ?? 0)"
            text += ",\"retryable\":\(line.retryable),\"error\":" + ItemError(status: line.code, response: line.response).json
            text += ",\"contact\":\(contact)}\n"
            out.append(contentsOf: Array(text.utf8))
        }
        try AtomicFileWriter.write(out, to: "\(runDirectory)/\(RunFolderLayout.failed)")
        return lines.count
    }
}
