import ArgumentParser
import ExportCore
import ExportRunOperations
import ExportUpload
import Foundation

/// `omnisend-export status`: where an upload stands, from the checkpoint alone (no network).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show where an upload stands, from the checkpoint alone.",
        discussion: """
            Shows the chunks and contacts by state, the destination the run folder was uploaded to \
            (base URL, API version, key fingerprint; or the rehearsal), why the last upload stopped, \
            and an ETA at the recorded rate share. Sends nothing.

            Exit codes: 0 every chunk done; 2 done with failed contacts (failed.ndjson); 3 unfinished \
            and resumable (also before the first upload); 65/66 the run folder is unusable.

            Examples:
              omnisend-export status runs/demo-sample-csv
              omnisend-export status runs/demo-sample-csv --json | jq .outcome
            """)

    @Argument(help: "The run folder.")
    var runDirectory: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print emails in the last errors as they are instead of their keyed hash (email#…).")
    var showEmails = false

    func run() async throws {
        var status = try Console.reportingErrors { try UploadStatus(runDirectory: runDirectory) }
        let redactor = RedactionKeyFile.redactor(runDirectory: runDirectory, showsEmails: showEmails)
        status.lastErrors = status.lastErrors.map(redactor.scrub)
        status.stopMessage = status.stopMessage.map(redactor.scrub)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.text)
        }
        switch status.outcome {
        case "done": return
        case "done_with_failures": throw ExitCode(ExitCodes.someContactsFailed)
        default: throw ExitCode(ExitCodes.deadline)
        }
    }
}
