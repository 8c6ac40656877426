import ExportChunks
import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation

/// A human view of a run folder: a summary, one chunk's contacts, where one email went, the
/// rejects and failures with counts. Reads files and the checkpoint only.
public struct RunInspector: Sendable {
    /// The run folder.
    public let runDirectory: String

    /// Inspects `runDirectory`.
    public init(runDirectory: String) {
        self.runDirectory = runDirectory
    }

    private func lines<Line: SideFileLine>(_ type: Line.Type) -> [Line] {
        SideFileReader(runDirectory: runDirectory).lines(type)
    }

    private func chunkRecords() -> [Int: ChunkRecord] {
        guard FileManager.default.fileExists(atPath: "\(runDirectory)/\(RunFolderLayout.checkpoint)"),
            let store = try? CheckpointStore(runDirectory: runDirectory), let chunks = try? store.chunks()
        else { return [:] }
        return Dictionary(uniqueKeysWithValues: chunks.map { ($0.number, $0) })
    }

    private static func describe(_ record: ChunkRecord?) -> String {
        guard let record else { return "not uploaded yet" }
        var text = record.state.rawValue
        if let batchID = record.batchID { text += ", batch \(batchID)" }
        if let accepted = record.accepted { text += ", \(accepted) accepted, \(record.failed ?? 0) failed" }
        if let reason = record.reason { text += ": \(reason)" }
        return text
    }

    /// The overview: counts, chunks, reject reasons, upload state.
    public func summary() throws -> String {
        let manifest = try ManifestFile.read(runDirectory: runDirectory)
        let c = manifest.counts
        // The destination the checkpoint recorded (the rehearsal simulator when it was one).
        let status = try UploadStatus(runDirectory: runDirectory)
        var out = [
            "rows \(c.rows) = kept \(c.kept) + rejected \(c.rejected) + duplicates \(c.duplicates) + filtered \(c.filtered)",
            "destination: \(status.destination)",
            "chunks: \(manifest.chunks.count)",
        ]
        for (reason, count) in manifest.rejectReasons.sorted(by: { $0.value > $1.value }) { out.append("  rejected \(reason): \(count)") }
        if let sync = manifest.sync {
            out.append(
                "sync: \(sync.mode.rawValue) against the destination state \(sync.stateKey) version \(sync.stateVersion): "
                    + "sent \(c.sent), unchanged \(c.unchanged ?? 0) (unchanged.ndjson), leavers (\(sync.leaverAction.rawValue)) \(sync.leavers) (leavers.ndjson)")
        }
        out += status.text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("destination: ") }
        return out.joined(separator: "\n")
    }

    /// The contacts of chunk `number`, with where each came from and what Omnisend answered.
    public func chunk(_ number: Int) throws -> String {
        let manifest = try ManifestFile.read(runDirectory: runDirectory)
        let records = chunkRecords()
        guard number >= 1, number <= max(manifest.chunks.count, records.keys.max() ?? 0) else {
            throw ExportError(.usage, "there is no chunk \(number) (the run has \(manifest.chunks.count))")
        }
        let record = records[number]
        let file = record?.file ?? manifest.chunks[number - 1].file
        let sha = record?.sha256 ?? manifest.chunks[number - 1].sha256
        let texts = try ChunkFile(runDirectory: runDirectory, file: file, sha256: sha).itemTexts()
        let index = ContactIndex(runDirectory: runDirectory, chunks: [number])
        let failures = Dictionary(
            ((try? CheckpointStore(runDirectory: runDirectory).failedItems()) ?? []).filter { $0.chunk == number }.map { ($0.item, $0) },
            uniquingKeysWith: { a, _ in a })
        var out = ["chunk \(number): \(file), \(texts.count) contacts, \(Self.describe(record))"]
        for (item, text) in texts.enumerated() {
            let entry = index.entry(chunk: number, item: item)
            let email = entry?.email ?? ChunkFile.email(ofItemJSON: text) ?? "?"
            var line = "  \(item) \(email)"
            if let entry { line += "  \(entry.input):\(entry.line)" }
            if let failure = failures[item] { line += "  FAILED " + ItemError(status: failure.responseCode, response: failure.response).text }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// Where `email` went: kept (chunk, batch, answer), rejected (reason) or duplicate (of which
    /// row); `nil` when the run folder never saw it.
    public func contact(_ email: String) -> String? {
        let wanted = EmailNormalizer.normalize(email)
        let matches = { (text: String?) in text.map(EmailNormalizer.normalize) == wanted }
        var out: [String] = []
        let records = chunkRecords()
        for line in lines(ContactLine.self) where matches(line.email) {
            out.append("kept: \(line.input):\(line.line), chunk \(line.chunk) item \(line.item), \(Self.describe(records[line.chunk]))")
        }
        for line in lines(FailedLine.self) where matches(line.email) {
            out.append("failed at Omnisend (chunk \(line.chunk)): \(line.error.text)")
        }
        for line in lines(RejectLine.self) where matches(line.email) {
            out.append("rejected: \(line.input):\(line.line) \(line.reason) \(line.detail)")
        }
        for line in lines(DuplicateLine.self) where matches(line.email) {
            out.append("duplicate: \(line.input):\(line.line) of \(line.keptInput):\(line.keptLine)")
        }
        return out.isEmpty ? nil : out.joined(separator: "\n")
    }

    /// Reject reasons with counts and the first examples.
    public func rejects(examples: Int = 20) -> String {
        summarize(lines(RejectLine.self), key: \.reason, examples: examples) { "\($0.input):\($0.line) \($0.reason) \($0.detail)" }
    }

    /// Failure reasons (Omnisend's answers) with counts and the first examples.
    public func failures(examples: Int = 20) -> String {
        summarize(lines(FailedLine.self), key: \.error.text, examples: examples) {
            "\($0.input):\($0.line) chunk \($0.chunk) item \($0.item) \($0.email)"
        }
    }

    private func summarize<Line: SideFileLine>(
        _ lines: [Line], key: (Line) -> String, examples: Int, describe: (Line) -> String
    ) -> String {
        guard !lines.isEmpty else { return "none" }
        var counts: [String: Int] = [:]
        for line in lines { counts[key(line), default: 0] += 1 }
        var out = counts.sorted { $0.value > $1.value }.map { "\($0.value)  \($0.key)" }
        out.append("")
        out += lines.prefix(examples).map(describe)
        if lines.count > examples { out.append("… \(lines.count - examples) more") }
        return out.joined(separator: "\n")
    }
}
