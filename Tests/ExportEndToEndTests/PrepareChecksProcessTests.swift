import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import Testing

/// The fail-fast checks of `prepare`, run as a user would run the binary: a typo'd column (CSV
/// and NDJSON), a header-only file, a reject-rate limit, a bundle with a manifest member, inputs
/// not ready and inputs unchanged.
@Suite(.enabled(if: ToolProcess.isBuilt, "build the binary first: swift build --product omnisend-export"))
struct PrepareChecksProcessTests {
    static let mapping = """
        version: 1
        email: Email
        first_name: FirstName
        gender: Sex

        """
    static let csv = """
        Email,FirstName,Sex
        ana@example.ro,Ana,F
        ion@example.ro,Ion,M
        bad-address,Bad,F

        """

    /// A folder with `mapping.yaml`, `in.csv` and a pipeline whose runs go to `runs/`.
    private func workspace(
        mapping: String = mapping, inputs: String = "[in.csv]", extra: String = ""
    ) throws -> TemporaryDirectory {
        let work = try TemporaryDirectory(prefix: "prepare-checks")
        try work.write("mapping.yaml", mapping)
        try work.write("in.csv", Self.csv)
        try work.write("pipeline.yaml", "version: 1\nname: nightly\ninputs: \(inputs)\nmapping: mapping.yaml\nruns_dir: runs\n\(extra)")
        return work
    }

    private func runFolders(_ work: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: work.path + "/runs")) ?? []).filter { $0 != "history.ndjson" }
    }

    @Test func aTypoInACSVColumnExits65AndWritesNoRunFolder() throws {
        let work = try workspace(mapping: Self.mapping.replacingOccurrences(of: "FirstName", with: "FirstNmae"))
        let result = try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("mapping.yaml:3:13: column 'FirstNmae' is not in the header of in.csv\n    hint: did you mean 'FirstName'?"))
        #expect(runFolders(work).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: work.path + "/runs"))
    }

    @Test func aMisspeltEmailColumnExits65InsteadOfRejectingEveryRow() throws {
        let work = try workspace(mapping: Self.mapping.replacingOccurrences(of: "email: Email", with: "email: Emial"))
        let result = try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("mapping.yaml:2:8: column 'Emial' is not in the header of in.csv"))
        #expect(runFolders(work).isEmpty)
    }

    @Test func aTypoInANestedNDJSONPathWarnsInCheckAndExits65InPrepare() throws {
        let work = try workspace(
            mapping: "version: 1\nemail: Email\naddress: Address.Stret\n", inputs: "[in.ndjson]")
        try work.write("in.ndjson", """
            {"Email":"ana@example.ro","Address":{"Street":"Str. Lungă 1","City":"Iași"}}
            {"Email":"ion@example.ro","Address":{"Street":"Str. Mică 2"}}

            """)
        let check = try ToolProcess.run(["check", "pipeline.yaml"], in: work.path)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("warning: mapping.yaml:3:10: key 'Address.Stret' is in none of the 2 sampled rows of in.ndjson"))
        #expect(check.stdout.contains("did you mean 'Address.Street'?"))

        let prepare = try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path)
        #expect(prepare.status == 65, "\(prepare.stderr)")
        #expect(prepare.stderr.contains("mapping.yaml:3:10: key 'Address.Stret' is in no row of the run (2 rows read)"))
        let folders = runFolders(work)
        #expect(folders.count == 1)
        #expect(!FileManager.default.fileExists(atPath: work.path + "/runs/\(folders.first ?? "")/manifest.json"))
    }

    @Test func aHeaderOnlyFileDoesNotExitZero() throws {
        let work = try workspace()
        try work.write("in.csv", "Email,FirstName,Sex\n")
        let result = try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path)
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("kept 0 contacts of 0 rows read, fewer than limits.min_kept: 1"))
    }

    @Test func aRejectRateOverTheLimitExits5WithTheReasons() throws {
        let work = try workspace(extra: "limits: { max_reject_rate: 0.2 }\n")
        let result = try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path)
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("rejected 1 of 3 rows (33.3%), over limits.max_reject_rate: 0.2 (20%)"))
        #expect(result.stderr.contains("rejected by reason: email_invalid 1"))
        let folder = try #require(runFolders(work).first)
        #expect(!FileManager.default.fileExists(atPath: work.path + "/runs/\(folder)/manifest.json"))
        #expect(FileManager.default.fileExists(atPath: work.path + "/runs/\(folder)/rejects.ndjson"))
        // The folder cannot be uploaded.
        let upload = try ToolProcess.run(["upload", "runs/\(folder)"], in: work.path, environment: ["OMNISEND_API_KEY": "k"])
        #expect(upload.status != 0)
    }

    @Test func aBundleManifestMemberIsSkippedAndListed() throws {
        let work = try workspace(inputs: "[export.zip]")
        try work.write("part-0001.csv", Self.csv)
        try work.write("_manifest.json", #"{"files":["part-0001.csv"],"rows":3}"# + "\n")
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zip.arguments = ["python3", "-c", "import sys, zipfile\nwith zipfile.ZipFile('export.zip', 'w') as z:\n    [z.write(n) for n in sys.argv[1:]]", "_manifest.json", "part-0001.csv"]
        zip.currentDirectoryURL = URL(fileURLWithPath: work.path)
        try zip.run()
        zip.waitUntilExit()
        let check = try ToolProcess.run(["check", "pipeline.yaml"], in: work.path)
        #expect(check.stdout.contains("note: export.zip:_manifest.json: skipped member: default rule '_*'"), "\(check.stdout)")
        let result = try ToolProcess.run(["prepare", "pipeline.yaml", "--out", "runs/one"], in: work.path)
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: work.path + "/runs/one/manifest.json")))
        #expect(manifest.inputs.first?.skippedMembers == ["_manifest.json"])
        #expect(manifest.rejectReasons == ["email_invalid": 1])
        #expect(manifest.counts.kept == 2)
    }

    @Test func inputsNotReadyWaitThenExit75() throws {
        let work = try workspace(inputs: "{ files: [in.csv], ready_marker: _SUCCESS, max_wait: 1s }")
        let started = Date()
        let result = try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(result.stderr.contains("waiting for the inputs (up to inputs.max_wait 1s): no ready_marker '_SUCCESS' in ./"))
        #expect(result.stderr.contains("the inputs are not ready after waiting"))
        #expect(runFolders(work).isEmpty)
        try work.write("_SUCCESS", "")
        #expect(try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path).status == 0)
    }

    @Test func unchangedInputsExitZeroWithNothingNewAndWriteNothing() throws {
        let work = try workspace(inputs: "{ files: [in.csv], skip_unchanged: true }")
        let first = try ToolProcess.run(["prepare", "pipeline.yaml", "--out", "runs/first"], in: work.path)
        #expect(first.status == 0, "\(first.stderr)")
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: work.path + "/runs/first/manifest.json")))
        // What `run` appends when it uploaded everything.
        try RunHistoryFile.append(
            RunHistoryEntry(
                pipeline: "nightly", runDirectory: "first", command: "run", startedAt: "2026-12-03T02:00:00Z",
                finishedAt: "2026-12-03T02:03:00Z", durationSeconds: 180, outcome: "success", exitCode: 0,
                inputs: manifest.inputs.map { .init(path: $0.path, sha256: $0.sha256) }),
            runsDirectory: work.path + "/runs")
        let history = try Data(contentsOf: URL(fileURLWithPath: work.path + "/runs/history.ndjson"))
        let second = try ToolProcess.run(["prepare", "pipeline.yaml"], in: work.path)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.hasPrefix("nothing new: the input file has the same sha256 as the last successful run (first"))
        #expect(runFolders(work) == ["first"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: work.path + "/runs/history.ndjson")) == history)

        // `run` skips too, and notes the skipped night in the history and its summary.
        let skipped = try ToolProcess.run(["run", "pipeline.yaml", "--rehearse", "--summary-json", "summary.json"], in: work.path)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stdout.contains("nothing new"), "\(skipped.stdout)")
        #expect(runFolders(work) == ["first"])
        let lines = try String(contentsOfFile: work.path + "/runs/history.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let entry = try JSONDecoder().decode(RunHistoryEntry.self, from: Data(lines.last!.utf8))
        #expect(entry.outcome == "nothing_new" && entry.command == "run" && entry.exitCode == 0)
        #expect(entry.runDirectory == "first", "names the run whose inputs these are")
        #expect(entry.pipeline == "nightly")
        #expect(entry.inputs.map(\.sha256) == manifest.inputs.map(\.sha256))
        let summary = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: URL(fileURLWithPath: work.path + "/summary.json")))
        #expect(summary.outcome == "nothing_new" && summary.runDirectory == nil)
    }

    @Test func forgetRemovesAPersonsWarnings() throws {
        let work = try workspace()
        try work.write("in.csv", "Email,FirstName,Sex\nana@example.ro,Ana,x\nion@example.ro,Ion,?\n")
        #expect(try ToolProcess.run(["prepare", "pipeline.yaml", "--out", "runs/one"], in: work.path).status == 0)
        let path = work.path + "/runs/one/warnings.ndjson"
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("ana@example.ro"))
        let forgot = try ToolProcess.run(["forget", "ana@example.ro", "--runs", "runs/one"], in: work.path)
        #expect(forgot.status == 0, "\(forgot.stderr)")
        #expect(forgot.stdout.contains("warnings.ndjson: 1 line(s) removed"), "\(forgot.stdout)")
        let left = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!left.contains("ana@example.ro") && left.contains("ion@example.ro"))
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: work.path + "/runs/one/manifest.json")))
        #expect(manifest.files.first { $0.file == "warnings.ndjson" }?.lines == 1)
    }
}
