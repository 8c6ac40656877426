import ExportChunks
import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `verify --repair`: writes a new run folder holding the contacts whose stored values differ
/// from what was sent (or that are missing), each item exactly as it was sent, so that
/// `omnisend-export upload REPAIR_FOLDER` sends them again.
///
/// The folder has what `upload` reads: chunks in the chunk layout (the version's item limit and
/// the 1 MB cap), `contacts.ndjson` naming each contact's original input and line, the pipeline
/// copy, and a `manifest.json` written last (same pipeline, mapping and destination as the
/// source run; `rows == kept ==` the contacts to repair; no inputs).
///
/// Everything is written in `DIRECTORY.partial` first, which `finish` renames to `directory`
/// after the manifest: a verify stopped while it compares leaves no half repair folder under
/// the final name, and the next verify replaces the `.partial` left behind.
public final class RepairFolderWriter {
    /// The new run folder (it exists once `finish` returns).
    public let directory: String
    /// Where the folder is written until `finish`: `directory` + `.partial`.
    public let staging: String
    private let source: String
    private let manifest: RunManifest
    private var pending: [(email: String, text: String, chunk: Int, item: Int)] = []
    private var pendingBytes = 0
    private var chunkEntries: [RunManifest.ChunkEntry] = []
    /// Where each written item came from: (new chunk, new item, source chunk, source item, email).
    private var origins: [(chunk: Int, item: Int, sourceChunk: Int, sourceItem: Int, email: String)] = []

    /// Creates the folder: `directory`, else the first free `SOURCE-repair`, `SOURCE-repair-2`, …
    /// beside the source run folder.
    /// - Throws: `ExportError(.cannotCreate)` when `directory` exists or cannot be created.
    public init(sourceRunDirectory: String, directory: String?) throws {
        source = sourceRunDirectory
        manifest = try ManifestFile.read(runDirectory: sourceRunDirectory)
        var trimmed = sourceRunDirectory
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        var chosen = directory ?? "\(trimmed)-repair"
        if directory == nil {
            var number = 2
            while FileManager.default.fileExists(atPath: chosen) {
                chosen = "\(trimmed)-repair-\(number)"
                number += 1
            }
        } else if FileManager.default.fileExists(atPath: chosen) {
            throw ExportError(.cannotCreate, "the repair folder exists already; name a new one", path: chosen)
        }
        staging = chosen + ".partial"
        do {
            // A `.partial` folder is the leftover of a stopped verify: never trusted, replaced.
            if FileManager.default.fileExists(atPath: staging) { try FileManager.default.removeItem(atPath: staging) }
            try FileSystem.createDirectory(staging)
            try FileSystem.createDirectory("\(staging)/\(RunFolderLayout.chunksDirectory)")
        } catch {
            throw ExportError(.cannotCreate, "cannot create the repair folder", path: staging, cause: error)
        }
        self.directory = chosen
    }

    /// Contacts added so far.
    public var count: Int { origins.count + pending.count }

    /// Adds one contact to send again: its item text as sent, and where it was in the source run.
    public func add(email: String, sentItem: String, chunk: Int, item: Int) throws {
        let size = sentItem.utf8.count + 2
        let overhead = ChunkFile.body(items: []).count
        if !pending.isEmpty,
            pending.count >= manifest.destination.apiVersion.maxBatchItems || overhead + pendingBytes + size > APIVersion.maxBatchBytes
        {
            try flush()
        }
        pending.append((email, sentItem, chunk, item))
        pendingBytes += size
    }

    /// Writes the last chunk, `contacts.ndjson`, the pipeline copy and the manifest.
    /// - Returns: the number of contacts written.
    @discardableResult
    public func finish() throws -> Int {
        try flush()
        let index = ContactIndex(runDirectory: source, chunks: Set(origins.map { $0.sourceChunk }))
        let contacts = try AtomicFileWriter(path: "\(staging)/\(RunFolderLayout.contacts)")
        for origin in origins {
            let entry = index.entry(chunk: origin.sourceChunk, item: origin.sourceItem)
            var line: [UInt8] = Array("{\"email\":".utf8)
            JSONText.appendString(origin.email, to: &line)
            line += Array(",\"chunk\":\(origin.chunk),\"item\":\(origin.item),\"input\":".utf8)
            JSONText.appendString(entry?.input ?? "", to: &line)
            line += Array(",\"line\":\(entry?.line ?? 0)}\n".utf8)
            try contacts.write(line)
        }
        let (bytes, lines, sha256) = try contacts.commit()
        if let pipeline = FileManager.default.contents(atPath: "\(source)/\(RunFolderLayout.pipelineCopy)") {
            try AtomicFileWriter.write([UInt8](pipeline), to: "\(staging)/\(RunFolderLayout.pipelineCopy)")
        }
        var counts = RunCounts()
        counts.rows = origins.count
        counts.kept = origins.count
        let repaired = RunManifest(
            pipeline: manifest.pipeline, mapping: manifest.mapping, destination: manifest.destination, inputs: [], counts: counts,
            rejectReasons: [:], chunks: chunkEntries,
            files: [RunManifest.FileEntry(file: RunFolderLayout.contacts, lines: lines, bytes: bytes, sha256: sha256)])
        try ManifestFile.write(repaired, runDirectory: staging)
        guard rename(staging, directory) == 0 else {
            throw ExportError(.cannotCreate, "cannot rename the finished repair folder from \(staging)", path: directory)
        }
        return origins.count
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let number = chunkEntries.count + 1
        let file = RunFolderLayout.chunkFile(number)
        let (bytes, _, sha256) = try AtomicFileWriter.write(ChunkFile.body(items: pending.map { $0.text }), to: "\(staging)/\(file)")
        chunkEntries.append(RunManifest.ChunkEntry(file: file, contacts: pending.count, bytes: bytes, sha256: sha256))
        for (item, entry) in pending.enumerated() {
            origins.append((number, item, entry.chunk, entry.item, entry.email))
        }
        pending.removeAll()
        pendingBytes = 0
    }
}
