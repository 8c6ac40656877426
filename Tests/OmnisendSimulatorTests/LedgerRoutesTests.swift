import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// `/__simulator/stats`, `/__simulator/contacts` and `/__simulator/requests`.
@Suite("Ledger routes")
struct LedgerRoutesTests {
    @Test func statsCountItemsReceivedMoreThanOnce() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "v3") + "/batches"
        let first = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v3), body: TestHTTP.batch([
            TestHTTP.contact("a@example.com"), TestHTTP.contact("b@example.com"), TestHTTP.contact("a@example.com"),
        ]))
        let second = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v3), body: TestHTTP.batch([
            TestHTTP.contact("b@example.com"), TestHTTP.contact("c@example.com"),
        ]))
        _ = try await TestHTTP.waitForBatch(simulator, .v3, try #require(first.object["batchID"] as? String))
        _ = try await TestHTTP.waitForBatch(simulator, .v3, try #require(second.object["batchID"] as? String))
        _ = try await TestHTTP.send(.GET, url + "/nope", headers: TestHTTP.auth(.v3, key: "bad"))
        let stats = try await FaultInjectionHTTPTests.stats(simulator)
        #expect(stats.contactsStored == 3)
        #expect(stats.itemsReceived == 5)
        #expect(stats.itemsReceivedMoreThanOnce == 1)
        #expect(stats.batchesReceived == 2)
        #expect(stats.batchesByStatus == ["finished": 2])
        #expect(stats.requestsByStatus["401"] == 1)
        #expect((stats.requestsByStatus["200"] ?? 0) >= 4)
        let raw = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/stats")
        for key in ["contactsStored", "itemsReceived", "itemsReceivedMoreThanOnce", "requestsByStatus", "batchesByStatus"] {
            #expect(raw.object[key] != nil, "\(key)")
        }
    }

    @Test func requestsAreLoggedWithArrivalTimeAndStatus() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "429@2")
            $0.faultRetryAfterSeconds = 7
            $0.rateLimitPerMinute = 400
        }
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "v3") + "/batches"
        let before = Date().timeIntervalSince1970
        let created = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v3), body: TestHTTP.batch([TestHTTP.contact("a@example.com")]))
        let refused = try await TestHTTP.send(.GET, url + "/" + (created.object["batchID"] as? String ?? ""), headers: TestHTTP.auth(.v3))
        // A faulted 429 says when to come back, as a real refusal would.
        #expect(refused.status == 429)
        #expect(refused.headers["X-Rate-Limit-Remaining"].first == "0")
        #expect(refused.headers["X-Rate-Limit-Reset"].first == "7")
        let log = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/requests")
        let lines = log.body.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines.map { $0["status"] as? String } == ["200", "429"])
        #expect(lines.map { $0["method"] as? String } == ["POST", "GET"])
        #expect(lines.first?["path"] as? String == "/v3/batches")
        let times = lines.compactMap { $0["at"] as? Double }
        #expect(times.count == 2 && times[0] >= before - 1 && times[0] <= times[1])
    }

    @Test func contactsAreServedAsNDJSON() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "v3") + "/batches"
        let created = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v3), body: TestHTTP.batch((0..<12_000 / 12).map { TestHTTP.contact("n\($0)@example.com") }))
        _ = try await TestHTTP.waitForBatch(simulator, .v3, try #require(created.object["batchID"] as? String))
        let answer = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/contacts")
        #expect(answer.headers.first(name: "Content-Type") == "application/x-ndjson")
        let lines = answer.body.split(separator: "\n")
        #expect(lines.count == 1000)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["contactID"] is String)
        #expect(((first["identifiers"] as? [[String: Any]])?.first?["id"] as? String) == "n0@example.com")
    }
}
