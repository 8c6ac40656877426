import AsyncHTTPClient
import ExportCore
import ExportTestSupport
import ExportUpload
import Foundation
import OmnisendSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `omnisend-export` binary (`swift build --product omnisend-export`).
private let binary = ToolProcess.binary
private let binaryExists = FileManager.default.isExecutableFile(atPath: binary)
private let key = "omni-test-canary-\(UUID().uuidString)"

/// A running child `omnisend-export upload` with its output in files.
private final class UploadProcess {
    let process = Process()
    let output: String

    init(folder: String, baseURL: String, extra: [String] = [], key: String = key) throws {
        output = folder + ".out-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: output, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["upload", folder, "--base-url", baseURL, "--concurrency", "2"] + extra
        var environment = ProcessInfo.processInfo.environment
        environment["OMNISEND_API_KEY"] = key
        environment["OMNISEND_EXPORT_POLL_SECONDS"] = "0.02"
        process.environment = environment
        let handle = FileHandle(forWritingAtPath: output)!
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits up to `seconds` for the exit; the exit status, or `nil` after a SIGKILL on timeout.
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
}

private func startSimulator(faults: String = "none") async throws -> RunningSimulator {
    try await TestSimulator.start(key: key, faults: faults) { $0.slowResponseDelay = .milliseconds(250) }
}

private func stats(_ simulator: RunningSimulator) async throws -> SimulatorStats {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: simulator.rootURL + "/__simulator/stats"), timeout: .seconds(10))
    var body = try await response.body.collect(upTo: 1 << 20)
    return try JSONDecoder().decode(SimulatorStats.self, from: Data(body.readBytes(length: body.readableBytes) ?? []))
}

private func everything(in folder: String) -> String {
    var text = ""
    for name in FileManager.default.subpaths(atPath: folder) ?? [] {
        if let data = FileManager.default.contents(atPath: folder + "/" + name) { text += String(decoding: data, as: UTF8.self) }
    }
    return text
}

@Suite(.serialized, .enabled(if: binaryExists, "build the binary first: swift build --product omnisend-export"))
struct UploadProcessTests {
    @Test func survivesSIGKILLAtRandomMomentsAndResumes() async throws {
        let simulator = try await startSimulator(faults: "slow:0.3")
        defer { Task { try? await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 240, perChunk: 10)
        var random = SplitMix64(seed: 20_260_315)
        let kills = 8
        var outputs = ""
        for _ in 0..<kills {
            let child = try UploadProcess(
                folder: folder, baseURL: simulator.baseURL(for: "v5"), extra: ["--request-timeout", "1", "--reconcile-horizon", "3s"])
            usleep(UInt32(1_200_000 + random.next() % 800_000))
            child.signal(SIGKILL)
            _ = child.wait(seconds: 10)
            outputs += child.text
        }
        let last = try UploadProcess(
            folder: folder, baseURL: simulator.baseURL(for: "v5"), extra: ["--request-timeout", "1", "--reconcile-horizon", "3s"])
        let status = last.wait(seconds: 90)
        outputs += last.text
        #expect(status == 0, "final upload: \(last.text)")
        let ledger = try await stats(simulator)
        #expect(ledger.contactsStored == 240)
        // A contact arrives twice only when the report says so (a POST killed before it left,
        // posted again once the horizon passed).
        let report = try JSONDecoder().decode(UploadReport.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json")))
        #expect(ledger.itemsReceivedMoreThanOnce == report.ambiguousReposted, "items received twice: \(ledger.itemsReceivedMoreThanOnce)")
        #expect(!outputs.contains(key) && !everything(in: folder).contains(key))
    }

    @Test func ctrlCStopsResumablyWithExit130ThenResumeFinishes() async throws {
        let simulator = try await startSimulator(faults: "slow:1")
        defer { Task { try? await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 100, perChunk: 10)
        let child = try UploadProcess(folder: folder, baseURL: simulator.baseURL(for: "v5"))
        usleep(700_000)
        let stoppedAt = Date()
        child.signal(SIGINT)
        let code = child.wait(seconds: 15)
        #expect(code == 130, "\(child.text)")
        #expect(Date().timeIntervalSince(stoppedAt) < 8)
        #expect(child.text.contains("resume with: omnisend-export upload \(folder)"))
        let resumed = try UploadProcess(folder: folder, baseURL: simulator.baseURL(for: "v5"))
        #expect(resumed.wait(seconds: 90) == 0, "\(resumed.text)")
        #expect(try await stats(simulator).contactsStored == 100)
    }

    @Test func aSecondUploaderIsRefusedAtOnce() async throws {
        let simulator = try await startSimulator(faults: "slow:1")
        defer { Task { try? await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 60, perChunk: 10)
        let first = try UploadProcess(folder: folder, baseURL: simulator.baseURL(for: "v5"))
        usleep(500_000)
        let second = try UploadProcess(folder: folder, baseURL: simulator.baseURL(for: "v5"))
        #expect(second.wait(seconds: 5) == 75)
        #expect(second.text.contains("process \(first.pid)"))
        first.signal(SIGTERM)
        #expect(first.wait(seconds: 15) == 143)
    }

    @Test func aBadKeyStopsAtOnceWithExit77() async throws {
        let simulator = try await startSimulator()
        defer { Task { try? await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 50, perChunk: 5)
        let child = try UploadProcess(folder: folder, baseURL: simulator.baseURL(for: "v5"), key: "wrong-key-secret")
        #expect(child.wait(seconds: 20) == 77, "\(child.text)")
        #expect(!child.text.contains("wrong-key-secret"))
        #expect(try await stats(simulator).batchesReceived == 0)
    }

    @Test func theDeadlineExitsWith3AndATamperedFolderWith65() async throws {
        let simulator = try await startSimulator(faults: "slow:1")
        defer { Task { try? await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 100, perChunk: 5)
        let child = try UploadProcess(folder: folder, baseURL: simulator.baseURL(for: "v5"), extra: ["--max-duration", "1s"])
        #expect(child.wait(seconds: 20) == 3, "\(child.text)")
        let chunk = folder + "/chunks/chunk-000020.json"
        try (String(contentsOfFile: chunk, encoding: .utf8) + " ").write(toFile: chunk, atomically: true, encoding: .utf8)
        let refused = try UploadProcess(folder: folder, baseURL: simulator.baseURL(for: "v5"))
        #expect(refused.wait(seconds: 20) == 65)
        #expect(refused.text.contains("chunks/chunk-000020.json"))
    }
}
