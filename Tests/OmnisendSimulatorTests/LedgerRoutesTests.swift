import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// `/__simulator/stats` and `/__simulator/contacts`.
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
