import ExportTestSupport
import Foundation
import Testing

/// The built `omnisend-export` binary (`swift build --product omnisend-export`).
private let binary = ToolProcess.binary
private let binaryExists = FileManager.default.isExecutableFile(atPath: binary)

/// What a finished child process said.
private struct Finished {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the binary with `arguments` in `directory` and waits (at most 60 s) for it to exit.
private func run(_ arguments: [String], in directory: String) throws -> Finished {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting, so a full pipe cannot block the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    let deadline = Date().addingTimeInterval(60)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    return Finished(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// `omnisend-export check` as a child process: its exit status and where its output goes.
@Suite(.enabled(if: binaryExists, "build the binary first: swift build --product omnisend-export"))
struct CheckCommandTests {
    @Test func aSoundPipelineExitsZeroAndPrintsThePreview() throws {
        let result = try run(
            ["check", "pipelines/customer-insights.yaml", "--preview", "1", "--run-date", "2026-11-29"],
            in: SharedFolder.packageRoot)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("── samples/exports/customer-insights-segment.csv:2\n{\n"))
        #expect(result.stdout.contains("sample: 36 rows → 29 contacts"))
        #expect(result.stdout.contains("field fill rates (of 29 contacts"))
        #expect(result.stdout.hasSuffix("pipelines/customer-insights.yaml: the pipeline is sound (no problems found)\n"))
    }

    @Test func aPipelineWithProblemsExitsOneAndListsThemAllOnStderr() throws {
        let work = try TemporaryDirectory(prefix: "check-cli")
        try work.write("in.csv", "Email,FirstName,Points\na@example.ro,Ana,\n")
        try work.write("mapping.yaml", """
            version: 1
            email: Email
            first_name: FristName
            custom_properties:
              points: { column: Points, type: number }

            """)
        try work.write("pipeline.yaml", "version: 1\ninputs: [in.csv]\nmapping: mapping.yaml\n")
        let result = try run(["check", "pipeline.yaml"], in: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("mapping.yaml:3:13: column 'FristName' is not in the header of in.csv\n    hint: did you mean 'FirstName'?"))
        #expect(result.stderr.contains("mapping.yaml:5:11: custom property 'points' (number) is empty in all 1 sampled rows"))
        #expect(result.stderr.hasSuffix("2 problems found\n"))
        #expect(!result.stdout.contains("sound"))
    }

    @Test func anUnreadablePipelineExitsOne() throws {
        let work = try TemporaryDirectory(prefix: "check-cli")
        let result = try run(["check", "missing.yaml"], in: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("missing.yaml: cannot read the pipeline file"))
    }
}
