import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// Authentication, permissions, version headers and error bodies, through real HTTP.
@Suite("SimulatorAPI")
struct SimulatorAPITests {
    static let keys = [
        SimulatorKey(key: "reader", brand: "default", canRead: true, canWrite: false),
        SimulatorKey(key: "writer", brand: "default", canRead: false, canWrite: true),
        SimulatorKey(key: "other-brand", brand: "other"),
    ]

    @Test(arguments: SimulatorAPIVersion.allCases)
    func missingKeyIs401WithTheVersionsBody(_ version: SimulatorAPIVersion) async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let headers = version.usesProblemDetails ? [("Omnisend-Version", "2026-03-15")] : []
        let answer = try await TestHTTP.send(.GET, simulator.baseURL(for: version) + "/contacts", headers: headers)
        #expect(answer.status == 401)
        if version.usesProblemDetails {
            #expect(answer.headers.first(name: "Content-Type") == "application/problem+json")
            #expect(answer.object["type"] as? String == "https://problems.omnisend.com/unauthorized")
            #expect(answer.object["title"] as? String == "Authentication is missing or invalid")
            #expect(answer.object["status"] as? Int == 401)
            #expect((answer.object["instance"] as? String)?.hasPrefix("urn:omnisend:request:") == true)
        } else {
            #expect(answer.object["error"] as? String == "Unauthorized - authorization error (invalid basic auth data or API key)")
        }
    }

    @Test(arguments: [401, 403])
    func unknownKeyStatusIsAnOption(_ status: Int) async throws {
        let simulator = try await TestHTTP.start { $0.unknownKeyStatus = status }
        defer { Task { try await simulator.stop() } }
        for version in SimulatorAPIVersion.allCases {
            let answer = try await TestHTTP.send(.GET, simulator.baseURL(for: version) + "/contacts", headers: TestHTTP.auth(version, key: "nope"))
            #expect(answer.status == status)
        }
    }

    @Test func permissionsAreEnforced() async throws {
        let simulator = try await TestHTTP.start { $0.keys = Self.keys }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        let body = TestHTTP.batch([TestHTTP.contact("p@example.com")])
        let readerPost = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v3, key: "reader"), body: body)
        #expect(readerPost.status == 403)
        #expect((readerPost.object["error"] as? String)?.hasPrefix("Forbidden") == true)
        let writerGet = try await TestHTTP.send(.GET, base + "/contacts", headers: TestHTTP.auth(.v3, key: "writer"))
        #expect(writerGet.status == 403)
        let writerPost = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v3, key: "writer"), body: body)
        #expect(writerPost.status == 200)
        let problem = try await TestHTTP.send(.POST, simulator.baseURL(for: "api") + "/batches", headers: TestHTTP.auth(.v2026_03_15, key: "reader"), body: body)
        #expect(problem.status == 403)
        #expect(problem.object["title"] as? String == "Insufficient permissions for this operation")
    }

    @Test func brandsDoNotSeeEachOthersData() async throws {
        let simulator = try await TestHTTP.start { $0.keys = Self.keys }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        let created = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v5), body: TestHTTP.batch([TestHTTP.contact("b@example.com")]))
        let id = try #require(created.object["batchID"] as? String)
        _ = try await TestHTTP.waitForBatch(simulator, .v5, id)
        let foreign = try await TestHTTP.send(.GET, base + "/batches/\(id)", headers: TestHTTP.auth(.v5, key: "other-brand"))
        #expect(foreign.status == 404)
        #expect(foreign.object["error"] as? String == " Not found – There is no resource behind the URI.")
        let contacts = try await TestHTTP.send(.GET, base + "/contacts", headers: TestHTTP.auth(.v5, key: "other-brand"))
        #expect((contacts.object["contacts"] as? [Any])?.isEmpty == true)
    }

    @Test func version2026NeedsItsVersionHeaderAndScheme() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "2026-03-15") + "/contacts"
        let missing = try await TestHTTP.send(.GET, url, headers: [("Authorization", "Omnisend-API-Key test-key")])
        #expect(missing.status == 400)
        #expect(missing.object["type"] as? String == "https://problems.omnisend.com/validation-failed")
        let wrong = try await TestHTTP.send(.GET, url, headers: [("Authorization", "Omnisend-API-Key test-key"), ("Omnisend-Version", "2025-01-01")])
        #expect(wrong.status == 400)
        let xKey = try await TestHTTP.send(.GET, url, headers: [("X-API-KEY", "test-key"), ("Omnisend-Version", "2026-03-15")])
        #expect(xKey.status == 401)
        let bearer = try await TestHTTP.send(.GET, url, headers: [("Authorization", "Bearer test-key"), ("Omnisend-Version", "2026-03-15")])
        #expect(bearer.status == 401)
        let good = try await TestHTTP.send(.GET, url, headers: TestHTTP.auth(.v2026_03_15))
        #expect(good.status == 200)
    }

    @Test func v3KeyHeaderIsIgnoredOnlyWhereItDoesNotApply() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let answer = try await TestHTTP.send(.GET, simulator.baseURL(for: "v3") + "/contacts", headers: [("Authorization", "Omnisend-API-Key test-key")])
        #expect(answer.status == 401)
    }
}
