import ExportTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `omnisend-export` as a child process, with output captured in files.
enum CLI {
    static let binary = ToolProcess.binary
    static let exists = FileManager.default.isExecutableFile(atPath: binary)

    /// The result of one finished command.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// Starts a child; stdout and stderr go to files next to `scratch`.
    static func start(_ arguments: [String], environment extra: [String: String] = [:], scratch: String) throws -> (Process, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: SharedFolder.packageRoot)
        var environment = ProcessInfo.processInfo.environment
        environment["OMNISEND_API_KEY"] = nil
        environment["OMNISEND_EXPORT_POLL_SECONDS"] = "0.02"
        for (name, value) in extra { environment[name] = value }
        process.environment = environment
        let out = scratch + ".stdout-\(UUID().uuidString)"
        let err = scratch + ".stderr-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: out)!
        process.standardError = FileHandle(forWritingAtPath: err)!
        try process.run()
        return (process, out, err)
    }

    /// Runs a command to its end (killed after `timeout` seconds).
    static func run(_ arguments: [String], environment: [String: String] = [:], scratch: String, timeout: Double = 120) throws -> Result {
        let (process, out, err) = try start(arguments, environment: environment, scratch: scratch)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        defer {
            unlink(out)
            unlink(err)
        }
        return Result(
            status: process.terminationStatus, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Every byte of every file under `folder`, as one string (SQLite files included).
    static func everything(in folder: String) -> [(String, [UInt8])] {
        (FileManager.default.subpaths(atPath: folder) ?? []).compactMap { name in
            FileManager.default.contents(atPath: folder + "/" + name).map { (name, [UInt8]($0)) }
        }
    }

    /// The files under `folder` whose bytes contain `needle`, ignoring ASCII case.
    static func files(in folder: String, containing needle: String) -> [String] {
        let target = Array(needle.lowercased().utf8)
        return everything(in: folder).filter { _, bytes in
            let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            guard lower.count >= target.count else { return false }
            return (0...(lower.count - target.count)).contains { lower[$0..<($0 + target.count)].elementsEqual(target) }
        }.map(\.0)
    }

    /// A fresh folder path under the temporary folder (not created).
    static func scratch(_ name: String) -> String {
        NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
    }
}

/// `omnisend-export simulator` as a child process on a free port.
final class SimulatorProcess {
    let process: Process
    let rootURL: String
    private let out: String

    init(key: String, extra: [String] = []) throws {
        let scratch = CLI.scratch("sim")
        let (process, out, _) = try CLI.start(
            ["simulator", "--port", "0", "--api-key", key, "--rate-limit", "0", "--batch-delay", "5"] + extra, scratch: scratch)
        self.process = process
        self.out = out
        var url: String?
        let deadline = Date().addingTimeInterval(20)
        while url == nil && Date() < deadline && process.isRunning {
            usleep(50_000)
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Omnisend simulator listening on ") }) {
                url = String(line.dropFirst("Omnisend simulator listening on ".count))
            }
        }
        guard let url else { throw CocoaError(.fileReadUnknown) }
        rootURL = url
    }

    var v5: String { rootURL + "/v5" }

    func stop() {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        unlink(out)
    }
}

@Suite(.serialized, .enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
struct SecretsProcessTests {
    @Test func theKeyAppearsNowhereAfterAFullRun() throws {
        let key = "sk-TEST-SECRET-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let folder = CLI.scratch("secrets-run")
        let result = try CLI.run(
            ["run", "pipelines/sample-csv.yaml", "--out", folder, "--base-url", simulator.v5],
            environment: ["OMNISEND_API_KEY": key], scratch: folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("run folder: \(folder)"))
        #expect(!result.output.contains(key))
        #expect(CLI.files(in: folder, containing: key).isEmpty)
        #expect(CLI.files(in: folder, containing: "sk-TEST-SECRET").isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder + "/report.json"))
        #expect(FileManager.default.fileExists(atPath: folder + "/checkpoint.sqlite"))
        // Logs and the report carry no email either.
        #expect(!result.output.contains("@example."), "\(result.output)")
        #expect(CLI.files(in: folder, containing: "@").allSatisfy { !$0.hasSuffix("report.json") })
    }

    @Test func aRefusedKeyAndAClosedPortDoNotEchoTheKey() throws {
        let good = "sk-TEST-SECRET-\(UUID().uuidString)"
        let bad = "sk-TEST-SECRET-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: good)
        defer { simulator.stop() }
        let folder = CLI.scratch("secrets-bad")
        let prepared = try CLI.run(["prepare", "pipelines/sample-csv.yaml", "--out", folder], scratch: folder)
        #expect(prepared.status == 0, "\(prepared.output)")
        let refused = try CLI.run(["upload", folder, "--base-url", simulator.v5], environment: ["OMNISEND_API_KEY": bad], scratch: folder)
        #expect(refused.status == 77, "\(refused.output)")
        #expect(!refused.output.contains(bad))
        let closed = try CLI.run(
            ["upload", folder, "--base-url", "http://127.0.0.1:1/v5", "--request-timeout", "2"], environment: ["OMNISEND_API_KEY": bad],
            scratch: folder, timeout: 180)
        #expect(closed.status == 75, "\(closed.output)")
        #expect(!closed.output.contains(bad))
        let status = try CLI.run(["status", folder], scratch: folder)
        #expect(!status.output.contains(bad))
        #expect(CLI.files(in: folder, containing: bad).isEmpty)
        #expect(CLI.files(in: folder, containing: "sk-TEST-SECRET").isEmpty)
    }

    @Test func theRunFolderIsPrivateAfterAFullRun() throws {
        let folder = CLI.scratch("secrets-modes")
        // A rehearsal: the simulator runs in-process with its state in RUN_DIR/simulator/.
        let result = try CLI.run(["run", "pipelines/sample-csv.yaml", "--out", folder, "--rehearse"], scratch: folder)
        #expect(result.status == 0, "\(result.output)")
        var info = stat()
        #expect(stat(folder, &info) == 0 && info.st_mode & 0o777 == 0o700)
        let names = FileManager.default.subpaths(atPath: folder) ?? []
        #expect(names.contains("checkpoint.sqlite") && names.contains("simulator") && names.contains("upload.lock"))
        #expect(names.contains(".redaction-key") && names.contains("report.json") && names.contains("failed.ndjson"))
        for name in names {
            #expect(stat(folder + "/" + name, &info) == 0)
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            #expect(info.st_mode & 0o777 == (isDirectory ? 0o700 : 0o600), "\(name): \(String(info.st_mode & 0o777, radix: 8))")
        }
    }

    @Test func theToolDumpsNoCore() throws {
        let key = "sk-TEST-SECRET-\(UUID().uuidString)"
        let scratch = CLI.scratch("secrets-core")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // The Swift backtracer takes tens of seconds to symbolicate a debug build; it does not
        // write a core either way.
        let (process, out, err) = try CLI.start(
            ["simulator", "--port", "0", "--api-key", key], environment: ["SWIFT_BACKTRACE": "enable=no"], scratch: scratch + "/x")
        defer {
            unlink(out)
            unlink(err)
        }
        usleep(800_000)
        let limits = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)) ?? ""
        let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") } ?? ""
        #expect(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"], "\(core)")
        kill(process.processIdentifier, SIGABRT)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGABRT)
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: SharedFolder.packageRoot)) ?? []).contains { $0 == "core" || $0.hasPrefix("core.") })
    }
}
