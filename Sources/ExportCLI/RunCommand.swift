import ArgumentParser
import ExportCore
import ExportPrepare
import Foundation

/// `omnisend-export run`: prepare, then upload, in one command.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Prepare, then upload, in one command.",
        discussion: """
            Prints the run folder first, so that an interrupted run resumes with \
            `omnisend-export upload RUN_DIR`. Exit codes are those of prepare, then of upload.
            """)

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .customLong("input"), help: "An input file or glob; repeatable. Replaces the pipeline's inputs.")
    var inputs: [String] = []

    @Option(name: .customLong("out"), help: "The run folder to write (default: a new folder under the pipeline's runs_dir).")
    var out: String?

    @OptionGroup var flags: UploadFlags

    func run() async throws {
        _ = try flags.options()
        let job = PrepareJob(pipelinePath: pipeline, inputOverrides: inputs, outputDirectory: out)
        let result = try Console.reportingErrors { try job.run(log: Console.note) }
        ReportHook.refresh(runDirectory: result.runDirectory, showEmails: flags.showEmails)
        // The summary starts with the run folder: flushed now, so that an interrupted run shows
        // where to resume even when stdout is a pipe.
        Console.printSummary(result)
        fflush(nil)
        let code = await UploadDriver.upload(runDirectory: result.runDirectory, flags: flags)
        ReportHook.refresh(runDirectory: result.runDirectory, showEmails: flags.showEmails)
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}
