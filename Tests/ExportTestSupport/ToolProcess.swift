import Foundation

/// Runs the built `omnisend-export` binary as a child process, as a user or a script would.
public enum ToolProcess {
    /// `.build/debug/omnisend-export` of this checkout (built by `swift build --build-tests`).
    public static let binary = SharedFolder.packageRoot + "/.build/debug/omnisend-export"

    /// Whether the binary has been built.
    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// What a finished run printed and how it ended.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs the binary with `arguments` in `directory` (default: the package root) and waits.
    public static func run(
        _ arguments: [String], in directory: String = SharedFolder.packageRoot, environment: [String: String]? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes while the child runs, so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdoutData = Data()
        nonisolated(unsafe) var stderrData = Data()
        DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
        process.waitUntilExit()
        group.wait()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
