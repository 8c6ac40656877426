import AsyncHTTPClient
import ExportCore
import ExportUpload
import ExportTestSupport
import Foundation
import OmnisendSimulator
import Testing

/// 429s: a storm of them (the simulator's `429@N-M` fault with a short `retryAfter`), and a real
/// sliding-window limit that the rate share must keep clear of. Real HTTP to an in-process
/// simulator; the simulator's request log (`/__simulator/requests`) gives the arrival times.
@Suite(.serialized) struct RateStormTests {
    /// One answered request from the simulator's log.
    struct LoggedRequest: Decodable {
        var at: Double
        var method: String
        var path: String
        var status: String
    }

    static func requests(_ simulator: SimulatorHarness) async throws -> [LoggedRequest] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: simulator.simulator.rootURL + "/__simulator/requests"), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 64 << 20)
        let text = body.readString(length: body.readableBytes) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode(LoggedRequest.self, from: Data($0.utf8)) }
            .sorted { $0.at < $1.at }
    }

    @Test func aStormOf429sIsWaitedOutAndNotCountedAsFailures() async throws {
        let simulator = try await SimulatorHarness.start(faults: "429@2-6") { $0.faultRetryAfterSeconds = 1 }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 40, perChunk: 10)
        var options = fastOptions()
        // One request at a time, so that every request after a 429 was sent after its answer.
        options.concurrency = 1
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()

        #expect(report.isComplete)
        #expect(report.accepted == 40 && report.failed == 0 && report.chunksFailed == 0)
        #expect(report.rateLimited == 5)
        #expect(report.retries == 0)
        #expect(try await simulator.storedEmails() == Set((0..<40).map(TestRunFolder.email)))
        #expect(try await simulator.stats().itemsReceivedMoreThanOnce == 0)
        let failed = FileManager.default.contents(atPath: folder + "/failed.ndjson") ?? Data()
        #expect(failed.isEmpty)

        let log = try await Self.requests(simulator)
        let storm = log.filter { $0.status == "429" }
        #expect(storm.count == 5)
        // Every request after a 429 came at least the second it asked for later.
        for refused in storm {
            guard let next = log.first(where: { $0.at > refused.at }) else { continue }
            #expect(next.at - refused.at >= 0.99, "a request came \(next.at - refused.at) s after a 429 that asked for 1 s")
        }
    }

    @Test func aStormHitsEveryKindOfRequestWithConcurrency() async throws {
        // Events 3…8 cover POSTs, polls and item reads of several chunks in flight at once.
        let simulator = try await SimulatorHarness.start(faults: "429@3-8") { $0.faultRetryAfterSeconds = 1 }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 60, perChunk: 10)
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(report.isComplete)
        #expect(report.accepted == 60 && report.failed == 0)
        #expect(report.rateLimited == 6)
        #expect(try await simulator.storedEmails().count == 60)
        #expect(try await simulator.stats().itemsReceivedMoreThanOnce == 0)
    }

    @Test func aRealLimitIsNeverHitAtARateShareOf80Percent() async throws {
        // 30 requests per 1.5-second window (the 60-second window scaled down), sliding on the
        // real clock on both sides; the uploader keeps to 80% of it, 24.
        let window = 1.5
        let simulator = try await SimulatorHarness.start(rateLimit: 30) { $0.rateLimitWindow = .seconds(window) }
        defer { Task { await simulator.stop() } }
        // 100 chunks: about a request each now that polls are batch listings (issue 19).
        let folder = try TestRunFolder.make(contacts: 300, perChunk: 3)
        var options = fastOptions()
        options.rateLimitPerMinute = 400
        options.rateShare = 0.8
        options.rateWindow = window
        options.concurrency = 6
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()

        #expect(report.isComplete && report.accepted == 300)
        #expect(report.rateLimited == 0)
        let log = try await Self.requests(simulator)
        #expect(!log.contains { $0.status == "429" })
        #expect(log.count == report.requests)
        // The limit mattered (several windows' worth of requests) and was learned from the
        // X-Rate-Limit-Limit header (30, not the 400 assumed at the start).
        #expect(log.count > 3 * 30)
        for (index, request) in log.enumerated() {
            let inWindow = log[index...].prefix { $0.at < request.at + window }.count
            // 24 by the uploader's clock; arrival jitter (checkpoint fsyncs) may squeeze a few more
            // into a window at the server, but never past its limit.
            #expect(inWindow <= 30, "\(inWindow) requests in one window from \(request.at)")
        }
        // Close to the share: at least 70% of 24 a window over the run.
        let span = (log.last?.at ?? 0) - (log.first?.at ?? 0)
        #expect(Double(log.count) >= 0.7 * 24 * (span / window))
    }
}

/// The rate headers: what other integrations leave of the brand's window.
@Suite(.serialized) struct RateHeaderTests {
    @Test func anUploadSpendsOnlyWhatAnotherIntegrationLeftWithoutA429() async throws {
        let window = 2.0
        let simulator = try await SimulatorHarness.start(rateLimit: 30) { $0.rateLimitWindow = .seconds(window) }
        defer { Task { await simulator.stop() } }
        // Another integration of the brand takes 20 of the window's 30 places just before.
        try await RequestMixTests.postForeignBatches(simulator, count: 20)
        let folder = try TestRunFolder.make(contacts: 40, perChunk: 2)
        var options = fastOptions()
        options.rateLimitPerMinute = 30
        options.rateShare = 0.8
        options.rateWindow = window
        options.concurrency = 1
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 40)
        #expect(report.rateLimited == 0)
        let log = try await RateStormTests.requests(simulator)
        #expect(!log.contains { $0.status == "429" })
        let use = try #require(report.rateWindow)
        #expect(use.samples > 0 && use.limit == 30)
        #expect(use.othersPeak >= 15)
        #expect((use.ourShare ?? 1) < 1)
    }
}
