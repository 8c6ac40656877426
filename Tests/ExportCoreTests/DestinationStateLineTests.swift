import Foundation
import Testing

@testable import ExportCore

@Suite("DestinationStateLine")
struct DestinationStateLineTests {
    @Test("a line survives JSON both ways, an unknown hash left out")
    func roundTrip() throws {
        let line = DestinationStateLine(
            email: "ana@example.com", payloadHash: nil,
            channels: ["email": .init(status: "subscribed", statusDate: "2026-11-30T08:00:00Z")],
            acceptedAt: "2026-12-03T02:00:00Z", run: nil, origin: "rebuild")
        let data = try JSONEncoder().encode(line)
        #expect(try JSONDecoder().decode(DestinationStateLine.self, from: data) == line)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["formatVersion"] as? Int == 1)
        #expect(object["email"] as? String == "ana@example.com")
        #expect(object["payloadHash"] == nil)
    }
}
