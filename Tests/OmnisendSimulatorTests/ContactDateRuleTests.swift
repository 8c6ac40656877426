import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// Omnisend's status date rule ("If you post status date earlier than in system, status and
/// statusDate won't be changed") on every channel, for every API version and its date key.
@Suite("Contact date rule")
struct ContactDateRuleTests {
    static let versions: [(SimulatorAPIVersion, String, String)] = [
        (.v3, "v3", "statusDate"), (.v5, "v5", "statusDate"), (.v2026_03_15, "2026-03-15", "statusChangedAt"),
    ]

    static func body(email: String, key: String, _ status: String, _ date: String?) -> String {
        let dated = date.map { ",\"\(key)\":\"\($0)\"" } ?? ""
        let channel = "{\"status\":\"\(status)\"\(dated)}"
        return "{\"identifiers\":[{\"type\":\"email\",\"id\":\"\(email)\",\"channels\":{\"email\":\(channel)}},"
            + "{\"type\":\"phone\",\"id\":\"+40722123456\",\"channels\":{\"sms\":\(channel)}}]}"
    }

    @Test(arguments: [0, 1, 2])
    func anOlderOr1970DateChangesNoChannelAndALaterOneDoes(_ index: Int) async throws {
        let (version, path, key) = Self.versions[index]
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: path) + "/contacts"
        let email = "rule@example.com"
        func post(_ status: String, _ date: String?) async throws {
            let answer = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(version), body: Self.body(email: email, key: key, status, date))
            #expect((200..<300).contains(answer.status), "\(answer.body)")
        }
        func channels() async throws -> [String: [String: Any]] {
            let answer = try await TestHTTP.send(.GET, url + "?email=\(email)", headers: TestHTTP.auth(version))
            let contact = try #require((answer.object["contacts"] as? [[String: Any]])?.first)
            var out: [String: [String: Any]] = [:]
            for identifier in contact["identifiers"] as? [[String: Any]] ?? [] {
                for (name, value) in identifier["channels"] as? [String: Any] ?? [:] { out[name] = value as? [String: Any] }
            }
            return out
        }

        try await post("unsubscribed", "2025-06-01T00:00:00Z")
        try await post("subscribed", "2024-01-01T00:00:00Z")
        try await post("nonSubscribed", "1970-01-01T00:00:00Z")
        for (name, channel) in try await channels() {
            #expect(channel["status"] as? String == "unsubscribed", "\(path) \(name)")
            #expect(channel[key] as? String == "2025-06-01T00:00:00.000Z", "\(path) \(name): \(channel)")
        }
        try await post("subscribed", "2025-07-01T00:00:00Z")
        let later = try await channels()
        #expect(later.count == 2)
        #expect(later.values.allSatisfy { $0["status"] as? String == "subscribed" }, "\(path): \(later)")
        // Without a date the status is dated now, and wins.
        try await post("nonSubscribed", nil)
        #expect(try await channels().values.allSatisfy { $0["status"] as? String == "nonSubscribed" })
    }

    @Test func aNewContactSentWithThe1970DateGetsThatStatus() async throws {
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "v5") + "/contacts"
        _ = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v5),
            body: Self.body(email: "new@example.com", key: "statusDate", "nonSubscribed", "1970-01-01T00:00:00Z"))
        let answer = try await TestHTTP.send(.GET, url + "?email=new@example.com", headers: TestHTTP.auth(.v5))
        let identifiers = try #require(((answer.object["contacts"] as? [[String: Any]])?.first)?["identifiers"] as? [[String: Any]])
        #expect(identifiers.count == 2)
        for identifier in identifiers {
            let channel = (identifier["channels"] as? [String: Any])?.values.first as? [String: Any]
            #expect(channel?["status"] as? String == "nonSubscribed")
        }
    }
}
