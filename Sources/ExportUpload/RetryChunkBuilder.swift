import ExportChunks
import ExportCore
import ExportRunFolder
import Foundation

/// For `--retry-failed`: gathers the items that failed for transient reasons (5xx, 408, 429, not
/// processed) and not yet resent, writes them into new chunk files (`chunks/retry-NNNNNN.json`,
/// the same layout, checksummed in the checkpoint) and records where each item came from.
struct RetryChunkBuilder {
    let runDirectory: String
    let store: CheckpointStore
    let maxItems: Int

    /// Writes the retry chunks; returns how many.
    func build() throws -> Int {
        let pending = try store.failedItems().filter { $0.retryable && !$0.retried }
        guard !pending.isEmpty else { return 0 }
        let chunks = Dictionary(uniqueKeysWithValues: try store.chunks().map { ($0.number, $0) })
        var nextNumber = (chunks.keys.max() ?? 0) + 1
        var texts: [Int: [String]] = [:]
        var items: [(text: String, source: FailedItem)] = []
        for failed in pending {
            if texts[failed.chunk] == nil, let record = chunks[failed.chunk] {
                texts[failed.chunk] = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256).itemTexts()
            }
            guard let list = texts[failed.chunk], failed.item < list.count else { continue }
            items.append((list[failed.item], failed))
        }
        var written = 0
        var start = 0
        while start < items.count {
            // As many items as fit both the version's item limit and the 1 MB body cap.
            var end = start + 1
            var bytes = ChunkFile.body(items: [items[start].text]).count
            while end < items.count, end - start < maxItems, bytes + items[end].text.utf8.count + 2 <= APIVersion.maxBatchBytes {
                bytes += items[end].text.utf8.count + 2
                end += 1
            }
            let group = Array(items[start..<end])
            let body = ChunkFile.body(items: group.map(\.text))
            let file = "\(RunFolderLayout.chunksDirectory)/retry-\(String(format: "%06d", nextNumber)).json"
            let (_, _, sha256) = try AtomicFileWriter.write(body, to: "\(runDirectory)/\(file)")
            let record = ChunkRecord(number: nextNumber, file: file, sha256: sha256, contacts: group.count, retryOf: group[0].source.chunk)
            let sources = group.enumerated().map {
                RetrySource(chunk: nextNumber, item: $0.offset, sourceChunk: $0.element.source.chunk, sourceItem: $0.element.source.item)
            }
            try store.addRetryChunk(record, sources: sources)
            nextNumber += 1
            written += 1
            start += group.count
        }
        return written
    }
}
