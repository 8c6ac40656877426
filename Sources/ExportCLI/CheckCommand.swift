import ArgumentParser
import ExportCore
import ExportPipeline
import ExportPrepare
import ExportRunOperations
import ExportUpload
import Foundation

/// `omnisend-export check`: Check a pipeline and its mapping against the inputs, and preview mapped contacts.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a pipeline and its mapping against the inputs, and preview mapped contacts.",
        discussion: """
            Loads the pipeline and its mapping, opens every input as prepare would, checks the \
            mapping against each input's header (CSV: the header row; NDJSON: the keys of the \
            sampled rows) and maps a sample of rows. Prints the inputs, a preview of the first \
            contacts as they would be sent (for a repeated email, the row the dedupe policy keeps), \
            the consent effect (per channel: how many contacts get which status, with a date from a \
            column, a constant, now, or keep-existing), the reject reasons and warnings seen in the \
            sample, and how many contacts get a value for each field. Writes nothing and sends nothing. \
            A constant subscribed status is a warning on stderr, not a problem.

            Problems go to stderr as file:line:column: message, with a hint, all at once. \
            Exit status: 0 when the pipeline is sound, 1 when there are problems.

            With --destination, checks the pipeline's destination instead (run and upload do this \
            first too), with one or two cheap requests: whether the key is accepted, whether it \
            may write contacts (inferred from an empty POST /batches: 400 means allowed, 403 not; \
            nothing is stored; --no-write-probe or write_probe: false skips it), whether the API \
            version answers, the rate budget left where the version's headers give it, and with \
            --run RUN_DIR the upload's estimated duration. Exit status: 0 usable; 6 the key lacks \
            write permission; 75 unreachable; 77 key refused (401/403); 78 no key, or the API \
            version does not answer (404/410).

            Examples:
              omnisend-export check pipelines/customer-insights.yaml
              omnisend-export check pipelines/sample-csv.yaml --preview 10 --compact
              omnisend-export check pipelines/big.yaml --sample 10000 --preview 0
              OMNISEND_API_KEY=… omnisend-export check --destination pipelines/sample-csv.yaml --run runs/demo-sample-csv
            """)

    @OptionGroup var pipelineArgument: PipelineArgument

    @Option(help: "How many mapped contacts to show.")
    var preview: Int = 3

    @Option(help: "How many rows to read from the start of each input (file or bundle member).")
    var sample: Int = 1000

    @Flag(help: "Show the preview as one line per contact: file:line, then the JSON exactly as sent.")
    var compact = false

    @OptionGroup var runDate: RunDateOption

    @Flag(help: "Check the pipeline's destination (key, write permission, API version, rate budget) instead of its inputs.")
    var destination = false

    @Option(name: .customLong("run"), help: ArgumentHelp("With --destination: estimate the upload of this prepared run folder.", valueName: "RUN_DIR"))
    var runFolder: String?

    @Flag(help: "With --destination: do not send the empty POST /batches that tells whether the key may write.")
    var noWriteProbe = false

    /// With `--destination`: `--base-url`, and the rate budget the estimate assumes.
    @OptionGroup var destinationFlags: DestinationFlags

    func validate() throws {
        guard preview >= 0 else { throw ValidationError("--preview must be 0 or more") }
        guard sample >= 1 else { throw ValidationError("--sample must be at least 1") }
    }

    /// The pipeline file.
    private var pipeline: String { pipelineArgument.path }

    func run() async throws {
        if destination { return try await checkDestination() }
        let report = PipelineCheck(pipelinePath: pipeline, sampleSize: sample, previewCount: preview, runDate: runDate.runDate).run()
        let summary = report.summary(compactPreview: compact)
        if !summary.isEmpty { print(summary + "\n") }
        if !report.consentWarnings.isEmpty { Console.note(report.consentWarningText) }
        if let line = SyncHook.describe(pipelinePath: pipeline) { print(line) }
        if report.isSound {
            print("\(pipeline): the pipeline is sound (no problems found)")
        } else {
            Console.note(report.problemText)
            throw ExitCode(ExitCodes.checkFailed)
        }
    }

    private func checkDestination() async throws {
        let environment = ProcessInfo.processInfo.environment
        let loaded: Destination
        do {
            loaded = try PipelineLoader.load(path: pipeline, environment: environment).destination
        } catch {
            Console.note("error: \(pipeline):\n\(error)")
            throw ExitCode(ExitCodes.code(for: error))
        }
        if loaded.rehearses {
            print("\(pipeline): the destination is the bundled simulator (simulator: true); every upload is a rehearsal, nothing to check")
            return
        }
        var options = UploadOptions()
        options.baseURL = destinationFlags.baseURL
        options.rateShare = destinationFlags.rateShare
        options.rateLimitPerMinute = destinationFlags.rateLimit
        // The check sends no contact, so no personal-data acknowledgement is needed for it.
        options.acknowledgePersonalData = true
        let target: UploadTarget
        var openChunks: Int?
        do {
            target = try UploadTarget.resolve(destination: loaded, options: options, environment: environment, relativeTo: nil, warn: Console.note)
            if let runFolder {
                let status = try UploadStatus(runDirectory: runFolder)
                openChunks = status.chunksPending + status.chunksInFlight
            }
        } catch {
            throw ExitCode(ExitCodes.report(error, note: Console.note))
        }
        let identity = (try? InstallSecret(state: try StateDirectory(environment: environment))).map { target.identity(secret: $0).description }
        print("destination: \(identity ?? "\(target.baseURL) (API \(target.apiVersion.rawValue))")")
        if let code = await UploadDriver.checkDestination(
            target, probeWrite: loaded.probesWrite && !noWriteProbe, options: options, openChunks: openChunks, prefix: "  ",
            findingsToStandardOutput: true)
        {
            throw ExitCode(code)
        }
        print("\(pipeline): the destination is usable")
    }
}
