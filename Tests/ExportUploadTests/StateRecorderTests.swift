import ExportChunks
import ExportCore
import ExportSync
import ExportTestSupport
import ExportUpload
import Foundation
import Testing

/// The recorder against a real checkpoint and a real state file: only `done` chunks, minus
/// their failed items, once per (run, chunk); and the stale-run check.
@Suite struct StateRecorderTests {
    /// A run folder of 30 contacts in 3 chunks, prepared "with sync" against `state` at `version`.
    static func folder(state: String, version: Int) throws -> (String, RunManifest, CheckpointStore) {
        let folder = try TestRunFolder.make(contacts: 30, perChunk: 10)
        var manifest = try ManifestFile.read(runDirectory: folder)
        manifest.sync = RunManifest.Sync(
            mode: .incremental, state: state, stateKey: "test/newsletter", stateVersion: version, volatileFields: [],
            unchanged: 0, leavers: 0, leaverAction: .none)
        try ManifestFile.write(manifest, runDirectory: folder)
        let checkpoint = try CheckpointStore(runDirectory: folder)
        try checkpoint.seed(
            chunks: manifest.chunks.enumerated().map {
                RunManifestChunk(number: $0.offset + 1, file: $0.element.file, sha256: $0.element.sha256, contacts: $0.element.contacts)
            },
            manifestSHA256: "test")
        return (folder, manifest, checkpoint)
    }

    static func emails(_ store: DestinationStateStore) throws -> [String] {
        var out: [String] = []
        try store.forEachLine { out.append($0.email) }
        return out.sorted()
    }

    @Test func recordsOnlyDoneChunksWithoutTheirFailedItemsAndOnlyOnce() throws {
        let dir = try TemporaryDirectory()
        let statePath = dir.path + "/state.sqlite"
        let (folder, manifest, checkpoint) = try Self.folder(state: statePath, version: 0)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try #require(try StateRecorder.store(for: manifest))
        // Chunk 1 done with item 3 refused; chunk 2 posted (not done); chunk 3 pending.
        try checkpoint.markPosting(1, at: Date())
        try checkpoint.markPosted(1, batchID: "b1")
        try checkpoint.markDone(1, accepted: 9, failedItems: [FailedItem(chunk: 1, item: 3, responseCode: 400, response: "{}", retryable: false)])
        try checkpoint.markPosting(2, at: Date())
        try checkpoint.markPosted(2, batchID: "b2")
        let outcome = try StateRecorder.record(runDirectory: folder, manifest: manifest, store: store)
        #expect(outcome == .init(chunks: 1, contacts: 9))
        let recorded = try Self.emails(store)
        #expect(recorded.count == 9)
        #expect(!recorded.contains(TestRunFolder.email(3)))
        #expect(recorded.contains(TestRunFolder.email(0)))
        // Again: nothing new. Then chunk 2 finishes and is recorded on its own.
        #expect(try StateRecorder.record(runDirectory: folder, manifest: manifest, store: store) == .init())
        try checkpoint.markDone(2, accepted: 10, failedItems: [])
        #expect(try StateRecorder.record(runDirectory: folder, manifest: manifest, store: store) == .init(chunks: 1, contacts: 10))
        #expect(try store.summary().contacts == 19)
        #expect(try !StateRecorder.isSettled(runDirectory: folder, store: store))
        // The payload hash recorded is the one prepare computes for the same item.
        var lines: [DestinationStateLine] = []
        try store.forEachLine { lines.append($0) }
        let first = try #require(lines.first { $0.email == TestRunFolder.email(0) })
        #expect(first.payloadHash == (try PayloadHasher(volatileFields: []).digest(Array(TestRunFolder.item(0).utf8)).hashHex))
        #expect(first.channels["email"]?.status == "subscribed")
    }

    @Test func aReplayRecordsWhatAKilledUploadLeftAndReleasesSettledRuns() throws {
        let dir = try TemporaryDirectory()
        let statePath = dir.path + "/state.sqlite"
        let (folder, manifest, checkpoint) = try Self.folder(state: statePath, version: 0)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try #require(try StateRecorder.store(for: manifest))
        try store.claim(run: StateRecorder.runID(folder))
        for chunk in 1...3 { try checkpoint.markDone(chunk, accepted: 10, failedItems: []) }
        var notes: [String] = []
        try StateRecorder.replay(store: store, log: { notes.append($0) })
        #expect(try store.summary().contacts == 30)
        #expect(notes.count == 1)
        #expect(try store.claimedRuns().isEmpty, "a settled run is released")
        // A claim whose folder is gone is released too.
        try store.claim(run: dir.path + "/gone")
        try StateRecorder.replay(store: store, log: { _ in })
        #expect(try store.claimedRuns().isEmpty)
    }

    @Test func aRunDiffedAgainstAnOlderStateIsRefusedButItsOwnResumeIsNot() throws {
        let dir = try TemporaryDirectory()
        let statePath = dir.path + "/state.sqlite"
        let (a, manifestA, _) = try Self.folder(state: statePath, version: 0)
        let (b, manifestB, checkpointB) = try Self.folder(state: statePath, version: 0)
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        let store = try #require(try StateRecorder.store(for: manifestB))
        try StateRecorder.requireCurrent(runDirectory: a, manifest: manifestA, store: store)
        try checkpointB.markDone(1, accepted: 10, failedItems: [])
        try StateRecorder.record(runDirectory: b, manifest: manifestB, store: store)
        #expect(try store.version().number == 1)
        // B resumes: allowed. A was diffed against version 0, which B has moved on: refused.
        try StateRecorder.requireCurrent(runDirectory: b, manifest: manifestB, store: store)
        #expect {
            try StateRecorder.requireCurrent(runDirectory: a, manifest: manifestA, store: store)
        } throws: { error in
            guard let error = error as? ExportError else { return false }
            return error.code == .staleState && error.message.contains("version 1") && error.message.contains("Prepare again")
        }
        // An import advances it for everyone, B included.
        try store.merge([], origin: "import")
        #expect(throws: ExportError.self) { try StateRecorder.requireCurrent(runDirectory: b, manifest: manifestB, store: store) }
    }
}
