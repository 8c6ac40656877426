import Foundation
import Testing
@testable import OmnisendSimulator

@Suite("ParsedBatchItems")
struct ParsedBatchItemsTests {
    static let rules = SliceRules(sliceSize: 1000, stopErrorShare: 0.5, stopMinimumItems: 20, partialFailureShare: 0.25, seed: 1)

    @Test func keepsItemsUntilForgotten() {
        let held = ParsedBatchItems()
        held.keep([.bool(true)], batch: 7)
        #expect(held.items(batch: 7) == [.bool(true)])
        #expect(held.items(batch: 8) == nil)
        held.forget(batch: 7)
        #expect(held.items(batch: 7) == nil)
    }

    /// The worker stores the same contacts whether it gets the items as the POST parsed them or
    /// parses their stored text (after a restart), and lets go of the parsed items once done.
    @Test func parsedAndStoredItemsGiveTheSameContacts() async throws {
        let items = [
            #"{"identifiers":[{"type":"email","id":"a@example.com","channels":{"email":{"status":"subscribed","statusDate":"2026-01-01T00:00:00Z"}},"sendWelcomeMessage":false}],"firstName":"Ä\"b\u0001","tags":["x","y","x"],"customProperties":{"n":1.50},"createdAt":"2020-01-01"}"#,
            #"{"identifiers":[{"type":"email","id":"not-an-email","channels":{"email":{"status":"subscribed"}}}]}"#,
        ]
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        var results: [[String]] = []
        for parsed in [true, false] {
            let store = try SimulatorStore(directory: nil)
            let batch = try await store.createBatch(
                brand: "default", method: "POST", endpoint: "contacts", origin: nil, items: items,
                parsed: parsed ? items.compactMap { BodyJSON.parse($0) } : nil, emails: ["a@example.com", "not-an-email"],
                fault: nil, version: .v3, now: now)
            #expect((store.parsedItems.items(batch: batch.rowID) != nil) == parsed)
            #expect(try await store.processSlice(rowID: batch.rowID, rules: Self.rules, now: now))
            #expect(store.parsedItems.items(batch: batch.rowID) == nil)
            let contacts = try await store.contactsPage(afterRowID: 0, limit: 10).map(\.json)
            let (_, stored) = try #require(try await store.batchWithItems(brand: "default", id: batch.batchID))
            results.append(contacts + stored.map { $0.json() })
        }
        #expect(results[0] == results[1])
        #expect(results[0].first == #"{"contactID":"6a0000000000000000000001","createdAt":"2023-11-14T22:13:20.000Z","updatedAt":"2023-11-14T22:13:20.000Z","customProperties":{"externalCreated":"2020-01-01","n":1.50},"firstName":"Ä\"b\u0001","identifiers":[{"channels":{"email":{"status":"subscribed","statusDate":"2026-01-01T00:00:00.000Z"}},"id":"a@example.com","sendWelcomeMessage":false,"type":"email"}],"tags":["x","y"]}"#)
    }
}
