import ArgumentParser
import ExportCore
import ExportRunOperations
import ExportUpload

/// `omnisend-export inspect`: a human view of a run folder.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Look inside a run folder: chunks, one contact's path, rejects and failures.",
        discussion: """
            Exit 0 when it showed what was asked; 1 with --contact when the email is not in the run \
            (neither kept, rejected, duplicate nor failed); 64 for a chunk that does not exist.

            Examples:
              omnisend-export inspect runs/today --failed
              omnisend-export inspect runs/today --contact jane@example.com || echo "not in this run"
            """)

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

    @Flag(help: "Print emails as they are instead of their keyed hash (email#…).")
    var showEmails = false

    func run() async throws {
        let inspector = RunInspector(runDirectory: runDirectory)
        let redactor = RedactionKeyFile.redactor(runDirectory: runDirectory, showsEmails: showEmails)
        func show(_ text: String) { print(redactor.scrub(text)) }
        var missing = false
        try Console.reportingErrors {
            if let chunk { show(try inspector.chunk(chunk)) }
            if let contact {
                if let found = inspector.contact(contact) { show(found) } else {
                    show("not found in this run folder")
                    missing = true
                }
            }
            if rejects { show(inspector.rejects()) }
            if failed { show(inspector.failures()) }
            if chunk == nil && contact == nil && !rejects && !failed { show(try inspector.summary()) }
        }
        if missing { throw ExitCode(ExitCodes.checkFailed) }
    }
}
