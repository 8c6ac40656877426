import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// The rate limit as clients see it, on a fake clock.
@Suite("Rate limit over HTTP")
struct RateLimitHTTPTests {
    @Test func v3CountsEveryRequestAndAnswers429WithHeaders() async throws {
        let clock = ManualSimulatorClock()
        let simulator = try await TestHTTP.start {
            $0.rateLimitPerMinute = 3
            $0.clock = clock
            $0.keys = [SimulatorKey(key: "second-key"), SimulatorKey(key: "other", brand: "other")]
        }
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "v3") + "/contacts"
        var remaining: [String?] = []
        for key in ["test-key", "second-key", "test-key"] {
            let answer = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v3, key: key))
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "X-Rate-Limit-Limit") == "3")
            remaining.append(answer.headers.first(name: "X-Rate-Limit-Remaining"))
        }
        #expect(remaining == ["2", "1", "0"])
        clock.advance(by: 20)
        let refused = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v3, key: "second-key"))
        #expect(refused.status == 429)
        #expect(refused.object["error"] as? String == " to many requests (rate limit) - current ")
        #expect(refused.headers.first(name: "X-Rate-Limit-Reset") == "40")
        #expect(refused.headers.first(name: "Retry-After") == nil)
        let otherBrand = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v3, key: "other"))
        #expect(otherBrand.status == 200)
        clock.advance(by: 40)
        let again = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v3))
        #expect(again.status == 200)
    }

    @Test func v2026AnswersAProblemWithRetryAfterAndNoHeaders() async throws {
        let clock = ManualSimulatorClock()
        let simulator = try await TestHTTP.start {
            $0.rateLimitPerMinute = 1
            $0.clock = clock
            $0.retryAfterHeader = true
        }
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "2026-03-15") + "/contacts"
        let first = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v2026_03_15))
        #expect(first.status == 200)
        #expect(first.headers.first(name: "X-Rate-Limit-Limit") == nil)
        clock.advance(by: 15)
        let refused = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v2026_03_15))
        #expect(refused.status == 429)
        #expect(refused.object["type"] as? String == "https://problems.omnisend.com/rate-limit-exceeded")
        #expect(refused.object["retryAfter"] as? Int == 45)
        #expect(refused.headers.first(name: "Retry-After") == "45")
    }

    @Test func pollsAndPostsShareTheBudget() async throws {
        let clock = ManualSimulatorClock()
        let simulator = try await TestHTTP.start {
            $0.rateLimitPerMinute = 2
            $0.clock = clock
        }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        let created = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v5), body: TestHTTP.batch([TestHTTP.contact("r@example.com")]))
        #expect(created.status == 200)
        let id = try #require(created.object["batchID"] as? String)
        #expect(try await TestHTTP.send(.GET, base + "/batches/\(id)", headers: TestHTTP.auth(.v5)).status == 200)
        #expect(try await TestHTTP.send(.GET, base + "/batches/\(id)", headers: TestHTTP.auth(.v5)).status == 429)
        let stats = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/stats")
        #expect((stats.object["requestsByStatus"] as? [String: Int])?["429"] == 1)
    }
}
