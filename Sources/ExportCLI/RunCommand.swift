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
            `omnisend-export upload RUN_DIR`. Exit codes are those of prepare, then of upload (the \
            table is in `omnisend-export --help`).

            At its end a line is appended to history.ndjson in the runs folder (the run folder's \
            parent). After a run that did not exit 0, the pipeline's `on_failure:` command runs with \
            the summary JSON's path as $1; after a successful one, `keep_runs: N` deletes older \
            finished run folders of the pipeline.

            From cron (absolute paths; the key through the pipeline's api_key_file), see docs/upload.md:
              0 2 * * * cd /srv/exports && /usr/local/bin/omnisend-export run pipelines/nightly.yaml \
            --quiet --summary-json /var/log/omnisend/last.json >>/var/log/omnisend/nightly.log 2>&1
            """)

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .customLong("input"), help: "An input file or glob; repeatable. Replaces the pipeline's inputs.")
    var inputs: [String] = []

    @Option(name: .customLong("out"), help: "The run folder to write (default: a new folder under the pipeline's runs_dir).")
    var out: String?

    @OptionGroup var flags: UploadFlags

    @OptionGroup var output: OutputFlags

    func run() async throws {
        _ = try flags.options()
        Console.configure(output.style)
        let recorder = RunRecorder(command: "run", output: output)
        recorder.usePipeline(at: pipeline)
        var job = PrepareJob(pipelinePath: pipeline, inputOverrides: inputs, outputDirectory: out)
        job.onRunDirectory = { recorder.prepared(runDirectory: $0, manifest: nil) }
        let result: PrepareResult
        do {
            result = try Console.reportingErrors { try job.run(log: Console.note) }
        } catch let nothing as NothingNew {
            return print(nothing.description)  // inputs.skip_unchanged: nothing written, nothing sent
        } catch let exit as ExitCode {
            throw ExitCode(recorder.finish(exitCode: exit.rawValue))
        }
        recorder.prepared(runDirectory: result.runDirectory, manifest: result.manifest)
        ReportHook.refresh(runDirectory: result.runDirectory, showEmails: flags.showEmails)
        // The summary starts with the run folder: flushed now, so that an interrupted run shows
        // where to resume even when stdout is a pipe.
        Console.printSummary(result)
        fflush(nil)
        let code = recorder.finish(exitCode: await UploadDriver.upload(runDirectory: result.runDirectory, flags: flags, recorder: recorder))
        ReportHook.refresh(runDirectory: result.runDirectory, showEmails: flags.showEmails)
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}
