import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The pipeline's `on_failure` command, run after a `run` or `upload` that did not exit 0 (for
/// mail or chat alerts): `/bin/sh -c COMMAND on_failure SUMMARY_PATH`, so `$1` is the summary
/// JSON's path, also in `OMNISEND_EXPORT_SUMMARY`, with `OMNISEND_EXPORT_EXIT_CODE`,
/// `OMNISEND_EXPORT_OUTCOME` and `OMNISEND_EXPORT_RUN_DIR`.
///
/// Its stdout and stderr go to our stderr (stdout stays the tool's own). It gets `timeout`
/// seconds, then SIGTERM. Its failure is reported as an error line and never changes the tool's
/// exit code; the command text is never printed (it may hold a webhook token).
struct FailureHook {
    let command: String
    let summaryPath: String
    let summary: RunSummary
    let environment: [String: String]
    var timeout: Double = 300

    func run() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command, "on_failure", summaryPath]
        var environment = environment
        environment["OMNISEND_EXPORT_SUMMARY"] = summaryPath
        environment["OMNISEND_EXPORT_EXIT_CODE"] = String(summary.exitCode)
        environment["OMNISEND_EXPORT_OUTCOME"] = summary.outcome
        environment["OMNISEND_EXPORT_RUN_DIR"] = summary.runDirectory ?? ""
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.standardError
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            Console.note("error: on_failure: could not start /bin/sh: \(error)")
            return
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Console.note("error: on_failure: the command did not finish within \(Int(timeout)) s and was stopped")
            return
        }
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal {
            Console.note("error: on_failure: the command was killed by signal \(process.terminationStatus)")
        } else if process.terminationStatus != 0 {
            Console.note("error: on_failure: the command exited with \(process.terminationStatus) (the run's exit code stays \(summary.exitCode))")
        } else {
            Console.note("on_failure: the command ran (summary: \(summaryPath))")
        }
    }
}
