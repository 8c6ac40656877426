import ExportTestSupport
import Foundation
import Testing

/// `status` and `inspect` on real run folders, through the binary: what they print, with emails
/// as keyed hashes unless `--show-emails`.
@Suite(.serialized, .enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
struct StatusInspectProcessTests {
    private let sample = "samples/exports/segment-small.csv"

    @Test func statusAndInspectOfTheUploadedSample() throws {
        let key = "status-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let folder = CLI.scratch("status-sample")
        let prepared = try CLI.run(["prepare", "pipelines/sample-csv.yaml", "--out", folder], scratch: folder)
        #expect(prepared.status == 0, "\(prepared.output)")

        // Before any upload: everything pending, from the manifest.
        let before = try CLI.run(["status", folder, "--json"], scratch: folder)
        let pending = try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any]
        #expect(pending?["chunksPending"] as? Int == 1 && pending?["contacts"] as? Int == 7 && pending?["requests"] as? Int == 0)

        let upload = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: ["OMNISEND_API_KEY": key], scratch: folder)
        #expect(upload.status == 0, "\(upload.output)")

        let status = try CLI.run(["status", folder, "--json"], scratch: folder)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["chunksPending"] as? Int == 0 && json["chunksInFlight"] as? Int == 0)
        #expect(json["chunksDone"] as? Int == 1 && json["chunksFailed"] as? Int == 0)
        #expect(json["contacts"] as? Int == 7 && json["accepted"] as? Int == 7 && json["failed"] as? Int == 0)
        // A POST and the batch list (no /items read for the clean batch; issue 19).
        #expect((json["requests"] as? Int ?? 0) >= 2 && json["retries"] as? Int == 0 && json["rateLimited"] as? Int == 0)
        let kinds = try #require(json["requestsByKind"] as? [String: Int])
        #expect(kinds["post"] == 1 && kinds["items"] == 0 && kinds["batch"] == 0 && (kinds["list"] ?? 0) >= 1)
        #expect(kinds.values.reduce(0, +) == json["requests"] as? Int)
        #expect((json["requestsPer1000Contacts"] as? Double ?? 0) > 0)
        #expect((json["lastErrors"] as? [String])?.isEmpty == true && json["etaSeconds"] as? Double == 0)
        let text = try CLI.run(["status", folder], scratch: folder)
        #expect(text.stdout.hasPrefix("chunks: 0 pending, 0 in flight, 1 done, 0 failed\ncontacts: 7 accepted, 0 failed, of 7\n"), "\(text.stdout)")

        let summary = try CLI.run(["inspect", folder], scratch: folder)
        #expect(
            summary.stdout.hasPrefix("rows 15 = kept 7 + rejected 6 + duplicates 2 + filtered 0\ndestination: \(simulator.v5) (API v5, key fingerprint "),
            "\(summary.stdout)")

        let chunk = try CLI.run(["inspect", folder, "--chunk", "1"], scratch: folder)
        let lines = chunk.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 8, "\(chunk.stdout)")
        #expect(lines[0].hasPrefix("chunk 1: chunks/chunk-000001.json, 7 contacts, done, batch ") && lines[0].hasSuffix(", 7 accepted, 0 failed"))
        #expect(lines[1].hasPrefix("  0 email#") && lines[1].hasSuffix("  \(sample):2"), "\(lines[1])")
        #expect(!chunk.stdout.contains("@"))
        let shown = try CLI.run(["inspect", folder, "--chunk", "1", "--show-emails"], scratch: folder)
        #expect(shown.stdout.contains("  0 ana.popescu@example.ro  \(sample):2"), "\(shown.stdout)")
        #expect(try CLI.run(["inspect", folder, "--chunk", "2"], scratch: folder).status == 64)

        let person = try CLI.run(["inspect", folder, "--contact", "ANA.POPESCU@example.ro"], scratch: folder)
        #expect(person.stdout.contains("kept: \(sample):2, chunk 1 item 0, done, batch "), "\(person.stdout)")
        #expect(person.stdout.contains("duplicate: \(sample):8 of \(sample):2"), "\(person.stdout)")
        // Pasted with a line break: normalised as prepare normalises (EmailNormalizer), so found.
        let pasted = try CLI.run(["inspect", folder, "--contact", " Ana.Popescu@EXAMPLE.ro\n"], scratch: folder)
        #expect(pasted.status == 0 && pasted.stdout == person.stdout, "\(pasted.output)")
        let nobody = try CLI.run(["inspect", folder, "--contact", "nobody@example.com"], scratch: folder)
        #expect(nobody.stdout == "not found in this run folder\n" && nobody.status == 1, "\(nobody.output)")
        #expect(person.status == 0)

        let rejects = try CLI.run(["inspect", folder, "--rejects"], scratch: folder)
        let counted = rejects.stdout.split(separator: "\n").prefix { !$0.isEmpty }.compactMap { Int($0.split(separator: " ").first ?? "") }
        #expect(counted.reduce(0, +) == 6, "\(rejects.stdout)")
        #expect(rejects.stdout.contains("\(sample):6 email_invalid no @"), "\(rejects.stdout)")
    }

    @Test func inspectFailedListsOmnisendsAnswersWithHashedEmails() throws {
        let key = "status-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let folder = try TestRunFolder.make(contacts: 5, perChunk: 5, invalid: [1, 3])
        let upload = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: ["OMNISEND_API_KEY": key], scratch: folder)
        #expect(upload.status == 2, "\(upload.output)")
        let failed = try CLI.run(["inspect", folder, "--failed"], scratch: folder)
        let lines = failed.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("2  ") == true, "one reason, twice: \(failed.stdout)")
        #expect(lines.contains { $0.hasPrefix("input.csv:3 chunk 1 item 1 email#") }, "\(failed.stdout)")
        #expect(lines.contains { $0.hasPrefix("input.csv:5 chunk 1 item 3 email#") }, "\(failed.stdout)")
        #expect(!failed.stdout.contains("@"))
        let shown = try CLI.run(["inspect", folder, "--failed", "--show-emails"], scratch: folder)
        #expect(shown.stdout.contains("input.csv:3 chunk 1 item 1 \(TestRunFolder.email(1))"), "\(shown.stdout)")
        let status = try CLI.run(["status", folder, "--json"], scratch: folder)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(json?["accepted"] as? Int == 3 && json?["failed"] as? Int == 2, "\(status.stdout)")
        #expect(try CLI.run(["inspect", try TestRunFolder.make(contacts: 1, perChunk: 1), "--failed"], scratch: folder).stdout == "none\n")
    }
}
