import ExportChunks
import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation

/// `forget EMAIL`: erases one person (by normalised email) from a run folder, for erasure
/// requests under GDPR. Chunks are rewritten without the person's items (emptied chunks are
/// deleted), `contacts.ndjson`, `rejects.ndjson`, `duplicates.ndjson`, `warnings.ndjson` and
/// `failed.ndjson` lose their lines, the checkpoint loses the person's per-item rows and messages and is vacuumed, the
/// rehearsal simulator state is deleted if it held them, and the manifest gets the new checksums
/// and counts (`forgotten` keeps `rows == kept + rejected + duplicates + filtered + forgotten`).
///
/// Every file is written atomically, the checkpoint first (one transaction), the manifest last;
/// chunks already uploaded stay `done` with the new checksum, so `upload` neither refuses the
/// folder nor sends them again. Holds the upload lock while it works.
public struct RunForgetter: Sendable {
    /// The normalised email.
    public let email: String
    /// When true nothing is written; the result says what would change.
    public let dryRun: Bool

    /// Creates a forgetter for `email` (normalised here: trimmed, lower-cased).
    public init(email: String, dryRun: Bool = false) {
        self.email = EmailNormalizer.normalize(email)
        self.dryRun = dryRun
    }

    /// The run folders at `path`: the folder itself when it has a manifest, else every folder
    /// with a manifest below it (three levels deep at most), sorted.
    public static func runFolders(at path: String) -> [String] {
        func isRun(_ folder: String) -> Bool { FileSystem.exists("\(folder)/\(RunFolderLayout.manifest)") }
        var found: [String] = []
        func walk(_ folder: String, depth: Int) {
            if isRun(folder) {
                found.append(folder)
                return
            }
            guard depth < 3 else { return }
            var isDirectory: ObjCBool = false
            for name in FileSystem.contents(of: folder) where !name.hasPrefix(".") {
                let child = "\(folder)/\(name)"
                if FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory), isDirectory.boolValue { walk(child, depth: depth + 1) }
            }
        }
        walk(path, depth: 0)
        return found.sorted()
    }

    private func matches(_ text: String?) -> Bool {
        guard let text else { return false }
        return EmailNormalizer.normalize(text) == email
    }

    /// Forgets the person in one run folder.
    /// - Throws: `ExportError.noInput` without a manifest, `.tampered` when a chunk does not match
    ///   its checksum, `.usage` when a chunk holding the person is in flight (`posting`/`posted`),
    ///   `UploadError.locked` while an upload runs.
    public func forget(runDirectory: String, token: String) throws -> ForgetResult {
        var result = ForgetResult(runDirectory: runDirectory)
        guard !email.isEmpty else { return result }
        let lock = try RunFolderLock(runDirectory: runDirectory)
        defer { lock.release() }
        var manifest = try ManifestFile.read(runDirectory: runDirectory)
        let needle = Array(email.utf8)
        let store = FileSystem.exists("\(runDirectory)/\(RunFolderLayout.checkpoint)") ? try CheckpointStore(runDirectory: runDirectory) : nil
        let records = try store?.chunks() ?? []
        let recordByFile = Dictionary(records.map { ($0.file, $0) }, uniquingKeysWith: { a, _ in a })

        var contacts = SideFile<ContactLine>(runDirectory: runDirectory)
        var marked = Set<[Int]>()
        for case let object? in contacts.objects where matches(object.email) { marked.insert([object.chunk, object.item]) }

        // Chunk files: the manifest's, then the retry chunks only the checkpoint knows.
        var rewrites: [ChunkRewrite] = []
        var bodies: [(file: String, body: [UInt8])] = []
        var emptied: [String] = []
        var chunkEntries: [RunManifest.ChunkEntry] = []
        var units: [(file: String, number: Int, known: [String], entry: RunManifest.ChunkEntry?)] = []
        for (offset, entry) in manifest.chunks.enumerated() {
            let record = recordByFile[entry.file]
            if store != nil && record == nil && !records.isEmpty && !FileSystem.exists("\(runDirectory)/\(entry.file)") {
                emptied.append(entry.file)  // deleted by an interrupted forget
                continue
            }
            units.append((entry.file, record?.number ?? offset + 1, [entry.sha256, record?.sha256].compactMap { $0 }, entry))
        }
        let manifestFiles = Set(manifest.chunks.map(\.file))
        for record in records where !manifestFiles.contains(record.file) {
            units.append((record.file, record.number, [record.sha256], nil))
        }
        for unit in units {
            guard let data = FileManager.default.contents(atPath: "\(runDirectory)/\(unit.file)") else {
                throw ExportError(.tampered, "the chunk file is missing; the run folder changed since prepare", path: unit.file)
            }
            let bytes = [UInt8](data)
            let hasMark = marked.contains { $0[0] == unit.number }
            guard hasMark || ForgetText.contains(ForgetText.asciiLowercased(bytes), needle) else {
                if let entry = unit.entry { chunkEntries.append(entry) }
                continue
            }
            let sha = ChunkFile.sha256Hex(bytes)
            let texts = try ChunkFile(runDirectory: runDirectory, file: unit.file, sha256: sha).itemTexts()
            var map: [Int?] = []
            var kept: [String] = []
            for (item, text) in texts.enumerated() {
                if marked.contains([unit.number, item]) || matches(ChunkFile.email(ofItemJSON: text)) {
                    map.append(nil)
                } else {
                    map.append(kept.count)
                    kept.append(text)
                }
            }
            let body = kept.isEmpty ? [] : ChunkFile.body(items: kept)
            let newSHA = kept.isEmpty ? nil : ChunkFile.sha256Hex(body)
            guard unit.known.contains(sha) || (newSHA.map { unit.known.contains($0) } ?? false) else {
                throw ExportError(.tampered, "the chunk file does not match its sha256; the run folder changed since prepare", path: unit.file)
            }
            guard kept.count < texts.count else {
                if let entry = unit.entry { chunkEntries.append(entry) }
                continue
            }
            if let record = recordByFile[unit.file], record.state == .posting || record.state == .unresolved || record.state == .posted {
                throw ExportError(
                    .usage, "chunk \(record.number) holds this person and is being uploaded (\(record.state.rawValue)); "
                        + "finish it with `omnisend-export upload \(runDirectory)`, then forget", path: unit.file)
            }
            rewrites.append(ChunkRewrite(number: unit.number, itemMap: map, sha256: newSHA))
            result.removedLines[unit.file] = texts.count - kept.count
            if let newSHA {
                bodies.append((unit.file, body))
                if unit.entry != nil { chunkEntries.append(.init(file: unit.file, contacts: kept.count, bytes: body.count, sha256: newSHA)) }
            } else {
                emptied.append(unit.file)
            }
        }
        result.removedChunks = emptied.filter { FileSystem.exists("\(runDirectory)/\($0)") }
        for file in result.removedChunks { result.removedLines[file] = nil }

        // Side files.
        // Each side file to rewrite, as its name, its bytes, its line count and the lines removed.
        var sides: [(name: String, bytes: [UInt8], lines: Int, removed: Int)] = []
        func rewrite<Line>(_ file: SideFile<Line>) {
            if file.removed > 0 || file.changed { sides.append((file.name, file.bytes, file.lines.count, file.removed)) }
        }
        contacts.remove { matches($0.email) }
        contacts.renumber(chunks: store == nil)
        rewrite(contacts)
        var rejects = SideFile<RejectLine>(runDirectory: runDirectory)
        rejects.remove { matches($0.email) }
        rewrite(rejects)
        var duplicates = SideFile<DuplicateLine>(runDirectory: runDirectory)
        duplicates.remove { matches($0.email) }
        rewrite(duplicates)
        // warnings.ndjson (fields left out of a contact) names the contact's email too.
        var warnings = SideFile<WarningLine>(runDirectory: runDirectory)
        warnings.remove { matches($0.email) }
        rewrite(warnings)
        for side in sides where side.removed > 0 { result.removedLines[side.name] = side.removed }
        var failed = SideFile<FailedLine>(runDirectory: runDirectory)
        let failedRemoved = failed.remove { matches($0.email) }
        if failedRemoved > 0 { result.removedLines[failed.name] = failedRemoved }

        let anyChange = !rewrites.isEmpty || !sides.isEmpty || !result.removedChunks.isEmpty || failedRemoved > 0
        if anyChange {
            manifest.chunks = chunkEntries
            for side in sides {
                guard let index = manifest.files.firstIndex(where: { $0.file == side.name }) else { continue }
                manifest.files[index] = .init(file: side.name, lines: side.lines, bytes: side.bytes.count, sha256: ChunkFile.sha256Hex(side.bytes))
            }
            ForgetCounts.recount(&manifest, contacts: contacts, rejects: rejects, duplicates: duplicates)
        }
        let manifestBytes = try ForgetCounts.encode(manifest)
        let simulatorFolder = "\(runDirectory)/\(RunFolderLayout.simulatorDirectory)"
        result.simulatorStateRemoved = ForgetScan.mentions(in: simulatorFolder, needle: needle).isEmpty == false
        result.verifySpoolRemoved = !ForgetScan.mentions(in: VerifyProgress.spoolPath(runDirectory: runDirectory), needle: needle).isEmpty
        if dryRun { return result }

        if let store {
            let counts = try store.applyForget(rewrites, needle: email, token: token, manifestSHA256: ChunkFile.sha256Hex(manifestBytes))
            result.checkpointRowsRemoved = counts.rows
            result.checkpointTextsScrubbed = counts.texts
            result.checkpointChunksUpdated = counts.updated
        }
        // Checkpoints kept as history of an earlier destination hold the same chunks' answers.
        for name in FileSystem.contents(of: runDirectory) where RunFolderLayout.isArchivedCheckpoint(name) {
            let archived = try CheckpointStore(path: "\(runDirectory)/\(name)")
            let counts = try archived.applyForget(rewrites, needle: email, token: token, manifestSHA256: ChunkFile.sha256Hex(manifestBytes))
            result.checkpointRowsRemoved += counts.rows
            result.checkpointTextsScrubbed += counts.texts
            try archived.vacuum()
        }
        for (file, body) in bodies { try AtomicFileWriter.write(body, to: "\(runDirectory)/\(file)") }
        for side in sides { try AtomicFileWriter.write(side.bytes, to: "\(runDirectory)/\(side.name)") }
        if let store, FileSystem.exists("\(runDirectory)/\(RunFolderLayout.failed)") {
            _ = try FailedListWriter(runDirectory: runDirectory, store: store).write()
        } else if failedRemoved > 0 {
            try AtomicFileWriter.write(failed.bytes, to: "\(runDirectory)/\(failed.name)")
        }
        if anyChange { try AtomicFileWriter.write(manifestBytes, to: "\(runDirectory)/\(RunFolderLayout.manifest)") }
        for file in emptied { try FileSystem.removeFile("\(runDirectory)/\(file)") }
        let referenced = Set(manifest.chunks.map(\.file) + ((try store?.chunks()) ?? []).map(\.file))
        for name in FileSystem.contents(of: "\(runDirectory)/\(RunFolderLayout.chunksDirectory)") {
            let file = "\(RunFolderLayout.chunksDirectory)/\(name)"
            if !referenced.contains(file), !ForgetScan.mentions(in: "\(runDirectory)/\(file)", needle: needle).isEmpty {
                try FileSystem.removeFile("\(runDirectory)/\(file)")
                result.removedChunks.append(file)
            }
        }
        if let store { try store.vacuum() }
        if result.simulatorStateRemoved { try? FileManager.default.removeItem(atPath: simulatorFolder) }
        if result.verifySpoolRemoved { VerifyProgress.remove(runDirectory: runDirectory) }
        try FileSystem.syncDirectory("\(runDirectory)/\(RunFolderLayout.chunksDirectory)")
        try FileSystem.syncDirectory(runDirectory)
        result.remainingMentions = ForgetScan.mentions(in: runDirectory, needle: needle)
        return result
    }
}
