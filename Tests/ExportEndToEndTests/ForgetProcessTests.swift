import ExportCore
import ExportTestSupport
import ExportUpload
import Foundation
import Testing

/// `forget EMAIL` on real run folders: prepare and upload with the binary, forget, then grep
/// every byte of the folder and upload again.
@Suite(.serialized, .enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
struct ForgetProcessTests {
    private func manifest(_ folder: String) throws -> RunManifest {
        try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
    }

    @Test func forgetAlsoScrubsTheCheckpointKeptFromAnEarlierDestination() throws {
        // A rehearsal first (its checkpoint records the refused item with its contact), then the
        // real upload, which keeps the rehearsal's checkpoint as checkpoint-1.sqlite.
        let key = "forget-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let base = CLI.scratch("forget-archived")
        let folder = try TestRunFolder.make(contacts: 4, perChunk: 2, invalid: [1], at: base + "/runs/one")
        let rehearsal = try CLI.run(["upload", folder, "--rehearse"], scratch: base)
        #expect(rehearsal.status == 2, "the invalid contact fails: \(rehearsal.output)")
        let real = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: ["OMNISEND_API_KEY": key], scratch: base)
        #expect(real.status == 2, "\(real.output)")
        #expect(FileManager.default.fileExists(atPath: folder + "/checkpoint-1.sqlite"))
        let person = TestRunFolder.email(1)  // chunk 1, item 1: refused by both destinations
        func failedRows(_ file: String) throws -> Int {
            try CheckpointStore(path: folder + "/" + file).failedItems().filter { $0.chunk == 1 && $0.item == 1 }.count
        }
        #expect(try failedRows("checkpoint-1.sqlite") == 1 && failedRows("checkpoint.sqlite") == 1)

        let forgot = try CLI.run(["forget", person, "--runs", folder], scratch: base)
        #expect(forgot.status == 0, "\(forgot.output)")
        #expect(CLI.files(in: folder, containing: person).isEmpty, "\(CLI.files(in: folder, containing: person))")
        #expect(try failedRows("checkpoint-1.sqlite") == 0 && failedRows("checkpoint.sqlite") == 0, "the person's answers are gone from both")
    }

    @Test func forgetErasesEveryTraceAndTheFolderStillUploads() throws {
        let key = "forget-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let env = ["OMNISEND_API_KEY": key]
        let folder = CLI.scratch("forget-sample")
        let uploaded = try CLI.run(["run", "pipelines/sample-csv.yaml", "--out", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(uploaded.status == 0, "\(uploaded.output)")
        let person = "ana.popescu@example.ro"  // kept in chunk 1 and once a duplicate
        #expect(!CLI.files(in: folder, containing: person).isEmpty)
        let before = try manifest(folder)

        let dry = try CLI.run(["forget", "  Ana.Popescu@Example.RO ", "--runs", folder, "--dry-run"], scratch: folder)
        #expect(dry.status == 0 && dry.stdout.contains("would forget email#"), "\(dry.output)")
        #expect(!CLI.files(in: folder, containing: person).isEmpty)

        let forgot = try CLI.run(["forget", "Ana.Popescu@Example.RO", "--runs", folder], scratch: folder)
        #expect(forgot.status == 0, "\(forgot.output)")
        #expect(!forgot.output.lowercased().contains(person))
        #expect(forgot.stdout.contains("chunks/chunk-000001.json: 1 line(s) removed"))
        #expect(forgot.stdout.contains("contacts.ndjson: 1 line(s) removed"))
        #expect(forgot.stdout.contains("duplicates.ndjson: 1 line(s) removed"))
        #expect(forgot.stdout.contains("checkpoint.sqlite: 1 chunk(s) updated"))
        #expect(CLI.files(in: folder, containing: person).isEmpty, "\(CLI.files(in: folder, containing: person))")
        #expect(CLI.files(in: folder, containing: "ana.popescu").isEmpty)

        let after = try manifest(folder)
        #expect(after.counts.kept == before.counts.kept - 1)
        #expect(after.counts.duplicates == before.counts.duplicates - 1)
        #expect(after.counts.forgotten == 2 && after.counts.rows == before.counts.rows && after.counts.isBalanced)
        #expect(after.inputs.allSatisfy { $0.counts.isBalanced })
        #expect(after.chunks[0].contacts == before.chunks[0].contacts - 1 && after.chunks[0].sha256 != before.chunks[0].sha256)
        #expect(!(after.counts.forgotten.map { "\($0)" } ?? "").isEmpty)

        // The uploader accepts the folder, sends nothing again, and the accounting still holds.
        let again = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.split(separator: " ").joined(separator: " ").contains("reconciled / re-posted 0 / 0"))
        let status = try CLI.run(["status", folder, "--json"], scratch: folder)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(json?["chunksDone"] as? Int == after.chunks.count && json?["chunksPending"] as? Int == 0)
        // One POST and one status read (a list page): the clean batch needs no /items read.
        #expect(json?["requests"] as? Int == 2, "no request after forget: \(status.stdout)")

        // Forgetting again finds nothing.
        let twice = try CLI.run(["forget", person, "--runs", folder], scratch: folder)
        #expect(twice.status == 0 && twice.stdout.contains("not found"), "\(twice.output)")
    }

    @Test func forgetDropsEmptiedChunksFailuresAndRetryTraces() throws {
        let key = "forget-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let env = ["OMNISEND_API_KEY": key]
        // Contact 3 fails at Omnisend (invalid country); chunks of one contact each.
        let folder = try TestRunFolder.make(contacts: 6, perChunk: 1, invalid: [3])
        let first = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(first.status == 2, "\(first.output)")
        let person = TestRunFolder.email(3)
        #expect(CLI.files(in: folder, containing: person).contains("failed.ndjson"))
        let inspected = try CLI.run(["inspect", folder, "--failed"], scratch: folder)
        #expect(!inspected.output.contains(person) && inspected.stdout.contains("email#"), "\(inspected.output)")

        let forgot = try CLI.run(["forget", person, "--runs", folder], scratch: folder)
        #expect(forgot.status == 0, "\(forgot.output)")
        #expect(forgot.stdout.contains("chunks/chunk-000004.json: deleted"), "\(forgot.output)")
        #expect(forgot.stdout.contains("failed.ndjson: 1 line(s) removed"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/chunks/chunk-000004.json"))
        #expect(CLI.files(in: folder, containing: person).isEmpty, "\(CLI.files(in: folder, containing: person))")
        let after = try manifest(folder)
        #expect(after.chunks.count == 5 && after.counts.kept == 5 && after.counts.forgotten == 1)

        let again = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        #expect(again.status == 0, "nothing failed is left: \(again.output)")
        let status = try CLI.run(["status", folder, "--json"], scratch: folder)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(json?["chunksDone"] as? Int == 5 && json?["failed"] as? Int == 0 && json?["accepted"] as? Int == 5, "\(status.stdout)")
        // The other contacts' lines still point at the right chunk and item.
        let chunk5 = try CLI.run(["inspect", folder, "--chunk", "5", "--show-emails"], scratch: folder)
        #expect(chunk5.stdout.contains(TestRunFolder.email(4)) && chunk5.stdout.contains("input.csv:6"), "\(chunk5.output)")
    }

    @Test func forgetDeletesAStoppedVerifysSpoolThatHoldsThePerson() throws {
        let folder = try TestRunFolder.make(contacts: 2, perChunk: 2)
        // What a verify stopped mid-read leaves: the stored contacts found so far and its progress.
        let spool = folder + "/.verify-spool"
        let progress = folder + "/.verify-progress.json"
        try Data(("\u{1}\0\0\0\u{10}\0\0\0" + TestRunFolder.item(1)).utf8).write(to: URL(fileURLWithPath: spool))
        try Data("{\"formatVersion\":1}\n".utf8).write(to: URL(fileURLWithPath: progress))
        let other = try CLI.run(["forget", "nobody@example.com", "--runs", folder], scratch: folder)
        #expect(other.status == 0 && FileManager.default.fileExists(atPath: spool), "a spool without the person stays: \(other.output)")
        let forgot = try CLI.run(["forget", TestRunFolder.email(1).uppercased(), "--runs", folder], scratch: folder)
        #expect(forgot.status == 0, "\(forgot.output)")
        #expect(forgot.output.contains(".verify-spool: a stopped verify's stored contacts deleted (the next verify starts over)"), "\(forgot.output)")
        #expect(!FileManager.default.fileExists(atPath: spool) && !FileManager.default.fileExists(atPath: progress))
        #expect(CLI.files(in: folder, containing: TestRunFolder.email(1)).isEmpty)
    }

    @Test func forgetWithoutACheckpointRenumbersChunksForTheFirstUpload() throws {
        let key = "forget-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let folder = try TestRunFolder.make(contacts: 4, perChunk: 1)
        let forgot = try CLI.run(["forget", TestRunFolder.email(1), "--runs", folder], scratch: folder)
        #expect(forgot.status == 0, "\(forgot.output)")
        let contacts = try String(contentsOfFile: folder + "/contacts.ndjson", encoding: .utf8)
        #expect(contacts.contains("\"email\":\"\(TestRunFolder.email(2))\",\"chunk\":2,\"item\":0"), "\(contacts)")
        let upload = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: ["OMNISEND_API_KEY": key], scratch: folder)
        #expect(upload.status == 0, "\(upload.output)")
        let chunk2 = try CLI.run(["inspect", folder, "--chunk", "2", "--show-emails"], scratch: folder)
        #expect(chunk2.stdout.contains(TestRunFolder.email(2)) && chunk2.stdout.contains("input.csv:4"), "\(chunk2.output)")
    }

    @Test func forgetFindsRunFoldersBelowAFolderAndRefusesATamperedChunk() throws {
        let parent = CLI.scratch("forget-runs")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let a = try TestRunFolder.make(contacts: 3, perChunk: 2)
        let b = try TestRunFolder.make(contacts: 3, perChunk: 2)
        try FileManager.default.moveItem(atPath: a, toPath: parent + "/a")
        try FileManager.default.moveItem(atPath: b, toPath: parent + "/b")
        try Data("{\"tampered\":true}".utf8).write(to: URL(fileURLWithPath: parent + "/b/chunks/chunk-000001.json"))
        let result = try CLI.run(["forget", TestRunFolder.email(0), "--runs", parent], scratch: parent)
        #expect(result.status == 65, "\(result.output)")
        #expect(result.stdout.contains("\(parent)/a: forgot email#"))
        #expect(result.stderr.contains("chunk-000001.json") && !result.output.contains(TestRunFolder.email(0)))
    }
}
