import AsyncHTTPClient
import ExportCore
import ExportUpload
import ExportTestSupport
import Foundation
import NIOCore
import OmnisendSimulator
import Testing

/// The requests an upload spends, read from the simulator's request log (real HTTP over
/// loopback): a POST per chunk, batch list pages to learn the ends, `/items` only for batches
/// with something to say, and the counts by kind in the report.
@Suite(.serialized) struct RequestMixTests {
    typealias Logged = RateStormTests.LoggedRequest

    /// `GET /v5/batches` (the list), `GET /v5/batches/{id}` (one batch), `…/items`.
    static func lists(_ log: [Logged]) -> [Logged] { log.filter { $0.method == "GET" && $0.path.hasSuffix("/batches") } }
    static func batchGets(_ log: [Logged]) -> [Logged] {
        log.filter { $0.method == "GET" && $0.path.contains("/batches/") && !$0.path.hasSuffix("/items") }
    }
    static func itemReads(_ log: [Logged]) -> [Logged] { log.filter { $0.path.hasSuffix("/items") } }
    static func posts(_ log: [Logged]) -> [Logged] { log.filter { $0.method == "POST" } }

    /// Posts `count` one-item batches with the test key, as another integration of the brand.
    static func postForeignBatches(_ simulator: SimulatorHarness, count: Int) async throws {
        for index in 0..<count {
            var request = HTTPClientRequest(url: simulator.simulator.baseURL(for: "v5") + "/batches")
            request.method = .POST
            request.headers.add(name: "X-API-KEY", value: SimulatorHarness.key)
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = "{\"method\":\"POST\",\"endpoint\":\"contacts\",\"items\":[\(TestRunFolder.item(100_000 + index))]}"
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status.code < 300)
        }
    }

    @Test(arguments: APIVersion.allCases)
    func anErrorFreeBatchIsDoneWithoutReadingItsItems(version: APIVersion) async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 50, perChunk: 10, version: version)
        let report = try await Uploader(runDirectory: folder, target: simulator.target(version), options: fastOptions(), log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 50 && report.failed == 0)
        let log = try await RateStormTests.requests(simulator)
        #expect(Self.itemReads(log).isEmpty, "items read: \(Self.itemReads(log).map(\.path))")
        #expect(Self.posts(log).count == 5)
        #expect(report.requestsByKind?["items"] == 0 && report.requestsByKind?["post"] == 5)
        #expect(report.requestsByKind?.values.reduce(0, +) == report.requests)
        #expect(log.count == report.requests)
        #expect(try await simulator.storedEmails() == Set((0..<50).map(TestRunFolder.email)))
    }

    @Test func oneListCallCoversSeveralPendingBatches() async throws {
        // The simulator works through batches one at a time, 300 ms each: each listing sees many
        // of them open at once. Polls back off to at most 1 s.
        let simulator = try await SimulatorHarness.start { $0.batchProcessingDelay = .milliseconds(300) }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 200, perChunk: 10)
        var options = fastOptions()
        options.concurrency = 4
        options.pollMaxDelay = 1
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 200)
        let log = try await RateStormTests.requests(simulator)
        let lists = Self.lists(log)
        #expect(Self.batchGets(log).isEmpty, "per-batch GETs: \(Self.batchGets(log).count)")
        #expect(Self.itemReads(log).isEmpty)
        // The simulator ends the 20 batches one after another over about 6 s; at most a listing
        // a second (after the first few) covers every one still open: far fewer than one a batch.
        #expect(!lists.isEmpty && lists.count <= 12, "\(lists.count) list calls for 20 batches at \(lists.map { Int(($0.at - log[0].at) * 1000) })")
        #expect(log.count == 20 + lists.count)
        #expect(report.requestsByKind?["list"] == lists.count)
        #expect(report.requestsPer1000Contacts == (Double(log.count) * 1000 / 200 * 10).rounded() / 10)
    }

    @Test func aBatchWithItemErrorsGetsEveryFailedItemIntoFailedNDJSON() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let invalid: Set<Int> = [1, 12, 13, 38]
        let folder = try TestRunFolder.make(contacts: 40, perChunk: 10, invalid: invalid)
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 36 && report.failed == 4)
        let failedText = String(decoding: FileManager.default.contents(atPath: folder + "/failed.ndjson") ?? Data(), as: UTF8.self)
        var failed = Set<String>()
        for line in failedText.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            failed.insert(try #require(object["email"] as? String))
        }
        #expect(failed == Set(invalid.map(TestRunFolder.email)))
        // Only the three chunks with an invalid contact had their items read.
        let log = try await RateStormTests.requests(simulator)
        #expect(Self.itemReads(log).count == 3)
        #expect(report.requestsByKind?["items"] == 3)
    }

    @Test func pagedItemsAreFollowedToTheLastFailedItem() async throws {
        let simulator = try await SimulatorHarness.start { $0.itemsPageSize = 3 }
        defer { Task { await simulator.stop() } }
        let invalid: Set<Int> = [0, 4, 9, 15]
        let folder = try TestRunFolder.make(contacts: 20, perChunk: 10, invalid: invalid)
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 16 && report.failed == 4)
        let failedText = String(decoding: FileManager.default.contents(atPath: folder + "/failed.ndjson") ?? Data(), as: UTF8.self)
        #expect(failedText.split(separator: "\n").count == 4)
        for index in invalid { #expect(failedText.contains(TestRunFolder.email(index))) }
        // Two chunks of 10 items, 4 pages of at most 3 each.
        let log = try await RateStormTests.requests(simulator)
        #expect(Self.itemReads(log).count == 8)
        #expect(report.requestsByKind?["items"] == 8)
    }

    @Test func theListingStartsWhereTheOldestOpenBatchSits() async throws {
        // 30 batches of another integration come first in the list (3 pages of 10): only the
        // first listing reads from the start; later ones start near the run's own batches.
        let simulator = try await SimulatorHarness.start { $0.batchProcessingDelay = .milliseconds(100) }
        defer { Task { await simulator.stop() } }
        try await Self.postForeignBatches(simulator, count: 30)
        let folder = try TestRunFolder.make(contacts: 120, perChunk: 10)
        var options = fastOptions()
        options.concurrency = 2
        options.listPageSize = 10
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 120)
        let log = try await RateStormTests.requests(simulator)
        let lists = Self.lists(log)
        let posts = Self.posts(log).count - 30
        #expect(posts == 12)
        #expect(lists.count >= 2)
        let listPaths = try await Self.listQueries(simulator)
        let fromStart = listPaths.filter { $0.contains("offset=0&") || $0.hasSuffix("offset=0") }
        #expect(fromStart.count <= 2, "list queries: \(listPaths)")
        #expect(listPaths.count == lists.count)
    }

    @Test func aFewOpenBatchesBehindAnExpensiveListAreAskedForOneByOne() async throws {
        let simulator = try await SimulatorHarness.start { $0.batchProcessingDelay = .milliseconds(400) }
        defer { Task { await simulator.stop() } }
        try await Self.postForeignBatches(simulator, count: 25)
        let folder = try TestRunFolder.make(contacts: 10, perChunk: 10)
        var options = fastOptions()
        options.listPageSize = 10
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: options, log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 10)
        let log = try await RateStormTests.requests(simulator)
        // The first listing reads 3 pages to find the one batch; after it, GET /batches/{id} is cheaper.
        #expect(Self.batchGets(log).count >= 1)
        #expect(report.requestsByKind?["batch"] == Self.batchGets(log).count)
    }

    @Test func aResumeSettlesPostedChunksWithAFewListPages() async throws {
        let simulator = try await SimulatorHarness.start { $0.batchProcessingDelay = .seconds(1) }
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 100, perChunk: 10)
        let stop = StopSignal()
        var options = fastOptions()
        options.concurrency = 4
        options.settleGrace = 0.2
        // Stop once every chunk is posted: the first session ends with ten `posted` chunks.
        let first = try await Uploader(
            runDirectory: folder, target: simulator.target(.v5), options: options, stop: stop, log: { _ in },
            progress: { snapshot in if snapshot.contactsSent == 100 { stop.request(.interrupted) } }
        ).run()
        #expect(first.stopReason == .interrupted)
        let posted = try CheckpointStore(runDirectory: folder).chunks().filter { $0.state == .posted }.count
        #expect(posted >= 8)
        let before = try await RateStormTests.requests(simulator).count
        // The simulator ends the batches meanwhile (one a second).
        while try await simulator.stats().batchesByStatus["finished", default: 0] < 10 { try await Task.sleep(for: .milliseconds(100)) }
        let resumed = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(resumed.isComplete && resumed.accepted == 100)
        let log = Array(try await RateStormTests.requests(simulator).dropFirst(before))
        #expect(Self.batchGets(log).isEmpty && Self.itemReads(log).isEmpty)
        #expect(Self.lists(log).count <= 2, "resume requests: \(log.map(\.path))")
        #expect(try await simulator.stats().itemsReceivedMoreThanOnce == 0)
    }

    /// The query strings of the list calls, from the simulator's request log of full URIs.
    static func listQueries(_ simulator: SimulatorHarness) async throws -> [String] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: simulator.simulator.rootURL + "/__simulator/requests"), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 64 << 20)
        let text = body.readString(length: body.readableBytes) ?? ""
        return try text.split(separator: "\n").compactMap { line -> String? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard object?["method"] as? String == "GET", let path = object?["path"] as? String, path.hasSuffix("/batches") else { return nil }
            return object?["query"] as? String
        }
    }
}

/// The measured mix the estimates use, without the network.
@Suite struct RequestMixFigureTests {
    func chunk(_ number: Int, _ state: ChunkState, contacts: Int = 100, attempts: Int = 1) -> ChunkRecord {
        var record = ChunkRecord(number: number, file: "chunks/chunk-\(number).json", sha256: "x", contacts: contacts)
        record.state = state
        record.attempts = attempts
        return record
    }

    @Test func theMixCountsKindsAndRelatesThemToTheContactsSent() {
        let counters: [String: Int] = [
            "requests": 13, "requests:post": 10, "requests:list": 2, "requests:items": 1, "requests@2026-12-03T15:12Z": 13,
        ]
        let chunks = (1...8).map { chunk($0, .done) } + [chunk(9, .posted), chunk(10, .unresolved), chunk(11, .pending, attempts: 0)]
        let mix = RequestMix(counters: counters, chunks: chunks)
        let expected: [String: Int] = ["post": 10, "list": 2, "batch": 0, "items": 1, "reconcile": 0, "retry": 0]
        #expect(mix.byKind == expected)
        #expect(mix.chunksSent == 10 && mix.contactsSent == 1000)
        #expect(mix.per1000Contacts == 13)
        #expect(mix.perChunk == 1.3)
        #expect(mix.estimatePerChunk() == 1.3)
        // Before 5 chunks were sent the assumption holds; never less than one request a chunk.
        #expect(RequestMix(counters: counters, chunks: Array(chunks.prefix(4))).estimatePerChunk() == RequestMix.assumedPerChunk)
        #expect(RequestMix(counters: ["requests": 2], chunks: chunks).estimatePerChunk() == 1)
        #expect(RequestMix(counters: [:], chunks: []).per1000Contacts == nil)
    }

    @Test func theEstimateFollowsTheRequestsAChunkCosts() {
        let measured: Double = 1000 * 1.05 / 320 * 60
        let assumed: Double = 10 * RequestMix.assumedPerChunk
        #expect(abs(Uploader.estimate(chunks: 1000, allowancePerMinute: 320, requestsPerChunk: 1.05) - measured) < 1e-9)
        #expect(abs(Uploader.estimate(chunks: 10, allowancePerMinute: 60) - assumed) < 1e-9)
    }
}
