import ArgumentParser
import ExportCore

/// `omnisend-export`: segment exports in, Omnisend contacts out.
public struct RootCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "omnisend-export",
        abstract: "Load customer segment exports (CSV, NDJSON, zip/tar bundles) into Omnisend, reliably.",
        discussion: """
            A run has two stages. `prepare` reads the exports, validates and deduplicates every row, \
            maps rows to Omnisend contacts and writes a run folder of chunk files (the exact request \
            bodies), a manifest and a rejects file. `upload` sends those chunks with a durable \
            checkpoint, so an interrupted run resumes where it stopped.

            Start with:  omnisend-export prepare pipelines/sample-csv.yaml


            """ + ExitCodes.table,
        version: ToolVersion.current,
        subcommands: [
            PrepareCommand.self, CheckCommand.self, UploadCommand.self, RunCommand.self, StatusCommand.self,
            InspectCommand.self, VerifyCommand.self, SimulatorCommand.self, ForgetCommand.self,
            ReportCommand.self, HistoryCommand.self, StateCommand.self,
        ]
    )

    public init() {}
}

extension RootCommand {
    /// The program's entry point: parses the command line and runs the chosen command.
    ///
    /// Spelled out rather than `await RootCommand.main()`, which overload resolution can bind to
    /// the synchronous `ParsableCommand.main()` that refuses an asynchronous root.
    public static func runAsMain() async {
        ProcessHardening.apply()
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
