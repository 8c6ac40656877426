import ArgumentParser
import ExportChunks
import ExportReport
import Foundation

/// `omnisend-export history`: the runs of a runs folder, from its `history.ndjson`.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List past runs from the runs folder's history.ndjson (pruned run folders included).",
        discussion: """
            One line per run, prepare or upload, oldest first: date, pipeline, rows, sent, rejected, \
            failed, duration, outcome (success, failed_items, stopped, limits_exceeded, nothing_new, \
            rehearsal, error).

            Examples:
              omnisend-export history
              omnisend-export history --runs /srv/exports/runs --pipeline customer-insights
              omnisend-export history --json | jq '.[] | select(.outcome != "success")'
              omnisend-export report --runs runs     (the same as a page, with a trend chart)
            """)

    @Option(help: "The runs folder (default: runs).")
    var runs: String = "runs"

    @Option(help: "Only this pipeline's runs (its name:).")
    var pipeline: String?

    @Flag(help: "Print the runs as a JSON array (the lines of history.ndjson).")
    var json = false

    func run() throws {
        let index = RunIndex(runsDirectory: runs, pipeline: pipeline)
        if json {
            print(index.json)
            return
        }
        guard !index.entries.isEmpty else {
            let file = RunHistoryFile.path(runsDirectory: runs)
            Console.note(
                FileManager.default.fileExists(atPath: file)
                    ? "no runs\(pipeline.map { " of \($0)" } ?? "") in \(file)" : "no history yet: \(file) does not exist")
            return
        }
        print(index.table)
    }
}
