import AsyncHTTPClient
import ExportCore
import ExportTestSupport
import ExportUpload
import Foundation
import NIOCore
import Testing
@testable import ExportCLI

/// `state rebuild PIPELINE --output FILE`, run in-process against an in-process simulator (the
/// command joins `state`'s subcommands at merge): one line per stored contact with an email, a
/// resume after a crash that neither repeats nor loses a line.
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
        let data = try #require(FileManager.default.contents(atPath: path))
        return try data.split(separator: 0x0A).map { try JSONDecoder().decode(DestinationStateLine.self, from: Data($0)) }
    }

    @Test func rebuildWritesOneLinePerContactThenResumesAfterACrashWithoutRepeats() async throws {
        let simulator = try await TestSimulator.start(key: Self.key)
        defer { Task { try? await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        for index in 0..<9 { try await post(index, to: base) }
        let directory = try TemporaryDirectory()
        let pipeline = try pipeline(directory, base: base)
        let output = directory.path + "/state.ndjson"

        let whole = try StateRebuildCommand.parse([pipeline, "--output", output, "--page-size", "4", "--rate-limit", "0"])
        try await whole.run()
        let all = try lines(output)
        #expect(all.map(\.email) == (0..<9).map { "person\($0)@example.com" })
        #expect(all.allSatisfy { $0.origin == "rebuild" && $0.payloadHash == nil && $0.run == nil })
        #expect(all[1].channels == ["email": .init(status: "unsubscribed", statusDate: "2024-02-01T00:00:00.000Z")])
        #expect(!FileManager.default.fileExists(atPath: output + ".position"), "a finished read leaves no position")
        let text = String(decoding: try #require(FileManager.default.contents(atPath: output)), as: UTF8.self)
        #expect(!text.contains("payloadHash"), "an unknown hash is left out of the line")
        let mode = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the lines hold personal data")

        // A crash during page 2: page 1's lines and position saved, half a line written after.
        let client = OmnisendClient(baseURL: base, apiVersion: .v5, key: APIKey(Self.key))
        var settings = ContactPageReader.Settings()
        settings.pageSize = 4
        settings.rateLimitPerMinute = 0
        var secondPage: String?
        try await ContactPageReader(client: client, settings: settings).read { _, next in
            if secondPage == nil { secondPage = next }
        }
        await client.shutdown()
        let firstFour = text.split(separator: "\n").prefix(4).map { $0 + "\n" }.joined()
        _ = try directory.write("state.ndjson", firstFour + #"{"email":"person4@exa"#)
        try ContactReadCursor(baseURL: base, apiVersion: "v5", nextQuery: try #require(secondPage), contactsRead: 4, outputBytes: firstFour.utf8.count)
            .write(path: output + ".position")
        let resumed = try StateRebuildCommand.parse([pipeline, "--output", output, "--page-size", "4", "--rate-limit", "0"])
        try await resumed.run()
        #expect(try lines(output).map(\.email) == all.map(\.email), "the half line cut, pages 2 and 3 read once")

        // A position saved for another destination is refused rather than mixed in.
        try ContactReadCursor(baseURL: "http://127.0.0.1:1/v5", apiVersion: "v5", nextQuery: "limit=4", contactsRead: 4, outputBytes: 0)
            .write(path: output + ".position")
        let elsewhere = try StateRebuildCommand.parse([pipeline, "--output", output, "--rate-limit", "0"])
        await #expect(throws: (any Error).self) { try await elsewhere.run() }
        let restarted = try StateRebuildCommand.parse([pipeline, "--output", output, "--rate-limit", "0", "--restart"])
        try await restarted.run()
        #expect(try lines(output).count == 9)
    }
}
