import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The disk fills while `prepare` writes chunks: a clear error naming the file, no manifest, and
/// the next `prepare` into the same folder, once there is room, works.
@Suite(.serialized) struct DiskFullTests {
    /// Enough contacts for about 4 MB of chunks and side files.
    static func writeInput(_ f: PrepareFixture) throws {
        var text = "Email,FirstName,Segment\n"
        for n in 0..<20_000 { text += "user\(n)@example.com,Name\(n),Segment \(n % 7)\n" }
        try f.directory.write("in.csv", text)
        try f.pipeline(inputs: ["in.csv"])
    }

    /// Runs a program and returns its exit status and standard error.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static var isRoot: Bool {
        #if canImport(Glibc)
        return getuid() == 0
        #else
        return false
        #endif
    }

    @Test(.enabled(if: isRoot, "needs root to mount a 2 MiB tmpfs"))
    func fullTmpfsIsAClearErrorAndTheNextPrepareWorks() throws {
        let f = try PrepareFixture()
        try Self.writeInput(f)
        let mountPoint = f.root + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint])
        guard mount.status == 0 else {
            print("DiskFullTests: skipped, cannot mount a tmpfs here: \(mount.stderr)")
            return
        }
        defer { try? Self.run("/bin/umount", [mountPoint]) }

        do {
            _ = try f.prepare(out: "small/run")
            Issue.record("prepare filled a 2 MiB filesystem without an error")
        } catch let error as ExportError {
            #expect(error.code == .io, "a full disk is an I/O error (exit 74): \(error)")
            #expect(error.description.contains(mountPoint + "/run"), "the error names the file: \(error)")
            #expect(error.description.contains("No space left"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: mountPoint + "/run/manifest.json"))

        let remount = try Self.run("/bin/mount", ["-o", "remount,size=64m", mountPoint])
        #expect(remount.status == 0, "\(remount.stderr)")
        let result = try f.prepare(out: "small/run")
        #expect(result.manifest.counts.kept == 20_000)
        #expect(FileManager.default.fileExists(atPath: mountPoint + "/run/manifest.json"))
        #expect(try f.emails(run: "small/run").count == 20_000)
    }

    /// The command-line tool, built beside the tests by `swift build --build-tests`.
    static let tool = ToolProcess.binary

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: tool), "needs .build/debug/omnisend-export"))
    func fileSizeLimitExitsNonZeroAndTheNextPrepareWorks() throws {
        let f = try PrepareFixture()
        try Self.writeInput(f)
        let out = f.root + "/run"
        // RLIMIT_FSIZE of 1 MiB (bash counts 1024-byte blocks); SIGXFSZ ignored, so write fails with EFBIG.
        let limited = try Self.run("/bin/bash", [
            "-c", "ulimit -f 1024 && trap '' XFSZ && exec \"$0\" prepare \"$1\" --out \"$2\" --run-date 2026-11-29",
            Self.tool, f.root + "/pipeline.yaml", out,
        ])
        #expect(limited.status != 0)
        #expect(limited.stderr.contains(out), "the error names the file: \(limited.stderr)")
        #expect(limited.stderr.contains("too large"), "\(limited.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/manifest.json"))

        let again = try Self.run(Self.tool, ["prepare", f.root + "/pipeline.yaml", "--out", out, "--run-date", "2026-11-29"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try f.emails().count == 20_000)
    }
}
