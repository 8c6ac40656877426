import AsyncHTTPClient
import ExportCore
import ExportTestSupport
import Foundation
import OmnisendSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Incremental sync end to end (issue 15): `prepare --incremental` and `upload` as child
/// processes against an in-process simulator, the destination state in a temporary folder.
@Suite(.serialized, .enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
struct SyncProcessTests {
    static let key = "sync-key-\(UUID().uuidString)"

    /// One export row: an email, a first name; `name: nil` writes a blank name (rejected by `require`).
    struct Person {
        var email: String
        var name: String?
    }

    /// A folder with a pipeline (`sync:` as given) reading `export.csv`.
    final class Workspace {
        let directory: TemporaryDirectory
        let stateDirectory: String
        let pipeline: String

        init(sync: String, limits: String = "") throws {
            directory = try TemporaryDirectory(prefix: "sync")
            stateDirectory = directory.path + "/state"
            try FileManager.default.createDirectory(atPath: directory.path + "/runs", withIntermediateDirectories: true)
            pipeline = try directory.write("newsletter.yaml", """
                version: 1
                name: newsletter
                inputs: [export.csv]
                mapping:
                  email: Email
                  first_name: Name
                  status: { value: subscribed }
                  status_date: Since
                  custom_properties:
                    importedOn: { source: run_date, type: date }
                    sourceRow: { source: row_number, type: integer }
                  require: [first_name]
                destination: { api_version: v5, api_key_env: OMNISEND_API_KEY, name: test-brand }
                sync: \(sync)
                \(limits)

                """)
        }

        /// Writes the export: a header, then one row per person (in this order).
        func export(_ people: [Person]) throws {
            var text = "Email,Name,Since\n"
            for person in people { text += "\(person.email),\(person.name ?? ""),2024-05-01T10:00:00Z\n" }
            try directory.write("export.csv", text)
        }

        var environment: [String: String] { ["OMNISEND_API_KEY": SyncProcessTests.key, "OMNISEND_EXPORT_STATE_DIR": stateDirectory] }

        func prepare(_ name: String, runDate: String, _ extra: [String] = []) throws -> (CLI.Result, String) {
            let folder = directory.path + "/runs/" + name
            let result = try CLI.run(
                ["prepare", pipeline, "--out", folder, "--run-date", runDate] + extra, environment: environment, scratch: folder)
            return (result, folder)
        }

        func upload(_ folder: String, simulator: RunningSimulator) throws -> CLI.Result {
            try CLI.run(["upload", folder, "--base-url", simulator.baseURL(for: "v5")], environment: environment, scratch: folder)
        }

        func state(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(["state"] + arguments, environment: environment, scratch: directory.path + "/state-cmd")
        }
    }

    static func manifest(_ folder: String) throws -> RunManifest {
        try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
    }

    /// The emails in a run folder's chunks, in order.
    static func chunkEmails(_ folder: String) throws -> [String] {
        var emails: [String] = []
        for entry in try manifest(folder).chunks {
            let text = try String(contentsOfFile: folder + "/" + entry.file, encoding: .utf8)
            for line in text.split(separator: "\n").dropFirst().dropLast() {
                let object = try JSONSerialization.jsonObject(with: Data(line.trimmingSuffix(",").utf8)) as? [String: Any]
                let identifiers = object?["identifiers"] as? [[String: Any]] ?? []
                if let email = identifiers.first(where: { $0["type"] as? String == "email" })?["id"] as? String { emails.append(email) }
            }
        }
        return emails
    }

    static func stats(_ simulator: RunningSimulator) async throws -> SimulatorStats {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: simulator.rootURL + "/__simulator/stats"), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 1 << 20)
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(body.readBytes(length: body.readableBytes) ?? []))
    }

    /// Every stored contact: email → tags.
    static func storedTags(_ simulator: RunningSimulator) async throws -> [String: [String]] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: simulator.rootURL + "/__simulator/contacts"), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 1 << 24)
        let text = String(decoding: body.readBytes(length: body.readableBytes) ?? [], as: UTF8.self)
        var out: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            let identifiers = object["identifiers"] as? [[String: Any]] ?? []
            guard let email = identifiers.first(where: { $0["type"] as? String == "email" })?["id"] as? String ?? object["email"] as? String
            else { continue }
            out[email] = object["tags"] as? [String] ?? []
        }
        return out
    }

    @Test func theSecondRunSendsExactlyTheChangedNewAndLeavingContacts() async throws {
        let simulator = try await TestSimulator.start(key: Self.key)
        defer { Task { try? await simulator.stop() } }
        let workspace = try Workspace(
            sync: "{ mode: incremental, leavers: tag }", limits: "limits: { max_leaver_rate: 0.05 }\nchunks: { max_items: 10 }")
        var people = (1...200).map { Person(email: "person\($0)@example.com", name: "Name\($0)") }
        try workspace.export(people)

        // Run 1: an empty state; everyone is sent and recorded.
        let (first, one) = try workspace.prepare("one", runDate: "2026-12-01")
        #expect(first.status == 0, "\(first.output)")
        let m1 = try Self.manifest(one)
        #expect(m1.counts.kept == 200 && m1.counts.unchanged == 0 && m1.contactsInChunks == 200)
        #expect(m1.chunks.count == 20)
        #expect(m1.sync?.stateVersion == 0)
        #expect(m1.sync?.volatileFields.sorted() == ["customProperties.importedOn", "customProperties.sourceRow"])
        let up1 = try workspace.upload(one, simulator: simulator)
        #expect(up1.status == 0, "\(up1.output)")
        #expect(up1.output.contains("sync: recorded 200 accepted contact(s)"))
        let requestsAfterOne = try await Self.stats(simulator).requestsByStatus.values.reduce(0, +)
        let received1 = try await Self.stats(simulator).itemsReceived

        // The next export: 2% changed, 1% left, 1% joined, one row rejected (blank name), rows
        // shuffled, and another run date (row numbers and importedOn change for everyone).
        for i in [10, 20, 30, 40] { people[i - 1].name = "Renamed\(i)" }
        people[49].name = nil  // person50: rejected, but still named: no leaver
        people.removeAll { $0.email == "person100@example.com" || $0.email == "person150@example.com" }
        people += [Person(email: "new1@example.com", name: "New1"), Person(email: "new2@example.com", name: "New2")]
        var random = SplitMix64(seed: 15)
        for i in stride(from: people.count - 1, to: 0, by: -1) { people.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        try workspace.export(people)

        let (second, two) = try workspace.prepare("two", runDate: "2026-12-02")
        #expect(second.status == 0, "\(second.output)")
        let m2 = try Self.manifest(two)
        #expect(m2.counts.rows == 200)
        #expect(m2.counts.rejected == 1)
        #expect(m2.counts.kept == 199)
        #expect(m2.counts.unchanged == 193)
        #expect(m2.counts.sent == 6)
        #expect(m2.counts.isBalanced)
        #expect(m2.inputs[0].counts.unchanged == 193)
        #expect(m2.sync?.leavers == 2)
        #expect(m2.sync?.stateVersion == 1)
        let sent = Set(try Self.chunkEmails(two))
        let expected: Set<String> = [
            "person10@example.com", "person20@example.com", "person30@example.com", "person40@example.com",
            "new1@example.com", "new2@example.com", "person100@example.com", "person150@example.com",
        ]
        #expect(sent == expected)
        let unchangedLines = try String(contentsOfFile: two + "/unchanged.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(unchangedLines.count == 193)
        let leaverLines = try String(contentsOfFile: two + "/leavers.ndjson", encoding: .utf8)
        #expect(leaverLines.contains("person100@example.com") && leaverLines.contains(#""action":"tag""#))
        #expect(second.stdout.contains("sent 6 + unchanged 193"))
        // check and inspect show the sync before the upload.
        let check = try CLI.run(["check", workspace.pipeline], environment: workspace.environment, scratch: two + "-check")
        #expect(check.stdout.contains("sync: incremental against the destination state test-brand/newsletter (version 1, 200 contact(s), 0 left)"), "\(check.output)")
        let inspect = try CLI.run(["inspect", two], environment: workspace.environment, scratch: two + "-inspect")
        #expect(inspect.stdout.contains("sent 6, unchanged 193 (unchanged.ndjson), leavers (tag) 2 (leavers.ndjson)"), "\(inspect.output)")

        let up2 = try workspace.upload(two, simulator: simulator)
        #expect(up2.status == 0, "\(up2.output)")
        let after = try await Self.stats(simulator)
        // The simulator's ledger: exactly the 8 items of run two arrived.
        #expect(after.itemsReceived - received1 == 8)
        let requestsOfTwo = after.requestsByStatus.values.reduce(0, +) - requestsAfterOne
        #expect(m2.chunks.count == 1)
        #expect(requestsOfTwo * 4 < requestsAfterOne, "run two: \(requestsOfTwo) requests, run one: \(requestsAfterOne)")
        Swift.print("sync figures: run one (full) \(requestsAfterOne) requests for 200 contacts; run two (incremental) \(requestsOfTwo) requests for 8")
        let tags = try await Self.storedTags(simulator)
        #expect(tags["person100@example.com"]?.contains("left: newsletter") == true)
        #expect(tags["person10@example.com"]?.contains("left: newsletter") != true)
        #expect(tags.count == 202)

        // Run three on the same export: nothing changed, and the leavers already left.
        let (third, three) = try workspace.prepare("three", runDate: "2026-12-03")
        #expect(third.status == 0, "\(third.output)")
        let m3 = try Self.manifest(three)
        #expect(m3.counts.unchanged == 199 && m3.contactsInChunks == 0 && m3.sync?.leavers == 0)
        let up3 = try workspace.upload(three, simulator: simulator)
        #expect(up3.status == 0, "\(up3.output)")
        #expect(try await Self.stats(simulator).itemsReceived - received1 == 8)

        let show = try workspace.state(["show", workspace.pipeline, "--json"])
        #expect(show.status == 0, "\(show.output)")
        let object = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        #expect(object?["contacts"] as? Int == 202)
        #expect(object?["left"] as? Int == 2)
        #expect(object?["key"] as? String == "test-brand/newsletter")
        #expect(!show.output.contains("@example.com"), "state show prints no emails")
    }

    @Test func anUploadRefusesARunWhoseStateMovedOnButResumesItsOwn() async throws {
        let simulator = try await TestSimulator.start(key: Self.key)
        defer { Task { try? await simulator.stop() } }
        let workspace = try Workspace(sync: "incremental")
        try workspace.export((1...30).map { Person(email: "p\($0)@example.com", name: "N\($0)") })
        let (a, folderA) = try workspace.prepare("a", runDate: "2026-12-01")
        let (b, folderB) = try workspace.prepare("b", runDate: "2026-12-01")
        #expect(a.status == 0 && b.status == 0)
        let upB = try workspace.upload(folderB, simulator: simulator)
        #expect(upB.status == 0, "\(upB.output)")
        // B advanced the state: A was diffed against the version before and is refused.
        let upA = try workspace.upload(folderA, simulator: simulator)
        #expect(upA.status == 8, "\(upA.output)")
        #expect(upA.stderr.contains("advanced by the upload of b"))
        #expect(upA.stderr.contains("Prepare again"))
        // B's own upload again (a resume) is not refused.
        let again = try workspace.upload(folderB, simulator: simulator)
        #expect(again.status == 0, "\(again.output)")
    }

    @Test func stateExportImportResetAndForget() async throws {
        let simulator = try await TestSimulator.start(key: Self.key)
        defer { Task { try? await simulator.stop() } }
        let workspace = try Workspace(sync: "full")
        try workspace.export((1...12).map { Person(email: "p\($0)@example.com", name: "N\($0)") })
        let (prepared, folder) = try workspace.prepare("full", runDate: "2026-12-01")
        #expect(prepared.status == 0, "\(prepared.output)")
        #expect(try Self.manifest(folder).counts.unchanged == nil, "a full run has no unchanged count")
        #expect(try workspace.upload(folder, simulator: simulator).status == 0)

        let exported = workspace.directory.path + "/export.ndjson"
        let export = try workspace.state(["export", workspace.pipeline, "--output", exported])
        #expect(export.status == 0, "\(export.output)")
        let lines = try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 12)
        let line = try JSONDecoder().decode(DestinationStateLine.self, from: Data(lines[0].utf8))
        #expect(line.origin == "upload" && line.run == "full" && line.payloadHash?.count == 64)
        #expect(line.channels["email"]?.status == "subscribed")
        #expect((try FileManager.default.attributesOfItem(atPath: exported)[.posixPermissions] as? Int) == 0o600)

        let reset = try workspace.state(["reset", workspace.pipeline])
        #expect(reset.status == 64, "reset needs --yes")
        #expect(try workspace.state(["reset", workspace.pipeline, "--yes"]).status == 0)
        let imported = try workspace.state(["import", workspace.pipeline, "--input", exported])
        #expect(imported.status == 0, "\(imported.output)")
        // After the import everything is unchanged again.
        let (next, nextFolder) = try workspace.prepare("next", runDate: "2026-12-02", ["--incremental"])
        #expect(next.status == 0, "\(next.output)")
        #expect(try Self.manifest(nextFolder).counts.unchanged == 12)

        try workspace.directory.write("bad.ndjson", "{\"email\":\"x@example.com\"}\n")
        let bad = try workspace.state(["import", workspace.pipeline, "--input", workspace.directory.path + "/bad.ndjson"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.ndjson:1"))

        let forget = try CLI.run(
            ["forget", "P3@example.com", "--runs", workspace.directory.path + "/runs"], environment: workspace.environment,
            scratch: workspace.directory.path + "/forget")
        #expect(forget.status == 0, "\(forget.output)")
        let after = workspace.directory.path + "/after.ndjson"
        #expect(try workspace.state(["export", workspace.pipeline, "--output", after]).status == 0)
        let remaining = try String(contentsOfFile: after, encoding: .utf8)
        #expect(!remaining.contains("p3@example.com"))
        #expect(remaining.contains("p4@example.com"))
    }

    @Test func aLeaverGuardRefusesAnExportCutShort() async throws {
        let simulator = try await TestSimulator.start(key: Self.key)
        defer { Task { try? await simulator.stop() } }
        let workspace = try Workspace(
            sync: "{ mode: incremental, leavers: unsubscribe }", limits: "consent: { allow_leaver_downgrade: true }")
        let everyone = (1...20).map { Person(email: "p\($0)@example.com", name: "N\($0)") }
        try workspace.export(everyone)
        let (_, folder) = try workspace.prepare("one", runDate: "2026-12-01")
        #expect(try workspace.upload(folder, simulator: simulator).status == 0)
        // Half the export is missing: 10 leavers of 20 is over the default 20%.
        try workspace.export(Array(everyone.prefix(10)))
        let (cut, cutFolder) = try workspace.prepare("cut", runDate: "2026-12-02")
        #expect(cut.status == 5, "\(cut.output)")
        #expect(cut.stderr.contains("limits.max_leaver_rate"))
        #expect(!FileManager.default.fileExists(atPath: cutFolder + "/manifest.json"))
        // One leaver of 20 is allowed; it is set to nonSubscribed.
        try workspace.export(Array(everyone.dropLast()))
        let (ok, okFolder) = try workspace.prepare("ok", runDate: "2026-12-02")
        #expect(ok.status == 0, "\(ok.output)")
        #expect(try Self.chunkEmails(okFolder) == ["p20@example.com"])
        let chunk = try String(contentsOfFile: okFolder + "/chunks/chunk-000001.json", encoding: .utf8)
        #expect(chunk.contains(#""status":"nonSubscribed""#))
    }

    @Test func survivesSIGKILLAtRandomMomentsOfAnIncrementalUpload() async throws {
        let simulator = try await TestSimulator.start(key: Self.key, faults: "slow:0.3") { $0.slowResponseDelay = .milliseconds(250) }
        defer { Task { try? await simulator.stop() } }
        let workspace = try Workspace(sync: "incremental")
        var people = (1...300).map { Person(email: "p\($0)@example.com", name: "N\($0)") }
        try workspace.export(people)
        let (_, first) = try workspace.prepare("one", runDate: "2026-12-01")
        #expect(try workspace.upload(first, simulator: simulator).status == 0)
        // Half the people change, 50 join: 200 contacts in 50 chunks (small, so that the kills land mid-upload now that a clean batch costs about one request)
        for i in stride(from: 0, to: 300, by: 2) { people[i].name = "Changed\(i)" }
        people += (1...50).map { Person(email: "j\($0)@example.com", name: "J\($0)") }
        try workspace.export(people)
        var pipeline = try String(contentsOfFile: workspace.pipeline, encoding: .utf8)
        pipeline += "chunks: { max_items: 4 }\n"
        try pipeline.write(toFile: workspace.pipeline, atomically: true, encoding: .utf8)
        let (prepared, second) = try workspace.prepare("two", runDate: "2026-12-02")
        #expect(prepared.status == 0, "\(prepared.output)")
        #expect(try Self.manifest(second).contactsInChunks == 200)
        var random = SplitMix64(seed: 20_261_203)
        var killed = 0
        for _ in 0..<6 {
            // Killed once the simulator has taken a random 1st to 4th batch of this attempt (its
            // answer, slow or not, may not have reached the uploader yet), not after a timer.
            let taken = try await Self.stats(simulator).batchesReceived
            let target = taken + 1 + Int(random.next() % 4)
            let (child, _, _) = try CLI.start(
                ["upload", second, "--base-url", simulator.baseURL(for: "v5"), "--request-timeout", "1", "--reconcile-horizon", "3s"],
                environment: workspace.environment, scratch: second)
            let deadline = Date().addingTimeInterval(60)
            while child.isRunning, Date() < deadline, try await Self.stats(simulator).batchesReceived < target { usleep(2_000) }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            if child.terminationReason == .uncaughtSignal { killed += 1 }
        }
        #expect(killed >= 3, "the uploader finished before most kills")
        let last = try CLI.run(
            ["upload", second, "--base-url", simulator.baseURL(for: "v5"), "--request-timeout", "1", "--reconcile-horizon", "3s"],
            environment: workspace.environment, scratch: second)
        #expect(last.status == 0, "\(last.output)")
        // The checkpoint says everything is done; the state holds exactly what the simulator stored.
        let status = try CLI.run(["status", second, "--json"], environment: workspace.environment, scratch: second)
        #expect(status.status == 0, "\(status.output)")
        let exported = workspace.directory.path + "/state.ndjson"
        #expect(try workspace.state(["export", workspace.pipeline, "--output", exported]).status == 0)
        let stateEmails = Set(try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(DestinationStateLine.self, from: Data($0.utf8)).email
        })
        let stored = try await Self.storedTags(simulator)
        #expect(stateEmails == Set(stored.keys))
        #expect(stateEmails.count == 350)
        // And the next diff finds nothing to send: every accepted payload was recorded.
        let (third, three) = try workspace.prepare("three", runDate: "2026-12-03")
        #expect(third.status == 0, "\(third.output)")
        #expect(try Self.manifest(three).contactsInChunks == 0)
        #expect(try Self.manifest(three).counts.unchanged == 350)
    }

    /// The stderr a started child has written so far.
    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Waits (at most a minute) until `child` has written `needle` to `path`, or ended.
    static func await(_ needle: String, in path: String, of child: Process) {
        let deadline = Date().addingTimeInterval(60)
        while child.isRunning && Date() < deadline && !text(path).contains(needle) { usleep(5_000) }
    }

    @Test func stateRebuildResumesAfterSIGKILLAndTheNextRunSendsEveryContactOnce() async throws {
        // Every answer 150 ms late: 24 pages of 5 take seconds, so the kill lands mid-read.
        let simulator = try await TestSimulator.start(key: Self.key, faults: "slow:1") { $0.slowResponseDelay = .milliseconds(150) }
        defer { Task { try? await simulator.stop() } }
        let workspace = try Workspace(sync: "incremental")
        let people = (1...120).map { Person(email: "r\($0)@example.com", name: "R\($0)") }
        try workspace.export(people)
        let (_, first) = try workspace.prepare("one", runDate: "2026-12-01")
        #expect(try workspace.upload(first, simulator: simulator).status == 0)
        // The state is lost.
        try FileManager.default.removeItem(atPath: workspace.stateDirectory + "/sync")

        let rebuild = ["state", "rebuild", workspace.pipeline, "--base-url", simulator.baseURL(for: "v5"), "--page-size", "5", "--rate-limit", "0"]
        let (child, _, stderr) = try CLI.start(rebuild, environment: workspace.environment, scratch: workspace.directory.path + "/rebuild")
        Self.await("page 1 committed", in: stderr, of: child)
        #expect(child.isRunning, "the rebuild ended before the kill: \(Self.text(stderr))")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        let partial = try workspace.state(["show", workspace.pipeline, "--json"])
        let partialCount = try #require(
            (try JSONSerialization.jsonObject(with: Data(partial.stdout.utf8)) as? [String: Any])?["contacts"] as? Int)
        #expect(partialCount >= 5 && partialCount < 120, "the killed rebuild committed some pages: \(partial.output)")

        let resumed = try CLI.run(rebuild, environment: workspace.environment, scratch: workspace.directory.path + "/rebuild")
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.stderr.contains("state rebuild: resuming a stopped rebuild after "), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("state rebuild: 120 contact(s) restored into test-brand/newsletter, state version "), "\(resumed.stderr)")
        let again = try #require(resumed.stderr.range(of: "this session read ").map { resumed.stderr[$0.upperBound...].prefix { $0.isNumber } })
        #expect(Int(again).map { $0 < 120 } == true, "the resumed rebuild read on from its position: \(resumed.stderr)")
        let exported = workspace.directory.path + "/rebuilt.ndjson"
        #expect(try workspace.state(["export", workspace.pipeline, "--output", exported]).status == 0)
        let lines = try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(DestinationStateLine.self, from: Data($0.utf8))
        }
        #expect(lines.map(\.email).sorted() == people.map(\.email).sorted(), "every stored contact exactly once")
        #expect(lines.allSatisfy { $0.origin == "rebuild" && $0.payloadHash == nil && $0.channels["email"]?.status == "subscribed" })
        #expect(Set(try await Self.storedTags(simulator).keys) == Set(lines.map(\.email)))

        // Over the rebuilt state: refused without --replace (and no word of continuing).
        let over = try CLI.run(rebuild, environment: workspace.environment, scratch: workspace.directory.path + "/rebuild")
        #expect(over.status == 64 && over.stderr.contains("--replace") && !over.stderr.contains("continue"), "\(over.output)")

        // Ctrl-C in a rebuild with --replace: it says the committed pages stay and how to go on.
        let (interrupted, _, interruptedErr) = try CLI.start(
            rebuild + ["--replace"], environment: workspace.environment, scratch: workspace.directory.path + "/rebuild")
        Self.await("page 1 committed", in: interruptedErr, of: interrupted)
        kill(interrupted.processIdentifier, SIGINT)
        interrupted.waitUntilExit()
        #expect(interrupted.terminationStatus == 130, "\(Self.text(interruptedErr))")
        #expect(Self.text(interruptedErr).contains("state rebuild: interrupted; the pages read so far are committed to "), "\(Self.text(interruptedErr))")
        let finished = try CLI.run(rebuild, environment: workspace.environment, scratch: workspace.directory.path + "/rebuild")
        #expect(finished.status == 0 && finished.stderr.contains("resuming a stopped rebuild"), "\(finished.output)")

        // Hashes unknown: the next incremental run sends every contact once, the one after nothing.
        let (second, two) = try workspace.prepare("two", runDate: "2026-12-02", ["--incremental"])
        #expect(second.status == 0, "\(second.output)")
        #expect(try Self.chunkEmails(two).sorted() == people.map(\.email).sorted())
        #expect(try workspace.upload(two, simulator: simulator).status == 0)
        let (third, three) = try workspace.prepare("three", runDate: "2026-12-03", ["--incremental"])
        #expect(third.status == 0, "\(third.output)")
        #expect(try Self.manifest(three).contactsInChunks == 0)
    }

    @Test func unsubscribeLeaversNeedTheConsentKey() throws {
        let workspace = try Workspace(sync: "{ leavers: unsubscribe }")
        try workspace.export([Person(email: "a@example.com", name: "A")])
        let (result, _) = try workspace.prepare("x", runDate: "2026-12-01")
        #expect(result.status == 78)
        #expect(result.stderr.contains("allow_leaver_downgrade"))
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : String(self)
    }
}
