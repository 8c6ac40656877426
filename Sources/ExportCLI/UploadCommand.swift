import ArgumentParser
import Dispatch
import ExportChunks
import ExportCore
import ExportUpload
import Foundation
import OmnisendSimulator

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `omnisend-export upload`: send a prepared run folder's chunks, resuming where the last upload stopped.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a prepared run folder's chunks to Omnisend, resuming where a previous upload stopped.",
        discussion: """
            The key is read from OMNISEND_API_KEY, or from the environment variable or file the \
            pipeline's destination names (apiKeyEnv, apiKeyFile); never from the command line. With \
            no key and no base URL, the bundled simulator is started on 127.0.0.1 and used (a rehearsal).

            Run it again on the same folder to resume: finished chunks are skipped, batches already \
            taken are polled, never re-sent, and a chunk whose POST had no answer is looked up on \
            Omnisend before it is sent again.

            Behind a proxy: HTTPS_PROXY / HTTP_PROXY (or https_proxy / http_proxy) are used for the \
            destination unless NO_PROXY names its host; destination.ca_file adds a CA bundle (PEM).

            For cron: --quiet prints only errors and the final summary; --log-format json writes one \
            JSON object a log line; --summary-json PATH writes the outcome for other tools. The exit \
            codes are listed in `omnisend-export --help`: 0 all accepted; 2 some contacts failed \
            (failed.ndjson; --retry-failed resends the transient ones); 3, 75, 130, 143 resumable.
            """)

    @Argument(help: "The run folder written by prepare.")
    var runDirectory: String

    @OptionGroup var flags: UploadFlags

    @OptionGroup var output: OutputFlags

    func run() async throws {
        Console.configure(output.style)
        let recorder = RunRecorder(command: "upload", output: output)
        recorder.useRunFolder(runDirectory)
        let code = recorder.finish(exitCode: await UploadDriver.upload(runDirectory: runDirectory, flags: flags, recorder: recorder))
        ReportHook.refresh(runDirectory: runDirectory, showEmails: flags.showEmails)
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}

/// The flags `upload` and `run` share.
struct UploadFlags: ParsableArguments {
    @Option(help: "Send to this base URL instead of the pipeline's (e.g. http://127.0.0.1:8089/v5).")
    var baseURL: String?

    @Option(help: "Stop (resumably) before this much time has passed: 4h, 90m, 30s.")
    var maxDuration: String = "4h"

    @Option(help: "Chunks in flight at once.")
    var concurrency: Int = 4

    @Option(help: "Share of the brand's rate limit to use (other integrations share it).")
    var rateShare: Double = 0.8

    @Option(help: "The brand's requests a minute, until Omnisend's X-Rate-Limit-Limit header says otherwise (0: no limit, for a simulator without one).")
    var rateLimit: Int = 400

    @Option(help: "Seconds one request may take before it is abandoned (a POST abandoned so is then looked up on Omnisend, see --reconcile-horizon).")
    var requestTimeout: Double = 30

    @Option(help: ArgumentHelp(
        "How long after a POST without a usable answer (timeout, network error, 5xx) its batch is looked for before the chunk is posted again: 2m, 90s.",
        valueName: "DURATION"))
    var reconcileHorizon: String = "2m"

    @Flag(help: "Send again the contacts that failed for transient reasons (5xx, timeouts, stopped batches).")
    var retryFailed = false

    @Flag(help: "Acknowledge that uploading sends personal data out of your systems (needed for non-loopback URLs).")
    var acknowledgePersonalData = false

    @Flag(help: "Print emails as they are in logs and messages instead of their keyed hash (email#…).")
    var showEmails = false

    /// The options, or a usage error.
    func options() throws -> UploadOptions {
        var options = UploadOptions()
        guard let duration = DurationText.parse(maxDuration) else {
            throw ValidationError("--max-duration: expected a duration such as 4h, 90m or 30s")
        }
        guard concurrency >= 1, concurrency <= 64 else { throw ValidationError("--concurrency: expected 1 to 64") }
        guard rateShare > 0, rateShare <= 1 else { throw ValidationError("--rate-share: expected a number above 0 and at most 1") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit: expected 0 or more requests a minute") }
        options.rateLimitPerMinute = rateLimit
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout: expected a positive number of seconds") }
        options.requestTimeout = requestTimeout
        options.maxDuration = duration
        options.concurrency = concurrency
        options.rateShare = rateShare
        options.baseURL = baseURL
        guard let horizon = DurationText.parse(reconcileHorizon) else {
            throw ValidationError("--reconcile-horizon: expected a duration such as 2m or 90s")
        }
        options.reconcileHorizon = horizon
        if let outage = ProcessInfo.processInfo.environment["OMNISEND_EXPORT_OUTAGE_SECONDS"].flatMap(Double.init), outage > 0 {
            // How long polls wait out an outage before the run stops (tests shorten the 5 minutes).
            options.outageLimit = outage
        }
        options.retryFailed = retryFailed
        options.acknowledgePersonalData = acknowledgePersonalData
        if let grace = ProcessInfo.processInfo.environment["OMNISEND_EXPORT_POLL_SECONDS"].flatMap(Double.init) {
            // Shorter polls for rehearsals and tests against the simulator.
            options.pollInitialDelay = grace
            options.pollMaxDelay = max(grace, 0.5)
        }
        return options
    }
}

/// Runs one upload for a command: resolves the destination (or starts the bundled simulator),
/// installs the signal handlers, shows progress, writes the report and picks the exit code.
enum UploadDriver {
    static func upload(runDirectory: String, flags: UploadFlags, recorder: RunRecorder? = nil) async -> Int32 {
        var options: UploadOptions
        let redactor = RedactionKeyFile.redactor(runDirectory: runDirectory, showsEmails: flags.showEmails)
        let note: @Sendable (String) -> Void = { Console.note(redactor.scrub($0)) }
        do { options = try flags.options() } catch {
            note("error: \(error)")
            return ExitCodes.usage
        }
        var simulator: RunningSimulator?
        defer { if let simulator { Task { try? await simulator.stop() } } }
        let stop = StopSignal()
        let signals = SignalWatcher(stop: stop, runDirectory: runDirectory)
        defer { signals.cancel() }
        do {
            let manifest = try ManifestFile.read(runDirectory: runDirectory)
            var target = try UploadTarget.resolve(
                destination: manifest.destination, options: options, environment: ProcessInfo.processInfo.environment,
                relativeTo: nil, warn: note)
            if target == nil {
                var configuration = SimulatorConfiguration()
                configuration.port = 0
                configuration.stateDirectory = "\(runDirectory)/simulator"
                configuration.batchProcessingDelay = .milliseconds(20)
                let running = try await Simulator.start(configuration)
                simulator = running
                let version = manifest.destination.apiVersion
                target = UploadTarget(
                    baseURL: running.baseURL(for: version.rawValue), apiVersion: version,
                    key: APIKey(configuration.apiKeys.first ?? "test-key"))
                note(
                    "no API key configured: rehearsing against the bundled simulator at \(target!.baseURL) "
                        + "(set OMNISEND_API_KEY to upload to Omnisend)")
                var rehearsal = options
                rehearsal.pollInitialDelay = min(options.pollInitialDelay, 0.1)
                rehearsal.pollMaxDelay = min(options.pollMaxDelay, 1)
                recorder?.uploading(to: target!, rehearsal: true)
                return try await finish(
                    runDirectory: runDirectory, target: target!, options: rehearsal, stop: stop, redactor: redactor, recorder: recorder)
            }
            options.network = try NetworkSettings.resolve(
                baseURL: target!.baseURL, caFile: manifest.destination.caFile, environment: ProcessInfo.processInfo.environment)
            if let proxy = options.network.proxy { note("upload: through the proxy \(proxy.description)") }
            recorder?.uploading(to: target!, rehearsal: false)
            return try await finish(
                runDirectory: runDirectory, target: target!, options: options, stop: stop, redactor: redactor, recorder: recorder)
        } catch let error as ExportError {
            note("error: \(error)")
            return ExitCodes.code(for: error)
        } catch let error as UploadError {
            note("error: \(error)")
            switch error {
            case .locked: return ExitCodes.temporaryFailure
            case .personalDataNotAcknowledged: return ExitCodes.config
            case .invalidBaseURL: return ExitCodes.usage
            }
        } catch {
            note("error: \(error)")
            return ExitCodes.software
        }
    }

    private static func finish(
        runDirectory: String, target: UploadTarget, options: UploadOptions, stop: StopSignal, redactor: EmailRedactor,
        recorder: RunRecorder?
    ) async throws -> Int32 {
        let terminal = isatty(STDERR_FILENO) == 1 && Console.currentStyle == LogStyle()
        let bar = terminal ? ProgressLine() : nil
        let log: @Sendable (String) -> Void = { line in
            bar?.clear()
            Console.note(redactor.scrub(line))
        }
        var progress: (@Sendable (UploadProgress) -> Void)?
        if let bar { progress = { bar.show(ProgressBar.render($0)) } }
        let uploader = Uploader(runDirectory: runDirectory, target: target, options: options, stop: stop, log: log, progress: progress)
        let report = try await uploader.run()
        recorder?.uploaded(report)
        bar?.clear()
        print(report.table)
        let resume = "resume with: omnisend-export upload \(runDirectory)"
        switch report.stopReason {
        case .some(.interrupted):
            Console.outcome("interrupted; \(resume)")
            return ExitCodes.interrupted
        case .some(.terminated):
            Console.outcome("terminated; \(resume)")
            return ExitCodes.terminated
        case .some(.deadline):
            Console.outcome("stopped at --max-duration; \(resume)")
            return ExitCodes.deadline
        case .some(.keyRejected):
            Console.note("error: \(redactor.scrub(stop.message ?? "the API key was refused")); nothing more was sent")
            return ExitCodes.permission
        case .some(.unreachable), .some(.error):
            Console.outcome("stopped: \(redactor.scrub(stop.message ?? "Omnisend is unreachable")); \(resume)")
            return ExitCodes.temporaryFailure
        case .none:
            if !report.isComplete {
                Console.outcome("some chunks could not be settled; \(resume)")
                return ExitCodes.temporaryFailure
            }
            if report.failed > 0 {
                Console.outcome(
                    "\(report.failed) contact(s) failed: see \(runDirectory)/failed.ndjson; resend the transient ones "
                        + "(5xx, timeouts, not processed) with: omnisend-export upload \(runDirectory) --retry-failed")
                return ExitCodes.someContactsFailed
            }
            return ExitCodes.success
        }
    }
}

/// SIGINT/SIGTERM: the first raises the stop flag (the upload settles and checkpoints); a second
/// exits at once (the checkpoint stays valid: every state change is committed before its action).
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var received = 0

    init(stop: StopSignal, runDirectory: String) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                let count = lock.withLock {
                    received += 1
                    return received
                }
                let code = signalNumber == SIGINT ? ExitCodes.interrupted : ExitCodes.terminated
                if count > 1 {
                    Console.note("exiting now; resume with: omnisend-export upload \(runDirectory)")
                    exit(code)
                }
                stop.request(signalNumber == SIGINT ? .interrupted : .terminated)
                Console.note("stopping: settling requests in flight (press Ctrl-C again to exit at once)")
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// One redrawn progress line on stderr, at most five redraws a second.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date.distantPast

    func show(_ text: String) {
        lock.withLock {
            guard Date().timeIntervalSince(last) > 0.2 else { return }
            last = Date()
            FileHandleStream.standardError.write("\r\u{1B}[2K" + text)
        }
    }

    func clear() {
        lock.withLock { FileHandleStream.standardError.write("\r\u{1B}[2K") }
    }
}
