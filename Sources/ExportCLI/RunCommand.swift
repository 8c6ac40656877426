import ArgumentParser
import ExportCore
import ExportPipeline
import ExportPrepare
import ExportUpload
import Foundation

/// `omnisend-export run`: prepare, then upload, in one command.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Prepare, then upload, in one command.",
        discussion: """
            Before prepare, resolves the destination (no key: exit 78 with how to set one, or \
            rehearse with --rehearse), takes the lock of this pipeline and destination (a second \
            run exits 75 at once, naming the holder) and checks the destination (a refused key \
            exits 77, a missing write permission 6, an API version that does not answer 78). \
            Then prints the run folder, so that an interrupted run resumes with the printed \
            `omnisend-export upload RUN_DIR …` command. Exit codes are those of prepare, then of \
            upload (the table is in `omnisend-export --help`).

            At its end a line is appended to history.ndjson in the runs folder (the run folder's \
            parent). After a run that did not exit 0, the pipeline's `on_failure:` command runs with \
            the summary JSON's path as $1; after a successful one, `keep_runs: N` deletes older \
            finished run folders of the pipeline.

            Examples:
              OMNISEND_API_KEY=… omnisend-export run pipelines/sample-csv.yaml
              omnisend-export run pipelines/sample-csv.yaml --rehearse
              omnisend-export run pipelines/nightly.yaml --incremental   # only new and changed contacts (docs/sync.md)

            From cron (absolute paths; the key through the pipeline's api_key_file), see docs/upload.md:
              0 2 * * * cd /srv/exports && /usr/local/bin/omnisend-export run pipelines/nightly.yaml \
            --quiet --summary-json /var/log/omnisend/last.json >>/var/log/omnisend/nightly.log 2>&1
            """)

    @OptionGroup var prepare: PrepareOptions

    @OptionGroup var flags: UploadFlags

    @OptionGroup var output: OutputFlags

    func run() async throws {
        var options = try flags.options()
        Console.configure(output.style)
        let recorder = RunRecorder(command: "run", output: output)
        let pipeline = prepare.pipeline.path
        recorder.usePipeline(at: pipeline)
        let environment = ProcessInfo.processInfo.environment
        let destination: Destination
        do {
            destination = try PipelineLoader.load(path: pipeline, environment: environment).destination
        } catch {
            Console.note("error: \(pipeline):\n\(error)")
            throw ExitCode(recorder.finish(exitCode: ExitCodes.code(for: error)))
        }
        let runLock: PipelineRunLock
        do {
            let plan = try DestinationPlan.make(destination: destination, flags: flags, options: options, warn: Console.note)
            let state = try StateDirectory(environment: environment)
            switch plan {
            case .real(let target):
                let identity = target.identity(secret: try InstallSecret(state: state))
                runLock = try PipelineRunLock(state: state, pipeline: pipeline, destination: identity)
                options.network = try NetworkSettings.resolve(baseURL: target.baseURL, caFile: destination.caFile, environment: environment)
                if !flags.noDestinationCheck,
                    let code = await UploadDriver.checkDestination(
                        target, probeWrite: destination.probesWrite && !flags.noWriteProbe, options: options, openChunks: nil)
                {
                    throw ExitCode(code)
                }
            case .rehearsal:
                runLock = try PipelineRunLock(state: state, pipeline: pipeline, destination: nil)
            }
        } catch let exit as ExitCode {
            throw ExitCode(recorder.finish(exitCode: exit.rawValue))
        } catch {
            throw ExitCode(recorder.finish(exitCode: ExitCodes.report(error, note: Console.note)))
        }
        defer { runLock.release() }
        var job = prepare.job()
        job.onRunDirectory = { recorder.prepared(runDirectory: $0, manifest: nil) }
        let result: PrepareResult
        do {
            result = try Console.reportingErrors { try job.run(log: Console.note) }
        } catch let nothing as NothingNew {
            // inputs.skip_unchanged: nothing written, nothing sent; the history notes the skip.
            print(nothing.description)
            recorder.finishNothingNew(nothing)
            return
        } catch let exit as ExitCode {
            throw ExitCode(recorder.finish(exitCode: exit.rawValue))
        }
        runLock.note(runDirectory: result.runDirectory)
        recorder.prepared(runDirectory: result.runDirectory, manifest: result.manifest)
        ReportHook.refresh(runDirectory: result.runDirectory, showEmails: flags.showEmails)
        // The summary starts with the run folder: flushed now, so that an interrupted run shows
        // where to resume even when stdout is a pipe.
        Console.printSummary(result)
        fflush(nil)
        let code = recorder.finish(
            exitCode: await UploadDriver.upload(
                runDirectory: result.runDirectory, flags: flags, recorder: recorder, destinationChecked: true))
        ReportHook.refresh(runDirectory: result.runDirectory, showEmails: flags.showEmails)
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}
