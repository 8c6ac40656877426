import ExportChunks
import ExportCore
import ExportRunFolder
import ExportSync
import Foundation

/// Records into the destination state what Omnisend accepted of a run folder prepared with `sync:`.
///
/// The upload does not write the state while it runs: the checkpoint commits a chunk's `done`
/// (with its failed items) first, and the recorder then applies every `done` chunk not yet
/// applied, its items minus the failed ones, in one state transaction per chunk keyed by
/// (run, chunk). So a crash between the two commits loses nothing (the next `record` or the
/// replay before the next diff applies the chunk) and records nothing that was not accepted;
/// applying twice changes nothing.
public enum StateRecorder {
    /// What a recording did.
    public struct Outcome: Sendable, Equatable {
        /// Chunks applied now.
        public var chunks = 0
        /// Contacts recorded now.
        public var contacts = 0

        /// Creates an outcome.
        public init(chunks: Int = 0, contacts: Int = 0) {
            self.chunks = chunks
            self.contacts = contacts
        }
    }

    /// The state a synced run folder records into (opened, created if missing); `nil` for a run
    /// folder prepared without `sync:`.
    public static func store(for manifest: RunManifest) throws -> DestinationStateStore? {
        guard let sync = manifest.sync else { return nil }
        return try DestinationStateStore(path: sync.state, key: sync.stateKey)
    }

    /// The run's identity in the state: its absolute path.
    public static func runID(_ runDirectory: String) -> String {
        let absolute = runDirectory.hasPrefix("/") ? runDirectory : FileManager.default.currentDirectoryPath + "/" + runDirectory
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Refuses a run folder whose state was advanced by another run since prepare read it.
    /// - Throws: `ExportError.staleState` (exit 8) naming both versions.
    public static func requireCurrent(runDirectory: String, manifest: RunManifest, store: DestinationStateStore) throws {
        guard let sync = manifest.sync else { return }
        let version = try store.version()
        if version.number == sync.stateVersion { return }
        // Its own resume: this run advanced the state by one when it recorded its first chunk.
        if version.run == runID(runDirectory) && version.number == sync.stateVersion + 1 { return }
        let by = version.run.map { "by the upload of \(($0 as NSString).lastPathComponent)" } ?? "by state import or reset"
        throw ExportError(
            .staleState,
            "the destination state \(sync.stateKey) is at version \(version.number), advanced \(by) since this run folder was prepared "
                + "against version \(sync.stateVersion); its contacts were diffed against an older state and could overwrite newer ones. "
                + "Prepare again (omnisend-export prepare PIPELINE.yaml) and upload the new run folder",
            path: runDirectory)
    }

    /// Applies every `done` chunk of `runDirectory` that the state lacks.
    /// - Throws: `ExportError` when the checkpoint, a chunk file or the state cannot be read or written.
    @discardableResult
    public static func record(runDirectory: String, manifest: RunManifest, store: DestinationStateStore) throws -> Outcome {
        guard let sync = manifest.sync else { return Outcome() }
        guard FileManager.default.fileExists(atPath: runDirectory + "/" + RunFolderLayout.checkpoint) else { return Outcome() }
        let checkpoint = try CheckpointStore(runDirectory: runDirectory)
        let run = runID(runDirectory)
        let applied = try store.appliedChunks(run: run)
        let pending = try checkpoint.chunks().filter { $0.state == .done && !applied.contains($0.number) }
        guard !pending.isEmpty else { return Outcome() }
        var failed: [Int: Set<Int>] = [:]
        for item in try checkpoint.failedItems() { failed[item.chunk, default: []].insert(item.item) }
        let hasher = PayloadHasher(volatileFields: sync.volatileFields)
        let leavers = sync.leavers > 0 ? try leaverEmails(runDirectory: runDirectory) : []
        let full = sync.mode == .full || sync.stateVersion == 0
        var outcome = Outcome()
        for chunk in pending {
            let file = try ChunkFile(runDirectory: runDirectory, file: chunk.file, sha256: chunk.sha256)
            let refused = failed[chunk.number] ?? []
            var accepted: [DestinationStateStore.Accepted] = []
            for (index, text) in try file.itemTexts().enumerated() where !refused.contains(index) {
                let digest = try hasher.digest(Array(text.utf8))
                guard let email = digest.email else { continue }
                if leavers.contains(email) {
                    // A leaver: its payload was not the contact's; the next time it is named it is sent whole.
                    let channels = sync.leaverAction == .unsubscribe ? digest.channels : [:]
                    accepted.append(.init(email: email, payloadHash: nil, channels: channels, left: true))
                } else {
                    accepted.append(.init(email: email, payloadHash: digest.hashHex, channels: digest.channels))
                }
            }
            if try store.apply(run: run, chunk: chunk.number, contacts: accepted, full: full) {
                outcome.chunks += 1
                outcome.contacts += accepted.count
            }
        }
        return outcome
    }

    /// Before a diff: records the deliveries of every run that claimed the state (its upload may
    /// have died between the checkpoint's `done` and the state's update), and releases the claims
    /// of runs whose every chunk is applied or whose folder is gone.
    public static func replay(store: DestinationStateStore, log: (String) -> Void) throws {
        for run in try store.claimedRuns() {
            guard let manifest = try? ManifestFile.read(runDirectory: run), manifest.sync?.state == store.path else {
                try store.release(run: run)
                continue
            }
            let outcome = try record(runDirectory: run, manifest: manifest, store: store)
            if outcome.chunks > 0 {
                log("sync: recorded \(outcome.contacts) accepted contact(s) of \(outcome.chunks) chunk(s) of \(run) that its upload had not recorded")
            }
            if try isSettled(runDirectory: run, store: store) { try store.release(run: run) }
        }
    }

    /// Whether every chunk of the run's checkpoint is finished (done or failed) and every done one applied.
    public static func isSettled(runDirectory: String, store: DestinationStateStore) throws -> Bool {
        guard FileManager.default.fileExists(atPath: runDirectory + "/" + RunFolderLayout.checkpoint) else { return false }
        let chunks = try CheckpointStore(runDirectory: runDirectory).chunks()
        let applied = try store.appliedChunks(run: runID(runDirectory))
        return chunks.allSatisfy { $0.state == .failed || ($0.state == .done && applied.contains($0.number)) }
    }

    /// The emails of `leavers.ndjson`.
    static func leaverEmails(runDirectory: String) throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: runDirectory + "/" + RunFolderLayout.leavers) else {
            throw ExportError(.tampered, "leavers.ndjson is missing; the run folder changed since prepare", path: runDirectory)
        }
        var emails = Set<String>()
        SideFileReader(runDirectory: runDirectory).forEach(LeaverLine.self) { line in
            emails.insert(line.email)
            return true
        }
        return emails
    }
}
