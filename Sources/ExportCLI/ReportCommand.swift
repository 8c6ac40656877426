import ArgumentParser
import ExportChunks
import ExportCore
import ExportReport
import ExportRunFolder
import Foundation

/// `omnisend-export report`: (re)build a run folder's `report.html`, or a runs folder's `index.html`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run folder's report.html (or, with --runs, the runs folder's index.html).",
        discussion: """
            report.html is one self-contained page (no script, nothing fetched: it reads offline and \
            can be attached to an email): where the rows went, why rows were rejected (a few \
            examples each, emails masked), warnings by field, how full each contact field is, the \
            upload over time, what Omnisend refused, and where it all came from. prepare writes it \
            and upload rewrites it; this command rebuilds it at any time, also while an upload \
            runs (the checkpoint is only read).

            With --runs DIR it writes DIR/index.html instead: every run in DIR/history.ndjson, with \
            a trend of rows, rejects and failures across runs.

            Examples:
              omnisend-export report runs/customer-insights-20261203-020000 --open
              omnisend-export report --runs runs --pipeline customer-insights
            """)

    @Argument(help: "The run folder (omit with --runs).")
    var runDirectory: String?

    @Option(help: "Write the runs folder's index.html instead of a run's report.")
    var runs: String?

    @Option(help: "With --runs: only this pipeline's runs (its name:).")
    var pipeline: String?

    @Flag(help: "Open the page with xdg-open (else print its path).")
    var open = false

    @Flag(help: "Show emails in the rejects' examples as they are instead of masked (a•••@example.com).")
    var showEmails = false

    func validate() throws {
        if runs == nil && runDirectory == nil { throw ValidationError("give a run folder, or --runs DIR for the runs index") }
        if runs != nil && runDirectory != nil { throw ValidationError("give a run folder or --runs DIR, not both") }
        if pipeline != nil && runs == nil { throw ValidationError("--pipeline goes with --runs DIR") }
    }

    func run() throws {
        let path: String
        if let runs {
            path = try Console.reportingErrors {
                let history = RunHistoryFile.path(runsDirectory: runs)
                guard FileManager.default.fileExists(atPath: history) else {
                    throw ExportError(.noInput, "no history yet (run or upload a pipeline first)", path: history)
                }
                return try RunIndex(runsDirectory: runs, pipeline: pipeline).write()
            }
        } else {
            let folder = runDirectory ?? "."
            path = try Console.reportingErrors { try RunReport(runDirectory: folder, showEmails: showEmails).write() }
        }
        print(path)
        if open { Self.open(path) }
    }

    /// Opens `path` with xdg-open when there is one; says so when there is none.
    static func open(_ path: String) {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let opener = searchPath.split(separator: ":").map({ "\($0)/xdg-open" })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            Console.note("no xdg-open here: open \(path) in a browser")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [path]
        do { try process.run() } catch { Console.note("cannot run xdg-open: \(error); open \(path) in a browser") }
    }
}

/// The hook `prepare`, `upload` and `run` call when they finish: (re)writes `report.html`.
/// A report that cannot be written is a warning, never the command's failure.
enum ReportHook {
    static func refresh(runDirectory: String, showEmails: Bool = false) {
        guard FileManager.default.fileExists(atPath: "\(runDirectory)/\(RunFolderLayout.manifest)") else { return }
        do { try RunReport(runDirectory: runDirectory, showEmails: showEmails).write() } catch {
            Console.note("warning: cannot write \(runDirectory)/\(RunFolderLayout.reportHTML): \(error)")
        }
    }
}
