import ExportCore
import ExportTestSupport
import Foundation
import OmnisendSimulator
import Testing
@testable import ExportUpload

/// `state rebuild`'s producer: one line per stored contact with an email, consent per channel as
/// stored, no hash; resumable from the query saved after any page.
@Suite(.serialized) struct StateRebuilderTests {
    private func object(_ text: String) throws -> JSONObject {
        guard case .object(let object)? = FastJSON.value(Array(text.utf8)) else { throw ExportError(.internal, "not an object: \(text)") }
        return object
    }

    @Test func aV5ContactBecomesALineWithBothChannelsAndNoHash() throws {
        let contact = try object(
            #"{"contactID":"6a01","identifiers":[{"type":"phone","id":"+40722123456","channels":{"sms":{"status":"nonSubscribed","statusDate":"2024-02-01T00:00:00Z"}}},"#
                + #"{"type":"email","id":" Ana@Example.COM","channels":{"email":{"status":"unsubscribed","statusDate":"2025-06-01T00:00:00.000Z"}}}],"firstName":"Ana"}"#)
        let line = try #require(StateRebuilder.line(of: contact, readAt: "2026-12-03T18:00:00Z"))
        #expect(line.email == "ana@example.com", "normalised as prepare normalises")
        #expect(line.payloadHash == nil && line.run == nil && line.origin == "rebuild" && line.acceptedAt == "2026-12-03T18:00:00Z")
        #expect(line.channels == [
            "email": .init(status: "unsubscribed", statusDate: "2025-06-01T00:00:00.000Z"),
            "sms": .init(status: "nonSubscribed", statusDate: "2024-02-01T00:00:00Z"),
        ])
    }

    @Test func a2026ContactReadsStatusChangedAtAndFallsBackToStatuses() throws {
        let withChannels = try object(
            #"{"id":"1","email":"b@x.io","identifiers":[{"type":"email","id":"b@x.io","channels":{"email":{"status":"subscribed","statusChangedAt":"2026-01-02T03:04:05Z"}}}]}"#)
        #expect(StateRebuilder.line(of: withChannels, readAt: "t")?.channels["email"] == .init(status: "subscribed", statusDate: "2026-01-02T03:04:05Z"))
        let statusesOnly = try object(
            #"{"id":"2","email":"c@x.io","statuses":[{"channel":"email","status":"nonSubscribed","statusChangedAt":"2026-01-01T00:00:00Z"},{"channel":"sms","status":"subscribed"}]}"#)
        let line = try #require(StateRebuilder.line(of: statusesOnly, readAt: "t"))
        #expect(line.email == "c@x.io")
        #expect(line.channels == ["email": .init(status: "nonSubscribed", statusDate: "2026-01-01T00:00:00Z"), "sms": .init(status: "subscribed", statusDate: nil)])
        // A phone-only contact has no place in a state keyed by email.
        #expect(StateRebuilder.line(of: try object(#"{"identifiers":[{"type":"phone","id":"+40722123456"}]}"#), readAt: "t") == nil)
        #expect(StateRebuilder.line(of: try object(#"{"email":"  "}"#), readAt: "t") == nil)
    }

    @Test(arguments: [APIVersion.v3, .v2026_03_15])
    func aRebuildStoppedAfterAPageResumesFromItsSavedQueryWithoutRepeats(version: APIVersion) async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        _ = try await simulator.seed(contacts: 17, version: version)
        try await simulator.postContact(#"{"identifiers":[{"type":"phone","id":"+40722123456","channels":{"sms":{"status":"subscribed"}}}]}"#, version: .v5)
        let target = simulator.target(version)
        let client = OmnisendClient(baseURL: target.baseURL, apiVersion: version, key: target.key)
        defer { Task { await client.shutdown() } }
        var settings = ContactPageReader.Settings()
        settings.pageSize = 4
        settings.rateLimitPerMinute = 0
        let reader = ContactPageReader(client: client, settings: settings)

        struct Crash: Error {}
        var lines: [DestinationStateLine] = []
        var saved: String?
        do {
            _ = try await StateRebuilder.rebuild(
                reader: reader, readAt: "2026-12-03T18:00:00Z", sink: { lines.append($0) },
                afterPage: { next, read in
                    saved = next
                    if read >= 8 { throw Crash() }
                })
            Issue.record("the rebuild should have stopped after two pages")
        } catch is Crash {}
        #expect(lines.count == 8)
        let resumed = try await StateRebuilder.rebuild(reader: reader, from: saved, readAt: "2026-12-03T18:00:00Z", sink: { lines.append($0) })
        #expect(resumed.contactsRead == 10 && resumed.lines == 9 && resumed.withoutEmail == 1)
        #expect(lines.map(\.email).sorted() == (0..<17).map(TestRunFolder.email).sorted())
        #expect(lines.allSatisfy { $0.channels["email"] == .init(status: "subscribed", statusDate: "2024-01-01T00:00:00.000Z") }, "\(lines.first!)")
    }
}
