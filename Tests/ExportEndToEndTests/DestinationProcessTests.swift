import AsyncHTTPClient
import ExportCore
import ExportTestSupport
import Foundation
import OmnisendSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The destination half of "safe to run unattended", through the built binary: explicit
/// rehearsals, run folders bound to their destination, the key missing under cron, overlapping
/// runs, and `check --destination` against the simulator for every API version.
@Suite(.serialized, .enabled(if: ToolProcess.isBuilt, "needs .build/debug/omnisend-export (swift build --build-tests)"))
struct DestinationProcessTests {
    /// A scratch folder with its own state folder (install secret, run locks).
    final class Scratch {
        let directory: TemporaryDirectory
        var path: String { directory.path }
        var state: String { directory.path + "/state" }

        init(_ name: String) throws { directory = try TemporaryDirectory(prefix: name) }

        /// The binary in an environment of exactly `environment` plus the state folder, unless `bare`.
        /// Waits on a dispatch thread: the in-process simulators need the cooperative pool.
        func run(_ arguments: [String], key: String? = nil, extra: [String: String] = [:], bare: Bool = false) async throws -> ToolProcess.Outcome {
            var environment = bare ? [:] : ["PATH": "/usr/bin:/bin", "HOME": path, "OMNISEND_EXPORT_STATE_DIR": state,
                                            "OMNISEND_EXPORT_POLL_SECONDS": "0.02"]
            if let key { environment["OMNISEND_API_KEY"] = key }
            for (name, value) in extra { environment[name] = value }
            let fixed = environment
            return try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try ToolProcess.run(arguments, environment: fixed) })
                }
            }
        }

        /// A started child with the same environment (key set), output in a file.
        func start(_ arguments: [String], key: String) throws -> (Process, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ToolProcess.binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: SharedFolder.packageRoot)
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": path, "OMNISEND_EXPORT_STATE_DIR": state,
                                   "OMNISEND_EXPORT_POLL_SECONDS": "0.02", "OMNISEND_API_KEY": key]
            let output = path + "/child-\(UUID().uuidString).out"
            FileManager.default.createFile(atPath: output, contents: nil)
            let handle = FileHandle(forWritingAtPath: output)!
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            return (process, output)
        }
    }

    static let key = "dest-test-key-\(UUID().uuidString)"

    static func simulator(faults: String = "none", slow: Duration = .milliseconds(250), rateLimit: Int = 0, keys: [SimulatorKey] = [],
                          unknownKeyStatus: Int = 401) async throws -> RunningSimulator {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.apiKeys = [key]
        configuration.keys = keys
        configuration.rateLimitPerMinute = rateLimit
        configuration.faults = try FaultPlan(parsing: faults)
        configuration.batchProcessingDelay = .milliseconds(5)
        configuration.slowResponseDelay = slow
        configuration.unknownKeyStatus = unknownKeyStatus
        return try await Simulator.start(configuration)
    }

    static func stats(_ simulator: RunningSimulator) async throws -> SimulatorStats {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: simulator.rootURL + "/__simulator/stats"), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 1 << 20)
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(body.readBytes(length: body.readableBytes) ?? []))
    }

    static func json(_ text: String) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:]
    }

    // MARK: Rehearse, then real

    @Test func aRehearsalIsExplicitAndAFollowingRealUploadSendsEverything() async throws {
        let scratch = try Scratch("rehearse-real")
        let folder = scratch.path + "/run"
        #expect(try await scratch.run(["prepare", "pipelines/sample-csv.yaml", "--out", folder]).status == 0)

        let rehearsal = try await scratch.run(["upload", folder, "--rehearse"])
        #expect(rehearsal.status == 0, "\(rehearsal.stderr)")
        #expect(rehearsal.stdout.contains("REHEARSAL against the bundled simulator: nothing was sent to Omnisend"), "\(rehearsal.stdout)")
        #expect(rehearsal.stderr.contains("REHEARSAL finished: the bundled simulator accepted 7 contact(s)"), "\(rehearsal.stderr)")
        let report = Self.json(try String(contentsOfFile: folder + "/report.json", encoding: .utf8))
        #expect(report["outcome"] as? String == "rehearsal")
        let rehearsed = try await scratch.run(["status", folder, "--json"])
        #expect(rehearsed.status == 0)
        #expect((Self.json(rehearsed.stdout)["destination"] as? String)?.hasPrefix("rehearsal (bundled simulator) of ") == true, "\(rehearsed.stdout)")
        #expect(Self.json(rehearsed.stdout)["rehearsal"] as? Bool == true)
        #expect(try await scratch.run(["status", folder]).stdout.contains("state: done, as a rehearsal: nothing was sent to Omnisend"))
        let inspected = try await scratch.run(["inspect", folder])
        #expect(inspected.stdout.contains("destination: rehearsal (bundled simulator) of "), "\(inspected.stdout)")

        let simulator = try await Self.simulator()
        defer { Task { try? await simulator.stop() } }
        let real = try await scratch.run(["upload", folder, "--base-url", simulator.baseURL(for: "v5")], key: Self.key)
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stderr.contains("that checkpoint is kept as checkpoint-1.sqlite"), "\(real.stderr)")
        #expect(real.stderr.contains("upload: 1 of 1 chunk(s) to send"), "\(real.stderr)")
        #expect(!real.stdout.contains("REHEARSAL"))
        #expect(try await Self.stats(simulator).contactsStored == 7)
        #expect(FileManager.default.fileExists(atPath: folder + "/checkpoint-1.sqlite"))
        let status = try await scratch.run(["status", folder])
        #expect(status.status == 0)
        #expect(status.stdout.contains("destination: \(simulator.baseURL(for: "v5")) (API v5, key fingerprint "), "\(status.stdout)")
        #expect(!(real.stdout + real.stderr + status.stdout).contains(Self.key))
    }

    // MARK: Stop, then resume elsewhere

    @Test func aStoppedUploadRefusesAnotherDestinationUntilNewDestination() async throws {
        let scratch = try Scratch("elsewhere")
        let first = try await Self.simulator(faults: "slow:1")
        defer { Task { try? await first.stop() } }
        let second = try await Self.simulator()
        defer { Task { try? await second.stop() } }
        let folder = try TestRunFolder.make(contacts: 100, perChunk: 5)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let stopped = try await scratch.run(
            ["upload", folder, "--base-url", first.baseURL(for: "v5"), "--max-duration", "2s", "--concurrency", "2", "--no-destination-check"],
            key: Self.key)
        #expect(stopped.status == 3, "\(stopped.stderr)")
        let resume = try #require(stopped.stderr.split(separator: "\n").first { $0.contains("resume with: ") })
        let command = String(resume[resume.range(of: "resume with: ")!.upperBound...])
        #expect(command == "omnisend-export upload \(folder) --base-url \(first.baseURL(for: "v5")) --max-duration 2s --concurrency 2 --no-destination-check")

        let status = try await scratch.run(["status", folder])
        #expect(status.status == 3, "\(status.stdout)")
        #expect(status.stdout.contains("state: unfinished, resumable; last stop: deadline"), "\(status.stdout)")
        #expect(status.stdout.contains("destination: \(first.baseURL(for: "v5")) (API v5"), "\(status.stdout)")

        // Another server: refused, naming both.
        let elsewhere = try await scratch.run(["upload", folder, "--base-url", second.baseURL(for: "v5")], key: Self.key)
        #expect(elsewhere.status == 4, "\(elsewhere.stderr)")
        #expect(elsewhere.stderr.contains("was uploaded to \(first.baseURL(for: "v5"))"), "\(elsewhere.stderr)")
        #expect(elsewhere.stderr.contains("not to \(second.baseURL(for: "v5"))"), "\(elsewhere.stderr)")
        #expect(elsewhere.stderr.contains("--new-destination"))
        // The same server with another key: refused, the keys named only by fingerprint.
        let otherKey = "another-secret-key-\(UUID().uuidString)"
        let rekeyed = try await scratch.run(["upload", folder, "--base-url", first.baseURL(for: "v5")], key: otherKey)
        #expect(rekeyed.status == 4)
        #expect(rekeyed.stderr.components(separatedBy: "key fingerprint ").count == 3, "\(rekeyed.stderr)")
        #expect(!rekeyed.stderr.contains(otherKey) && !rekeyed.stderr.contains(Self.key))
        // Without a key: exit 78, and nothing goes to a rehearsal simulator.
        #expect(try await scratch.run(["upload", folder]).status == 78)
        // verify against the other server: refused too.
        #expect(try await scratch.run(["verify", folder, "--base-url", second.baseURL(for: "v5")], key: Self.key).status == 4)
        #expect(try await Self.stats(second).requestsByStatus.values.reduce(0, +) == 0)

        // The printed resume command, pasted as it is, finishes the first upload's chunks there.
        var words = command.split(separator: " ").map(String.init)
        #expect(words.removeFirst() == "omnisend-export")
        words.removeAll { $0 == "--max-duration" || $0 == "2s" }
        let resumed = try await scratch.run(words, key: Self.key)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try await Self.stats(first).contactsStored == 100)

        // --new-destination: a fresh checkpoint for the second server, the old one kept.
        let moved = try await scratch.run(["upload", folder, "--base-url", second.baseURL(for: "v5"), "--new-destination"], key: Self.key)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stderr.contains("kept as checkpoint-1.sqlite"), "\(moved.stderr)")
        #expect(try await Self.stats(second).contactsStored == 100)
        #expect(FileManager.default.fileExists(atPath: folder + "/checkpoint-1.sqlite"))
        let after = try await scratch.run(["status", folder])
        #expect(after.status == 0 && after.stdout.contains(second.baseURL(for: "v5")), "\(after.stdout)")
    }

    @Test func statusExits2WhenContactsFailed() async throws {
        let scratch = try Scratch("status-failed")
        let simulator = try await Self.simulator()
        defer { Task { try? await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 20, perChunk: 10, invalid: [3, 14])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let upload = try await scratch.run(["upload", folder, "--base-url", simulator.baseURL(for: "v5")], key: Self.key)
        #expect(upload.status == 2, "\(upload.stderr)")
        let status = try await scratch.run(["status", folder, "--json"])
        #expect(status.status == 2)
        #expect(Self.json(status.stdout)["outcome"] as? String == "done_with_failures")
        #expect(Self.json(status.stdout)["stopReason"] as? String == "complete")
    }

    // MARK: Cron without a key

    @Test func cronWithoutAKeyExits78BeforePreparing() async throws {
        let scratch = try Scratch("cron")
        let folder = scratch.path + "/run"
        // env -i: not even HOME or PATH.
        let run = try await scratch.run(["run", "pipelines/sample-csv.yaml", "--out", folder], bare: true)
        #expect(run.status == 78, "\(run.stderr)")
        for needle in ["OMNISEND_API_KEY", "api_key_file:", "api_key_env:", "--rehearse", "simulator: true", "Nothing was sent"] {
            #expect(run.stderr.contains(needle), "missing \(needle) in \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder), "prepare ran without a key")
        // A key file that is empty names the file.
        let keyFile = try scratch.directory.write("empty.key", "\n")
        let pipeline = try scratch.directory.write(
            "p.yaml",
            "version: 1\nname: p\ninputs:\n  - path: \(SharedFolder.packageRoot)/samples/exports/segment-small.csv\n"
                + "mapping: \(SharedFolder.packageRoot)/samples/mappings/contact.yaml\ndestination:\n  api_version: v5\n  api_key_file: \(keyFile)\n")
        let fromFile = try await scratch.run(["run", pipeline, "--out", folder], bare: true)
        #expect(fromFile.status == 78)
        #expect(fromFile.stderr.contains("the file \(keyFile) (the destination's api_key_file) is empty"), "\(fromFile.stderr)")
        // upload of a prepared folder: the same.
        #expect(try await scratch.run(["prepare", "pipelines/sample-csv.yaml", "--out", folder]).status == 0)
        let upload = try await scratch.run(["upload", folder], bare: true)
        #expect(upload.status == 78 && upload.stderr.contains("--rehearse"), "\(upload.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/checkpoint.sqlite"))
    }

    @Test func aPipelineThatSaysSimulatorRehearses() async throws {
        let scratch = try Scratch("simulator-true")
        let pipeline = try scratch.directory.write(
            "p.yaml",
            "version: 1\nname: p\ninputs:\n  - path: \(SharedFolder.packageRoot)/samples/exports/segment-small.csv\n"
                + "mapping: \(SharedFolder.packageRoot)/samples/mappings/contact.yaml\ndestination:\n  api_version: 2026-03-15\n  simulator: true\n")
        let run = try await scratch.run(["run", pipeline, "--out", scratch.path + "/run"], bare: true)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("REHEARSAL finished"), "\(run.stderr)")
        #expect(try await scratch.run(["run", pipeline, "--out", scratch.path + "/run2", "--base-url", "http://127.0.0.1:1/v5"]).status == 64)
    }

    // MARK: Overlapping runs

    @Test func aSecondRunOfThePipelineToTheDestinationExits75NamingTheHolder() async throws {
        let scratch = try Scratch("overlap")
        let simulator = try await Self.simulator(faults: "slow:1", slow: .seconds(2))
        defer { Task { try? await simulator.stop() } }
        let base = simulator.baseURL(for: "v5")
        let (first, output) = try scratch.start(["run", "pipelines/sample-csv.yaml", "--out", scratch.path + "/one", "--base-url", base], key: Self.key)
        try await Task.sleep(for: .seconds(1))
        let started = Date()
        let second = try await scratch.run(["run", "pipelines/sample-csv.yaml", "--out", scratch.path + "/two", "--base-url", base], key: Self.key)
        #expect(second.status == 75, "\(second.stderr)")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(second.stderr.contains("another run of pipelines/sample-csv.yaml to \(base)"), "\(second.stderr)")
        #expect(second.stderr.contains("process \(first.processIdentifier), started "), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/two"))
        // Another destination (another key) is another lock.
        let deadline = Date().addingTimeInterval(60)
        while first.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(first.terminationStatus == 0, "\((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        let afterwards = try await scratch.run(["run", "pipelines/sample-csv.yaml", "--out", scratch.path + "/three", "--base-url", base], key: Self.key)
        #expect(afterwards.status == 0, "\(afterwards.stderr)")
    }

    // MARK: check --destination

    static let readOnly = "read-only-\(UUID().uuidString)"
    static let noBatchWrite = "no-batch-write-\(UUID().uuidString)"

    func pipeline(in scratch: Scratch, version: String, baseURL: String, probe: Bool = true) throws -> String {
        try scratch.directory.write(
            "check-\(version)-\(UUID().uuidString).yaml",
            "version: 1\nname: p\ninputs:\n  - path: \(SharedFolder.packageRoot)/samples/exports/segment-small.csv\n"
                + "mapping: \(SharedFolder.packageRoot)/samples/mappings/contact.yaml\ndestination:\n  api_version: \(version)\n"
                + "  base_url: \(baseURL)\n  api_key_env: CHECK_KEY\n" + (probe ? "" : "  write_probe: false\n"))
    }

    @Test(arguments: APIVersion.allCases)
    func checkDestinationNamesEachFailure(version: APIVersion) async throws {
        let scratch = try Scratch("check-\(version.rawValue)")
        let simulator = try await Self.simulator(rateLimit: 400, keys: [
            SimulatorKey(key: Self.readOnly, canRead: true, canWrite: false),
            SimulatorKey(key: Self.noBatchWrite, canRead: false, canWrite: false, scopes: ["contacts.read", "contacts.write", "batches.read"]),
        ])
        defer { Task { try? await simulator.stop() } }
        let base = simulator.baseURL(for: version.rawValue)
        let good = try pipeline(in: scratch, version: version.rawValue, baseURL: base)
        func check(_ pipeline: String, key: String, _ extra: [String] = []) async throws -> ToolProcess.Outcome {
            try await scratch.run(["check", "--destination", pipeline] + extra, extra: ["CHECK_KEY": key])
        }

        let usable = try await check(good, key: Self.key)
        #expect(usable.status == 0, "\(usable.stderr)")
        #expect(usable.stdout.contains("destination: \(base) (API \(version.rawValue), key fingerprint "), "\(usable.stdout)")
        #expect(usable.stdout.contains("key: accepted"))
        #expect(usable.stdout.contains("write contacts: allowed (inferred: an empty POST /batches answered 400"), "\(usable.stderr)")
        if version == .v2026_03_15 {
            #expect(usable.stdout.contains("rate budget: not reported by API 2026-03-15"), "\(usable.stderr)")
        } else {
            #expect(usable.stdout.contains("of 400 requests left in the current minute"), "\(usable.stderr)")
        }

        let refused = try await check(good, key: "no-such-key")
        #expect(refused.status == 77, "\(refused.stderr)")
        #expect(refused.stdout.contains("key: refused (HTTP 401 Unauthorized)"))

        let readOnly = try await check(good, key: Self.readOnly)
        #expect(readOnly.status == 6, "\(readOnly.stderr)")
        #expect(readOnly.stderr.contains("may read but not write contacts (inferred: an empty POST /batches answered 403"), "\(readOnly.stderr)")
        #expect(!readOnly.stderr.contains("was refused") && readOnly.stdout.contains("write contacts: not allowed"))

        let scoped = try await check(good, key: Self.noBatchWrite)
        #expect(scoped.status == 6, "\(scoped.stderr)")

        let unprobed = try await check(try pipeline(in: scratch, version: version.rawValue, baseURL: base, probe: false), key: Self.readOnly)
        #expect(unprobed.status == 0 && unprobed.stdout.contains("write contacts: not probed"), "\(unprobed.stderr)")

        let wrongVersion = try await check(try pipeline(in: scratch, version: version.rawValue, baseURL: simulator.rootURL + "/v4"), key: Self.key)
        #expect(wrongVersion.status == 78, "\(wrongVersion.stderr)")
        #expect(wrongVersion.stdout.contains("API version \(version.rawValue): HTTP 404"), "\(wrongVersion.stderr)")

        // Nothing the probes sent was stored.
        #expect(try await Self.stats(simulator).batchesReceived == 0)

        // Unknown keys answered 403 (some deployments): refused, not a missing permission.
        let strict = try await Self.simulator(unknownKeyStatus: 403)
        defer { Task { try? await strict.stop() } }
        let forbidden = try await check(try pipeline(in: scratch, version: version.rawValue, baseURL: strict.baseURL(for: version.rawValue)), key: "no-such-key")
        #expect(forbidden.status == 77, "\(forbidden.stderr)")
        #expect(forbidden.stderr.contains("HTTP 403 on both GET and POST /batches"), "\(forbidden.stderr)")

        // upload and run stop at the check too: a read-only key is a missing permission, exit 6.
        let folder = scratch.path + "/run"
        let run = try await scratch.run(["run", good, "--out", folder], extra: ["CHECK_KEY": Self.readOnly])
        #expect(run.status == 6, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder))
        #expect(try await scratch.run(["prepare", good, "--out", folder]).status == 0)
        let upload = try await scratch.run(["upload", folder], extra: ["CHECK_KEY": Self.readOnly])
        #expect(upload.status == 6, "\(upload.stderr)")
        // Without the check, the first POST's 403 is still named a missing permission.
        let unchecked = try await scratch.run(["upload", folder, "--no-destination-check"], extra: ["CHECK_KEY": Self.readOnly])
        #expect(unchecked.status == 6, "\(unchecked.stderr)")
        #expect(unchecked.stderr.contains("lacks a permission"), "\(unchecked.stderr)")
    }
}
