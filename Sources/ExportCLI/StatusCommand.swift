import ArgumentParser
import ExportCore
import ExportUpload
import Foundation

/// `omnisend-export status`: where an upload stands, from the checkpoint alone (no network).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show where an upload stands, from the checkpoint alone.")

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
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.text)
        }
    }
}
