import ExportChunks
import ExportCore
import ExportPipeline
import ExportPrepare
import ExportRunFolder
import ExportUpload
import Foundation

/// Collects what one `prepare`, `run` or `upload` did, and at its end writes the outcome for
/// scripts and people: the summary JSON (`--summary-json`), one line of `history.ndjson` (run and
/// upload, once there is a run folder), the pipeline's `on_failure` command after a failed run,
/// and `keep_runs` pruning after a successful one. None of these changes the exit code.
///
/// The drivers only report facts to it (`prepared`, `uploading`, `uploaded`); the rules live here.
final class RunRecorder: @unchecked Sendable {
    let command: String
    let output: OutputFlags
    let environment: [String: String]
    private let started = Date()
    private let lock = NSLock()
    private var settings: OutcomeSettings?
    private var runDirectory: String?
    private var manifest: RunManifest?
    private var report: UploadReport?
    private var destination: RunSummary.SummaryDestination?
    private var prepareSeconds: Double?
    private var uploadStarted: Date?
    private var uploadSeconds: Double?
    /// `inputs.skip_unchanged` found nothing new: nothing was written or sent.
    private var nothingNew: NothingNew?

    init(command: String, output: OutputFlags, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.command = command
        self.output = output
        self.environment = environment
    }

    /// `run`: the pipeline file, read for its name, `on_failure` and `keep_runs` before prepare.
    func usePipeline(at path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let read = OutcomeSettings.read(text: String(decoding: data, as: UTF8.self), path: path, environment: environment)
        lock.withLock { settings = read }
    }

    /// `upload`: the run folder's manifest and its copy of the pipeline.
    func useRunFolder(_ directory: String) {
        let manifest = try? ManifestFile.read(runDirectory: directory)
        let copy = FileManager.default.contents(atPath: "\(directory)/\(RunFolderLayout.pipelineCopy)")
        let original = manifest?.pipeline.path ?? PipelineLoader.defaultName(Self.name(of: directory))
        var read = copy.map { OutcomeSettings.read(text: String(decoding: $0, as: UTF8.self), path: original, environment: environment) }
        if read == nil, let manifest { read = OutcomeSettings(name: PipelineLoader.defaultName(manifest.pipeline.path)) }
        for problem in read?.problems ?? [] { Console.note("warning: \(problem)") }
        lock.withLock {
            runDirectory = directory
            self.manifest = manifest
            settings = read
        }
    }

    /// Prepare wrote `directory` (or began to: `manifest` is `nil` when it failed).
    func prepared(runDirectory directory: String, manifest: RunManifest?) {
        lock.withLock {
            runDirectory = directory
            if let manifest { self.manifest = manifest }
            prepareSeconds = Date().timeIntervalSince(started)
        }
    }

    /// The upload resolved its destination and starts.
    func uploading(to target: UploadTarget, rehearsal: Bool) {
        lock.withLock {
            destination = .init(baseURL: target.baseURL, apiVersion: target.apiVersion.rawValue, rehearsal: rehearsal)
            uploadStarted = Date()
        }
    }

    /// The upload session ended with `report`.
    func uploaded(_ report: UploadReport) {
        lock.withLock {
            self.report = report
            uploadSeconds = uploadStarted.map { Date().timeIntervalSince($0) }
        }
    }

    /// `inputs.skip_unchanged` found nothing new; ends the command with exit 0, outcome
    /// `nothing_new` in the summary JSON and, for `run`, a history line naming the last
    /// successful run folder, so that `history` shows the skipped night.
    func finishNothingNew(_ nothing: NothingNew) {
        lock.withLock { nothingNew = nothing }
        finish(exitCode: ExitCodes.success)
    }

    /// The outcome word for `exitCode` (the vocabulary of `history.ndjson`).
    static func outcome(exitCode: Int32, rehearsal: Bool) -> String {
        switch exitCode {
        case ExitCodes.success: return rehearsal ? "rehearsal" : "success"
        case ExitCodes.someContactsFailed: return "failed_items"
        case ExitCodes.deadline, ExitCodes.temporaryFailure, ExitCodes.interrupted, ExitCodes.terminated: return "stopped"
        case ExitCodes.limitsExceeded: return "limits_exceeded"
        default: return "error"
        }
    }

    /// The summary of the command as it ended with `exitCode`.
    func summary(exitCode: Int32, at finished: Date = Date()) -> RunSummary {
        lock.withLock {
            let redactor = runDirectory.map { RedactionKeyFile.redactor(runDirectory: $0, showsEmails: false) }
                ?? EmailRedactor(key: Array(UUID().uuidString.utf8))
            var files: [String: String] = [:]
            if let runDirectory {
                for (role, name) in [("failed", RunFolderLayout.failed), ("report", RunFolderLayout.report), ("rejects", RunFolderLayout.rejects)]
                where FileSystem.exists("\(runDirectory)/\(name)") {
                    files[role] = "\(runDirectory)/\(name)"
                }
                if command != "prepare" { files["history"] = RunHistoryFile.path(runsDirectory: Self.runsFolder(of: runDirectory)) }
            }
            return RunSummary(
                command: command, pipeline: settings?.name, runDirectory: runDirectory,
                outcome: nothingNew != nil && exitCode == ExitCodes.success
                    ? "nothing_new" : Self.outcome(exitCode: exitCode, rehearsal: destination?.rehearsal ?? false),
                exitCode: Int(exitCode),
                stopReason: report?.stopReason?.rawValue, errors: Console.printedErrors.map(redactor.scrub),
                destination: destination, counts: manifest?.counts, accepted: report?.accepted, failed: report?.failed,
                notSent: report?.notSent, files: files,
                timings: .init(
                    startedAt: Self.iso(started), finishedAt: Self.iso(finished), durationSeconds: Self.round(finished.timeIntervalSince(started)),
                    prepareSeconds: prepareSeconds.map(Self.round), uploadSeconds: uploadSeconds.map(Self.round)))
        }
    }

    /// Ends the command: summary JSON, history line, `on_failure`, `keep_runs`. Returns `exitCode`.
    @discardableResult
    func finish(exitCode: Int32) -> Int32 {
        let finished = Date()
        let summary = summary(exitCode: exitCode, at: finished)
        var summaryPath = output.summaryJSON
        if let path = summaryPath, !write(summary, to: path) { summaryPath = nil }
        if command != "prepare", let directory = summary.runDirectory, FileSystem.exists(directory) {
            appendHistory(summary, runsDirectory: Self.runsFolder(of: directory), runName: Self.name(of: directory))
        } else if command != "prepare", let nothing = lock.withLock({ nothingNew }) {
            appendHistory(summary, runsDirectory: nothing.runsDirectory, runName: nothing.lastRun)
        }
        let policy = lock.withLock { settings?.policy } ?? OutcomePolicy()
        if exitCode != ExitCodes.success, command != "prepare", let hook = policy.onFailure {
            let path = summaryPath ?? fallbackSummaryPath(summary)
            if let path, path == summaryPath || write(summary, to: path) {
                FailureHook(command: hook, summaryPath: path, summary: summary, environment: environment).run()
            }
        }
        if exitCode == ExitCodes.success, command != "prepare", let keep = policy.keepRuns, let directory = summary.runDirectory,
            let name = summary.pipeline
        {
            let result = RunPruner(runsDirectory: Self.runsFolder(of: directory), pipeline: name, keep: keep).prune(current: Self.name(of: directory))
            if !result.removed.isEmpty {
                Console.note("keep_runs \(keep): removed \(result.removed.count) older run folder(s): \(result.removed.joined(separator: ", "))")
            }
            if !result.keptUnfinished.isEmpty {
                Console.note("keep_runs \(keep): kept \(result.keptUnfinished.joined(separator: ", ")): upload not finished")
            }
        }
        return exitCode
    }

    /// Appends the line of `summary` to the history of `runsDirectory`; `runName` is the run
    /// folder it is about (for `nothing_new`, the last successful run whose inputs these are).
    private func appendHistory(_ summary: RunSummary, runsDirectory: String, runName: String) {
        let (manifest, report, nothing) = lock.withLock { (self.manifest, self.report, self.nothingNew) }
        let destination = summary.destination.map { $0.rehearsal ? "rehearsal" : "\($0.baseURL) (API \($0.apiVersion))" }
        let entry = RunHistoryEntry(
            pipeline: summary.pipeline ?? nothing?.pipeline ?? runName, runDirectory: runName, command: command,
            startedAt: summary.timings.startedAt, finishedAt: summary.timings.finishedAt, durationSeconds: summary.timings.durationSeconds,
            outcome: summary.outcome, exitCode: summary.exitCode, destination: destination, counts: manifest?.counts,
            sent: manifest?.contactsInChunks, accepted: report?.accepted, failed: report?.failed,
            inputs: manifest.map { $0.inputs.map { RunHistoryEntry.Input(path: $0.path, sha256: $0.sha256) } } ?? nothing?.files ?? [])
        do {
            try RunHistoryFile.append(entry, runsDirectory: runsDirectory)
        } catch {
            Console.note("error: could not append to the run history: \(error)")
        }
    }

    /// Where `on_failure` finds the summary without `--summary-json`: `RUN_DIR/summary.json`, or a
    /// file in the temporary folder when prepare failed before creating the run folder.
    private func fallbackSummaryPath(_ summary: RunSummary) -> String? {
        if let directory = summary.runDirectory, FileSystem.exists(directory) { return "\(directory)/\(RunRecorder.summaryFileName)" }
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return "\(temporary)/omnisend-export-summary-\(getpid()).json"
    }

    /// The summary file `on_failure` gets when no `--summary-json` was given.
    static let summaryFileName = "summary.json"

    private func write(_ summary: RunSummary, to path: String) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            try AtomicFileWriter.write([UInt8](try encoder.encode(summary)) + [0x0A], to: path)
            return true
        } catch {
            Console.note("error: could not write the summary: \(error)")
            return false
        }
    }

    /// The runs folder of a run folder: its parent.
    static func runsFolder(of runDirectory: String) -> String {
        var path = runDirectory
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last path component of a run folder.
    static func name(of runDirectory: String) -> String {
        runDirectory.split(separator: "/").last.map(String.init) ?? runDirectory
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    private static func round(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
