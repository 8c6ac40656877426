import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportRunOperations
@testable import ExportUpload

/// The destination identity: the install secret and key fingerprints, the checkpoint's binding
/// to one destination, and the per-pipeline run lock.
@Suite struct DestinationBindingTests {
    @Test func theInstallSecretIsPrivateStableAndPerInstall() throws {
        let folder = try TemporaryDirectory(prefix: "state")
        let state = StateDirectory(path: folder.path + "/nested/state")
        let first = try InstallSecret(state: state)
        let again = try InstallSecret(state: state)
        let key = APIKey("sk-live-123-secret")
        #expect(first.fingerprint(of: key) == again.fingerprint(of: key))
        #expect(first.fingerprint(of: key).count == 64 && !first.fingerprint(of: key).contains("secret"))
        #expect(first.fingerprint(of: key) != first.fingerprint(of: APIKey("sk-live-124-secret")))
        let mode = try FileManager.default.attributesOfItem(atPath: state.file(InstallSecret.fileName))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let folderMode = try FileManager.default.attributesOfItem(atPath: state.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        let elsewhere = try InstallSecret(state: StateDirectory(path: folder.path + "/other"))
        #expect(elsewhere.fingerprint(of: key) != first.fingerprint(of: key))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder.path + "/other/" + InstallSecret.fileName))
        #expect(throws: ExportError.self) { try InstallSecret(state: StateDirectory(path: folder.path + "/other")) }
    }

    @Test func theStateFolderFollowsTheEnvironment() throws {
        #expect(try StateDirectory(environment: ["OMNISEND_EXPORT_STATE_DIR": "/s", "XDG_STATE_HOME": "/x", "HOME": "/h"]).path == "/s")
        #expect(try StateDirectory(environment: ["XDG_STATE_HOME": "/x", "HOME": "/h"]).path == "/x/omnisend-export")
        #expect(try StateDirectory(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]).path == "/h/.local/state/omnisend-export")
        // env -i: the home folder from the user database.
        #expect(try StateDirectory(environment: [:]).path.hasSuffix("/.local/state/omnisend-export"))
    }

    @Test func identitiesCompareURLVersionAndFingerprintNotTheName() {
        let a = DestinationIdentity(baseURL: "HTTPS://API.Omnisend.com/v5/", apiVersion: .v5, keyFingerprint: "ab", name: "prod")
        let b = DestinationIdentity(baseURL: "https://api.omnisend.com/v5", apiVersion: .v5, keyFingerprint: "ab")
        #expect(a == b)
        #expect(a.description == "prod: https://api.omnisend.com/v5 (API v5, key fingerprint ab)")
        #expect(a != DestinationIdentity(baseURL: "https://api.omnisend.com/v5", apiVersion: .v5, keyFingerprint: "cd"))
        #expect(a != DestinationIdentity(baseURL: "https://api.omnisend.com/v3", apiVersion: .v3, keyFingerprint: "ab"))
        let rehearsal = DestinationIdentity(rehearsalOf: "/tmp/run", apiVersion: .v5)
        #expect(rehearsal.isRehearsal && rehearsal != a)
        #expect(DestinationIdentity.decode(a.json) == a && DestinationIdentity.decode(rehearsal.json) == rehearsal)
        #expect(DestinationIdentity.decode("{") == nil)
    }

    @Test func aCheckpointIsBoundToItsFirstDestination() throws {
        let folder = try TestRunFolder.make(contacts: 3, perChunk: 2)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let real = DestinationIdentity(baseURL: "https://a.example/v5", apiVersion: .v5, keyFingerprint: "f1")
        let other = DestinationIdentity(baseURL: "https://b.example/v5", apiVersion: .v5, keyFingerprint: "f1")
        let rehearsal = DestinationIdentity(rehearsalOf: folder, apiVersion: .v5)

        #expect(try DestinationBinding.bind(runDirectory: folder, identity: other, newDestination: false) == .recorded)
        // Nothing posted yet (a failed destination check): another destination simply replaces it.
        #expect(try DestinationBinding.bind(runDirectory: folder, identity: rehearsal, newDestination: false) == .recorded)
        #expect(try DestinationBinding.bind(runDirectory: folder, identity: rehearsal, newDestination: false) == .resumed)
        func post(_ number: Int) throws {
            let store = try CheckpointStore(runDirectory: folder)
            try store.seed(chunks: [RunManifestChunk(number: 1, file: "chunks/chunk-000001.json", sha256: "x", contacts: 2)], manifestSHA256: "m")
            try store.markPosting(number, at: Date())
        }
        try post(1)
        try CheckpointStore(runDirectory: folder).setMeta("marker", "rehearsal")
        // A rehearsal's checkpoint gives way to a real destination, kept as history.
        let started = try DestinationBinding.bind(runDirectory: folder, identity: real, newDestination: false)
        #expect(started == .startedOver(previous: rehearsal.description, archivedAs: "checkpoint-1.sqlite"))
        #expect(try CheckpointStore(runDirectory: folder).meta("marker") == nil)
        #expect(try DestinationBinding.recorded(runDirectory: folder) == real)
        try post(1)
        // A real destination does not.
        #expect(throws: UploadError.destinationMismatch(runDirectory: folder, recorded: real.description, requested: other.description)) {
            try DestinationBinding.bind(runDirectory: folder, identity: other, newDestination: false)
        }
        #expect(throws: UploadError.self) { try DestinationBinding.bind(runDirectory: folder, identity: rehearsal, newDestination: false) }
        // Unless asked: --new-destination.
        let moved = try DestinationBinding.bind(runDirectory: folder, identity: other, newDestination: true)
        #expect(moved == .startedOver(previous: real.description, archivedAs: "checkpoint-2.sqlite"))
        #expect(try DestinationBinding.bind(runDirectory: folder, identity: other, newDestination: true) == .resumed)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.contains("checkpoint-1.sqlite") && names.contains("checkpoint-2.sqlite") && names.contains("checkpoint.sqlite"))
        // The history is intact: the first archive still says it was the rehearsal.
        let archived = folder + "/archived"
        try FileManager.default.createDirectory(atPath: archived, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/checkpoint-1.sqlite", toPath: archived + "/checkpoint.sqlite")
        #expect(try CheckpointStore(runDirectory: archived).meta("marker") == "rehearsal")
    }

    @Test func theStopReasonAndRateAreRecordedForStatus() throws {
        let folder = try TestRunFolder.make(contacts: 4, perChunk: 2)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fresh = try UploadStatus(runDirectory: folder)
        #expect(fresh.outcome == "unfinished" && fresh.stopReason == nil && fresh.destination.hasPrefix("not uploaded yet"))
        let store = try CheckpointStore(runDirectory: folder)
        try store.seed(chunks: [RunManifestChunk(number: 1, file: "chunks/chunk-000001.json", sha256: "x", contacts: 2),
                                RunManifestChunk(number: 2, file: "chunks/chunk-000002.json", sha256: "y", contacts: 2)],
                       manifestSHA256: "m")
        try store.recordStop("deadline", message: "stopped at --max-duration")
        try store.recordRate(limitPerMinute: 100, share: 0.5)
        let identity = DestinationIdentity(baseURL: "https://a.example/v5", apiVersion: .v5, keyFingerprint: "0123456789abcdef0123")
        try store.setMeta(DestinationBinding.metaKey, identity.json)
        let status = try UploadStatus(runDirectory: folder)
        #expect(status.outcome == "unfinished" && status.stopReason == "deadline")
        #expect(status.destination == "https://a.example/v5 (API v5, key fingerprint 0123456789abcdef)")
        // Two chunks at the assumed 1.2 requests each (nothing measured yet), at 50 requests a minute.
        #expect(abs(status.etaSeconds - 2 * RequestMix.assumedPerChunk / 50 * 60) < 0.001)
        #expect(status.requestsPerChunk == RequestMix.assumedPerChunk)
        #expect(status.text.contains("state: unfinished, resumable; last stop: deadline (stopped at --max-duration)"))
        #expect(status.text.contains("(at 50% of 100 requests a minute)"))
        try store.markDone(1, accepted: 2, failedItems: [])
        try store.markDone(2, accepted: 1, failedItems: [FailedItem(chunk: 2, item: 0, responseCode: 400, response: "{}", retryable: false)])
        #expect(try UploadStatus(runDirectory: folder).outcome == "done_with_failures")
    }

    @Test func oneRunPerPipelineAndDestination() throws {
        let folder = try TemporaryDirectory(prefix: "locks")
        let state = StateDirectory(path: folder.path)
        let pipeline = try folder.write("p.yaml", "version: 1\n")
        let identity = DestinationIdentity(baseURL: "https://a.example/v5", apiVersion: .v5, keyFingerprint: "f1")
        let held = try PipelineRunLock(state: state, pipeline: pipeline, destination: identity)
        held.note(runDirectory: "runs/p-1")
        do {
            _ = try PipelineRunLock(state: state, pipeline: pipeline, destination: identity)
            Issue.record("a second lock was granted")
        } catch let error as UploadError {
            guard case .runInProgress(_, let destination, let holder) = error else { Issue.record("\(error)"); return }
            #expect(destination == identity.description)
            #expect(holder.hasPrefix("process \(getpid()), started ") && holder.hasSuffix(", run folder runs/p-1"))
        }
        // Another destination, or a rehearsal, is another lock.
        let other = DestinationIdentity(baseURL: "https://a.example/v5", apiVersion: .v5, keyFingerprint: "f2")
        _ = try PipelineRunLock(state: state, pipeline: pipeline, destination: other)
        _ = try PipelineRunLock(state: state, pipeline: pipeline, destination: nil)
        held.release()
        _ = try PipelineRunLock(state: state, pipeline: pipeline, destination: identity)
    }
}
