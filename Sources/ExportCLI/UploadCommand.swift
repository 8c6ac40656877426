import ArgumentParser
import Dispatch
import ExportChunks
import ExportCore
import ExportRunOperations
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
            pipeline's destination names (api_key_env, api_key_file); never from the command line. \
            Without a key, upload exits 78 and says how to set one. To rehearse against the bundled \
            simulator instead (nothing leaves the machine), pass --rehearse or set \
            destination: { simulator: true } in the pipeline; a rehearsal ends with a REHEARSAL \
            summary and report.json outcome "rehearsal".

            First, a destination check (one GET /batches, one empty POST /batches) finds a refused \
            key, a missing write permission or a wrong API version before anything is sent \
            (--no-destination-check skips it, --no-write-probe skips the POST). The run folder \
            remembers its destination (base URL, API version, key fingerprint): an upload to \
            another one exits 4; --new-destination starts over for the new one and keeps the old \
            checkpoint as checkpoint-<n>.sqlite.

            Run it again on the same folder to resume: finished chunks are skipped, batches already \
            taken are polled, never re-sent, and a chunk whose POST had no answer is looked up on \
            Omnisend before it is sent again.

            Exit codes (the whole table is in `omnisend-export --help`): 0 all accepted (or a \
            rehearsal finished); 2 some contacts failed (failed.ndjson; --retry-failed resends the \
            transient ones); 3 stopped at --max-duration (resumable); 4 the run folder belongs to \
            another destination; 6 the key lacks a permission; 65 run folder changed since prepare; \
            74 the checkpoint could not be written (disk full); 75 Omnisend unreachable or another \
            upload holds the folder (resumable); 77 API key refused; 78 configuration (no key, no \
            personal-data acknowledgement, API version not answering); 130/143 interrupted (resumable).

            Behind a proxy: HTTPS_PROXY / HTTP_PROXY (or https_proxy / http_proxy) are used for the \
            destination unless NO_PROXY names its host; destination.ca_file adds a CA bundle (PEM).

            For cron: --quiet prints only errors and the final summary; --log-format json writes one \
            JSON object a log line; --summary-json PATH writes the outcome for other tools.

            Examples:
              OMNISEND_API_KEY=… omnisend-export upload runs/sample-csv-20261203-101500
              omnisend-export upload runs/demo --rehearse
              omnisend-export upload runs/demo --base-url https://api.omnisend.com/v5 --new-destination
            """)

    @Argument(help: "The run folder written by prepare.")
    var runDirectory: String

    @Flag(help: "Start over for a destination other than the one this run folder was uploaded to (the old checkpoint is kept as checkpoint-<n>.sqlite).")
    var newDestination = false

    @OptionGroup var flags: UploadFlags

    @OptionGroup var output: OutputFlags

    func run() async throws {
        Console.configure(output.style)
        let recorder = RunRecorder(command: "upload", output: output)
        recorder.useRunFolder(runDirectory)
        let code = recorder.finish(
            exitCode: await UploadDriver.upload(runDirectory: runDirectory, flags: flags, recorder: recorder, newDestination: newDestination))
        ReportHook.refresh(runDirectory: runDirectory, showEmails: flags.showEmails)
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}

/// The flags `upload` and `run` share.
struct UploadFlags: ParsableArguments {
    /// `--base-url`, `--rate-share`, `--rate-limit`.
    @OptionGroup var destination: DestinationFlags

    @Flag(help: "Rehearse: upload to the bundled simulator (started on 127.0.0.1, state in RUN_DIR/simulator) instead of Omnisend; no key needed, nothing leaves the machine.")
    var rehearse = false

    // The help names the default itself: argument-parser shows defaults only of options without a transform.
    @Option(
        help: "Stop (resumably) before this much time has passed: 4h, 90m, 30s. (default: 4h)",
        transform: DurationOption.parser(examples: "4h, 90m or 30s"))
    var maxDuration: DurationOption = "4h"

    @Option(help: "Chunks in flight at once.")
    var concurrency: Int = 4

    @Option(help: "Seconds one request may take before it is abandoned (a POST abandoned so is then looked up on Omnisend, see --reconcile-horizon).")
    var requestTimeout: Double = 30

    @Option(
        help: ArgumentHelp(
            "How long after a POST without a usable answer (timeout, network error, 5xx) its batch is looked for before the chunk is posted again: 2m, 90s. (default: 2m)",
            valueName: "DURATION"),
        transform: DurationOption.parser(examples: "2m or 90s"))
    var reconcileHorizon: DurationOption = "2m"

    @Flag(help: "Send again the contacts that failed for transient reasons (5xx, timeouts, stopped batches).")
    var retryFailed = false

    @Flag(help: "Acknowledge that uploading sends personal data out of your systems (needed for non-loopback URLs).")
    var acknowledgePersonalData = false

    @Flag(help: "Skip the destination check (key, write permission, API version) before the upload.")
    var noDestinationCheck = false

    @Flag(help: "Skip the check's empty POST /batches that tells whether the key may write contacts (also: write_probe: false in the destination).")
    var noWriteProbe = false

    @Flag(help: "Print emails as they are in logs and messages instead of their keyed hash (email#…).")
    var showEmails = false

    /// The flags at their defaults (to tell which ones a resume command must repeat).
    static var defaults: UploadFlags { (try? UploadFlags.parse([])) ?? UploadFlags() }

    /// The options, or a usage error.
    func options() throws -> UploadOptions {
        var options = UploadOptions()
        guard concurrency >= 1, concurrency <= 64 else { throw ValidationError("--concurrency: expected 1 to 64") }
        options.rateLimitPerMinute = destination.rateLimit
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout: expected a positive number of seconds") }
        options.requestTimeout = requestTimeout
        options.maxDuration = maxDuration.seconds
        options.concurrency = concurrency
        options.rateShare = destination.rateShare
        options.baseURL = destination.baseURL
        options.reconcileHorizon = reconcileHorizon.seconds
        if let outage = ProcessInfo.processInfo.environment["OMNISEND_EXPORT_OUTAGE_SECONDS"].flatMap(Double.init), outage > 0 {
            // How long polls wait out an outage before the run stops (tests shorten the 5 minutes).
            options.outageLimit = outage
        }
        options.retryFailed = retryFailed
        options.acknowledgePersonalData = acknowledgePersonalData
        if ProcessInfo.processInfo.environment["OMNISEND_EXPORT_POLL"] == "per-batch" {
            // Polls one batch at a time and reads every batch's items (the upload benchmark's "before").
            options.pollByListing = false
            options.readCleanBatchItems = true
        }
        if let window = ProcessInfo.processInfo.environment["OMNISEND_EXPORT_RATE_WINDOW_SECONDS"].flatMap(Double.init), window > 0 {
            // A shorter rate window, for tests against a simulator with a short window.
            options.rateWindow = window
        }
        if let grace = ProcessInfo.processInfo.environment["OMNISEND_EXPORT_POLL_SECONDS"].flatMap(Double.init) {
            // Shorter polls for rehearsals and tests against the simulator.
            options.pollInitialDelay = grace
            options.pollMaxDelay = max(grace, 0.5)
        }
        return options
    }
}

/// Runs one upload for a command: resolves the destination (or starts the bundled simulator for
/// an explicit rehearsal, after taking the run folder's lock), binds the run folder to it, checks
/// it, installs the signal handlers, shows progress, writes the report and picks the exit code.
enum UploadDriver {
    /// - Parameter destinationChecked: `run` checked the destination before prepare already.
    static func upload(
        runDirectory: String, flags: UploadFlags, recorder: RunRecorder? = nil, newDestination: Bool = false,
        destinationChecked: Bool = false
    ) async -> Int32 {
        let options: UploadOptions
        let redactor = RedactionKeyFile.redactor(runDirectory: runDirectory, showsEmails: flags.showEmails)
        let note: @Sendable (String) -> Void = { Console.note(redactor.scrub($0)) }
        do { options = try flags.options() } catch {
            return ExitCodes.report(error, note: note)
        }
        var simulator: RunningSimulator?
        defer { if let simulator { Task { try? await simulator.stop() } } }
        // Installed first, so that a Ctrl-C during the destination check also stops resumably.
        let stop = StopSignal()
        let signals = SignalWatcher(stop: stop, resume: "omnisend-export upload \(ResumeCommand.shellQuoted(runDirectory))")
        defer { signals.cancel() }
        var store: CheckpointStore?
        do {
            let manifest = try ManifestFile.read(runDirectory: runDirectory)
            let plan = try DestinationPlan.make(destination: manifest.destination, flags: flags, options: options, warn: note)
            let lock = try RunFolderLock(runDirectory: runDirectory)
            defer { lock.release() }
            var target: UploadTarget
            var uploadOptions = options
            let identity: DestinationIdentity
            switch plan {
            case .real(let real):
                target = real
                let state = try StateDirectory(environment: ProcessInfo.processInfo.environment)
                identity = real.identity(secret: try InstallSecret(state: state))
                // Uploads to the same destination share one rate budget through a ledger.
                uploadOptions.rateLedger = try RateLedger.path(in: state, identity: identity)
            case .rehearsal(let version):
                identity = DestinationIdentity(rehearsalOf: runDirectory, apiVersion: version)
                target = UploadTarget(baseURL: "", apiVersion: version, key: APIKey(""), rehearsalOf: runDirectory)
            }
            switch try DestinationBinding.bind(runDirectory: runDirectory, identity: identity, newDestination: newDestination) {
            case .startedOver(let previous, let archivedAs):
                note("destination: this run folder was uploaded to \(previous); that checkpoint is kept as \(archivedAs) and the upload to \(identity) starts from the first chunk")
            case .resumed, .recorded:
                if newDestination { note("destination: \(identity) is the one this run folder was uploaded to; resuming (--new-destination not needed)") }
            }
            store = try CheckpointStore(runDirectory: runDirectory)
            if target.isRehearsal {
                let (running, rehearsal) = try await Rehearsal.start(runDirectory: runDirectory, apiVersion: target.apiVersion)
                simulator = running
                target = rehearsal
                note(
                    "REHEARSAL: uploading to the bundled simulator at \(target.baseURL) (state in \(runDirectory)/simulator); "
                        + "nothing is sent to Omnisend")
                uploadOptions.pollInitialDelay = min(options.pollInitialDelay, 0.1)
                uploadOptions.pollMaxDelay = min(options.pollMaxDelay, 1)
            } else {
                uploadOptions.network = try NetworkSettings.resolve(
                    baseURL: target.baseURL, caFile: manifest.destination.caFile, environment: ProcessInfo.processInfo.environment)
                if let proxy = uploadOptions.network.proxy { note("upload: through the proxy \(proxy.description)") }
            }
            if !target.isRehearsal && !destinationChecked && !flags.noDestinationCheck {
                let status = try UploadStatus(runDirectory: runDirectory)
                if let code = await checkDestination(
                    target, probeWrite: manifest.destination.probesWrite && !flags.noWriteProbe, options: uploadOptions,
                    openChunks: status.chunksPending + status.chunksInFlight)
                {
                    try store?.recordStop("destination_check", message: "the destination check failed (exit \(code))")
                    return code
                }
            }
            let syncState = try SyncHook.beforeUpload(runDirectory: runDirectory, manifest: manifest, rehearsal: target.isRehearsal, note: note)
            try store?.recordRate(limitPerMinute: uploadOptions.rateLimitPerMinute, share: uploadOptions.rateShare)
            recorder?.uploading(to: target, rehearsal: target.isRehearsal)
            let resume = ResumeCommand.text(runDirectory: runDirectory, flags: flags, rehearsal: target.isRehearsal, baseURL: target.baseURL)
            signals.resume = resume
            let periodic = SyncHook.recordPeriodically(runDirectory: runDirectory, manifest: manifest, store: syncState)
            defer { periodic?.cancel() }
            let code = try await finish(
                runDirectory: runDirectory, target: target, options: uploadOptions, redactor: redactor, lock: lock, resume: resume,
                store: store, stop: stop, recorder: recorder)
            SyncHook.afterUpload(runDirectory: runDirectory, manifest: manifest, store: syncState, note: note)
            return code
        } catch {
            try? store?.recordStop("error", message: redactor.scrub(String(describing: error)))
            return ExitCodes.report(error, note: note)
        }
    }

    private static func finish(
        runDirectory: String, target: UploadTarget, options: UploadOptions, redactor: EmailRedactor, lock: RunFolderLock,
        resume: String, store: CheckpointStore?, stop: StopSignal, recorder: RunRecorder?
    ) async throws -> Int32 {
        let terminal = isatty(STDERR_FILENO) == 1 && Console.currentStyle == LogStyle()
        let bar = terminal ? ProgressLine() : nil
        let log: @Sendable (String) -> Void = { line in
            bar?.clear()
            Console.note(redactor.scrub(line))
        }
        var progress: (@Sendable (UploadProgress) -> Void)?
        if let bar { progress = { bar.show(ProgressBar.render($0)) } }
        let uploader = Uploader(
            runDirectory: runDirectory, target: target, options: options, stop: stop, log: log, progress: progress, heldLock: lock)
        let report = try await uploader.run()
        recorder?.uploaded(report)
        bar?.clear()
        if target.isRehearsal { print("REHEARSAL against the bundled simulator: nothing was sent to Omnisend") }
        print(report.table)
        try? store?.recordStop(report.stopReason?.rawValue ?? (report.isComplete ? "complete" : "unsettled"), message: stop.message.map(redactor.scrub))
        let resumeWith = "resume with: \(resume)"
        switch report.stopReason {
        case .some(.interrupted):
            Console.outcome("interrupted; \(resumeWith)")
            return ExitCodes.interrupted
        case .some(.terminated):
            Console.outcome("terminated; \(resumeWith)")
            return ExitCodes.terminated
        case .some(.deadline):
            Console.outcome("stopped at --max-duration; \(resumeWith)")
            return ExitCodes.deadline
        case .some(.keyRejected):
            let message = redactor.scrub(stop.message ?? "the API key was refused")
            if message.contains("HTTP 403") {
                Console.note("error: the API key lacks a permission this upload needs (\(message)); nothing more was sent; \(resumeWith) once the key may write contacts")
                return ExitCodes.missingPermission
            }
            Console.note("error: \(message); nothing more was sent")
            return ExitCodes.permission
        case .some(.unreachable), .some(.error):
            Console.outcome("stopped: \(redactor.scrub(stop.message ?? "Omnisend is unreachable")); \(resumeWith)")
            return ExitCodes.temporaryFailure
        case .none:
            if !report.isComplete {
                Console.outcome("some chunks could not be settled; \(resumeWith)")
                return ExitCodes.temporaryFailure
            }
            if report.failed > 0 {
                Console.outcome(
                    "\(report.failed) contact(s) failed: see \(runDirectory)/failed.ndjson; resend the transient ones "
                        + "(5xx, timeouts, not processed) with: \(resume) --retry-failed")
                if target.isRehearsal { Console.outcome("REHEARSAL: nothing was sent to Omnisend") }
                return ExitCodes.someContactsFailed
            }
            if target.isRehearsal {
                Console.note(
                    "REHEARSAL finished: the bundled simulator accepted \(report.accepted) contact(s); nothing was sent to Omnisend. "
                        + "To upload for real: set OMNISEND_API_KEY and run omnisend-export upload \(ResumeCommand.shellQuoted(runDirectory))")
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
    private var resumeText: String

    /// The resume command printed when a second signal exits at once.
    var resume: String {
        get { lock.withLock { resumeText } }
        set { lock.withLock { resumeText = newValue } }
    }

    init(stop: StopSignal, resume: String) {
        resumeText = resume
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
                    Console.note("exiting now; resume with: \(self.resume)")
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
