import AsyncHTTPClient
import ExportCore
import ExportTestSupport
import ExportSync
import ExportUpload
import Foundation
import NIOCore
import Testing
@testable import ExportCLI

/// `state rebuild PIPELINE`, run in-process against an in-process simulator: one state contact
/// per stored contact with an email, a refusal over a state that holds contacts, a saved position
/// of another destination refused. The kill -9 and resume is `SyncProcessTests`'s.
@Suite(.serialized) struct StateRebuildCommandTests {
    private static let key = "rebuild-key-\(UUID().uuidString)"

    private func post(_ index: Int, to base: String) async throws {
        var request = HTTPClientRequest(url: base + "/contacts")
        request.method = .POST
        request.headers.add(name: "X-API-KEY", value: Self.key)
        request.headers.add(name: "Content-Type", value: "application/json")
        let status = index % 2 == 0 ? "subscribed" : "unsubscribed"
        request.body = .bytes(ByteBuffer(string:
            #"{"identifiers":[{"type":"email","id":"Person\#(index)@Example.com","channels":{"email":{"status":"\#(status)","statusDate":"2024-0\#(index % 9 + 1)-01T00:00:00Z"}}}]}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status.code == 200)
    }

    /// A pipeline whose destination is `base` with the key in a file.
    private func pipeline(_ directory: TemporaryDirectory, base: String) throws -> String {
        _ = try directory.write("export.csv", "Email\n")
        let keyFile = try directory.write("key", Self.key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        return try directory.write("rebuild.yaml", """
            version: 1
            name: rebuild
            inputs: [export.csv]
            mapping:
              email: Email
            destination: { api_version: v5, base_url: "\(base)", api_key_file: "\(keyFile)" }

            """)
    }

    private func lines(_ path: String) throws -> [DestinationStateLine] {
        var lines: [DestinationStateLine] = []
        try DestinationStateStore(path: path, key: "k").forEachLine { lines.append($0) }
        return lines
    }

    private func exitCode(_ arguments: [String]) async -> Int32 {
        do {
            try await StateRebuildCommand.parse(arguments).run()
            return 0
        } catch {
            return StateRebuildCommand.exitCode(for: error).rawValue
        }
    }

    @Test func rebuildRestoresOneContactPerStoredContactAndRefusesAStateThatHoldsContacts() async throws {
        let simulator = try await TestSimulator.start(key: Self.key)
        defer { Task { try? await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        for index in 0..<9 { try await post(index, to: base) }
        let directory = try TemporaryDirectory()
        let pipeline = try pipeline(directory, base: base)
        let state = directory.path + "/state.sqlite"
        let arguments = [pipeline, "--state", state, "--page-size", "4", "--rate-limit", "0"]

        #expect(await exitCode(arguments) == 0)
        let all = try lines(state)
        #expect(all.map(\.email) == (0..<9).map { "person\($0)@example.com" })
        #expect(all.allSatisfy { $0.origin == "rebuild" && $0.payloadHash == nil && $0.run == nil })
        #expect(all[1].channels == ["email": .init(status: "unsubscribed", statusDate: "2024-02-01T00:00:00.000Z")])
        let store = try DestinationStateStore(path: state, key: "k")
        #expect(try store.rebuildPosition() == nil, "a finished rebuild leaves no position")
        #expect(try store.version().number == 2, "up when it started and when it ended")
        let mode = try FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the state holds personal data")

        // Over a state that holds contacts: refused (usage), nothing changed; --replace rebuilds.
        #expect(await exitCode(arguments) == 64)
        #expect(try store.version().number == 2)
        #expect(await exitCode(arguments + ["--replace"]) == 0)
        #expect(try lines(state).map(\.email) == all.map(\.email))
        #expect(try store.version().number == 4)

        // A stopped rebuild of another destination is not mixed in; --restart starts over.
        try store.beginRebuild(
            position: ContactReadCursor(baseURL: "http://127.0.0.1:1/v5", apiVersion: "v5", nextQuery: "limit=4", contactsRead: 4).text,
            replacing: true)
        #expect(await exitCode(arguments) == 64)
        #expect(await exitCode(arguments + ["--restart"]) == 0)
        #expect(try lines(state).count == 9)
    }
}
