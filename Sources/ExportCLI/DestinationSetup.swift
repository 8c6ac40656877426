import ArgumentParser
import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation
import OmnisendSimulator

/// Where an upload goes before anything is sent: a real destination (resolved key, URL and
/// version) or an explicit rehearsal against the bundled simulator.
enum DestinationPlan {
    /// A real destination.
    case real(UploadTarget)
    /// A rehearsal (`--rehearse` or `destination: { simulator: true }`) for this API version.
    case rehearsal(APIVersion)

    /// Resolves the plan of `destination` under the command's flags.
    /// - Throws: `ValidationError` for `--rehearse` with `--base-url`; `UploadError.missingKey`
    ///   (exit 78) when no key is configured and no rehearsal was asked for; the errors of
    ///   `UploadTarget.resolve`.
    static func make(
        destination: Destination, flags: UploadFlags, options: UploadOptions, warn: (String) -> Void
    ) throws -> DestinationPlan {
        if flags.rehearse || destination.rehearses {
            if flags.destination.baseURL != nil {
                throw ValidationError(
                    "--base-url cannot be combined with a rehearsal (--rehearse or destination: { simulator: true }): a rehearsal uses the bundled simulator")
            }
            return .rehearsal(destination.apiVersion)
        }
        return .real(
            try UploadTarget.resolve(
                destination: destination, options: options, environment: ProcessInfo.processInfo.environment, relativeTo: nil, warn: warn))
    }
}

/// The bundled simulator of a rehearsal: started on 127.0.0.1 with its state in `RUN_DIR/simulator`
/// (so a resumed rehearsal finds its batches), after the run folder's lock is taken.
enum Rehearsal {
    /// Starts the simulator and returns it with the target that points at it.
    static func start(runDirectory: String, apiVersion: APIVersion) async throws -> (RunningSimulator, UploadTarget) {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.stateDirectory = "\(runDirectory)/\(RunFolderLayout.simulatorDirectory)"
        configuration.batchProcessingDelay = .milliseconds(20)
        let running = try await Simulator.start(configuration)
        let target = UploadTarget(
            baseURL: running.baseURL(for: apiVersion.rawValue), apiVersion: apiVersion,
            key: APIKey(configuration.apiKeys.first ?? "test-key"), rehearsalOf: runDirectory)
        return (running, target)
    }
}

/// The command that resumes an upload, complete enough to paste as it is: the run folder, the
/// destination (`--base-url` or `--rehearse`) and every option that differs from its default.
enum ResumeCommand {
    static func text(runDirectory: String, flags: UploadFlags, rehearsal: Bool, baseURL: String?) -> String {
        var words = ["omnisend-export", "upload", runDirectory]
        if rehearsal {
            if flags.rehearse { words.append("--rehearse") }
        } else if let baseURL {
            words += ["--base-url", baseURL]
        }
        let defaults = UploadFlags.defaults
        if flags.maxDuration != defaults.maxDuration { words += ["--max-duration", flags.maxDuration.text] }
        if flags.concurrency != defaults.concurrency { words += ["--concurrency", String(flags.concurrency)] }
        if flags.destination.rateShare != defaults.destination.rateShare { words += ["--rate-share", String(flags.destination.rateShare)] }
        if flags.destination.rateLimit != defaults.destination.rateLimit { words += ["--rate-limit", String(flags.destination.rateLimit)] }
        if flags.requestTimeout != defaults.requestTimeout { words += ["--request-timeout", String(flags.requestTimeout)] }
        if flags.acknowledgePersonalData { words.append("--acknowledge-personal-data") }
        if flags.noDestinationCheck { words.append("--no-destination-check") }
        if flags.noWriteProbe { words.append("--no-write-probe") }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `word`, single-quoted when the shell would split or expand it.
    static func shellQuoted(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty, word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension UploadDriver {
    /// Runs the destination check of `target` and prints its findings; the exit code of its
    /// problem, or `nil` when the upload may go on.
    static func checkDestination(
        _ target: UploadTarget, probeWrite: Bool, options: UploadOptions, openChunks: Int?, prefix: String = "destination check: ",
        findingsToStandardOutput: Bool = false
    ) async -> Int32? {
        let report = await DestinationCheck(target: target, probeWrite: probeWrite, options: options).run(openChunks: openChunks)
        for line in report.lines {
            let text = prefix + target.key.redact(line)
            if findingsToStandardOutput { print(text) } else { Console.note(text) }
        }
        fflush(nil)
        guard let problem = report.problem else { return nil }
        switch problem {
        case .keyRefused(let message), .missingPermission(let message), .versionUnavailable(let message):
            Console.note("error: \(message); nothing was sent")
        case .unreachable(let message):
            Console.note("error: \(message); nothing was sent; try again later")
        }
        return ExitCodes.code(for: problem)
    }
}
