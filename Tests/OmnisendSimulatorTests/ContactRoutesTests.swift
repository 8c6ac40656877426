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

    @Test func eachVersionPagesTheContactListAsItsReferenceDocuments() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        for n in 0..<5 {
            let tags = n % 2 == 0 ? #","tags":["source: ci"]"# : ""
            _ = try await TestHTTP.send(.POST, simulator.baseURL(for: "v5") + "/contacts", headers: TestHTTP.auth(.v5), body: TestHTTP.contact("q\(n)@example.com", extra: tags))
        }
        // v3/v5: paging.next is the full URL of the next page with an after= cursor, previous null.
        for version in [SimulatorAPIVersion.v3, .v5] {
            var url: String? = simulator.baseURL(for: version.pathPrefix) + "/contacts?limit=2"
            var emails: [String] = []
            while let next = url {
                let page = try await TestHTTP.send(.GET, next, headers: TestHTTP.auth(version))
                let paging = try #require(page.object["paging"] as? [String: Any])
                #expect(paging["previous"] is NSNull && paging["limit"] as? Int == 2 && paging["offset"] == nil, "\(paging)")
                for contact in page.object["contacts"] as? [[String: Any]] ?? [] {
                    emails.append(((contact["identifiers"] as? [[String: Any]])?.first?["id"] as? String) ?? "")
                }
                let link = paging["next"] as? String ?? ""
                if !link.isEmpty { #expect(link.contains("/\(version.pathPrefix)/contacts?after=") && link.hasSuffix("&limit=2"), "\(link)") }
                url = link.isEmpty ? nil : link
            }
            #expect(emails == (0..<5).map { "q\($0)@example.com" }, "\(version)")
        }
        // The tag filter stays in the links; 2026-03-15 reports its limit beside the cursors.
        let tagged = try await TestHTTP.send(.GET, simulator.baseURL(for: "v3") + "/contacts?limit=1&tag=source%3A%20ci", headers: TestHTTP.auth(.v3))
        #expect((tagged.object["contacts"] as? [Any])?.count == 1)
        #expect(((tagged.object["paging"] as? [String: Any])?["next"] as? String)?.contains("?tag=source%3A%20ci&after=") == true)
        let cursor = try await TestHTTP.send(.GET, simulator.baseURL(for: "api") + "/contacts?limit=2&tag=source%3A%20ci", headers: TestHTTP.auth(.v2026_03_15))
        let paging = try #require(cursor.object["paging"] as? [String: Any])
        #expect(paging["limit"] as? Int == 2 && paging["hasMore"] as? Bool == true)
        let after = try #require((paging["cursors"] as? [String: Any])?["after"] as? String)
        let last = try await TestHTTP.send(
            .GET, simulator.baseURL(for: "api") + "/contacts?limit=2&tag=source%3A%20ci&after=" + (after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? after),
            headers: TestHTTP.auth(.v2026_03_15))
        #expect((last.object["contacts"] as? [Any])?.count == 1 && (last.object["paging"] as? [String: Any])?["hasMore"] as? Bool == false)
        // A cursor and an offset together, or a cursor not from this API, are refused.
        let both = try await TestHTTP.send(.GET, simulator.baseURL(for: "v5") + "/contacts?offset=2&after=c2ltOjI%3D", headers: TestHTTP.auth(.v5))
        #expect(both.status == 400)
        let forged = try await TestHTTP.send(.GET, simulator.baseURL(for: "v5") + "/contacts?after=bm9wZQ%3D%3D", headers: TestHTTP.auth(.v5))
        #expect(forged.status == 400)
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
