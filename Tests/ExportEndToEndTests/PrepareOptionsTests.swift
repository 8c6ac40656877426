import ArgumentParser
import ExportPipeline
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing
@testable import ExportCLI

/// `PrepareOptions`, `PipelineArgument` and `RunDateOption`: `prepare`, `run` and `check` read the
/// pipeline, `--input`, `--out`, `--run-date` and `--incremental`/`--full` through one group, so
/// the same words make the same prepare job; and through the binary, `run --run-date` writes the
/// run date where `prepare --run-date` does.
@Suite(.serialized) struct PrepareOptionsTests {
    static let words = [
        "pipelines/customer-insights.yaml", "--input", "exports/a.csv", "--input", "exports/b*.csv.gz", "--out", "runs/today",
        "--run-date", "2026-01-02", "--incremental",
    ]

    @Test func prepareAndRunMakeTheSameJobFromTheSameWords() throws {
        let prepare = try PrepareCommand.parse(Self.words).options.job()
        let run = try RunCommand.parse(Self.words + ["--rehearse", "--max-duration", "90m"]).prepare.job()
        for job in [prepare, run] {
            #expect(job.pipelinePath == "pipelines/customer-insights.yaml")
            #expect(job.inputOverrides == ["exports/a.csv", "exports/b*.csv.gz"])
            #expect(job.outputDirectory == "runs/today")
            #expect(job.runDate == "2026-01-02")
            #expect(job.syncMode == .incremental)
            #expect(job.beforeDiff != nil, "the replay of accepted uploads runs before the diff")
        }
    }

    @Test func withoutFlagsTheJobFollowsThePipeline() throws {
        for job in [try PrepareCommand.parse(["p.yaml"]).options.job(), try RunCommand.parse(["p.yaml"]).prepare.job()] {
            #expect(job.pipelinePath == "p.yaml" && job.inputOverrides.isEmpty && job.outputDirectory == nil)
            #expect(job.runDate == nil && job.syncMode == nil)
        }
        #expect(try RunCommand.parse(["p.yaml", "--full"]).prepare.job().syncMode == .full)
    }

    @Test func checkReadsThePipelineAndRunDateAsPrepareDoes() throws {
        let check = try CheckCommand.parse(["pipelines/customer-insights.yaml", "--run-date", "2026-01-02", "--preview", "0"])
        let prepare = try PrepareCommand.parse(["pipelines/customer-insights.yaml", "--run-date", "2026-01-02"])
        #expect(check.pipelineArgument.path == prepare.options.pipeline.path)
        #expect(check.runDate.runDate == prepare.options.runDate.runDate)
    }

    @Test func incrementalWithFullIsRefusedWhileParsingInBothCommands() throws {
        for parse in [{ _ = try PrepareCommand.parse(["p.yaml", "--incremental", "--full"]) },
            { _ = try RunCommand.parse(["p.yaml", "--incremental", "--full"]) }] as [() throws -> Void] {
            let error = try #require(throws: (any Error).self) { try parse() }
            #expect(PrepareCommand.message(for: error) == "--incremental and --full cannot be used together")
            #expect(PrepareCommand.exitCode(for: error) == .validationFailure)
        }
    }

    @Test func theSharedFlagsAreInEveryHelp() {
        let prepare = PrepareCommand.helpMessage(columns: 200)
        let run = RunCommand.helpMessage(columns: 200)
        let check = CheckCommand.helpMessage(columns: 200)
        for flag in ["<pipeline>", "--input <input>", "--out <out>", "--run-date <run-date>", "--incremental", "--full"] {
            #expect(prepare.contains(flag) && run.contains(flag), "\(flag)")
        }
        #expect(check.contains("<pipeline>") && check.contains("--run-date <run-date>"))
        #expect(!check.contains("--input") && !check.contains("--out "))
    }

    @Test(.enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
    func runWritesTheRunDateWherePrepareDoes() throws {
        let base = CLI.scratch("run-date")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let environment = ["OMNISEND_EXPORT_STATE_DIR": base + "/state"]
        let prepared = try CLI.run(
            ["prepare", "pipelines/customer-insights.yaml", "--out", base + "/prepared", "--run-date", "2026-01-02"],
            environment: environment, scratch: base)
        #expect(prepared.status == 0, "\(prepared.output)")
        let run = try CLI.run(
            ["run", "pipelines/customer-insights.yaml", "--rehearse", "--out", base + "/run", "--run-date", "2026-01-02"],
            environment: environment, scratch: base)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("REHEARSAL"), "\(run.output)")

        let chunks = try FileManager.default.contentsOfDirectory(atPath: base + "/prepared/chunks").sorted()
        try #require(!chunks.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/run/chunks").sorted() == chunks)
        for chunk in chunks {
            let fromPrepare = try #require(FileManager.default.contents(atPath: base + "/prepared/chunks/" + chunk))
            let fromRun = try #require(FileManager.default.contents(atPath: base + "/run/chunks/" + chunk))
            #expect(fromRun == fromPrepare, "\(chunk): run and prepare wrote different bytes")
            let text = String(decoding: fromRun, as: UTF8.self)
            #expect(text.contains(#""importedOn":"2026-01-02""#), "\(chunk) lacks the run date")
        }
        for file in ["contacts.ndjson", "rejects.ndjson", "duplicates.ndjson", "warnings.ndjson"] {
            #expect(
                FileManager.default.contents(atPath: base + "/run/" + file) == FileManager.default.contents(atPath: base + "/prepared/" + file),
                "\(file) differs between run and prepare")
        }
    }
}
