import ArgumentParser
import ExportCore
import ExportPrepare
import ExportStages
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
            `omnisend-export upload RUN_DIR …` command. Exit codes are those of prepare, then of upload.

            Examples:
              OMNISEND_API_KEY=… omnisend-export run pipelines/sample-csv.yaml
              omnisend-export run pipelines/sample-csv.yaml --rehearse
            """)

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(name: .customLong("input"), help: "An input file or glob; repeatable. Replaces the pipeline's inputs.")
    var inputs: [String] = []

    @Option(name: .customLong("out"), help: "The run folder to write (default: a new folder under the pipeline's runs_dir).")
    var out: String?

    @OptionGroup var flags: UploadFlags

    func run() async throws {
        let options = try flags.options()
        let environment = ProcessInfo.processInfo.environment
        let destination: Destination
        do {
            destination = try PipelineLoader.load(path: pipeline, environment: environment).destination
        } catch {
            Console.note("error: \(pipeline):\n\(error)")
            throw ExitCode(ExitCodes.config)
        }
        let runLock: PipelineRunLock
        do {
            let plan = try DestinationPlan.make(destination: destination, flags: flags, options: options, warn: Console.note)
            let state = try StateDirectory(environment: environment)
            switch plan {
            case .real(let target):
                let identity = target.identity(secret: try InstallSecret(state: state))
                runLock = try PipelineRunLock(state: state, pipeline: pipeline, destination: identity)
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
            throw exit
        } catch {
            throw ExitCode(UploadDriver.exitCode(for: error, note: Console.note))
        }
        defer { runLock.release() }
        let job = PrepareJob(pipelinePath: pipeline, inputOverrides: inputs, outputDirectory: out)
        let result = try Console.reportingErrors { try job.run(log: Console.note) }
        runLock.note(runDirectory: result.runDirectory)
        // The summary starts with the run folder: flushed now, so that an interrupted run shows
        // where to resume even when stdout is a pipe.
        Console.printSummary(result)
        fflush(nil)
        let code = await UploadDriver.upload(runDirectory: result.runDirectory, flags: flags, destinationChecked: true)
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}
