import AsyncHTTPClient
import ExportCore
import ExportTestSupport
import Foundation
import NIOCore
import OmnisendSimulator
import Testing
@testable import ExportUpload

extension SimulatorHarness {
    /// `POST /contacts` straight to the simulator in `version`'s dialect, as another integration would.
    func postContact(_ json: String, version: APIVersion) async throws {
        var request = HTTPClientRequest(url: simulator.baseURL(for: version.rawValue) + "/contacts")
        request.method = .POST
        if version == .v2026_03_15 {
            request.headers.add(name: "Authorization", value: "Omnisend-API-Key \(Self.key)")
            request.headers.add(name: "Omnisend-Version", value: "2026-03-15")
        } else {
            request.headers.add(name: "X-API-KEY", value: Self.key)
        }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect((200..<300).contains(Int(response.status.code)), "POST /contacts: \(response.status)")
    }

    /// Uploads a test run folder of `contacts` contacts; returns the folder.
    func seed(contacts: Int, perChunk: Int = 10, version: APIVersion) async throws -> String {
        let folder = try TestRunFolder.make(contacts: contacts, perChunk: min(perChunk, version.maxBatchItems), version: version)
        let report = try await Uploader(runDirectory: folder, target: target(version), options: fastOptions(), log: { _ in }).run()
        #expect(report.isComplete && report.accepted == contacts)
        return folder
    }
}

/// The paged reader against the simulator in each API version: every contact exactly once, in
/// pages of the size asked, resumable from any page's saved query, through faults.
@Suite(.serialized) struct ContactPageReaderTests {
    private func reader(_ simulator: SimulatorHarness, _ version: APIVersion, pageSize: Int, tag: String? = nil) -> (ContactPageReader, OmnisendClient) {
        let target = simulator.target(version)
        let client = OmnisendClient(baseURL: target.baseURL, apiVersion: version, key: target.key)
        var settings = ContactPageReader.Settings()
        settings.pageSize = pageSize
        settings.rateLimitPerMinute = 0
        settings.tag = tag
        settings.retryPolicy = RetryPolicy(maxAttempts: 8, baseDelay: 0.01, maxDelay: 0.05, maxRateLimitWait: 5)
        return (ContactPageReader(client: client, settings: settings), client)
    }

    @Test(arguments: APIVersion.allCases)
    func readsEveryContactOnceInPagesForEachVersion(version: APIVersion) async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        _ = try await simulator.seed(contacts: 23, version: version)
        let (reader, client) = reader(simulator, version, pageSize: 5)
        defer { Task { await client.shutdown() } }
        var emails: [String] = []
        var sizes: [Int] = []
        var queries: [String?] = []
        let summary = try await reader.read { contacts, next in
            sizes.append(contacts.count)
            queries.append(next)
            emails += contacts.compactMap { ContactItem.email(of: $0) }
        }
        #expect(emails.sorted() == (0..<23).map(TestRunFolder.email).sorted())
        #expect(sizes == [5, 5, 5, 5, 3], "pages of the size asked, the last one short")
        #expect(queries.last == .some(nil) && queries.dropLast().allSatisfy { $0 != nil })
        #expect(summary.pages == 5 && summary.contacts == 23 && summary.requests == 5)
        // v3/v5 follow paging.next (an after= link); 2026-03-15 sends the cursor back.
        #expect(queries.first??.contains("after=") == true, "\(queries)")

        // Resume from the query saved after page 2: the rest, and nothing twice.
        var rest: [String] = []
        try await reader.read(from: queries[1]) { contacts, _ in rest += contacts.compactMap { ContactItem.email(of: $0) } }
        #expect(rest == Array(emails.dropFirst(10)))
    }

    @Test func theTagFilterKeepsOnlyTaggedContactsAcrossPages() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        for index in 0..<9 {
            let tags = index % 3 == 0 ? #","tags":["source: ci","other"]"# : #","tags":["other"]"#
            try await simulator.postContact(
                #"{"identifiers":[{"type":"email","id":"t\#(index)@example.com","channels":{"email":{"status":"subscribed"}}}]\#(tags)}"#, version: .v5)
        }
        for version in APIVersion.allCases {
            let (reader, client) = reader(simulator, version, pageSize: 2, tag: "source: ci")
            var emails: [String] = []
            try await reader.read { contacts, _ in emails += contacts.compactMap { ContactItem.email(of: $0) } }
            await client.shutdown()
            #expect(emails == ["t0@example.com", "t3@example.com", "t6@example.com"], "\(version)")
        }
    }

    @Test func faultsAndRateLimitsAreRetriedWithoutLosingOrRepeatingAPage() async throws {
        let simulator = try await SimulatorHarness.start(faults: "500:0.15,503:0.1,429:0.1,drop-before:0.1", seed: 11) {
            $0.faultRetryAfterSeconds = 1
        }
        defer { Task { await simulator.stop() } }
        _ = try await simulator.seed(contacts: 40, version: .v5)
        let (reader, client) = reader(simulator, .v5, pageSize: 3)
        defer { Task { await client.shutdown() } }
        var emails: [String] = []
        let summary = try await reader.read { contacts, _ in emails += contacts.compactMap { ContactItem.email(of: $0) } }
        #expect(emails.sorted() == (0..<40).map(TestRunFolder.email).sorted())
        #expect(summary.pages == 14 && summary.requests > summary.pages, "faults were met and retried: \(summary)")
    }

    @Test func aRefusedKeyStopsAtOnce() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let target = simulator.target(.v5, key: "not-the-key")
        let client = OmnisendClient(baseURL: target.baseURL, apiVersion: .v5, key: target.key)
        defer { Task { await client.shutdown() } }
        var settings = ContactPageReader.Settings()
        settings.rateLimitPerMinute = 0
        await #expect(throws: ContactReadRefused.self) {
            try await ContactPageReader(client: client, settings: settings).read { _, _ in }
        }
    }

    @Test func twoReadersOfOneDestinationShareOneRateShareThroughTheLedger() async throws {
        // 20 requests per 1-second window; each reader alone may take half, 10. Together,
        // without the ledger, they would send up to 20 a window; with it, 10.
        let simulator = try await SimulatorHarness.start(rateLimit: 20) { $0.rateLimitWindow = .seconds(1) }
        defer { Task { await simulator.stop() } }
        _ = try await simulator.seed(contacts: 30, version: .v5)
        try await Task.sleep(for: .seconds(1.1))
        let seeded = try await RateStormTests.requests(simulator).count
        let folder = try TemporaryDirectory()
        func reader() -> (ContactPageReader, OmnisendClient) {
            let target = simulator.target(.v5)
            let client = OmnisendClient(baseURL: target.baseURL, apiVersion: .v5, key: target.key)
            var settings = ContactPageReader.Settings()
            settings.pageSize = 2
            settings.rateLimitPerMinute = 20
            settings.rateShare = 0.5
            settings.rateWindow = 1
            settings.rateLedger = folder.path + "/brand.ledger"
            return (ContactPageReader(client: client, settings: settings), client)
        }
        let (first, firstClient) = reader()
        let (second, secondClient) = reader()
        defer { Task { await firstClient.shutdown(); await secondClient.shutdown() } }
        async let one = first.read { _, _ in }
        async let two = second.read { _, _ in }
        let summaries = try await [one, two]
        #expect(summaries.allSatisfy { $0.contacts == 30 && $0.requests == $0.pages }, "no 429, no retry: \(summaries)")
        #expect(await first.requestsSent() == summaries[0].requests)
        let log = Array(try await RateStormTests.requests(simulator).dropFirst(seeded))
        #expect(log.count == summaries[0].requests + summaries[1].requests && !log.contains { $0.status == "429" })
        for (index, request) in log.enumerated() {
            // A window a little shorter than the ledger's: arrival times jitter by the latency.
            let inWindow = log[index...].prefix { $0.at < request.at + 0.9 }.count
            #expect(inWindow <= 10, "\(inWindow) requests in one window from \(request.at)")
        }
    }
}
