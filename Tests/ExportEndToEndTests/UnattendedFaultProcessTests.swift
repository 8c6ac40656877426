import AsyncHTTPClient
import ExportCLI
import ExportCore
import ExportTestSupport
import ExportUpload
import Foundation
import OmnisendSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 13's crash-and-fault runs of the real binary: an unreachable Omnisend, a full disk under
/// the checkpoint, and SIGKILLs under faults that store a batch and hide it.
private let key = "omni-test-canary-\(UUID().uuidString)"

private func environment(_ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["OMNISEND_API_KEY"] = key
    environment["OMNISEND_EXPORT_POLL_SECONDS"] = "0.02"
    for (name, value) in extra { environment[name] = value }
    return environment
}

private func startSimulator(faults: String = "none", configure: (inout SimulatorConfiguration) -> Void = { _ in }) async throws -> RunningSimulator {
    try await TestSimulator.start(key: key, faults: faults, configure: configure)
}

private func stats(_ simulator: RunningSimulator) async throws -> SimulatorStats {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: simulator.rootURL + "/__simulator/stats"), timeout: .seconds(10))
    var body = try await response.body.collect(upTo: 1 << 20)
    return try JSONDecoder().decode(SimulatorStats.self, from: Data(body.readBytes(length: body.readableBytes) ?? []))
}

private func report(_ folder: String) throws -> UploadReport {
    try JSONDecoder().decode(UploadReport.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json")))
}

/// Runs a shell command as root; its exit status.
@discardableResult
private func shell(_ command: String) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}

/// Whether this machine lets us mount a small tmpfs (root, or a container that allows it).
private let tmpfsAvailable: Bool = {
    let probe = NSTemporaryDirectory() + "tmpfs-probe-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: probe) }
    guard shell("mount -t tmpfs -o size=1m tmpfs '\(probe)'") == 0 else { return false }
    return shell("umount '\(probe)'") == 0
}()

@Suite(.serialized, .enabled(if: ToolProcess.isBuilt, "build the binary first: swift build --product omnisend-export"))
struct UnattendedFaultProcessTests {
    @Test func anUnreachableOmnisendStopsWith75Within60SecondsWhateverTheChunkCount() async throws {
        // Before: every chunk cost the timeout plus list retries, and the run was still going after 120 s.
        let closed = try await startSimulator()
        let baseURL = closed.baseURL(for: "v5")
        try await closed.stop()
        let folder = try TestRunFolder.make(contacts: 200, perChunk: 1)
        let began = Date()
        // Past the destination check, which would stop the run before the uploader is tried.
        let outcome = try ToolProcess.run(
            ["upload", folder, "--base-url", baseURL, "--request-timeout", "1", "--no-destination-check"], environment: environment())
        #expect(outcome.status == ExitCodes.temporaryFailure, "\(outcome.stderr)")
        #expect(Date().timeIntervalSince(began) < 60)
        #expect(outcome.stderr.contains("Omnisend unreachable: 5 requests in a row got no answer"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("resume with: omnisend-export upload \(folder)"))
        let stopped = try report(folder)
        #expect(stopped.notSent == 200 && stopped.postedUnconfirmed == 0)
    }

    @Test(.enabled(if: tmpfsAvailable, "mounting a tmpfs is not allowed here; the disk-full test needs one"))
    func aFullDiskUnderTheCheckpointExits74AndTheResumeFinishes() async throws {
        // Before: setMeta threw before the HTTP client was shut down, and the debug build died
        // with SIGILL in AsyncHTTPClient's deinit check.
        let simulator = try await startSimulator()
        defer { Task { try? await simulator.stop() } }
        let mount = NSTemporaryDirectory() + "diskfull-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        // 16 MB: SQLite's WAL grows to about 4 MB (1000 pages) before it is checkpointed, so the
        // resume needs that much room once the filler is gone.
        #expect(shell("mount -t tmpfs -o size=16m tmpfs '\(mount)'") == 0)
        defer {
            shell("umount '\(mount)'")
            try? FileManager.default.removeItem(atPath: mount)
        }
        let made = try TestRunFolder.make(contacts: 300, perChunk: 2)
        let folder = mount + "/run"
        try FileManager.default.copyItem(atPath: made, toPath: folder)
        // Fill the disk but for about 120 KB: the checkpoint's WAL runs out part way through.
        #expect(shell("dd if=/dev/zero of='\(mount)/filler' bs=4k count=100000 2>/dev/null; true") == 0)
        #expect(shell("truncate -s -120k '\(mount)/filler'") == 0)
        let arguments = ["upload", folder, "--base-url", simulator.baseURL(for: "v5"), "--concurrency", "2"]
        let full = try ToolProcess.run(arguments, environment: environment())
        #expect(full.status == ExitCodes.ioError, "exit \(full.status): \(full.stderr)")
        #expect(full.stderr.contains("checkpoint"), "\(full.stderr)")
        #expect(try await stats(simulator).contactsStored < 300)
        // Space again: the resume settles what was in flight and sends the rest.
        try FileManager.default.removeItem(atPath: mount + "/filler")
        let resumed = try ToolProcess.run(arguments + ["--reconcile-horizon", "3s"], environment: environment())
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let ledger = try await stats(simulator)
        #expect(ledger.contactsStored == 300)
        #expect(ledger.itemsReceivedMoreThanOnce == (try report(folder).ambiguousReposted ?? -1))
    }

    @Test func sigkillsUnderStoreThenFailFaultsLoseNothingAndDuplicateOnlyWhatIsReported() async throws {
        let state = NSTemporaryDirectory() + "sim-\(UUID().uuidString)"
        let simulator = try await startSimulator(faults: "slow:0.15,store-502:0.05,store-504:0.05,store-late:0.05,drop-after:0.05") {
            $0.stateDirectory = state
            $0.seed = 13
            $0.slowResponseDelay = .milliseconds(1500)
            $0.storeLateDelay = .seconds(2)
        }
        defer { Task { try? await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 200, perChunk: 10)
        let arguments = [
            "upload", folder, "--base-url", simulator.baseURL(for: "v5"), "--concurrency", "3", "--request-timeout", "1",
            "--reconcile-horizon", "6s",
        ]
        var random = SplitMix64(seed: 13_013)
        for _ in 0..<5 {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: ToolProcess.binary)
            child.arguments = arguments
            child.environment = environment()
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            usleep(UInt32(800_000 + random.next() % 1_200_000))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
        }
        let last = try ToolProcess.run(arguments, environment: environment())
        #expect(last.status == 0, "\(last.stderr)")
        let ledger = try await stats(simulator)
        #expect(ledger.contactsStored == 200)
        let final = try report(folder)
        #expect(ledger.itemsReceivedMoreThanOnce == final.ambiguousReposted, "\(final.table)")
        #expect(!last.stderr.contains(key))
    }
}
