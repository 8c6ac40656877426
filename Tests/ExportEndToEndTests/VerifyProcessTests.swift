import AsyncHTTPClient
import ExportTestSupport
import Foundation
import NIOCore
import Testing

/// `verify` against a simulator child process: what was sent is what is stored, until someone
/// changes a contact, or Omnisend ignored a status with an older date.
@Suite(.serialized, .enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
struct VerifyProcessTests {
    /// `POST /v5/contacts` straight to the simulator, as another integration would.
    private func store(_ json: String, simulator: SimulatorProcess, key: String) async throws {
        var request = HTTPClientRequest(url: simulator.v5 + "/contacts")
        request.method = .POST
        request.headers.add(name: "X-API-KEY", value: key)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect((200..<300).contains(Int(response.status.code)), "POST /contacts: \(response.status)")
    }

    private func contact(_ index: Int, firstName: String, status: String, date: String) -> String {
        "{\"identifiers\":[{\"type\":\"email\",\"id\":\"\(TestRunFolder.email(index))\",\"channels\":{\"email\":{\"status\":\"\(status)\","
            + "\"statusDate\":\"\(date)\"}}}],\"firstName\":\"\(firstName)\"}"
    }

    @Test func verifyFindsNothingThenAContactChangedBehindOurBack() async throws {
        let key = "verify-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let env = ["OMNISEND_API_KEY": key]
        let folder = try TestRunFolder.make(contacts: 6, perChunk: 3)
        let upload = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(upload.status == 0, "\(upload.output)")

        let clean = try CLI.run(["verify", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(clean.status == 0, "\(clean.output)")
        #expect(clean.stdout == "checked 6 contact(s): 0 differ\n", "\(clean.output)")
        #expect(clean.stderr.contains("verify: 6 stored contact(s) read in 1 request(s) (GET /contacts pages)"), "\(clean.stderr)")

        try await store(contact(1, firstName: "Changed", status: "subscribed", date: "2024-01-01T00:00:00Z"), simulator: simulator, key: key)
        let changed = try CLI.run(["verify", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(changed.status == 2, "\(changed.output)")
        let lines = changed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines.last == "checked 6 contact(s): 1 differ", "\(changed.output)")
        #expect(lines.first?.hasPrefix("chunk 1 item 1 email#") == true && lines.first?.hasSuffix(": firstName") == true, "\(changed.output)")
        #expect(lines.dropFirst().first == "  firstName: sent \"User1\" | stored \"Changed\"", "sent and stored side by side: \(changed.output)")
        #expect(!changed.output.contains("@"))
        let shown = try CLI.run(["verify", folder, "--base-url", simulator.v5, "--show-emails"], environment: env, scratch: folder)
        #expect(shown.stdout.hasPrefix("chunk 1 item 1 \(TestRunFolder.email(1)): firstName\n"), "\(shown.output)")

        let sampled = try CLI.run(["verify", folder, "--base-url", simulator.v5, "--sample", "2"], environment: env, scratch: folder)
        #expect(sampled.stdout.contains("checked 2 contact(s)"), "\(sampled.output)")
        #expect(sampled.stderr.contains("in 1 request(s) (GET /contacts pages)"), "one page beats two lookups: \(sampled.stderr)")
        let looked = try CLI.run(["verify", folder, "--base-url", simulator.v5, "--sample", "2", "--read", "lookup"], environment: env, scratch: folder)
        #expect(looked.stdout.contains("checked 2 contact(s)") && looked.stderr.contains("in 2 request(s) (one GET /contacts?email= each)"), "\(looked.output)")
        let listed = try CLI.run(["verify", folder, "--base-url", simulator.v5, "--sample", "2", "--read", "list", "--page-size", "4"], environment: env, scratch: folder)
        #expect(listed.stdout.contains("checked 2 contact(s)") && listed.stderr.contains("in 2 request(s) (GET /contacts pages)"), "\(listed.output)")

        // --repair: a new run folder with the contact that differs, sent again by `upload`.
        let repaired = try CLI.run(["verify", folder, "--base-url", simulator.v5, "--repair"], environment: env, scratch: folder)
        #expect(repaired.status == 2, "\(repaired.output)")
        #expect(repaired.stdout.contains("repair: 1 contact(s) to send again in \(folder)-repair; send them with: omnisend-export upload \(folder)-repair"), "\(repaired.output)")
        let resend = try CLI.run(["upload", folder + "-repair", "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(resend.status == 0, "\(resend.output)")
        let after = try CLI.run(["verify", folder, "--base-url", simulator.v5, "--repair"], environment: env, scratch: folder)
        #expect(after.status == 0 && after.stdout == "checked 6 contact(s): 0 differ\nrepair: nothing to send again\n", "\(after.output)")
        #expect(!FileManager.default.fileExists(atPath: folder + "-repair-2"))
    }

    @Test func aStatusKeptByTheDateRuleIsNotADifference() async throws {
        let key = "verify-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let env = ["OMNISEND_API_KEY": key]
        // Stored first with a newer status date: our "subscribed" of 2024-01-01 is kept out by the rule.
        try await store(contact(2, firstName: "User2", status: "unsubscribed", date: "2025-06-01T00:00:00Z"), simulator: simulator, key: key)
        let folder = try TestRunFolder.make(contacts: 4, perChunk: 4)
        let upload = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(upload.status == 0, "Omnisend accepts the item while keeping its later status: \(upload.output)")
        let verify = try CLI.run(["verify", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.stdout == "checked 4 contact(s): 0 differ (1 kept a status Omnisend holds with a later date: its date rule, not a difference)\n", "\(verify.output)")
    }

    @Test func verifyWithoutAKeyOrURLIsAConfigurationError() throws {
        let folder = try TestRunFolder.make(contacts: 2, perChunk: 2)
        let result = try CLI.run(["verify", folder], scratch: folder)
        #expect(result.status == 78, "\(result.output)")
        #expect(result.stderr.contains("no API key: the environment variable OMNISEND_API_KEY is not set"), "\(result.stderr)")
    }
}
