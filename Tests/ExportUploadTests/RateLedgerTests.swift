import ExportCore
import ExportTestSupport
import ExportUpload
import Foundation
import OmnisendSimulator
import Testing

/// The shared budget of uploads to one destination: the ledger file alone, then two uploads at
/// once against a simulator whose real sliding-window limit they would break without it.
@Suite(.serialized) struct RateLedgerTests {
    @Test func placesInTheWindowAreSharedByEveryHolderOfTheFile() throws {
        let folder = try TemporaryDirectory()
        let first = RateLedger(path: folder.path + "/brand.ledger", window: 60)
        let second = RateLedger(path: folder.path + "/brand.ledger", window: 60)
        #expect(try first.take(now: 1000, allowance: 3) == 0)
        #expect(try second.take(now: 1001, allowance: 3) == 0)
        #expect(try first.take(now: 1002, allowance: 3) == 0)
        // Full: the next place frees when the first request leaves the window.
        #expect(try second.take(now: 1010, allowance: 3) == 50)
        #expect(second.count(now: 1010) == 3)
        #expect(try second.take(now: 1060.5, allowance: 3) == 0)
        #expect(first.count(now: 1060.5) == 3)
        // Only the window's times are kept.
        let text = try String(contentsOfFile: folder.path + "/brand.ledger", encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test func aLedgerWithGarbageLinesStillCounts() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("brand.ledger", "1000.0\nnot a time\n\n1001.5\n")
        let ledger = RateLedger(path: path, window: 60)
        #expect(ledger.count(now: 1002) == 2)
        #expect(try ledger.take(now: 1002, allowance: 2) > 0)
    }

    @Test func theLedgerOfADestinationIsNamedByItsKeyFingerprint() throws {
        let folder = try TemporaryDirectory()
        let state = StateDirectory(path: folder.path + "/state")
        let identity = DestinationIdentity(baseURL: "https://api.omnisend.com/v5", apiVersion: .v5, keyFingerprint: "ab12cd34")
        let path = try RateLedger.path(in: state, identity: identity)
        #expect(path == folder.path + "/state/rate/ab12cd34.ledger")
        let other = DestinationIdentity(baseURL: "https://api.omnisend.com/v5", apiVersion: .v5, keyFingerprint: "ffff0000")
        #expect(try RateLedger.path(in: state, identity: other) != path)
    }

    @Test func twoUploadsToOneDestinationShareOneRateShare() async throws {
        // 30 requests per 1.5-second window; each upload alone may take 80%, 24. Together, without
        // the ledger, they would send up to 48 in a window and meet 429s.
        let window = 1.5
        let simulator = try await SimulatorHarness.start(rateLimit: 30) { $0.rateLimitWindow = .seconds(window) }
        defer { Task { await simulator.stop() } }
        let folder = try TemporaryDirectory()
        var options = fastOptions()
        options.rateLimitPerMinute = 30
        options.rateShare = 0.8
        options.rateWindow = window
        options.concurrency = 4
        options.rateLedger = folder.path + "/shared.ledger"
        let runs = try (0..<2).map { _ in try TestRunFolder.make(contacts: 60, perChunk: 2) }
        let target = simulator.target(.v5)
        async let first = Uploader(runDirectory: runs[0], target: target, options: options, log: { _ in }).run()
        async let second = Uploader(runDirectory: runs[1], target: target, options: options, log: { _ in }).run()
        let reports = try await [first, second]
        for report in reports {
            #expect(report.isComplete && report.accepted == 60)
            #expect(report.rateLimited == 0)
        }
        let log = try await RateStormTests.requests(simulator)
        #expect(!log.contains { $0.status == "429" })
        for (index, request) in log.enumerated() {
            let inWindow = log[index...].prefix { $0.at < request.at + window }.count
            #expect(inWindow <= 30, "\(inWindow) requests in one window from \(request.at)")
        }
    }
}
