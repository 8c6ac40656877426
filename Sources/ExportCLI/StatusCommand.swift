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

    func run() async throws {
        let status = try Console.reportingErrors { try UploadStatus(runDirectory: runDirectory) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.text)
        }
    }
}
