import ExportCore
import ExportUpload
import ExportTestSupport
import Foundation
import OmnisendSimulator
import Testing

/// Every file of the run folder, as text, for secret scans.
private func everything(in folder: String) throws -> String {
    var text = ""
    for name in FileManager.default.subpaths(atPath: folder) ?? [] {
        if let data = FileManager.default.contents(atPath: folder + "/" + name) { text += String(decoding: data, as: UTF8.self) }
    }
    return text
}

@Suite(.serialized) struct UploaderTests {
    @Test(arguments: APIVersion.allCases)
    func uploadsEveryContactForEachVersion(version: APIVersion) async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 45, perChunk: 10, version: version)
        let log = LogLines()
        let report = try await Uploader(runDirectory: folder, target: simulator.target(version), options: fastOptions(), log: log.append).run()
        #expect(report.isComplete)
        #expect(report.accepted == 45 && report.failed == 0)
        #expect(try await simulator.storedEmails() == Set((0..<45).map(TestRunFolder.email)))
        #expect(try await simulator.stats().itemsReceivedMoreThanOnce == 0)
        // The key appears nowhere: not in the run folder, not in the log.
        #expect(!(try everything(in: folder)).contains(SimulatorHarness.key))
        #expect(!log.lines.joined().contains(SimulatorHarness.key))
        // A second run finds nothing to do and sends nothing.
        let again = try await Uploader(runDirectory: folder, target: simulator.target(version), options: fastOptions(), log: { _ in }).run()
        #expect(again.isComplete && again.requests == report.requests)
    }

    @Test func faultsEndWithEveryContactStoredOrListedAsFailed() async throws {
        let simulator = try await SimulatorHarness.start(
            faults: "500:0.05,503:0.05,408:0.02,drop-before:0.03,drop-after:0.03,slow:0.03,stopped@2,partial@3")
        defer { Task { await simulator.stop() } }
        let invalid: Set<Int> = [3, 17, 52]
        let folder = try TestRunFolder.make(contacts: 80, perChunk: 10, invalid: invalid)
        var options = fastOptions()
        options.retryPolicy = RetryPolicy(maxAttempts: 6, baseDelay: 0.02, maxDelay: 0.2, maxRateLimitWait: 30)
        options.consecutiveFailuresToStop = 100
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(report.isComplete)
        let stored = try await simulator.storedEmails()
        let failedText = String(decoding: FileManager.default.contents(atPath: folder + "/failed.ndjson") ?? Data(), as: UTF8.self)
        var failed = Set<String>()
        for line in failedText.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            failed.insert(try #require(object["email"] as? String))
            #expect(object["input"] as? String == "input.csv")
            #expect((object["line"] as? Int ?? 0) >= 2)
        }
        for index in 0..<80 {
            let email = TestRunFolder.email(index)
            #expect(stored.contains(email) || failed.contains(email), "contact \(index) is neither stored nor listed")
        }
        for index in invalid { #expect(failed.contains(TestRunFolder.email(index))) }
        #expect(report.accepted + report.failed >= 80)
    }

    @Test func retryFailedResendsTransientFailures() async throws {
        let simulator = try await SimulatorHarness.start(faults: "partial@1")
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 20, perChunk: 10)
        let first = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(first.failed > 0)
        var options = fastOptions()
        options.retryFailed = true
        let second = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(second.failed == 0)
        #expect(second.accepted == 20)
        #expect(try await simulator.storedEmails().count == 20)
    }

    @Test func aBadKeyStopsAtOnce() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 50, perChunk: 5)
        let report = try await Uploader(
            runDirectory: folder, target: simulator.target(.v5, key: "wrong-key"), options: fastOptions(), log: { _ in }
        ).run()
        #expect(report.stopReason == .keyRejected)
        // Until an answer proves the key only one request is in flight: a refused key costs one.
        #expect(report.requests == 1)
        #expect(try await simulator.stats().batchesReceived == 0)
    }

    @Test func aChangedRunFolderIsRefusedNamingTheFile() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 20, perChunk: 10)
        let chunk = folder + "/chunks/chunk-000002.json"
        try (String(contentsOfFile: chunk, encoding: .utf8).replacingOccurrences(of: "User1", with: "Userx")).write(
            toFile: chunk, atomically: true, encoding: .utf8)
        await #expect {
            try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        } throws: { error in
            (error as? ExportError)?.code == .tampered && (error as? ExportError)?.path == "chunks/chunk-000002.json"
        }
        #expect(try await simulator.stats().batchesReceived == 0)
    }

    @Test func anEditedDoneChunkIsRefusedBeforeAnythingIsSent() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 20, perChunk: 10)
        var options = fastOptions()
        options.maxDuration = 3600
        let first = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(first.isComplete)
        let requests = try await simulator.stats().requestsByStatus.values.reduce(0, +)
        let chunk = folder + "/chunks/chunk-000001.json"
        try (String(contentsOfFile: chunk, encoding: .utf8).replacingOccurrences(of: "User1", with: "Userx")).write(
            toFile: chunk, atomically: true, encoding: .utf8)
        await #expect {
            try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        } throws: { error in
            (error as? ExportError)?.code == .tampered && (error as? ExportError)?.path == "chunks/chunk-000001.json"
        }
        #expect(try await simulator.stats().requestsByStatus.values.reduce(0, +) == requests)
    }

    @Test func aSecondUploaderIsRefusedNamingThePid() throws {
        let folder = try TestRunFolder.make(contacts: 2, perChunk: 2)
        let lock = try RunFolderLock(runDirectory: folder)
        #expect(throws: UploadError.locked(runDirectory: folder, pid: getpid())) { try RunFolderLock(runDirectory: folder) }
        lock.release()
        _ = try RunFolderLock(runDirectory: folder)
    }

    @Test func theDeadlineStopsResumably() async throws {
        let simulator = try await SimulatorHarness.start(faults: "slow:1")
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 60, perChunk: 5)
        var options = fastOptions()
        options.maxDuration = 1.5
        options.concurrency = 1
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(report.stopReason == .deadline)
        #expect(report.chunksOpen > 0)
        let resumed = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(resumed.isComplete && resumed.accepted == 60)
    }

    @Test func aChunkLeftPostingIsReconciledNotResent() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 30, perChunk: 10)
        // Given a batch Omnisend took whose answer was lost (we post it ourselves) …
        let target = simulator.target(.v5)
        let client = OmnisendClient(baseURL: target.baseURL, apiVersion: .v5, key: target.key)
        let body = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/chunks/chunk-000002.json")))
        _ = await client.postBatch(body)
        await client.shutdown()
        // … and a checkpoint that says chunk 2 was `posting`.
        let store = try CheckpointStore(runDirectory: folder)
        let manifest = try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
        let manifestSHA = ChunkFile.sha256Hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))))
        try store.seed(
            chunks: manifest.chunks.enumerated().map { RunManifestChunk(number: $0.offset + 1, file: $0.element.file, sha256: $0.element.sha256, contacts: $0.element.contacts) },
            manifestSHA256: manifestSHA)
        try store.markPosting(2, at: Date())
        let report = try await Uploader(runDirectory: folder, target: target, options: fastOptions(), log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 30)
        #expect(report.reconciled == 1)
        #expect(try await simulator.stats().itemsReceivedMoreThanOnce == 0)
    }
}
