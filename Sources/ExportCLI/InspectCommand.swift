import ArgumentParser
import ExportCore
import ExportUpload

/// `omnisend-export inspect`: a human view of a run folder.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Look inside a run folder: chunks, one contact's path, rejects and failures.")

    @Argument(help: "The run folder.")
    var runDirectory: String

    @Option(help: "Show the contacts of chunk N, where each came from and what Omnisend answered.")
    var chunk: Int?

    @Option(help: "Show where one email went: input line, kept, rejected or duplicate, chunk, batch, answer.")
    var contact: String?

    @Flag(help: "Show reject reasons with counts and examples.")
    var rejects = false

    @Flag(help: "Show Omnisend's failure reasons with counts and examples.")
    var failed = false

    func run() async throws {
        let inspector = RunInspector(runDirectory: runDirectory)
        try Console.reportingErrors {
            if let chunk { print(try inspector.chunk(chunk)) }
            if let contact { print(inspector.contact(contact)) }
            if rejects { print(inspector.rejects()) }
            if failed { print(inspector.failures()) }
            if chunk == nil && contact == nil && !rejects && !failed { print(try inspector.summary()) }
        }
    }
}
