import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// `POST /contacts`, `GET /contacts`, `GET /contacts/{id}` and the upsert rules.
@Suite("Contact routes")
struct ContactRoutesTests {
    @Test func v3CreateAnswersEmailAndContactID() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        let created = try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v3), body: TestHTTP.contact("jane@example.com", extra: #","firstName":"Jane""#))
        #expect(created.status == 200)
        #expect(created.object["email"] as? String == "jane@example.com")
        let id = try #require(created.object["contactID"] as? String)
        let fetched = try await TestHTTP.send(.GET, base + "/contacts/\(id)", headers: TestHTTP.auth(.v3))
        #expect(fetched.status == 200)
        #expect(fetched.object["contactID"] as? String == id)
        #expect(fetched.object["firstName"] as? String == "Jane")
        #expect(fetched.object["createdAt"] is String)
        let unknown = try await TestHTTP.send(.GET, base + "/contacts/6a0000000000000000009999", headers: TestHTTP.auth(.v3))
        #expect(unknown.status == 404)
        let invalid = try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v3), body: #"{"identifiers":[{"type":"email","id":"x"}]}"#)
        #expect(invalid.status == 400)
        #expect((invalid.object["fields"] as? [String: Any])?["identifiers[0].channels"] != nil)
    }

    @Test func v2026CreateAnswers201ThenUpdates200() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "2026-03-15") + "/contacts"
        let first = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v2026_03_15), body: TestHTTP.contact("n@example.com"))
        #expect(first.status == 201)
        let second = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v2026_03_15), body: TestHTTP.contact("n@example.com", extra: #","lastName":"N""#))
        #expect(second.status == 200)
        #expect(second.object["contactID"] as? String == first.object["contactID"] as? String)
        #expect(second.object["lastName"] as? String == "N")
        let invalid = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v2026_03_15), body: #"{"identifiers":[]}"#)
        #expect(invalid.status == 400)
        #expect((invalid.object["errors"] as? [[String: Any]])?.first?["field"] as? String == "identifiers")
    }

    @Test func listFiltersByExactEmailAndPages() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        for n in 0..<5 {
            _ = try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v5), body: TestHTTP.contact("p\(n)+x@example.com"))
        }
        let exact = try await TestHTTP.send(.GET, base + "/contacts?email=p3%2Bx@example.com", headers: TestHTTP.auth(.v5))
        let found = try #require(exact.object["contacts"] as? [[String: Any]])
        #expect(found.count == 1)
        let identifiers = try #require(found.first?["identifiers"] as? [[String: Any]])
        #expect(identifiers.first?["id"] as? String == "p3+x@example.com")
        let caseDiffers = try await TestHTTP.send(.GET, base + "/contacts?email=P3%2Bx@example.com", headers: TestHTTP.auth(.v5))
        #expect((caseDiffers.object["contacts"] as? [Any])?.isEmpty == true)
        let page = try await TestHTTP.send(.GET, base + "/contacts?limit=2&offset=2", headers: TestHTTP.auth(.v5))
        #expect((page.object["contacts"] as? [Any])?.count == 2)
        let paging = try #require(page.object["paging"] as? [String: Any])
        #expect((paging["previous"] as? String)?.contains("offset=0&limit=2") == true)
        #expect((paging["next"] as? String)?.contains("offset=4&limit=2") == true)
        let cursor = try await TestHTTP.send(.GET, simulator.baseURL(for: "api") + "/contacts?limit=3", headers: TestHTTP.auth(.v2026_03_15))
        #expect((cursor.object["contacts"] as? [Any])?.count == 3)
        #expect((cursor.object["paging"] as? [String: Any])?["hasMore"] as? Bool == true)
    }

    @Test func olderStatusDateDoesNotOverwriteNewer() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        _ = try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v3), body: TestHTTP.contact("s@example.com", status: "unsubscribed", date: "2024-06-01T00:00:00Z"))
        _ = try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v3), body: TestHTTP.contact("s@example.com", status: "subscribed", date: "2024-01-01T00:00:00Z"))
        var channel = try await Self.emailChannel(simulator, "s@example.com")
        #expect(channel["status"] as? String == "unsubscribed")
        #expect(channel["statusDate"] as? String == "2024-06-01T00:00:00.000Z")
        _ = try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v3), body: TestHTTP.contact("s@example.com", status: "nonSubscribed", date: "2024-07-01T00:00:00Z"))
        channel = try await Self.emailChannel(simulator, "s@example.com")
        #expect(channel["status"] as? String == "nonSubscribed")
    }

    @Test func identifierOwnedByAnotherContactIsIgnored() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        let phone = #"{"type":"phone","id":"+443031237300","channels":{"sms":{"status":"subscribed"}}}"#
        let first = #"{"identifiers":[{"type":"email","id":"one@example.com","channels":{"email":{"status":"subscribed"}}},\#(phone)]}"#
        let second = #"{"identifiers":[{"type":"email","id":"two@example.com","channels":{"email":{"status":"subscribed"}}},\#(phone)]}"#
        #expect(try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v3), body: first).status == 200)
        #expect(try await TestHTTP.send(.POST, base + "/contacts", headers: TestHTTP.auth(.v3), body: second).status == 200)
        let two = try await TestHTTP.send(.GET, base + "/contacts?email=two@example.com", headers: TestHTTP.auth(.v3))
        let identifiers = try #require(((two.object["contacts"] as? [[String: Any]])?.first)?["identifiers"] as? [[String: Any]])
        #expect(identifiers.map { $0["type"] as? String } == ["email"])
        let one = try await TestHTTP.send(.GET, base + "/contacts?email=one@example.com", headers: TestHTTP.auth(.v3))
        let oneIdentifiers = try #require(((one.object["contacts"] as? [[String: Any]])?.first)?["identifiers"] as? [[String: Any]])
        #expect(oneIdentifiers.count == 2)
    }

    @Test func batchItemsUpsertInOrderAndMergeTagsAndProperties() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        let created = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v3), body: TestHTTP.batch([
            TestHTTP.contact("m@example.com", extra: #","tags":["a"],"customProperties":{"x":1}"#),
            TestHTTP.contact("m@example.com", extra: #","tags":["b"],"customProperties":{"y":"2"},"firstName":"M""#),
        ]))
        _ = try await TestHTTP.waitForBatch(simulator, .v3, try #require(created.object["batchID"] as? String))
        let list = try await TestHTTP.send(.GET, base + "/contacts?email=m@example.com", headers: TestHTTP.auth(.v3))
        let contact = try #require((list.object["contacts"] as? [[String: Any]])?.first)
        #expect(contact["tags"] as? [String] == ["a", "b"])
        #expect((contact["customProperties"] as? [String: Any])?.keys.sorted() == ["x", "y"])
        #expect(contact["firstName"] as? String == "M")
        let stats = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/stats")
        #expect(stats.object["contactsStored"] as? Int == 1)
    }

    static func emailChannel(_ simulator: RunningSimulator, _ email: String) async throws -> [String: Any] {
        let list = try await TestHTTP.send(.GET, simulator.baseURL(for: "v3") + "/contacts?email=\(email)", headers: TestHTTP.auth(.v3))
        let contact = try #require((list.object["contacts"] as? [[String: Any]])?.first)
        let identifier = try #require((contact["identifiers"] as? [[String: Any]])?.first)
        return try #require((identifier["channels"] as? [String: Any])?["email"] as? [String: Any])
    }
}
