import ExportCore
import ExportTestSupport
import ExportRunOperations
import ExportUpload
import Foundation
import OmnisendSimulator
import Testing

/// One test per way issue 13 found a contact sent twice: each fault is one that made the old
/// uploader post a batch Omnisend had already taken. Every test checks that every contact is
/// stored and that the items the simulator received twice are exactly the items the report
/// counts as `ambiguousReposted`.
@Suite(.serialized) struct DeliveryGuaranteeTests {
    /// Every contact stored, and duplicates exactly as reported.
    private func expectEffectivelyOnce(_ report: UploadReport, _ simulator: SimulatorHarness, contacts: Int) async throws {
        #expect(report.isComplete, "\(report.table)")
        #expect(report.accepted == contacts && report.failed == 0)
        #expect(try await simulator.storedEmails() == Set((0..<contacts).map(TestRunFolder.email)))
        #expect(try await simulator.stats().itemsReceivedMoreThanOnce == report.ambiguousReposted)
    }

    @Test func aSlowPostThatLandsAfterTheTimeoutIsFoundNotResent() async throws {
        // The first POST is answered after 2.5 s, the uploader gives up after 1 s: the old lookup
        // (at the timeout plus 1 s) missed the batch and posted the chunk again.
        let simulator = try await SimulatorHarness.start(faults: "slow@1") { $0.slowResponseDelay = .milliseconds(2500) }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 30, perChunk: 10)
        var options = fastOptions()
        options.requestTimeout = 1
        options.concurrency = 1
        options.reconcileHorizon = 10
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        try await expectEffectivelyOnce(report, simulator, contacts: 30)
        #expect(report.ambiguousReposted == 0 && report.reconciled == 1)
        #expect(try await simulator.stats().batchesReceived == 3)
    }

    @Test(arguments: ["store-502@1", "store-504@1", "store-502@1,store-504@2"])
    func aGatewayErrorAfterTheBatchWasStoredIsReconciled(faults: String) async throws {
        // The old uploader took a 5xx as "not stored" and posted the chunk again at once.
        let simulator = try await SimulatorHarness.start(faults: faults)
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 30, perChunk: 10)
        var options = fastOptions()
        options.concurrency = 1
        options.reconcileHorizon = 10
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        try await expectEffectivelyOnce(report, simulator, contacts: 30)
        #expect(report.ambiguousReposted == 0 && report.reconciled >= 1)
        #expect(try await simulator.stats().batchesReceived == 3)
    }

    @Test func aBatchListedLateIsFoundWithinTheHorizon() async throws {
        // The POST's answer is lost and its batch shows up in GET /batches only 2 s later.
        let simulator = try await SimulatorHarness.start(faults: "store-late@1") { $0.storeLateDelay = .seconds(2) }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 30, perChunk: 10)
        var options = fastOptions()
        options.concurrency = 2
        options.reconcileHorizon = 8
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        try await expectEffectivelyOnce(report, simulator, contacts: 30)
        #expect(report.ambiguousReposted == 0 && report.reconciled == 1)
    }

    @Test func aBatchInvisiblePastTheHorizonIsRepostedAndCounted() async throws {
        // Past the horizon the chunk is posted again: the one case where a contact arrives twice,
        // and the report says exactly how many.
        let simulator = try await SimulatorHarness.start(faults: "store-late@1") { $0.storeLateDelay = .seconds(30) }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 30, perChunk: 10)
        var options = fastOptions()
        options.concurrency = 1
        options.reconcileHorizon = 1
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        try await expectEffectivelyOnce(report, simulator, contacts: 30)
        #expect(report.ambiguousReposted == 10)
        #expect(report.resendsByCause?["after_horizon"] == 1)
        #expect(try UploadStatus(runDirectory: folder).ambiguousReposted == 10)
    }

    @Test func anUnresolvedChunkWaitsAcrossAResumeUntilTheHorizon() async throws {
        // The first session stops while the chunk is unresolved; the resume keeps looking (the
        // horizon counts from the POST, not from the session) and finds the late batch.
        let simulator = try await SimulatorHarness.start(faults: "store-late@1") { $0.storeLateDelay = .seconds(3) }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 10, perChunk: 10)
        var options = fastOptions()
        options.reconcileHorizon = 20
        options.maxDuration = 1
        let first = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(first.stopReason == .deadline)
        #expect(try CheckpointStore(runDirectory: folder).chunk(1)?.state == .unresolved)
        #expect(first.postedUnconfirmed == 10 && first.notSent == 0)
        // --retry-failed does not post an unresolved chunk either.
        options.maxDuration = 3600
        options.retryFailed = true
        let second = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        try await expectEffectivelyOnce(second, simulator, contacts: 10)
        #expect(second.ambiguousReposted == 0 && second.reconciled == 1)
        #expect(try await simulator.stats().batchesReceived == 1)
    }

    @Test func aSimulatorRestartedDuringPollingOnTheSameStateLosesNothing() async throws {
        // The old uploader failed the chunks after 5 poll errors (exit 2), and --retry-failed then
        // posted them again: every contact twice.
        let state = NSTemporaryDirectory() + "sim-state-\(UUID().uuidString)"
        let first = try await SimulatorHarness.start { configuration in
            configuration.stateDirectory = state
            configuration.batchProcessingDelay = .seconds(2)
        }
        let port = first.simulator.port
        let folder = try TestRunFolder.make(contacts: 40, perChunk: 10)
        var options = fastOptions()
        options.concurrency = 4
        let target = first.target(.v5)
        let upload = Task { [options] in try await Uploader(runDirectory: folder, target: target, options: options, log: { _ in }).run() }
        // Wait until Omnisend took every batch, then take it away for 3 s while they are polled.
        while try await first.stats().batchesReceived < 4 { try await Task.sleep(for: .milliseconds(20)) }
        await first.stop()
        try await Task.sleep(for: .seconds(3))
        let simulator = try await SimulatorHarness.start { configuration in
            configuration.stateDirectory = state
            configuration.port = port
            configuration.batchProcessingDelay = .milliseconds(5)
        }
        defer { Task { await simulator.stop() } }
        let report = try await upload.value
        try await expectEffectivelyOnce(report, simulator, contacts: 40)
        #expect(report.ambiguousReposted == 0 && report.reposted == 0)
        #expect(try await simulator.stats().batchesReceived == 4)
    }

    @Test func anOutageLongerThanTheLimitStopsResumablyAndTheResumePolls() async throws {
        let state = NSTemporaryDirectory() + "sim-state-\(UUID().uuidString)"
        let first = try await SimulatorHarness.start { configuration in
            configuration.stateDirectory = state
            configuration.batchProcessingDelay = .seconds(2)
        }
        let port = first.simulator.port
        let folder = try TestRunFolder.make(contacts: 20, perChunk: 10)
        var options = fastOptions()
        options.outageLimit = 1
        let target = first.target(.v5)
        let upload = Task { [options] in try await Uploader(runDirectory: folder, target: target, options: options, log: { _ in }).run() }
        while try await first.stats().batchesReceived < 2 { try await Task.sleep(for: .milliseconds(20)) }
        await first.stop()
        let stopped = try await upload.value
        #expect(stopped.stopReason == .unreachable)
        #expect(try CheckpointStore(runDirectory: folder).chunks().map(\.state) == [.posted, .posted])
        #expect(stopped.failed == 0 && stopped.postedUnconfirmed == 20 && stopped.notSent == 0)
        // --retry-failed on resume: nothing failed, nothing is posted again.
        let simulator = try await SimulatorHarness.start { configuration in
            configuration.stateDirectory = state
            configuration.port = port
        }
        defer { Task { await simulator.stop() } }
        options.retryFailed = true
        let resumed = try await Uploader(runDirectory: folder, target: target, options: options, log: { _ in }).run()
        try await expectEffectivelyOnce(resumed, simulator, contacts: 20)
        #expect(try await simulator.stats().batchesReceived == 2)
    }

    @Test func aClosedPortStopsTheRunAfterFiveUnansweredRequests() async throws {
        let closed = try await SimulatorHarness.start()
        let target = closed.target(.v5)
        await closed.stop()
        let folder = try TestRunFolder.make(contacts: 200, perChunk: 1)
        var options = fastOptions()
        options.requestTimeout = 1
        options.concurrency = 4
        let began = Date()
        let report = try await Uploader(runDirectory: folder, target: target, options: options, log: { _ in }).run()
        #expect(report.stopReason == .unreachable)
        #expect(Date().timeIntervalSince(began) < 20)
        #expect(report.requests <= 5 + options.concurrency)
        // Refused connections prove nothing left: the chunks are plain `pending`, not sent.
        #expect(report.notSent == 200 && report.postedUnconfirmed == 0)
    }
}
