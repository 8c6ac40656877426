import AsyncHTTPClient
import ExportTestSupport
import Foundation
import NIOCore
import OmnisendSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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

    /// `POST /contacts` to `base` (an in-process simulator's v5), as another integration would.
    private func store(_ json: String, base: String, key: String) async throws {
        var request = HTTPClientRequest(url: base + "/contacts")
        request.method = .POST
        request.headers.add(name: "X-API-KEY", value: key)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect((200..<300).contains(Int(response.status.code)), "POST /contacts: \(response.status)")
    }

    /// Every request the simulator answered, in arrival order.
    private func requests(_ simulator: RunningSimulator) async throws -> [(at: Double, method: String, path: String, status: String)] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: simulator.rootURL + "/__simulator/requests"), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 64 << 20)
        let text = body.readString(length: body.readableBytes) ?? ""
        return try text.split(separator: "\n").compactMap { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let at = object["at"] as? Double, let method = object["method"] as? String, let path = object["path"] as? String,
                let status = object["status"] as? String
            else { return nil }
            return (at, method, path, status)
        }.sorted { $0.at < $1.at }
    }

    /// Waits (at most a minute) until `path` exists or `child` ended.
    private func awaitFile(_ path: String, of child: Process) {
        let deadline = Date().addingTimeInterval(60)
        while child.isRunning && Date() < deadline && !FileManager.default.fileExists(atPath: path) { usleep(2_000) }
    }

    @Test func aKilledVerifyContinuesFromItsLastPageAndRestartStartsOver() async throws {
        let key = "verify-key-\(UUID().uuidString)"
        // Every answer 100 ms late: 40 pages of 2 take seconds, so the kill lands mid-read.
        let simulator = try await TestSimulator.start(key: key, faults: "slow:1") { $0.slowResponseDelay = .milliseconds(100) }
        defer { Task { try? await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        let env = ["OMNISEND_API_KEY": key, "OMNISEND_EXPORT_STATE_DIR": CLI.scratch("verify-state")]
        let folder = try TestRunFolder.make(contacts: 80, perChunk: 40)
        let upload = try CLI.run(["upload", folder, "--base-url", base], environment: env, scratch: folder)
        #expect(upload.status == 0, "\(upload.output)")
        // Changed behind our back: the one difference, to be reported once whatever the stops.
        try await store(contact(1, firstName: "Changed", status: "subscribed", date: "2024-01-01T00:00:00Z"), base: base, key: key)
        let sentBefore = try await requests(simulator).count

        let verify = ["verify", folder, "--base-url", base, "--page-size", "2", "--rate-limit", "0"]
        let progress = folder + "/.verify-progress.json"
        let (child, _, _) = try CLI.start(verify, environment: env, scratch: folder)
        awaitFile(progress, of: child)
        #expect(child.isRunning, "the verify ended before the kill")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: progress))) as? [String: Any]
        let pagesBefore = try #require(saved?["pages"] as? Int)
        #expect(pagesBefore >= 1 && pagesBefore < 40, "\(String(describing: saved))")
        #expect((try FileManager.default.attributesOfItem(atPath: folder + "/.verify-spool")[.posixPermissions] as? Int) == 0o600)

        let resumed = try CLI.run(verify, environment: env, scratch: folder)
        #expect(resumed.status == 2, "\(resumed.output)")
        #expect(resumed.stderr.contains("verify: continuing a stopped verify after "), "\(resumed.stderr)")
        #expect(resumed.stdout.hasSuffix("checked 80 contact(s): 1 differ\n"), "\(resumed.output)")
        #expect(resumed.stdout.components(separatedBy: ": firstName\n").count == 2, "the difference found once: \(resumed.stdout)")
        #expect(!FileManager.default.fileExists(atPath: progress) && !FileManager.default.fileExists(atPath: folder + "/.verify-spool"))
        let total = try #require(resumed.stderr.range(of: " request(s) (GET /contacts pages").map { range in
            Int(resumed.stderr[..<range.lowerBound].reversed().prefix { $0.isNumber }.reversed().map(String.init).joined())
        })
        let pagesAfterKill = try await requests(simulator).dropFirst(sentBefore).filter { $0.method == "GET" && $0.path == "/v5/contacts" }.count

        // --restart reads every page again: as many requests as both sessions together, give or
        // take the page the kill cut short.
        let restarted = try CLI.run(verify + ["--restart"], environment: env, scratch: folder)
        #expect(restarted.status == 2 && !restarted.stderr.contains("continuing"), "\(restarted.output)")
        #expect(restarted.stdout == resumed.stdout)
        #expect(restarted.stderr.contains("verify: 80 stored contact(s) read in \(total ?? -1) request(s) (GET /contacts pages)"), "\(restarted.stderr)")
        #expect(pagesAfterKill <= (total ?? 0) + 1, "no page read twice but the one in flight at the kill")

        // Ctrl-C: it says where it stopped and how to go on; the same command then continues.
        let (interrupted, _, interruptedErr) = try CLI.start(verify, environment: env, scratch: folder)
        awaitFile(progress, of: interrupted)
        kill(interrupted.processIdentifier, SIGINT)
        interrupted.waitUntilExit()
        let said = (try? String(contentsOfFile: interruptedErr, encoding: .utf8)) ?? ""
        #expect(interrupted.terminationStatus == 130, "\(said)")
        #expect(said.contains("verify: interrupted after ") && said.contains("run the same command again to continue, or add --restart"), "\(said)")
        let continued = try CLI.run(verify, environment: env, scratch: folder)
        #expect(continued.status == 2 && continued.stderr.contains("verify: continuing a stopped verify"), "\(continued.output)")
        #expect(continued.stdout == resumed.stdout)
    }

    @Test func anUploadAndAVerifyOfOneDestinationShareOneRateShare() async throws {
        let key = "verify-key-\(UUID().uuidString)"
        // 20 requests per 2-second window; the upload and the verify may each take 80% (16) alone.
        // Two processes that did not share the ledger would send up to 32 a window and meet 429s.
        let simulator = try await TestSimulator.start(key: key) {
            $0.rateLimitPerMinute = 20
            $0.rateLimitWindow = .seconds(2)
        }
        defer { Task { try? await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        let env = ["OMNISEND_API_KEY": key, "OMNISEND_EXPORT_STATE_DIR": CLI.scratch("verify-state"), "OMNISEND_EXPORT_RATE_WINDOW_SECONDS": "2"]
        let verified = try TestRunFolder.make(contacts: 40, perChunk: 20)
        let first = try CLI.run(["upload", verified, "--base-url", base, "--rate-limit", "20", "--no-destination-check"], environment: env, scratch: verified)
        #expect(first.status == 0, "\(first.output)")
        try await Task.sleep(for: .seconds(2.2))
        let before = try await requests(simulator).count

        let uploading = try TestRunFolder.make(contacts: 40, perChunk: 2)
        let (verify, verifyOut, verifyErr) = try CLI.start(
            ["verify", verified, "--base-url", base, "--rate-limit", "20", "--page-size", "1"], environment: env, scratch: verified)
        awaitFile(verified + "/.verify-progress.json", of: verify)
        let (upload, _, uploadErr) = try CLI.start(
            ["upload", uploading, "--base-url", base, "--rate-limit", "20", "--no-destination-check"], environment: env, scratch: uploading)
        let deadline = Date().addingTimeInterval(120)
        while (verify.isRunning || upload.isRunning) && Date() < deadline { usleep(20_000) }
        verify.waitUntilExit()
        upload.waitUntilExit()
        let verifyText = ((try? String(contentsOfFile: verifyOut, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: verifyErr, encoding: .utf8)) ?? "")
        #expect(verify.terminationStatus == 0 && verifyText.contains("checked 40 contact(s): 0 differ"), "\(verifyText)")
        #expect(upload.terminationStatus == 0, "\((try? String(contentsOfFile: uploadErr, encoding: .utf8)) ?? "")")

        let log = Array(try await requests(simulator).dropFirst(before))
        let reads = log.filter { $0.path == "/v5/contacts" }
        let posts = log.filter { $0.method == "POST" }
        #expect(reads.count >= 40 && posts.count >= 20, "both ran: \(reads.count) reads, \(posts.count) POSTs")
        #expect((reads.last?.at ?? 0) > (posts.first?.at ?? .infinity), "the verify and the upload overlapped")
        #expect(!log.contains { $0.status == "429" }, "no 429")
        for (index, request) in log.enumerated() {
            // A window a little shorter than the ledger's: arrival times jitter by the latency.
            let inWindow = log[index...].prefix { $0.at < request.at + 1.9 }.count
            #expect(inWindow <= 16, "\(inWindow) requests in one window from \(request.at): more than the share")
        }
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
